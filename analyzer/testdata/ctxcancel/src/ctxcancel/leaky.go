// Package ctxcancel holds the ctxcancel check's cases: leaky.go must be
// reported, clean.go must not.
package ctxcancel

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"time"
)

func discarded(parent context.Context) context.Context {
	ctx, _ := context.WithTimeout(parent, time.Second) // want `the cancel function returned by context.WithTimeout is discarded; assign it and defer cancel\(\)`
	return ctx
}

func discardedCause(parent context.Context) {
	ctx, _ := context.WithTimeoutCause(parent, time.Second, errors.New("slow")) // want `cancel function returned by context.WithTimeoutCause is discarded`
	use(ctx)
}

func wholeResultDropped(parent context.Context) {
	context.WithCancel(parent) // want `cancel function returned by context.WithCancel is discarded`
}

func blankAssignIsNotACall(parent context.Context) {
	ctx, cancel := context.WithCancel(parent) // want `cancel function returned by context.WithCancel is never called; defer cancel\(\)`
	_ = cancel
	use(ctx)
}

func comparedButNotCalled(parent context.Context) {
	ctx, cancel := context.WithDeadline(parent, time.Now()) // want `never called`
	if cancel == nil {
		return
	}
	use(ctx)
}

func earlyReturn(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want `is not called on all paths; defer cancel\(\) after this call`
	if err := work(ctx); err != nil {
		return err
	}
	defer cancel()
	return work(ctx)
}

func causeOnSomePaths(parent context.Context, fail bool) {
	ctx, cancel := context.WithCancelCause(parent) // want `not called on all paths; defer cancel\(nil\)`
	if fail {
		cancel(errors.New("failed"))
		return
	}
	use(ctx)
}

func signalStopNeverCalled() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt) // want `the stop function returned by signal.NotifyContext is never called; defer stop\(\)`
	use(ctx)
	_ = stop
}

func onlyTheLastIsCalled(parent context.Context, ds []time.Duration) {
	var cancel context.CancelFunc
	for _, d := range ds {
		var ctx context.Context
		ctx, cancel = context.WithTimeout(parent, d) // want `is not called before the next iteration replaces it; call cancel\(\) in every iteration`
		use(ctx)
	}
	if cancel != nil {
		cancel()
	}
}

// keep takes a function and ignores it.
func keep(f func()) {} // want keep:`dropsParam\[0\]`

func passedToKeep(parent context.Context) {
	ctx, cancel := context.WithCancel(parent) // want `is passed to keep, which never calls it`
	keep(cancel)
	use(ctx)
}

type poller struct {
	stop context.CancelFunc // set, never called
	ctx  context.Context
}

func newPoller(parent context.Context) *poller {
	p := new(poller)
	p.ctx, p.stop = context.WithCancel(parent) // want `is stored in field poller.stop, which nothing in the package calls`
	return p
}

func (p *poller) running() bool { return p.stop != nil }

// newCtx hands its cancel to the caller.
func newCtx(parent context.Context) (context.Context, func()) { // want newCtx:`returnsCancel\[1\]`
	return context.WithTimeout(parent, time.Minute)
}

func helperCancelDropped(parent context.Context) {
	ctx, _ := newCtx(parent) // want `the cancel function returned by newCtx is discarded`
	use(ctx)
}

// newCtxWithCleanup wraps the cancel in a closure that must be called.
func newCtxWithCleanup(parent context.Context) (context.Context, func()) { // want newCtxWithCleanup:`returnsCancel\[1\]`
	ctx, cancel := context.WithCancel(parent)
	return ctx, func() {
		cancel()
		println("cleaned up")
	}
}

func wrappedCancelNeverCalled(parent context.Context) {
	ctx, done := newCtxWithCleanup(parent) // want `cancel function returned by newCtxWithCleanup is never called; defer done\(\)`
	use(ctx)
	if done == nil {
		panic("unreachable")
	}
}

func closureNeverCalled(parent context.Context) {
	ctx, cancel := context.WithCancel(parent) // want `never called`
	cleanup := func() { cancel() }
	_ = cleanup
	use(ctx)
}

func use(context.Context)            {}
func work(ctx context.Context) error { return ctx.Err() }

func closureAfterEarlyReturn(parent context.Context, fail bool) {
	ctx, cancel := context.WithCancel(parent) // want `not called on all paths`
	if fail {
		return
	}
	defer func() { cancel() }()
	use(ctx)
}

func retryWithoutCancel(parent context.Context, try func(context.Context) bool) {
	for {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want `not called before the next iteration replaces it`
		if try(ctx) {
			cancel()
			return
		}
	}
}

// The other case of the select shares the (empty) target of the ctx.Done()
// case: after it the context is not done, and the next iteration replaces
// its cancel.
func retryOnWake(parent context.Context, wake <-chan struct{}, try func(context.Context) bool) { // want retryOnWake:`chan\[1\]\(recv\?\)`
	for {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want `not called before the next iteration replaces it`
		if try(ctx) {
			cancel()
			return
		}
		select {
		case <-ctx.Done():
		case <-wake:
		}
	}
}

// A helper that returns a live cancel with an error: the caller that
// returns on the error leaks it.
func openCtxLeaky(parent context.Context, ok bool) (context.Context, context.CancelFunc, error) { // want openCtxLeaky:`returnsCancel\[1\]`
	ctx, cancel := context.WithTimeout(parent, time.Second)
	if !ok {
		return ctx, cancel, errors.New("half open")
	}
	return ctx, cancel, nil
}

func usesOpenCtxLeaky(parent context.Context) error {
	ctx, cancel, err := openCtxLeaky(parent, false) // want `the cancel function returned by openCtxLeaky is not called on all paths`
	if err != nil {
		return err
	}
	defer cancel()
	return ctx.Err()
}

// Values, not variables: the first cancel is lost when the variable is
// reassigned before the deferred call.
func reassignedBeforeDefer(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent) // want `is lost when cancel is reassigned before it is called`
	if d > 0 {
		ctx, cancel = context.WithTimeout(ctx, d)
	}
	defer cancel()
	return ctx.Err()
}

func reassignedInSwitch(parent context.Context, mode int) error {
	ctx, stop := context.WithCancel(parent) // want `is lost when stop is reassigned`
	switch mode {
	case 1:
		ctx, stop = context.WithTimeout(ctx, time.Second)
	case 2:
		ctx, stop = context.WithDeadline(ctx, time.Now())
	}
	defer stop()
	return ctx.Err()
}
