// Package poolfeed feeds golifecheck's runtime.Pool by hand: its workers
// stop receiving once the context is done (runtime.Pool's fact), so a
// feeder that sends without a way out is left blocked when the caller
// cancels the context before reading all the results.
package poolfeed

import (
	"context"
	"slices"

	"github.com/golifecheck/golifecheck/runtime"
)

func square(_ context.Context, x int) (int, error) { return x * x, nil }

// The leak: the first error returns, the deferred cancel stops the pool,
// and the feeder stays blocked on in <- x.
func sum(ctx context.Context, xs []int) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go func() {
		defer close(in)
		for _, x := range xs {
			in <- x // want `send on in blocks forever once runtime.Pool stops receiving, when ctx is done \(sum cancels it when it returns\); select on ctx.Done\(\) beside the send, or give the values to runtime.PoolSeq`
		}
	}()
	total := 0
	for r := range runtime.Pool(ctx, 4, in, square) {
		if r.Err != nil {
			return 0, r.Err // cancel stops the pool; the feeder stays blocked
		}
		total += r.Value
	}
	return total, nil
}

// The feeder as a named function, reported at its send.
func feed(in chan<- int, xs []int) {
	defer close(in)
	for _, x := range xs {
		in <- x // want `send on in blocks forever once runtime.Pool stops receiving, when ctx is done \(firstOver cancels it when it returns\)`
	}
}

func firstOver(ctx context.Context, xs []int, limit int) (int, bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go feed(in, xs)
	out := runtime.Pool(ctx, 2, in, square)
	for r := range out {
		if r.Err == nil && r.Value > limit {
			return r.Value, true
		}
	}
	return 0, false
}

// The feeder as a method, with the cancel deferred in a closure.
type job struct{ xs []int }

func (j *job) feed(in chan<- int) {
	for _, x := range j.xs {
		in <- x // want `send on in blocks forever once runtime.Pool stops receiving, when ctx is done \(\(\*job\).run cancels it when it returns\)`
	}
	close(in)
}

func (j *job) run(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	defer func() { cancel() }()
	in := make(chan int)
	go j.feed(in)
	for r := range runtime.Pool(ctx, 2, in, square) {
		if r.Err != nil {
			return r.Err
		}
	}
	return nil
}

// Silent: the feeder selects on ctx.Done() beside its send.
func sumSelect(ctx context.Context, xs []int) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go func() {
		defer close(in)
		for _, x := range xs {
			select {
			case in <- x:
			case <-ctx.Done():
				return
			}
		}
	}()
	total := 0
	for r := range runtime.Pool(ctx, 4, in, square) {
		if r.Err != nil {
			return 0, r.Err
		}
		total += r.Value
	}
	return total, nil
}

// Silent: PoolSeq does the feeding.
func sumSeq(ctx context.Context, xs []int) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	total := 0
	for r := range runtime.PoolSeq(ctx, 4, slices.Values(xs), square) {
		if r.Err != nil {
			return 0, r.Err
		}
		total += r.Value
	}
	return total, nil
}

// Silent: a buffer for every value.
func sumBuffered(ctx context.Context, xs []int) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int, len(xs))
	go func() {
		defer close(in)
		for _, x := range xs {
			in <- x
		}
	}()
	total := 0
	for r := range runtime.Pool(ctx, 4, in, square) {
		if r.Err != nil {
			return 0, r.Err
		}
		total += r.Value
	}
	return total, nil
}

// Silent: no early return; the context is cancelled once the results are
// all read, when the feeder is done.
func sumAll(ctx context.Context, xs []int) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go feed(in, xs)
	total := 0
	var err error
	for r := range runtime.Pool(ctx, 4, in, square) {
		if r.Err != nil {
			err = r.Err
			continue
		}
		total += r.Value
	}
	return total, err
}

// Silent: the channel is handed to a function out of sight.
func sumHandedOn(ctx context.Context, xs []int, fill func(chan<- int)) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go fill(in)
	for r := range runtime.Pool(ctx, 4, in, square) {
		return r.Value
	}
	return 0
}

// Silent: a result for every value is read before the cancel (one result
// per value sent, counted to the same len(xs)).
func sumCounted(ctx context.Context, xs []int) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go feed(in, xs)
	out := runtime.Pool(ctx, 4, in, square)
	total := 0
	for i := 0; i < len(xs); i++ {
		r := <-out
		total += r.Value
	}
	return total
}

// The first result wins, and the deferred cancel stops the pool while the
// feeder still has values to send.
func anyResult(ctx context.Context, xs []int) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go func() {
		for _, x := range xs {
			in <- x // want `send on in blocks forever once runtime.Pool stops receiving, when ctx is done \(anyResult cancels it when it returns\)`
		}
		close(in)
	}()
	r := <-runtime.Pool(ctx, 4, in, square)
	return r.Value
}
