package runtime

import (
	"context"
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
func Pool[In, Out any](ctx context.Context, n int, in <-chan In, f func(context.Context, In) (Out, error)) <-chan Result[Out] {
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
