package runtime_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/golifecheck/golifecheck/runtime"
)

// The benchmarks below run each primitive and its hand-written equivalent as
// sibling sub-benchmarks, so that one `go test -bench` run shows both. Group
// is also compared with the real golang.org/x/sync/errgroup in the nested
// module ./internal/errgroupbench, which keeps errgroup out of this module's
// dependencies.

// egGroup mirrors golang.org/x/sync/errgroup.Group's implementation (v0.22.0:
// a WaitGroup, a sync.Once guarding the first error, a context cancelled
// with that error, a channel semaphore for SetLimit) so that Group can be
// compared with it without making errgroup a dependency of this module.
type egGroup struct {
	cancel  func(error)
	wg      sync.WaitGroup
	sem     chan struct{}
	errOnce sync.Once
	err     error
}

func egWithContext(ctx context.Context) (*egGroup, context.Context) {
	ctx, cancel := context.WithCancelCause(ctx)
	return &egGroup{cancel: cancel}, ctx
}

func (g *egGroup) SetLimit(n int) { g.sem = make(chan struct{}, n) }

func (g *egGroup) Go(f func() error) {
	if g.sem != nil {
		g.sem <- struct{}{}
	}
	g.wg.Add(1)
	go func() {
		defer func() {
			if g.sem != nil {
				<-g.sem
			}
			g.wg.Done()
		}()
		if err := f(); err != nil {
			g.errOnce.Do(func() {
				g.err = err
				if g.cancel != nil {
					g.cancel(g.err)
				}
			})
		}
	}()
}

func (g *egGroup) Wait() error {
	g.wg.Wait()
	if g.cancel != nil {
		g.cancel(g.err)
	}
	return g.err
}

// benchFanOut is the number of goroutines each benchmark iteration starts.
const benchFanOut = 16

func work(ctx context.Context) error { return ctx.Err() }

// BenchmarkGroup compares Group with the errgroup equivalent above and with
// raw go statements, a WaitGroup and a cancellable context: each iteration
// makes a group, starts benchFanOut goroutines, and waits for them.
func BenchmarkGroup(b *testing.B) {
	for _, limit := range []int{-1, 4} {
		name := "unlimited"
		if limit > 0 {
			name = "limit4"
		}
		b.Run(name+"/runtime.Group", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, _ := runtime.WithContext(context.Background())
				g.SetLimit(limit)
				for range benchFanOut {
					g.Go(work)
				}
				_ = g.Wait()
			}
		})
		b.Run(name+"/errgroup-equivalent", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, ctx := egWithContext(context.Background())
				if limit > 0 {
					g.SetLimit(limit)
				}
				for range benchFanOut {
					g.Go(func() error { return work(ctx) })
				}
				_ = g.Wait()
			}
		})
		if limit > 0 {
			continue // the rest have no limit
		}
		// The same, with a function that captures nothing: errgroup's best
		// case, one allocation per Go fewer than when f captures ctx.
		b.Run(name+"/errgroup-equivalent-nocapture", func(b *testing.B) {
			b.ReportAllocs()
			f := func() error { return nil }
			for b.Loop() {
				g, _ := egWithContext(context.Background())
				for range benchFanOut {
					g.Go(f)
				}
				_ = g.Wait()
			}
		})
		b.Run(name+"/raw-go-waitgroup", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ctx, cancel := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				for range benchFanOut {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_ = work(ctx)
					}()
				}
				wg.Wait()
				cancel()
			}
		})
	}
}

// untilStopped is the body of a goroutine that runs until told to stop.
func untilStopped(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// BenchmarkTask compares Start, Stop and Wait with their hand-written
// equivalent: a go statement, a context.WithCancel and a done channel. Each
// iteration starts a goroutine that waits for its context, stops it, and
// waits for it to return. (The hand-written version does not recover panics.)
func BenchmarkTask(b *testing.B) {
	b.Run("runtime.Task", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			t := runtime.Start(context.Background(), untilStopped)
			t.Stop()
			_ = t.Wait()
		}
	})
	b.Run("go-withcancel-donechan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			var err error
			go func() {
				defer close(done)
				err = untilStopped(ctx)
			}()
			cancel()
			<-done
			_ = err
		}
	})
}

// onceStopper is the hand-written equivalent of a Stopper: a pair of
// channels, each closed at most once under a sync.Once.
type onceStopper struct {
	stopping, stopped  chan struct{}
	stopOnce, doneOnce sync.Once
}

func newOnceStopper() *onceStopper {
	return &onceStopper{stopping: make(chan struct{}), stopped: make(chan struct{})}
}

func (s *onceStopper) Stop() { s.stopOnce.Do(func() { close(s.stopping) }) }
func (s *onceStopper) Done() { s.doneOnce.Do(func() { close(s.stopped) }) }

// BenchmarkStopper compares Stopper with onceStopper. Each iteration starts a
// goroutine that waits for the stop signal and then signals it is done,
// stops it, and waits for the done signal.
func BenchmarkStopper(b *testing.B) {
	b.Run("runtime.Stopper", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := new(runtime.Stopper)
			go func() {
				defer s.Done()
				<-s.Stopping()
			}()
			s.Stop()
			<-s.Stopped()
		}
	})
	b.Run("chan-pair-sync.Once", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s := newOnceStopper()
			go func() {
				defer s.Done()
				<-s.stopping
			}()
			s.Stop()
			<-s.stopped
		}
	})
}

// The Pool benchmark runs poolWorkers workers over poolItems inputs.
const (
	poolWorkers = 4
	poolItems   = 64
)

func benchSquare(_ context.Context, v int) (int, error) { return v * v, nil }

// filled returns a closed channel holding 0, 1, ..., n-1.
func filled(n int) chan int {
	c := make(chan int, n)
	for i := range n {
		c <- i
	}
	close(c)
	return c
}

// handPool is the hand-written equivalent of Pool: n workers, a WaitGroup,
// and a goroutine that closes the output once they are done. Like Pool, its
// workers stop when ctx is done; unlike Pool, they do not recover panics.
func handPool(ctx context.Context, n int, in <-chan int, f func(context.Context, int) (int, error)) <-chan runtime.Result[int] {
	out := make(chan runtime.Result[int])
	var wg sync.WaitGroup
	wg.Add(n)
	for range n {
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case v, ok := <-in:
					if !ok {
						return
					}
					var r runtime.Result[int]
					r.Value, r.Err = f(ctx, v)
					select {
					case out <- r:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// BenchmarkPool compares Pool with handPool. Each iteration fills and closes
// a buffered input channel of poolItems values (the same work for both),
// runs poolWorkers workers over it, and reads all the results.
func BenchmarkPool(b *testing.B) {
	const want = (poolItems - 1) * poolItems * (2*poolItems - 1) / 6 // sum of squares
	for _, bm := range []struct {
		name string
		pool func(context.Context, int, <-chan int, func(context.Context, int) (int, error)) <-chan runtime.Result[int]
	}{
		{"runtime.Pool", runtime.Pool[int, int]},
		{"hand-written-pool", handPool},
	} {
		b.Run(bm.name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			b.ReportAllocs()
			for b.Loop() {
				sum := 0
				for r := range bm.pool(ctx, poolWorkers, filled(poolItems), benchSquare) {
					sum += r.Value
				}
				if sum != want {
					b.Fatalf("sum = %d, want %d", sum, want)
				}
			}
		})
	}
}

// The Merge benchmark merges mergeInputs channels of mergeValues values each.
const (
	mergeInputs = 4
	mergeValues = 16
)

// handMerge is the hand-written equivalent of Merge: one forwarding goroutine
// per input, a WaitGroup, and a goroutine that closes the output once they
// are done. Like Merge, it stops when ctx is done.
func handMerge(ctx context.Context, ins ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	wg.Add(len(ins))
	for _, in := range ins {
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case v, ok := <-in:
					if !ok {
						return
					}
					select {
					case out <- v:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// BenchmarkMerge compares Merge with handMerge. Each iteration fills and
// closes mergeInputs buffered channels (the same work for both), merges
// them, and reads the output until it is closed.
func BenchmarkMerge(b *testing.B) {
	for _, bm := range []struct {
		name  string
		merge func(context.Context, ...<-chan int) <-chan int
	}{
		{"runtime.Merge", runtime.Merge[int]},
		{"hand-written-fan-in", handMerge},
	} {
		b.Run(bm.name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ins := make([]<-chan int, mergeInputs)
			b.ReportAllocs()
			for b.Loop() {
				for i := range ins {
					ins[i] = filled(mergeValues)
				}
				n := 0
				for range bm.merge(ctx, ins...) {
					n++
				}
				if n != mergeInputs*mergeValues {
					b.Fatalf("merged %d values, want %d", n, mergeInputs*mergeValues)
				}
			}
		})
	}
}

// errEnough ends the Every loops of BenchmarkEvery.
var errEnough = errors.New("enough")

// handEvery is the hand-written equivalent of Every: start a time.Ticker,
// call f, then call it again on every tick until ctx is done or f fails.
// (Like Every, it starts the ticker first, so that the calls keep to a
// period counted from the start.)
func handEvery(ctx context.Context, d time.Duration, f func(context.Context) error) error {
	ticker := time.NewTicker(d)
	defer ticker.Stop()
	if err := f(ctx); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
			if err := f(ctx); err != nil {
				return err
			}
		}
	}
}

// BenchmarkEvery compares Every with handEvery. With ticks=0, f fails on its
// first call, which measures the loop's setup and teardown alone; with
// ticks=3, f fails on its fourth call, after three ticks. The period is 1ns
// so that every tick is already due when the loop waits for it: the Go
// runtime then delivers it at once instead of parking the goroutine until a
// timer wakes it, whose latency (on Linux, from microseconds to about a
// millisecond for any period under one) would swamp the loops' own cost and
// make the figures unstable.
func BenchmarkEvery(b *testing.B) {
	const everyTick = time.Nanosecond
	for _, ticks := range []int{0, 3} {
		for _, bm := range []struct {
			name  string
			every func(context.Context, time.Duration, func(context.Context) error) error
		}{
			{"runtime.Every", runtime.Every},
			{"hand-written-ticker-loop", handEvery},
		} {
			b.Run("ticks="+strconv.Itoa(ticks)+"/"+bm.name, func(b *testing.B) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				calls := 0
				f := func(context.Context) error {
					calls++
					if calls > ticks {
						return errEnough
					}
					return nil
				}
				b.ReportAllocs()
				for b.Loop() {
					calls = 0
					if err := bm.every(ctx, everyTick, f); err != errEnough {
						b.Fatalf("every returned %v, want errEnough", err)
					}
					if calls != ticks+1 {
						b.Fatalf("f called %d times, want %d", calls, ticks+1)
					}
				}
			})
		}
	}
}
