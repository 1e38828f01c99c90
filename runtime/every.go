package runtime

import (
	"context"
	"time"
)

// Every calls f(ctx) at once and then every d, on the calling goroutine,
// until ctx is done or f returns an error. It returns f's error, or
// ctx.Err() once ctx is done, so it never returns nil: a function that wants
// to end the loop without failing returns an error of its own and tells it
// apart with [errors.Is].
//
// Calls never overlap and never pile up: the ticks that pass while a slow
// call runs are dropped, as a [time.Ticker] drops ticks for a slow receiver,
// so the next call follows at once or at the next tick, never once for each
// missed tick. f is not called again once ctx is done. Every stops its ticker
// before it returns.
//
// Every panics if d <= 0.
func Every(ctx context.Context, d time.Duration, f func(ctx context.Context) error) error {
	ticker := time.NewTicker(d)
	defer ticker.Stop()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := f(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
	}
}
