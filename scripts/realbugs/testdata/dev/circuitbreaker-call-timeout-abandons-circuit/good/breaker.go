// Package circuit reconstructs rubyist/circuitbreaker#35 (commit 82193d0)
// after the fix: the result channel has room for the one result, so the
// goroutine finishes after a timeout too.
package circuit

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

var (
	// ErrBreakerOpen is returned when the breaker is tripped.
	ErrBreakerOpen = errors.New("breaker open")
	// ErrBreakerTimeout is returned when the protected function runs too long.
	ErrBreakerTimeout = errors.New("breaker time out")
)

// clock is time, replaceable in tests.
type clock interface {
	After(d time.Duration) <-chan time.Time
	Now() time.Time
}

type realClock struct{}

func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
func (realClock) Now() time.Time                         { return time.Now() }

// Breaker trips after failures and refuses calls while tripped.
type Breaker struct {
	Clock      clock
	ShouldTrip func(*Breaker) bool

	consecFailures int64
	tripped        int32

	mu          sync.Mutex
	lastFailure time.Time
	successes   int64
	failures    int64
}

// NewConsecutiveBreaker trips after threshold consecutive failures.
func NewConsecutiveBreaker(threshold int64) *Breaker {
	return &Breaker{
		Clock:      realClock{},
		ShouldTrip: func(cb *Breaker) bool { return atomic.LoadInt64(&cb.consecFailures) >= threshold },
	}
}

// Ready reports whether the breaker lets calls through.
func (cb *Breaker) Ready() bool { return atomic.LoadInt32(&cb.tripped) == 0 }

// Trip trips the breaker.
func (cb *Breaker) Trip() { atomic.StoreInt32(&cb.tripped, 1) }

// Fail records a failure.
func (cb *Breaker) Fail() {
	cb.mu.Lock()
	cb.failures++
	cb.lastFailure = cb.Clock.Now()
	cb.mu.Unlock()
	atomic.AddInt64(&cb.consecFailures, 1)
	if cb.ShouldTrip != nil && cb.ShouldTrip(cb) {
		cb.Trip()
	}
}

// Success records a success.
func (cb *Breaker) Success() {
	cb.mu.Lock()
	cb.successes++
	cb.mu.Unlock()
	atomic.StoreInt64(&cb.consecFailures, 0)
}

// Call wraps a function the Breaker will protect. A failure is recorded
// whenever the function returns an error or takes longer than timeout.
func (cb *Breaker) Call(circuit func() error, timeout time.Duration) error {
	var err error

	if !cb.Ready() {
		return ErrBreakerOpen
	}

	if timeout == 0 {
		err = circuit()
	} else {
		c := make(chan error, 1)
		go func() {
			c <- circuit()
			close(c)
		}()

		select {
		case e := <-c:
			err = e
		case <-cb.Clock.After(timeout):
			err = ErrBreakerTimeout
		}
	}

	if err != nil {
		cb.Fail()
		return err
	}
	cb.Success()
	return nil
}
