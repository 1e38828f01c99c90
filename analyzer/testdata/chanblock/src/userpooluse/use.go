// Package userpooluse feeds userpool's pools by hand: what a pool's
// workers do with the channel is known from userpool's facts.
package userpooluse

import (
	"context"
	"errors"

	"userpool"
)

func square(x int) int { return x * x }

var errNegative = errors.New("negative")

// The leak: the first negative result returns, the deferred cancel stops
// the pool's workers, and the feeder stays blocked on its send.
func sum(ctx context.Context, xs []int) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go func() {
		defer close(in)
		for _, x := range xs {
			in <- x // want `send on in blocks forever once userpool.Map stops receiving, when ctx is done \(sum cancels it when it returns\); select on ctx.Done\(\) beside the send`
		}
	}()
	total := 0
	for r := range userpool.Map(ctx, 4, in, square) {
		if r < 0 {
			return 0, errNegative
		}
		total += r
	}
	return total, nil
}

// The feeder as a named function: reported at its send.
func feed(in chan<- int, xs []int) { // want feed:`chan\[0\]\(sends=3,close\)`
	defer close(in)
	for _, x := range xs {
		in <- x // want `send on in blocks forever once userpool.Each stops receiving, when ctx is done \(first cancels it when it returns\)`
	}
}

func first(ctx context.Context, xs []int) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go feed(in, xs)
	for r := range userpool.Each(ctx, in, square) {
		return r
	}
	return 0
}

// The feeder as a method, and a cancel called before leaving the loop.
type batch struct{ xs []int }

func (b *batch) feed(in chan<- int) { // want feed:`chan\[1\]\(sends=3,close\)`
	for _, x := range b.xs {
		in <- x // want `send on in blocks forever once userpool.Map stops receiving, when ctx is done \(\(\*batch\).max cancels it\)`
	}
	close(in)
}

func (b *batch) max(parent context.Context, limit int) int {
	ctx, cancel := context.WithCancel(parent)
	in := make(chan int)
	go b.feed(in)
	best := 0
	for r := range userpool.Map(ctx, 2, in, square) {
		if r > limit {
			cancel()
			break
		}
		best = max(best, r)
	}
	cancel()
	return best
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
	for r := range userpool.Map(ctx, 4, in, square) {
		if r < 0 {
			return 0, errNegative
		}
		total += r
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
	for r := range userpool.Map(ctx, 4, in, square) {
		if r < 0 {
			return 0, errNegative
		}
		total += r
	}
	return total, nil
}

// Silent: no early return; ctx is cancelled only once the results are
// all read, when the feeder is done.
func sumAll(ctx context.Context, xs []int) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go feed(in, xs)
	total, neg := 0, 0
	for r := range userpool.Map(ctx, 4, in, square) {
		if r < 0 {
			neg++
			continue
		}
		total += r
	}
	if neg > 0 {
		return 0, errNegative
	}
	return total, nil
}

// Silent: the caller's context, which this function does not cancel.
func sumCallers(ctx context.Context, xs []int) int {
	in := make(chan int)
	go feed(in, xs)
	total := 0
	for r := range userpool.Map(ctx, 4, in, square) {
		if r < 0 {
			return 0
		}
		total += r
	}
	return total
}

// The feeder is not blamed: the pool's worker ranges over in until it is
// closed, whatever ctx does; it is the worker that the early return leaves
// blocked, on its send of a result.
func sumAllWorkers(ctx context.Context, xs []int) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go feed(in, xs)
	for r := range userpool.All(ctx, in, func(_ context.Context, x int) int { return x }) { // want `userpool.All's goroutine blocks forever on its send \(userpool.go:74\) if sumAllWorkers returns before draining the channel`
		if r < 0 {
			return 0
		}
	}
	return 1
}

// Silent: what is left of in is drained after the pool stops.
func sumDrained(ctx context.Context, xs []int) int {
	ctx, cancel := context.WithCancel(ctx)
	in := make(chan int)
	go feed(in, xs)
	out := userpool.Map(ctx, 2, in, square)
	r := <-out
	cancel()
	for range out {
	}
	for range in {
	}
	return r
}

// Silent: the results are handed on, so their reading is out of sight.
func sumHanded(ctx context.Context, xs []int, use func(<-chan int)) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan int)
	go feed(in, xs)
	use(userpool.Map(ctx, 2, in, square))
}
