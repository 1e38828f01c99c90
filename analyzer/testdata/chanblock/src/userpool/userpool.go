// Package userpool has hand-written worker pools whose channel parameters
// other packages learn about from facts: workers that stop receiving once
// their context is done, and workers that receive until the channel is
// closed.
package userpool

import (
	"context"
	"sync"
)

// Map runs f on the values received from in, in n workers, until in is
// closed or ctx is done; its result is closed once the workers stop.
func Map(ctx context.Context, n int, in <-chan int, f func(int) int) <-chan int { // want Map:`^launches\[3\] chan\[2\]\(recv\?,async,until\[0\]\)$`
	out := make(chan int)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(ctx, in, out, f)
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// work is one of Map's workers.
func work(ctx context.Context, in <-chan int, out chan<- int, f func(int) int) { // want work:`^chan\[1\]\(recv\?,until\[0\]\) chan\[2\]\(sends\?\)$`
	for {
		select {
		case <-ctx.Done():
			return
		case v, ok := <-in:
			if !ok {
				return
			}
			select {
			case out <- f(v):
			case <-ctx.Done():
				return
			}
		}
	}
}

// Each is Map with the workers' loop written as a range: a worker stops
// receiving once ctx is done, after the value it holds.
func Each(ctx context.Context, in <-chan int, f func(int) int) <-chan int { // want Each:`^launches\[2\] chan\[1\]\(recv\?,async,until\[0\]\)$`
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range in {
			select {
			case out <- f(v):
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// All runs f on every value received from in, until in is closed: its
// worker does not stop when ctx is done, so there is no fact about in.
func All(ctx context.Context, in <-chan int, f func(context.Context, int) int) <-chan int { // want All:`launches\[2\] stream\[0\]\(sends=3\)`
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range in {
			out <- f(ctx, v)
		}
	}()
	return out
}
