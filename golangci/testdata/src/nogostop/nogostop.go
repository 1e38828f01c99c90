// Package nogostop is package both checked with settings {gostop: false}:
// the goroutine is not reported.
package nogostop

import (
	"context"
	"time"
)

func discard(parent context.Context) context.Context {
	ctx, _ := context.WithTimeout(parent, time.Second) // want `the cancel function returned by context.WithTimeout is discarded`
	return ctx
}

func spin() {
	go func() {
		for range time.Tick(time.Second) {
		}
	}()
}
