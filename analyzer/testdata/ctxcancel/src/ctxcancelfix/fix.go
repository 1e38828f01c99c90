// Package ctxcancelfix holds ctxcancel's suggested fixes; fix.go.golden is
// fix.go with them applied.
package ctxcancelfix

import (
	"context"
	"errors"
	"time"
)

func neverCalled(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want `never called`
	_ = cancel
	return work(ctx)
}

func earlyReturn(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent) // want `not called on all paths`
	if err := work(ctx); err != nil {
		return err
	}
	cancel()
	return nil
}

func discarded(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second) // want `discarded`
	return work(ctx)
}

func discardedNameTaken(parent context.Context, cancel func()) error {
	defer cancel()
	var ctx, _ = context.WithCancelCause(parent) // want `discarded`
	return work(ctx)
}

func inSwitch(parent context.Context, kind int) error {
	switch kind {
	case 1:
		ctx, _ := context.WithDeadline(parent, time.Now()) // want `discarded`
		return work(ctx)
	}
	return errors.New("unknown kind")
}

// No fix: a defer in a loop would pile up.
func inLoop(parent context.Context, n int) {
	for range n {
		ctx, _ := context.WithCancel(parent) // want `discarded`
		_ = work(ctx)
	}
}

// No fix: the context outlives the function.
func ctxReturned(parent context.Context) context.Context {
	ctx, _ := context.WithCancel(parent) // want `discarded`
	return ctx
}

// No fix: a goroutine may still use the context.
func goroutine(parent context.Context) {
	ctx, _ := context.WithCancel(parent) // want `discarded`
	go work(ctx)
}

// No fix: a plain assignment cannot declare the name.
func plainAssign(parent context.Context) {
	var ctx context.Context
	ctx, _ = context.WithCancel(parent) // want `discarded`
	_ = work(ctx)
}

func work(ctx context.Context) error { return ctx.Err() }

// The fix moves a late `defer cancel()` up rather than add a second one.
func lateDefer(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want `not called on all paths`
	if err := work(ctx); err != nil {
		return err
	}
	defer cancel()
	return work(ctx)
}

// Two late defers, one on each branch: both go.
func lateDefers(parent context.Context, fast bool) error {
	ctx, stop := context.WithCancel(parent) // want `not called on all paths`
	if err := work(ctx); err != nil {
		return err
	}
	if fast {
		defer stop()
		return work(ctx)
	}
	defer stop()
	return nil
}

// No fix: the late defer shares its line with a comment, so deleting it
// cleanly is not possible and adding a second one would repeat it.
func lateDeferCommented(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want `not called on all paths`
	if err := work(ctx); err != nil {
		return err
	}
	defer cancel() // released here
	return work(ctx)
}

// The name for a discarded cancel is one the function does not declare
// later either.
func laterCancelName(parent context.Context) error {
	ctx, _ := context.WithCancel(parent) // want `discarded`
	if err := work(ctx); err != nil {
		return err
	}
	cancel := func() {}
	cancel()
	return nil
}

// No fix: a comment above the late defer would be left behind.
func lateDeferCommentAbove(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want `not called on all paths`
	if err := work(ctx); err != nil {
		return err
	}
	// released here
	defer cancel()
	return work(ctx)
}

// The timer is stopped at the return, so it never cancels: the deferred
// cancel runs after the deferred Stop.
func timerStopped(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent) // want `left to a timer that is stopped before it fires`
	t := time.AfterFunc(d, cancel)
	defer t.Stop()
	return work(ctx)
}
