package runtime

import (
	"context"
	"iter"
	goruntime "runtime"
	"sync"
)

// A Result is one output of a [Pool]: the value and error f returned for one
// input.
type Result[T any] struct {
	Value T
	Err   error
}

// Pool starts n workers that call f(ctx, v) for each v received from in, and
// returns a channel of their results, in no particular order. n < 1 means
// GOMAXPROCS workers. An error from f is delivered as a [Result] and does not
// stop the pool; a panic in f is delivered as a Result whose Err is a
// *[PanicError].
//
// Each worker stops when in is closed (after its last result is delivered) or
// when ctx is done (dropping the result it holds, if any); the output channel
// is closed once all have stopped. Nothing Pool starts outlives that close.
//
// The caller must either read the output until it is closed, or cancel ctx:
// a worker waits to deliver its result until one of the two happens, and
// Pool does not read in after ctx is done, so whoever sends on in must also
// select on ctx.Done() (or close in). f must return soon after ctx is done.
// When the inputs are a slice or an iterator, [PoolSeq] does the sending.
func Pool[In, Out any](ctx context.Context, n int, in <-chan In, f func(context.Context, In) (Out, error)) <-chan Result[Out] {
	return pool(ctx, n, in, f, nil)
}

// PoolSeq is [Pool] over the values of seq instead of a channel: it ranges
// over seq in a goroutine of its own, the feeder, and hands each value to a
// worker. Use [slices.Values] for a slice:
//
//	for r := range runtime.PoolSeq(ctx, 8, slices.Values(urls), fetch) {
//		...
//	}
//
// The feeder stops when seq is exhausted (the workers then finish the values
// they hold and stop) or when ctx is done, whichever comes first; the output
// channel is closed once the feeder and all workers have stopped, so, unlike
// the goroutine that a caller of Pool writes to send on in, the feeder cannot
// be left blocked when the pool stops first. A panic in seq ends the feeding
// and is delivered as a Result whose Err is a *[PanicError] (and whose Value
// is the zero Out). seq must not block long without yielding: the feeder
// notices that ctx is done only between two values.
//
// The caller's obligation is Pool's: read the output until it is closed, or
// cancel ctx.
func PoolSeq[In, Out any](ctx context.Context, n int, seq iter.Seq[In], f func(context.Context, In) (Out, error)) <-chan Result[Out] {
	in := make(chan In)
	return pool(ctx, n, in, f, func(out chan<- Result[Out]) {
		defer close(in)
		if err := feed(ctx, seq, in); err != nil {
			select {
			case out <- Result[Out]{Err: err}:
			case <-ctx.Done():
			}
		}
	})
}

// feed sends the values of seq on in until seq is exhausted or ctx is done,
// and returns the *PanicError of a panic in seq.
func feed[In any](ctx context.Context, seq iter.Seq[In], in chan<- In) (err error) {
	defer catch(&err)
	for v := range seq {
		select {
		case in <- v:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}

// pool runs Pool's n workers over in and, if feeder is not nil, feeder in one
// more goroutine, which may deliver results on out; out is closed when all
// have returned.
func pool[In, Out any](ctx context.Context, n int, in <-chan In, f func(context.Context, In) (Out, error), feeder func(out chan<- Result[Out])) <-chan Result[Out] {
	if n < 1 {
		n = goruntime.GOMAXPROCS(0)
	}
	out := make(chan Result[Out])
	var wg sync.WaitGroup
	wg.Add(n)
	for range n {
		go func() {
			defer wg.Done()
			relay(ctx, in, out, func(v In) Result[Out] {
				var r Result[Out]
				r.Value, r.Err = apply(ctx, f, v)
				return r
			})
		}()
	}
	if feeder != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			feeder(out)
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// apply calls f(ctx, v), turning a panic into a *PanicError.
func apply[In, Out any](ctx context.Context, f func(context.Context, In) (Out, error), v In) (out Out, err error) {
	defer catch(&err)
	return f(ctx, v)
}
