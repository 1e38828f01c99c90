package errgroupbench_test

import (
	"context"
	"testing"

	"github.com/golifecheck/golifecheck/runtime"
	"golang.org/x/sync/errgroup"
)

// benchFanOut is the number of goroutines each benchmark iteration starts,
// as in runtime's BenchmarkGroup.
const benchFanOut = 16

func work(ctx context.Context) error { return ctx.Err() }

// BenchmarkGroupVsErrgroup compares runtime.Group with errgroup.Group: each
// iteration makes a group with WithContext, optionally sets a limit, starts
// benchFanOut goroutines, and waits for them.
func BenchmarkGroupVsErrgroup(b *testing.B) {
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
		// errgroup's functions take no context, so f captures the group's:
		// the like-for-like comparison with runtime.Group.
		b.Run(name+"/errgroup", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, ctx := errgroup.WithContext(context.Background())
				g.SetLimit(limit)
				for range benchFanOut {
					g.Go(func() error { return work(ctx) })
				}
				_ = g.Wait()
			}
		})
		// The same with a function that captures nothing, made once:
		// errgroup's best case, one allocation per Go fewer.
		b.Run(name+"/errgroup-nocapture", func(b *testing.B) {
			b.ReportAllocs()
			f := func() error { return nil }
			for b.Loop() {
				g, _ := errgroup.WithContext(context.Background())
				g.SetLimit(limit)
				for range benchFanOut {
					g.Go(f)
				}
				_ = g.Wait()
			}
		})
	}
}
