// Package helper hands a cancel function to its callers and polls forever:
// helperuse's findings rest on these facts, made when helper is analyzed.
package helper

import (
	"context"
	"time"
)

// WithDeadline returns a context and the function that releases it.
func WithDeadline(parent context.Context) (context.Context, func()) {
	return context.WithTimeout(parent, time.Minute)
}

// Poll calls f every d, forever.
func Poll(d time.Duration, f func()) {
	for {
		f()
		time.Sleep(d)
	}
}
