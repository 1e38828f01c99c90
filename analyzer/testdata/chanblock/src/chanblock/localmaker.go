package chanblock

import (
	"context"
	"errors"
)

// The kind: a function literal makes a channel and returns it with a
// closure that sends on it (opentelemetry-go#6368): the caller owns the
// channel, the goroutine that runs the closure is its sender.

func lmClose(ctx context.Context) error { return ctx.Err() }

func lmShutdown(ctx context.Context) error {
	stopFunc := func() (<-chan error, func()) {
		done := make(chan error)
		return done, func() { done <- lmClose(ctx) } // want `send on done blocks forever if lmShutdown returns without receiving; make done with a buffer of 1`
	}
	done, shutdown := stopFunc()
	go shutdown()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func lmRace(fns []func() int) int {
	newResult := func() (<-chan int, func(int)) {
		ch := make(chan int)
		return ch, func(v int) {
			ch <- v // want `send on ch blocks forever: goroutines started in a loop send more values than lmRace receives`
		}
	}
	results, deliver := newResult()
	for _, f := range fns {
		go func() { deliver(f()) }()
	}
	return <-results
}

// Silent: a buffer for the one value.
func lmShutdownBuffered(ctx context.Context) error {
	stopFunc := func() (<-chan error, func()) {
		done := make(chan error, 1)
		return done, func() { done <- lmClose(ctx) }
	}
	done, shutdown := stopFunc()
	go shutdown()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Silent: it always receives.
func lmShutdownWaits(ctx context.Context) error {
	stopFunc := func() (<-chan error, func()) {
		done := make(chan error)
		return done, func() { done <- lmClose(ctx) }
	}
	done, shutdown := stopFunc()
	go shutdown()
	return <-done
}

// Silent: the sender gives up when the context is done.
func lmShutdownSelects(ctx context.Context) error {
	stopFunc := func() (<-chan error, func()) {
		done := make(chan error)
		return done, func() {
			select {
			case done <- lmClose(ctx):
			case <-ctx.Done():
			}
		}
	}
	done, shutdown := stopFunc()
	go shutdown()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

var lmKept []func()

// Silent: the sender is kept where the analysis cannot follow it.
func lmKeep(ctx context.Context) error {
	stopFunc := func() (<-chan error, func()) {
		done := make(chan error)
		return done, func() { done <- lmClose(ctx) }
	}
	done, shutdown := stopFunc()
	lmKept = append(lmKept, shutdown)
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return errors.New("timeout")
	}
}

// Silent: a receive for every goroutine.
func lmRaceAll(fns []func() int) int {
	newResult := func() (<-chan int, func(int)) {
		ch := make(chan int, len(fns))
		return ch, func(v int) { ch <- v }
	}
	results, deliver := newResult()
	for _, f := range fns {
		go func() { deliver(f()) }()
	}
	return <-results
}
