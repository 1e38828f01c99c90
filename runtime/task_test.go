package runtime_test

import (
	"context"
	"errors"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golifecheck/golifecheck/runtime"
	"github.com/golifecheck/golifecheck/runtime/leaktest"
)

var errTest = errors.New("test error")

// untilDone is a well-behaved task: it runs until its context is done.
func untilDone(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestTaskStop(t *testing.T) {
	leaktest.Check(t)
	task := runtime.Start(context.Background(), untilDone)
	select {
	case <-task.Done():
		t.Fatal("Done closed before Stop")
	default:
	}
	if err := task.Err(); err != nil {
		t.Fatalf("Err while running = %v, want nil", err)
	}
	task.Stop()
	task.Stop() // idempotent
	if err := task.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	<-task.Done()
	if err := task.Err(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Err after Done = %v, want context.Canceled", err)
	}
	task.Stop() // after the end too
}

func TestTaskParentCancelStops(t *testing.T) {
	leaktest.Check(t)
	parent, cancel := context.WithCancel(context.Background())
	task := runtime.Start(parent, untilDone)
	cancel()
	if err := task.WaitTimeout(long); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitTimeout = %v, want context.Canceled", err)
	}
}

func TestTaskError(t *testing.T) {
	leaktest.Check(t)
	var taskCtx context.Context
	task := runtime.Start(context.Background(), func(ctx context.Context) error {
		taskCtx = ctx
		return errTest
	})
	if err := task.Wait(); err != errTest {
		t.Fatalf("Wait = %v, want %v", err, errTest)
	}
	if taskCtx.Err() == nil {
		t.Error("the task's context is not cancelled after it returned")
	}
}

func TestTaskWaitTimeoutNotStopped(t *testing.T) {
	leaktest.Check(t)
	release := make(chan struct{})
	task := runtime.Start(context.Background(), func(context.Context) error {
		<-release // ignores its context
		return nil
	})
	task.Stop()
	if err := task.WaitTimeout(10 * time.Millisecond); !errors.Is(err, runtime.ErrNotStopped) {
		t.Fatalf("WaitTimeout = %v, want ErrNotStopped", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := task.WaitContext(ctx)
	if !errors.Is(err, runtime.ErrNotStopped) || !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitContext = %v, want ErrNotStopped and context.Canceled", err)
	}
	if err := task.Err(); err != nil {
		t.Fatalf("Err of running task = %v, want nil", err)
	}
	close(release)
	if err := task.WaitContext(context.Background()); err != nil {
		t.Fatalf("WaitContext after release = %v, want nil", err)
	}
}

func panicky(context.Context) error { panic("boom") }

func TestTaskPanic(t *testing.T) {
	leaktest.Check(t)
	err := runtime.Start(context.Background(), panicky).Wait()
	var pe *runtime.PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" {
		t.Fatalf("Wait = %v, want *PanicError with value boom", err)
	}
	if !strings.Contains(string(pe.Stack), "runtime_test.panicky") {
		t.Errorf("panic stack lacks the panicking function:\n%s", pe.Stack)
	}
	if !strings.HasPrefix(err.Error(), "panic: boom\n") {
		t.Errorf("Error() = %q, want it to start with the panic value", err.Error())
	}
	if errors.Unwrap(err) != nil {
		t.Errorf("Unwrap of a non-error panic value = %v, want nil", errors.Unwrap(err))
	}
}

func TestTaskGoexit(t *testing.T) {
	leaktest.Check(t)
	err := runtime.Start(context.Background(), func(context.Context) error {
		goruntime.Goexit()
		return nil
	}).Wait()
	if err == nil || !strings.Contains(err.Error(), "Goexit") {
		t.Fatalf("Wait = %v, want an error about runtime.Goexit", err)
	}
}

// TestTaskContention stops and waits for one task from many goroutines at
// once; run with -race.
func TestTaskContention(t *testing.T) {
	leaktest.Check(t)
	task := runtime.Start(context.Background(), untilDone)
	var wg sync.WaitGroup
	errs := make(chan error, 4*50)
	for range 50 {
		wg.Add(4)
		go func() { defer wg.Done(); task.Stop() }()
		go func() { defer wg.Done(); errs <- task.Wait() }()
		go func() { defer wg.Done(); errs <- task.WaitTimeout(long) }()
		go func() {
			defer wg.Done()
			<-task.Done()
			errs <- task.Err()
			errs <- task.WaitContext(context.Background())
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	}
}
