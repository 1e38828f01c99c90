// Package chanblockfix holds the cases of chanblock's suggested fix: a
// buffer of one for the single send of a goroutine its starter may leave.
package chanblockfix

import (
	"context"
	"time"
)

func compute() int { return 42 }

func unbuffered(ctx context.Context) (int, error) {
	ch := make(chan int)
	go func() {
		ch <- compute() // want `send on ch blocks forever if unbuffered returns without receiving; make ch with a buffer of 1`
	}()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func zeroBuffer(d time.Duration) bool {
	done := make(chan bool, 0)
	go func() {
		done <- compute() > 0 // want `send on done blocks forever if zeroBuffer returns without receiving; make done with a buffer of 1`
	}()
	select {
	case ok := <-done:
		return ok
	case <-time.After(d):
		return false
	}
}

// Two goroutines: no fix, a buffer of one would not do.
func twoSenders(ctx context.Context) {
	ch := make(chan int)
	go func() {
		ch <- 1 // want `send on ch blocks forever if twoSenders returns without receiving; give ch a buffer for every send, or select on ctx.Done\(\) around the send`
	}()
	go func() {
		ch <- 2 // want `send on ch blocks forever if twoSenders returns without receiving`
	}()
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

func check() error { return nil }

// A goroutine that sends twice on one path, and a starter that receives
// once: a buffer of two lets both sends complete.
func twice() error {
	errc := make(chan error)
	go func() {
		if err := check(); err != nil {
			errc <- err
		}
		errc <- nil // want `send on errc blocks forever if twice returns after receiving 1 of 2 values; make errc with a buffer of 2`
	}()
	return <-errc
}
