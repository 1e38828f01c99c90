// Package runtimeuse hands functions to golifecheck's runtime primitives:
// gostop checks them as it checks go statements.
package runtimeuse

import (
	"context"
	"time"

	"github.com/golifecheck/golifecheck/runtime"
)

func poll() {}

func taskIgnoresContext() *runtime.Task {
	return runtime.Start(context.Background(), func(ctx context.Context) error { // want `goroutine never stops: the loop in a function literal in runtimeuse.taskIgnoresContext`
		for {
			poll()
			time.Sleep(time.Second)
		}
	})
}

func groupIgnoresContext(parent context.Context) error {
	g, _ := runtime.WithContext(parent)
	g.Go(func(ctx context.Context) error { // want `goroutine never stops`
		for {
			poll()
		}
	})
	return g.Wait()
}

func tryGoSpins(g *runtime.Group) bool {
	return g.TryGo(func(ctx context.Context) error { // want `goroutine never stops`
		for {
			poll()
		}
	})
}

func poolWorkerSpins(ctx context.Context, in <-chan int) <-chan runtime.Result[int] {
	return runtime.Pool(ctx, 2, in, func(ctx context.Context, v int) (int, error) { // want `goroutine never stops`
		for {
			poll()
		}
	})
}

// The same, done right.

func taskStops() *runtime.Task {
	return runtime.Start(context.Background(), func(ctx context.Context) error {
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
				poll()
			}
		}
	})
}

func groupFinite(parent context.Context) error {
	g, _ := runtime.WithContext(parent)
	g.Go(func(ctx context.Context) error {
		poll()
		return nil
	})
	return g.Wait()
}

func tryGoFinite(g *runtime.Group) bool {
	return g.TryGo(func(ctx context.Context) error { return ctx.Err() })
}

func poolFinite(ctx context.Context, in <-chan int) <-chan runtime.Result[int] {
	return runtime.Pool(ctx, 2, in, func(ctx context.Context, v int) (int, error) {
		return v * 2, nil
	})
}

func every(ctx context.Context) error {
	return runtime.Every(ctx, time.Second, func(context.Context) error {
		poll()
		return nil
	})
}
