package runtime_test

import (
	"context"
	"sync"
	"testing"

	"github.com/golifecheck/golifecheck/runtime"
)

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
