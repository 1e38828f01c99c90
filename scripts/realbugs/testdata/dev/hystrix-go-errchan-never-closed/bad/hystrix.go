// Package hystrix reconstructs afex/hystrix-go#7 before the fix: Go returns
// an error channel that receives a value only when the command fails, times
// out or is rejected. On success nothing is sent and the channel is never
// closed, so a caller that only waits for an error ("err := <-errors")
// blocks forever.
package hystrix

import (
	"errors"
	"sync"
	"time"
)

type runFunc func() error
type fallbackFunc func(error) error

// circuitBreaker is the per-command state.
type circuitBreaker struct {
	name    string
	open    bool
	timeout time.Duration
	mu      sync.Mutex
	events  []string
}

func (c *circuitBreaker) allowRequest() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.open
}

func (c *circuitBreaker) reportEvent(kind string) {
	c.mu.Lock()
	c.events = append(c.events, kind)
	c.mu.Unlock()
}

var (
	circuitsMu sync.Mutex
	circuits   = map[string]*circuitBreaker{}
)

func getCircuit(name string) *circuitBreaker {
	circuitsMu.Lock()
	defer circuitsMu.Unlock()
	c, ok := circuits[name]
	if !ok {
		c = &circuitBreaker{name: name, timeout: time.Second}
		circuits[name] = c
	}
	return c
}

// Go runs run in a goroutine and reports failures on the returned channel.
func Go(name string, run runFunc, fallback fallbackFunc) chan error {
	circuit := getCircuit(name)
	errChan := make(chan error, 1)
	finished := make(chan bool, 1)

	go func() {
		defer func() { finished <- true }()
		if !circuit.allowRequest() {
			circuit.reportEvent("short-circuit")
			if err := tryFallback(circuit, fallback, errors.New("circuit open")); err != nil {
				errChan <- err
			}
			return
		}
		if runErr := run(); runErr != nil {
			circuit.reportEvent("failure")
			if err := tryFallback(circuit, fallback, runErr); err != nil {
				errChan <- err
			}
			return
		}
		circuit.reportEvent("success")
	}()

	go func() {
		timer := time.NewTimer(circuit.timeout)
		defer timer.Stop()
		select {
		case <-finished:
		case <-timer.C:
			circuit.reportEvent("timeout")
			if err := tryFallback(circuit, fallback, errors.New("timeout")); err != nil {
				errChan <- err
			}
		}
	}()

	return errChan
}

func tryFallback(circuit *circuitBreaker, fallback fallbackFunc, err error) error {
	if fallback == nil {
		return err
	}
	if ferr := fallback(err); ferr != nil {
		circuit.reportEvent("fallback-failure")
		return ferr
	}
	circuit.reportEvent("fallback-success")
	return nil
}

// checkOnly is the caller of the issue: it only wants to know whether the
// command failed.
func checkOnly(name string, run runFunc) error {
	errs := Go(name, run, nil)
	err := <-errs // LEAK
	return err
}
