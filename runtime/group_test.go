package runtime_test

import (
	"context"
	"errors"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// TestServiceGroupWaitTimeoutNotStopped is the shutdown that used to hang: a
// member of a ServiceGroup ignores its context, and Wait would wait for it
// forever. WaitTimeout and WaitContext give up with ErrNotStopped, leave the
// Group's context as it was, and can be called again to wait longer.
func TestServiceGroupWaitTimeoutNotStopped(t *testing.T) {
	leaktest.Check(t)
	parent, cancel := context.WithCancel(context.Background())
	g, ctx := runtime.ServiceGroup(parent)
	release := make(chan struct{})
	g.Go(func(context.Context) error {
		<-release // ignores its context
		return errTest
	})
	g.Go(untilDone)

	if err := g.WaitTimeout(10 * time.Millisecond); !errors.Is(err, runtime.ErrNotStopped) {
		t.Fatalf("WaitTimeout while running = %v, want ErrNotStopped", err)
	}
	if ctx.Err() != nil {
		t.Fatal("WaitTimeout that gave up cancelled the Group's context")
	}
	cancel() // shutdown: untilDone returns, the other member does not
	waitCtx, stopWaiting := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer stopWaiting()
	err := g.WaitContext(waitCtx)
	if !errors.Is(err, runtime.ErrNotStopped) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitContext = %v, want ErrNotStopped and context.DeadlineExceeded", err)
	}

	close(release)
	if err := g.WaitContext(context.Background()); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitContext after release = %v, want context.Canceled (the first member to return)", err)
	}
	if err := g.WaitTimeout(long); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitTimeout after the end = %v, want the same error as Wait", err)
	}
	if err := g.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait after WaitContext = %v, want context.Canceled", err)
	}
}

// TestGroupWaitTimeoutLikeWait checks that WaitTimeout and WaitContext, when
// the functions return in time, return what Wait returns and cancel the
// Group's context as Wait does, also on an empty zero Group.
func TestGroupWaitTimeoutLikeWait(t *testing.T) {
	leaktest.Check(t)
	var empty runtime.Group
	if err := empty.WaitTimeout(long); err != nil {
		t.Fatalf("WaitTimeout on an empty zero Group = %v", err)
	}
	var emptyCtx runtime.Group
	if err := emptyCtx.WaitContext(context.Background()); err != nil {
		t.Fatalf("WaitContext on an empty zero Group = %v", err)
	}

	g, ctx := runtime.WithContext(context.Background())
	g.Go(func(context.Context) error { return nil })
	if err := g.WaitTimeout(long); err != nil {
		t.Fatalf("WaitTimeout = %v, want nil", err)
	}
	if ctx.Err() == nil {
		t.Error("context not cancelled after WaitTimeout returned the result")
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("Wait after WaitTimeout = %v, want nil", err)
	}

	g, ctx = runtime.WithContext(context.Background())
	g.Go(untilDone)
	g.Go(func(context.Context) error { return errTest })
	if err := g.WaitContext(context.Background()); err != errTest {
		t.Fatalf("WaitContext = %v, want %v", err, errTest)
	}
	if context.Cause(ctx) != errTest {
		t.Errorf("context.Cause = %v, want %v", context.Cause(ctx), errTest)
	}
	if err := g.Wait(); err != errTest {
		t.Fatalf("Wait after WaitContext = %v, want %v", err, errTest)
	}
}

// TestGroupWaitTimeoutContention waits for one Group in all three ways from
// many goroutines at once, while it is running; run with -race.
func TestGroupWaitTimeoutContention(t *testing.T) {
	leaktest.Check(t)
	g, _ := runtime.WithContext(context.Background())
	release := make(chan struct{})
	for range 10 {
		g.Go(func(context.Context) error { <-release; return errTest })
	}
	var wg sync.WaitGroup
	errs := make(chan error, 3*20)
	for range 20 {
		wg.Add(3)
		go func() { defer wg.Done(); errs <- g.Wait() }()
		go func() { defer wg.Done(); errs <- g.WaitTimeout(long) }()
		go func() { defer wg.Done(); errs <- g.WaitContext(context.Background()) }()
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != errTest {
			t.Fatalf("got %v, want %v", err, errTest)
		}
	}
}
