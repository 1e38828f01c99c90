package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotStopped is returned by [Task.WaitTimeout], [Task.WaitContext],
// [Group.WaitTimeout], [Group.WaitContext] and [Stopper.StopAndWait] when the
// goroutine (for a Group: one of its goroutines) has not finished in time. The
// goroutine is still running: the caller decides whether that is a bug to
// report, a reason to exit the process, or a reason to wait longer.
var ErrNotStopped = errors.New("runtime: goroutine did not stop in time")

// A Task is a function running in its own goroutine with a context of its own,
// started by [Start]. It can be stopped, waited for, with or without a
// deadline, and asked for the function's error. All methods are safe to call
// from many goroutines at once, any number of times.
//
// The zero Task is not usable: create Tasks with [Start].
type Task struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error // written once, before done is closed
}

// Start runs f(ctx) in a new goroutine and returns at once. ctx is derived
// from parent and is cancelled by [Task.Stop], by the cancellation of parent,
// and when f returns (to release its resources).
//
// f must return soon after ctx is done: Stop only asks. A panic in f is
// recovered and becomes the Task's error, a *[PanicError]; a call to
// runtime.Goexit in f also ends the Task with an error.
//
// The caller must keep the Task, eventually make sure it ends (Stop it, or
// cancel parent) and, to learn how it ended, Wait for it. A discarded Task
// can be neither stopped nor waited for, and its error is lost: golifecheck
// reports it.
func Start(parent context.Context, f func(ctx context.Context) error) *Task {
	ctx, cancel := context.WithCancel(parent)
	t := &Task{cancel: cancel, done: make(chan struct{})}
	go t.run(ctx, f)
	return t
}

func (t *Task) run(ctx context.Context, f func(context.Context) error) {
	err := errGoexit // unless f returns or panics
	defer func() {
		if r := recover(); r != nil {
			err = newPanicError(r)
		}
		t.err = err
		t.cancel()
		close(t.done)
	}()
	err = f(ctx)
}

// Stop cancels the Task's context. It does not wait for the function to
// return (use [Task.Wait] or [Task.WaitTimeout] for that), never blocks, and
// may be called any number of times, also after the Task has finished.
func (t *Task) Stop() { t.cancel() }

// Done returns a channel that is closed when the Task's function has
// returned; its error is then available from [Task.Err].
func (t *Task) Done() <-chan struct{} { return t.done }

// Err returns the error the Task's function returned (or the *[PanicError] of
// its panic) once [Task.Done] is closed, and nil while it is still running.
// Like [context.Context.Err], a nil result is only meaningful after Done.
func (t *Task) Err() error {
	select {
	case <-t.done:
		return t.err
	default:
		return nil
	}
}

// Wait blocks until the Task's function has returned and returns its error.
// It waits as long as it takes: if the function may ignore its context, use
// [Task.WaitTimeout] or [Task.WaitContext] instead.
func (t *Task) Wait() error {
	<-t.done
	return t.err
}

// WaitTimeout is like [Task.Wait] but gives up after d and returns
// [ErrNotStopped] if the function is still running. It does not stop the Task.
func (t *Task) WaitTimeout(d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-t.done:
		return t.err
	case <-timer.C:
		return t.notStopped(ErrNotStopped)
	}
}

// WaitContext is like [Task.Wait] but gives up when ctx is done and then
// returns an error that matches both [ErrNotStopped] and ctx's cause with
// [errors.Is]. It does not stop the Task.
func (t *Task) WaitContext(ctx context.Context) error {
	select {
	case <-t.done:
		return t.err
	case <-ctx.Done():
		return t.notStopped(errNotStopped(ctx))
	}
}

// notStopped returns the Task's error if it finished after all (select picks
// at random among ready cases), and err otherwise.
func (t *Task) notStopped(err error) error {
	select {
	case <-t.done:
		return t.err
	default:
		return err
	}
}

// errNotStopped returns ErrNotStopped wrapped with ctx's cause.
func errNotStopped(ctx context.Context) error {
	return fmt.Errorf("%w: %w", ErrNotStopped, context.Cause(ctx))
}
