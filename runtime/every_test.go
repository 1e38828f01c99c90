package runtime_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/golifecheck/golifecheck/runtime"
	"github.com/golifecheck/golifecheck/runtime/leaktest"
)

func TestEveryUntilError(t *testing.T) {
	leaktest.Check(t)
	calls := 0
	err := runtime.Every(context.Background(), time.Millisecond, func(context.Context) error {
		calls++
		if calls == 3 {
			return errTest
		}
		return nil
	})
	if err != errTest || calls != 3 {
		t.Fatalf("Every = %v after %d calls, want %v after 3", err, calls, errTest)
	}
}

func TestEveryUntilCancel(t *testing.T) {
	leaktest.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := runtime.Every(ctx, time.Millisecond, func(context.Context) error {
		calls++
		if calls == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 2 {
		t.Fatalf("Every = %v after %d calls, want context.Canceled after 2", err, calls)
	}
	calls = 0
	err = runtime.Every(ctx, time.Millisecond, func(context.Context) error { calls++; return nil })
	if !errors.Is(err, context.Canceled) || calls != 0 {
		t.Fatalf("Every with a done context = %v after %d calls, want context.Canceled after 0", err, calls)
	}
}

// TestEverySlowCallSkipsTicks uses synctest's fake clock: a first call that
// takes 5.5 ticks must not be followed by a burst of calls for the ticks it
// missed.
func TestEverySlowCallSkipsTicks(t *testing.T) {
	leaktest.Check(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var at []time.Duration
		ctx, cancel := context.WithTimeout(context.Background(), 9500*time.Millisecond)
		defer cancel()
		err := runtime.Every(ctx, time.Second, func(context.Context) error {
			at = append(at, time.Since(start))
			if len(at) == 1 {
				time.Sleep(5500 * time.Millisecond)
			}
			return nil
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Every = %v, want context.DeadlineExceeded", err)
		}
		// The slow call at 0 ends at 5.5s; the tick pending since 5s starts
		// the next call at once, then the calls follow the ticks. Ticks 1s
		// to 4s are dropped.
		want := []time.Duration{0, 5500 * time.Millisecond, 6 * time.Second, 7 * time.Second, 8 * time.Second, 9 * time.Second}
		if !slices.Equal(at, want) {
			t.Fatalf("calls at %v, want %v", at, want)
		}
	})
}
