package runtime_test

import (
	"context"
	"errors"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/golifecheck/golifecheck/runtime"
	"github.com/golifecheck/golifecheck/runtime/leaktest"
)

func TestGroupFirstErrorCancelsRest(t *testing.T) {
	leaktest.Check(t)
	g, ctx := runtime.WithContext(context.Background())
	var cancelled atomic.Int32
	for range 5 {
		g.Go(func(ctx context.Context) error {
			<-ctx.Done()
			cancelled.Add(1)
			return errors.New("later error, ignored")
		})
	}
	g.Go(func(context.Context) error { return errTest })
	if err := g.Wait(); err != errTest {
		t.Fatalf("Wait = %v, want %v", err, errTest)
	}
	if cancelled.Load() != 5 {
		t.Errorf("%d of 5 siblings saw the cancellation", cancelled.Load())
	}
	if cause := context.Cause(ctx); cause != errTest {
		t.Errorf("context.Cause = %v, want %v", cause, errTest)
	}
}

func TestGroupNoError(t *testing.T) {
	leaktest.Check(t)
	g, ctx := runtime.WithContext(context.Background())
	var n atomic.Int32
	for range 10 {
		g.Go(func(ctx context.Context) error {
			if ctx.Err() != nil {
				t.Error("context cancelled before Wait")
			}
			n.Add(1)
			return nil
		})
	}
	if err := g.Wait(); err != nil || n.Load() != 10 {
		t.Fatalf("Wait = %v after %d calls, want nil after 10", err, n.Load())
	}
	if ctx.Err() == nil {
		t.Error("context not cancelled after Wait")
	}
}

func TestGroupZeroValue(t *testing.T) {
	leaktest.Check(t)
	var empty runtime.Group
	if err := empty.Wait(); err != nil {
		t.Fatalf("Wait on an empty zero Group = %v", err)
	}
	var g runtime.Group
	g.Go(untilDone)
	g.Go(func(context.Context) error { return errTest })
	if err := g.Wait(); err != errTest {
		t.Fatalf("Wait = %v, want %v (the zero Group cancels on error)", err, errTest)
	}
}

func TestGroupPanic(t *testing.T) {
	leaktest.Check(t)
	g, _ := runtime.WithContext(context.Background())
	g.Go(untilDone)
	g.Go(func(context.Context) error { panic(errTest) })
	err := g.Wait()
	var pe *runtime.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Wait = %v, want a *PanicError", err)
	}
	if !errors.Is(err, errTest) {
		t.Errorf("PanicError does not unwrap to the error passed to panic")
	}
	if !strings.Contains(string(pe.Stack), "TestGroupPanic") {
		t.Errorf("stack lacks the panicking function:\n%s", pe.Stack)
	}
}

func TestGroupGoexit(t *testing.T) {
	leaktest.Check(t)
	var g runtime.Group
	g.Go(untilDone)
	g.Go(func(context.Context) error { goruntime.Goexit(); return nil })
	if err := g.Wait(); err == nil || !strings.Contains(err.Error(), "Goexit") {
		t.Fatalf("Wait = %v, want an error about runtime.Goexit", err)
	}
}

func TestGroupLimit(t *testing.T) {
	leaktest.Check(t)
	const limit = 3
	var g runtime.Group
	g.SetLimit(limit)
	var active, peak atomic.Int32
	for range 50 {
		g.Go(func(context.Context) error {
			n := active.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			goruntime.Gosched()
			active.Add(-1)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > limit {
		t.Fatalf("%d goroutines ran at once, limit %d", p, limit)
	}
}

func TestGroupTryGo(t *testing.T) {
	leaktest.Check(t)
	var g runtime.Group
	g.SetLimit(1)
	release := make(chan struct{})
	if !g.TryGo(func(context.Context) error { <-release; return nil }) {
		t.Fatal("TryGo on an idle Group with limit 1 refused")
	}
	if g.TryGo(func(context.Context) error { return nil }) {
		t.Fatal("TryGo on a full Group started a goroutine")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("SetLimit with an active goroutine did not panic")
			}
		}()
		g.SetLimit(2)
	}()
	close(release)
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	g.SetLimit(-1)
}

// TestGroupNestedGo starts goroutines from goroutines of the group, from many
// goroutines at once; run with -race.
func TestGroupNestedGo(t *testing.T) {
	leaktest.Check(t)
	g, _ := runtime.WithContext(context.Background())
	var n atomic.Int32
	for range 20 {
		g.Go(func(context.Context) error {
			for range 5 {
				g.Go(func(context.Context) error { n.Add(1); return nil })
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil || n.Load() != 100 {
		t.Fatalf("Wait = %v after %d nested calls, want nil after 100", err, n.Load())
	}
}

func TestServiceGroupNilReturnCancelsRest(t *testing.T) {
	leaktest.Check(t)
	g, ctx := runtime.ServiceGroup(context.Background())
	var wg sync.WaitGroup
	wg.Add(3)
	for range 3 {
		g.Go(func(ctx context.Context) error {
			wg.Done()
			return untilDone(ctx) // context.Canceled, ignored
		})
	}
	g.Go(func(context.Context) error {
		wg.Wait() // the others are running
		return nil
	})
	if err := g.Wait(); err != nil {
		t.Fatalf("Wait = %v, want nil (the first service's result)", err)
	}
	if ctx.Err() == nil {
		t.Error("context not cancelled")
	}
}

func TestServiceGroupFirstErrorWins(t *testing.T) {
	leaktest.Check(t)
	g, _ := runtime.ServiceGroup(context.Background())
	g.Go(func(ctx context.Context) error {
		<-ctx.Done()
		return errors.New("shutdown error, ignored")
	})
	g.Go(func(context.Context) error { return errTest })
	if err := g.Wait(); err != errTest {
		t.Fatalf("Wait = %v, want %v", err, errTest)
	}
}

func TestServiceGroupParentCancel(t *testing.T) {
	leaktest.Check(t)
	parent, cancel := context.WithCancel(context.Background())
	g, _ := runtime.ServiceGroup(parent)
	g.Go(func(ctx context.Context) error { <-ctx.Done(); return nil })
	g.Go(untilDone)
	cancel()
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want nil or context.Canceled", err)
	}
}
