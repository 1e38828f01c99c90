package ctxcancel

import (
	"context"
	"time"
)

// A cancel handed to time.AfterFunc is called when the timer fires, and
// only then: a path that stops the timer first still owes the call.

func stoppedAtReturn(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent) // want `cancel function returned by context.WithCancel is left to a timer that is stopped before it fires; defer cancel\(\) after this call`
	t := time.AfterFunc(d, cancel)
	defer t.Stop()
	return work(ctx)
}

func stoppedOnSuccess(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent) // want `left to a timer that is stopped before it fires`
	t := time.AfterFunc(d, cancel)
	if err := work(ctx); err != nil {
		return err // the timer still fires and cancels
	}
	t.Stop()
	return nil
}

func stoppedClosure(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancelCause(parent) // want `left to a timer that is stopped before it fires; defer cancel\(nil\)`
	t := time.AfterFunc(d, func() { cancel(context.DeadlineExceeded) })
	defer t.Stop()
	return work(ctx)
}

type watchdog struct{ d time.Duration }

func (w *watchdog) run(parent context.Context) error {
	ctx, stop := context.WithCancel(parent) // want `left to a timer that is stopped before it fires; defer stop\(\)`
	t := time.AfterFunc(w.d, stop)
	err := work(ctx)
	t.Stop()
	return err
}

func stopThenCancel(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	t := time.AfterFunc(d, cancel)
	defer func() {
		t.Stop()
		cancel()
	}()
	return work(ctx)
}

func neverStopped(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	time.AfterFunc(d, cancel)
	return work(ctx)
}

func stopTested(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	t := time.AfterFunc(d, cancel)
	err := work(ctx)
	if t.Stop() {
		cancel() // a false Stop means the timer already called it
	}
	return err
}

func deferredCancelToo(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	t := time.AfterFunc(d, cancel)
	defer t.Stop()
	return work(ctx)
}

func cancelDeferredAfterStop(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	t := time.AfterFunc(d, cancel)
	defer t.Stop()
	defer cancel() // runs first, then the timer is stopped
	return work(ctx)
}

func stoppedThenCanceled(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	t := time.AfterFunc(d, cancel)
	err := work(ctx)
	t.Stop()
	cancel()
	return err
}

func resetAfterStop(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	t := time.AfterFunc(d, cancel)
	t.Stop()
	t.Reset(d) // armed again: the timer calls cancel
	return work(ctx)
}

type guarded struct{ t *time.Timer }

func (g *guarded) arm(parent context.Context, d time.Duration) context.Context {
	ctx, cancel := context.WithCancel(parent)
	g.t = time.AfterFunc(d, cancel) // whoever stops g.t is not seen here
	return ctx
}
