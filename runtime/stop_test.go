package runtime_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/golifecheck/golifecheck/runtime"
	"github.com/golifecheck/golifecheck/runtime/leaktest"
)

// worker is the loop the Stopper is made for.
func worker(s *runtime.Stopper, jobs <-chan int, handled *int) {
	defer s.Done()
	for {
		select {
		case <-s.Stopping():
			return
		case <-jobs:
			*handled++
		}
	}
}

func TestStopperZeroValue(t *testing.T) {
	leaktest.Check(t)
	var s runtime.Stopper
	jobs := make(chan int)
	var handled int
	go worker(&s, jobs, &handled)
	jobs <- 1
	jobs <- 2
	select {
	case <-s.Stopped():
		t.Fatal("Stopped closed before Stop")
	default:
	}
	if err := s.StopAndWait(context.Background()); err != nil {
		t.Fatalf("StopAndWait = %v", err)
	}
	if handled != 2 {
		t.Errorf("handled %d jobs, want 2", handled)
	}
	<-s.Stopping()
	<-s.Stopped()
	s.Stop() // idempotent, also after the end
	s.Done()
	if err := s.StopAndWait(context.Background()); err != nil {
		t.Fatalf("second StopAndWait = %v", err)
	}
}

func TestStopperDoneBeforeStop(t *testing.T) {
	leaktest.Check(t)
	var s runtime.Stopper
	go s.Done() // a worker that finished on its own
	<-s.Stopped()
	select {
	case <-s.Stopping():
		t.Fatal("Stopping closed without Stop")
	default:
	}
}

func TestStopperNotStopped(t *testing.T) {
	leaktest.Check(t)
	var s runtime.Stopper
	release := make(chan struct{})
	go func() {
		defer s.Done()
		<-release // ignores Stopping
	}()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.StopAndWait(ctx)
	if !errors.Is(err, runtime.ErrNotStopped) || !errors.Is(err, context.Canceled) {
		t.Fatalf("StopAndWait = %v, want ErrNotStopped and context.Canceled", err)
	}
	close(release)
	if err := s.StopAndWait(context.Background()); err != nil {
		t.Fatalf("StopAndWait after release = %v", err)
	}
}

// TestStopperContention stops and waits from many goroutines at once; run
// with -race.
func TestStopperContention(t *testing.T) {
	leaktest.Check(t)
	var s runtime.Stopper
	go func() {
		defer s.Done()
		<-s.Stopping()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), long)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 50 {
		wg.Add(3)
		go func() { defer wg.Done(); s.Stop() }()
		go func() { defer wg.Done(); errs <- s.StopAndWait(ctx) }()
		go func() { defer wg.Done(); <-s.Stopped(); <-s.Stopping(); errs <- nil }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
