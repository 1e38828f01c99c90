package runtime_test

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"sync/atomic"
	"testing"

	"github.com/golifecheck/golifecheck/runtime"
	"github.com/golifecheck/golifecheck/runtime/leaktest"
)

// produce sends 0, 1, ... on the returned channel until n values are sent
// (then closes it) or ctx is done; n < 0 means forever.
func produce(ctx context.Context, n int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := 0; n < 0 || i < n; i++ {
			select {
			case ch <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

func square(_ context.Context, v int) (int, error) { return v * v, nil }

func TestPoolAllResults(t *testing.T) {
	leaktest.Check(t)
	ctx := context.Background()
	const n = 100
	seen := make(map[int]bool)
	for r := range runtime.Pool(ctx, 4, produce(ctx, n), square) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		seen[r.Value] = true
	}
	for i := range n {
		if !seen[i*i] {
			t.Fatalf("missing result %d", i*i)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d results, want %d", len(seen), n)
	}
}

func TestPoolErrorsAndPanics(t *testing.T) {
	leaktest.Check(t)
	ctx := context.Background()
	f := func(_ context.Context, v int) (string, error) {
		switch v {
		case 1:
			return "", errTest
		case 2:
			panic("boom")
		}
		return fmt.Sprint(v), nil
	}
	var values, errs, panics int
	for r := range runtime.Pool(ctx, 0, produce(ctx, 10), f) {
		var pe *runtime.PanicError
		switch {
		case errors.As(r.Err, &pe):
			panics++
		case r.Err == errTest:
			errs++
		case r.Err == nil:
			values++
		default:
			t.Fatalf("unexpected error %v", r.Err)
		}
	}
	if values != 8 || errs != 1 || panics != 1 {
		t.Fatalf("got %d values, %d errors, %d panics; want 8, 1, 1", values, errs, panics)
	}
}

func TestPoolLimit(t *testing.T) {
	leaktest.Check(t)
	ctx := context.Background()
	const workers = 3
	var active, peak atomic.Int32
	f := func(_ context.Context, v int) (int, error) {
		n := active.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		goruntime.Gosched()
		active.Add(-1)
		return v, nil
	}
	for range runtime.Pool(ctx, workers, produce(ctx, 200), f) {
	}
	if p := peak.Load(); p > workers {
		t.Fatalf("%d calls ran at once with %d workers", p, workers)
	}
}

// TestPoolConsumerWalksAway cancels the context and stops reading while the
// workers hold results and the input is still open: nothing may be left
// running (leaktest checks).
func TestPoolConsumerWalksAway(t *testing.T) {
	leaktest.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := runtime.Pool(ctx, 4, produce(ctx, -1), square)
	for range 3 {
		<-out
	}
	cancel()
}

// TestPoolClosesOutputOnCancel checks that the output is closed after a
// cancel even though the input is never closed.
func TestPoolClosesOutputOnCancel(t *testing.T) {
	leaktest.Check(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := runtime.Pool(ctx, 2, make(chan int), square) // input never sent on nor closed
	cancel()
	for range out {
	}
}
