package chanblock

import (
	"context"
	"errors"
)

// The kind: several goroutines, each started once, may together send more
// values than the function receives before it returns (kubeadm's
// WaitForKubeletAndFunc, kubernetes#85017): the loser of the race blocks.

func raceCheck() error { return errors.New("unhealthy") }

func raceRun() error { return nil }

func raceHealthAndRun() error {
	errC := make(chan error)
	go func() {
		if err := raceCheck(); err != nil {
			errC <- err // want `send on errC blocks forever if it loses the race: 2 goroutines may send 2 values and raceHealthAndRun receives 1; make errC with a buffer of 2`
		}
	}()
	go func() {
		errC <- raceRun() // want `send on errC blocks forever if it loses the race`
	}()
	return <-errC
}

func raceThree() error {
	errC := make(chan error, 1)
	go func() { errC <- raceCheck() }() // want `send on errC blocks forever if it loses the race: 3 goroutines may send 3 values`
	go func() { errC <- raceRun() }()   // want `send on errC blocks forever if it loses the race`
	go func() { errC <- raceRun() }()   // want `send on errC blocks forever if it loses the race`
	return <-errC
}

// Enough buffer, or a receive per sender, or senders that can give up.

func raceBuffered() error {
	errC := make(chan error, 2)
	go func() { errC <- raceCheck() }()
	go func() { errC <- raceRun() }()
	return <-errC
}

func raceBothReceived() error {
	errC := make(chan error)
	go func() { errC <- raceCheck() }()
	go func() { errC <- raceRun() }()
	return errors.Join(<-errC, <-errC)
}

func raceSelect(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errC := make(chan error)
	go func() {
		select {
		case errC <- raceCheck():
		case <-ctx.Done():
		}
	}()
	go func() {
		select {
		case errC <- raceRun():
		case <-ctx.Done():
		}
	}()
	return <-errC
}

func raceSometimes(both bool) error {
	errC := make(chan error)
	go func() { errC <- raceCheck() }()
	if both {
		go func() { errC <- raceRun() }()
		return errors.Join(<-errC, <-errC)
	}
	return <-errC
}

// One at a time: each goroutine's value is received before the next
// starts (runtime/pprof's TestSetGoroutineLabels).
func raceOneAtATime() {
	sync := make(chan struct{})
	go func() { sync <- struct{}{} }()
	<-sync
	go func() { sync <- struct{}{} }()
	<-sync
	go func() { sync <- struct{}{} }()
	<-sync
}
