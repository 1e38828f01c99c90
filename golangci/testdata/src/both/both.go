// Package both has a finding of each check: with the default settings all
// are reported.
package both

import (
	"context"
	"time"
)

func discard(parent context.Context) context.Context {
	ctx, _ := context.WithTimeout(parent, time.Second) // want `the cancel function returned by context.WithTimeout is discarded`
	return ctx
}

func spin() {
	go func() { // want `goroutine never stops`
		for range time.Tick(time.Second) {
		}
	}()
}

func noReader() {
	ch := make(chan int)
	go func() {
		ch <- 1 // want `send on ch blocks forever: nothing receives from ch`
	}()
}
