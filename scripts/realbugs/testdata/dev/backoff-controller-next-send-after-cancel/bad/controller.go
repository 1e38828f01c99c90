// Package backoff reconstructs lestrrat-go/backoff#30 (commit 0610f7f)
// before the fix: the controller's loop goroutine sends a tick on the
// one-slot next channel each time its timer fires. Once the user has
// cancelled the context and stopped calling Continue, the slot stays full
// and the loop blocks on its send without ever seeing ctx.Done.
package backoff

import (
	"context"
	"sync"
	"time"
)

// intervalGenerator yields the successive waits.
type intervalGenerator interface {
	Next() time.Duration
}

type constantInterval time.Duration

func (c constantInterval) Next() time.Duration { return time.Duration(c) }

// Controller is what Start returns: the user waits on Next until Done.
type Controller interface {
	Done() <-chan struct{}
	Next() <-chan struct{}
}

type controller struct {
	ctx        context.Context
	cancel     func()
	ig         intervalGenerator
	maxRetries int
	mu         *sync.RWMutex
	next       chan struct{} // user-facing channel
	resetTimer chan time.Duration
	retries    int
	timer      *time.Timer
}

// Start starts a backoff controller for ctx.
func Start(ctx context.Context, ig intervalGenerator, maxRetries int) Controller {
	cctx, cancel := context.WithCancel(ctx) // not cancelled here: the loop cancels it
	c := &controller{
		ctx:        cctx,
		cancel:     cancel,
		ig:         ig,
		maxRetries: maxRetries,
		mu:         &sync.RWMutex{},
		next:       make(chan struct{}, 1),
		resetTimer: make(chan time.Duration, 1),
		timer:      time.NewTimer(ig.Next()),
	}
	// enqueue a first event so that the user gets to try once
	c.next <- struct{}{}
	go c.loop()
	return c
}

func (c *controller) loop() {
	for {
		select {
		case <-c.ctx.Done():
			return
		case d := <-c.resetTimer:
			if !c.timer.Stop() {
				select {
				case <-c.timer.C:
				default:
				}
			}
			c.timer.Reset(d)
		case <-c.timer.C:
			c.next <- struct{}{} // LEAK
			if c.maxRetries > 0 {
				c.retries++
			}
			if !c.check() {
				c.cancel()
				return
			}
			c.resetTimer <- c.ig.Next()
		}
	}
}

func (c *controller) check() bool {
	return c.maxRetries <= 0 || c.retries < c.maxRetries
}

func (c *controller) Done() <-chan struct{} {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.ctx.Done()
}

func (c *controller) Next() <-chan struct{} {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.next
}

// Continue waits for the next try; false once the controller is done.
func Continue(c Controller) bool {
	select {
	case <-c.Done():
		return false
	case _, ok := <-c.Next():
		return ok
	}
}
