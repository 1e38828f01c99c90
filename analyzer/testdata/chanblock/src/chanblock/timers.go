package chanblock

import (
	"context"
	"time"
)

// The kind: a time.AfterFunc callback sends on an unbuffered channel; on
// the paths where the function returns without receiving and without
// stopping the timer first, the callback's send blocks forever.

func tmProbe() bool { return true }

func tmWaitReady(ctx context.Context, d time.Duration) bool {
	ready := make(chan bool)
	time.AfterFunc(d, func() {
		ready <- tmProbe() // want `send on ready blocks forever if tmWaitReady returns without receiving; make ready with a buffer of 1`
	})
	select {
	case ok := <-ready:
		return ok
	case <-ctx.Done():
		return false
	}
}

func tmHold(ctx context.Context, ttl time.Duration, busy bool) error {
	expired := make(chan struct{})
	t := time.AfterFunc(ttl, func() {
		expired <- struct{}{} // want `send on expired blocks forever if tmHold returns without receiving`
	})
	if busy {
		return context.Canceled // the timer is not stopped here
	}
	select {
	case <-expired:
		return nil
	case <-ctx.Done():
		if !t.Stop() {
			<-expired
		}
		return ctx.Err()
	}
}

// Silent: a buffer for the one value.
func tmBuffered(ctx context.Context, d time.Duration) bool {
	ready := make(chan bool, 1)
	time.AfterFunc(d, func() {
		ready <- tmProbe()
	})
	select {
	case ok := <-ready:
		return ok
	case <-ctx.Done():
		return false
	}
}

// Silent: every path that leaves without receiving stops the timer first.
func tmStopped(ctx context.Context, d time.Duration) bool {
	ready := make(chan bool)
	t := time.AfterFunc(d, func() {
		ready <- tmProbe()
	})
	select {
	case ok := <-ready:
		return ok
	case <-ctx.Done():
		if !t.Stop() {
			<-ready
		}
		return false
	}
}

// A deferred Stop does not stop a function already started: when the
// timer fires as ctx is done, Stop returns false and the send has no
// receiver left (the fix is tmStopOrReceive's).
func tmDeferredStop(ctx context.Context, d time.Duration) bool {
	ready := make(chan bool)
	t := time.AfterFunc(d, func() {
		ready <- tmProbe() // want "send on ready blocks forever"
	})
	defer t.Stop()
	select {
	case ok := <-ready:
		return ok
	case <-ctx.Done():
		return false
	}
}

// Silent: the callback gives up when the caller has left.
func tmSelects(ctx context.Context, d time.Duration) bool {
	ready := make(chan bool)
	time.AfterFunc(d, func() {
		select {
		case ready <- tmProbe():
		case <-ctx.Done():
		}
	})
	select {
	case ok := <-ready:
		return ok
	case <-ctx.Done():
		return false
	}
}

// Silent: it always receives.
func tmAlways(d time.Duration) bool {
	ready := make(chan bool)
	time.AfterFunc(d, func() {
		ready <- tmProbe()
	})
	return <-ready
}

// Stop when the wait ends does not stop a function already started, which
// stays blocked on its send (as tmDeferredStop's).
func timerSend(ctx context.Context, d time.Duration) {
	ch := make(chan struct{})
	t := time.AfterFunc(d, func() { ch <- struct{}{} }) // want "send on ch blocks forever"
	select {
	case <-ch:
	case <-ctx.Done():
		t.Stop()
	}
}
