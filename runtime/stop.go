package runtime

import (
	"context"
	"sync"
)

// A Stopper is the pair of signals a goroutine that does not take a context
// needs: a broadcast asking it to stop, closed once by [Stopper.Stop] and
// observed through [Stopper.Stopping], and a signal that it has stopped,
// given by the goroutine itself with [Stopper.Done] and observed through
// [Stopper.Stopped] or [Stopper.StopAndWait]. The channels are named for the
// state they signal, like tomb's Dying and Dead:
//
//	func (w *Worker) loop() {
//		defer w.stop.Done()
//		for {
//			select {
//			case <-w.stop.Stopping():
//				return
//			case job := <-w.jobs:
//				w.handle(job)
//			}
//		}
//	}
//
// The zero Stopper is ready to use. All methods are safe to call from many
// goroutines at once, any number of times. A Stopper must not be copied after
// first use.
//
// Code that has a context should use a [Task] instead.
type Stopper struct {
	mu       sync.Mutex
	stopping chan struct{} // closed by Stop
	stopped  chan struct{} // closed by Done
	isStop   bool
	isDone   bool
}

// init makes the channels; s.mu must be held.
func (s *Stopper) init() {
	if s.stopping == nil {
		s.stopping = make(chan struct{})
		s.stopped = make(chan struct{})
	}
}

// Stop asks the goroutine to stop by closing the Stopping channel. It does not
// wait (see [Stopper.StopAndWait]), never blocks, and may be called any
// number of times from any goroutine.
func (s *Stopper) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	if !s.isStop {
		s.isStop = true
		close(s.stopping)
	}
}

// Stopping returns a channel that is closed once Stop has been called. The
// goroutine must select on it wherever it may block, and return soon after it
// is closed.
func (s *Stopper) Stopping() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	return s.stopping
}

// Done is called by the goroutine when it has finished, typically as its
// first deferred call, whether or not Stop was called. It closes the Stopped
// channel; calls after the first do nothing.
func (s *Stopper) Done() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	if !s.isDone {
		s.isDone = true
		close(s.stopped)
	}
}

// Stopped returns a channel that is closed once the goroutine has called Done.
func (s *Stopper) Stopped() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.init()
	return s.stopped
}

// StopAndWait calls Stop and waits until the goroutine has called Done or ctx
// is done, whichever comes first. In the second case it returns an error that
// matches both [ErrNotStopped] and ctx's cause with [errors.Is]: the goroutine
// is still running.
func (s *Stopper) StopAndWait(ctx context.Context) error {
	s.Stop()
	stopped := s.Stopped()
	select {
	case <-stopped:
		return nil
	case <-ctx.Done():
		select {
		case <-stopped:
			return nil
		default:
			return errNotStopped(ctx)
		}
	}
}
