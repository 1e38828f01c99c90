// Package both has a finding of each check: with the default settings both
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
