package ctxcancel

import (
	"context"
	"sync"
	"time"
)

// The kind: a cancel kept in a field must be called by the type's release
// methods (Close, Stop, Shutdown, Wait); a method that calls it only on an
// error leaves the context alive as long as its parent when nothing fails.

type failPool struct {
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	err    error
}

func newFailPool(parent context.Context) *failPool {
	ctx, cancel := context.WithCancel(parent) // want `the cancel function returned by context.WithCancel is stored in field failPool.cancel, which Wait never calls \(only fail does\); call it in Wait`
	return &failPool{ctx: ctx, cancel: cancel}
}

func (p *failPool) Go(f func(context.Context) error) { // want Go:`launches\[1\]`
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := f(p.ctx); err != nil {
			p.fail(err)
		}
	}()
}

func (p *failPool) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.err = err
		p.cancel()
	}
}

func (p *failPool) Wait() error {
	p.wg.Wait()
	return p.err
}

// Silent: Wait reaches the cancel through a method of its own.
type finishingPool struct {
	wg     sync.WaitGroup
	cancel context.CancelFunc
}

func newFinishingPool(parent context.Context) (*finishingPool, context.Context) {
	ctx, cancel := context.WithCancel(parent)
	return &finishingPool{cancel: cancel}, ctx
}

func (p *finishingPool) onError() { p.cancel() }

func (p *finishingPool) Wait() {
	p.wg.Wait()
	p.finish()
}

func (p *finishingPool) finish() { p.cancel() }

// Silent: a Cancel method is the owner's way to end it.
type cancelJob struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func startCancelJob(parent context.Context) *cancelJob {
	ctx, cancel := context.WithCancel(parent)
	j := &cancelJob{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(j.done)
		<-ctx.Done()
	}()
	return j
}

func (j *cancelJob) Cancel() { j.cancel() }

func (j *cancelJob) Wait() { <-j.done }

// Silent: a goroutine of the constructor calls it; its lifetime is not a
// method's.
type watched struct {
	cancel context.CancelFunc
	stop   chan struct{}
}

func newWatched(parent context.Context) *watched {
	ctx, cancel := context.WithCancel(parent)
	w := &watched{cancel: cancel, stop: make(chan struct{})}
	go func() {
		<-w.stop
		w.cancel()
	}()
	use(ctx)
	return w
}

func (w *watched) Close() { close(w.stop) }

// Silent: no release method at all (nothing says when its life ends).
type retrier struct{ cancel context.CancelFunc }

func newRetrier(parent context.Context) *retrier {
	ctx, cancel := context.WithCancel(parent)
	use(ctx)
	return &retrier{cancel: cancel}
}

func (r *retrier) giveUp() { r.cancel() }

// Silent: a hook kept in a field, called in the course of the work (the
// closure cancels), is not a cancel its owner must call.
type hooked struct{ before func() }

func (h *hooked) query() { h.before() }

func (h *hooked) Close() {}

func withHook(parent context.Context, h *hooked) {
	ctx, cancel := context.WithCancel(parent)
	h.before = func() { cancel() }
	h.query()
	use(ctx)
}

// Silent: the method that calls it reads it through another value (a
// connection's unsubscribe cancels its subscription's context).
type subInfo struct{ cancel context.CancelFunc }

type subscription struct{ info *subInfo }

type conn struct{}

func (c *conn) unsubscribe(s *subscription) { s.info.cancel() }

func (c *conn) Close() {}

func (s *subInfo) Close() {}

func subscribe(parent context.Context) *subscription {
	ctx, cancel := context.WithCancel(parent)
	use(ctx)
	return &subscription{info: &subInfo{cancel: cancel}}
}

// A cancel called by a closure that runs within a method (started as its
// goroutine, called, deferred, or run by a sync.Once there) is that
// method's call: a pool whose Go cancels on the first error and whose
// Wait never cancels leaks its context once every task succeeds.
type oncePool struct {
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	errOnce sync.Once
	err     error
}

func newOncePool(parent context.Context) *oncePool {
	ctx, cancel := context.WithCancel(parent) // want `stored in field oncePool.cancel, which Wait never calls \(only Go does\); call it in Wait`
	return &oncePool{ctx: ctx, cancel: cancel}
}

func (p *oncePool) Go(task func(context.Context) error) { // want Go:`launches\[1\]`
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if err := task(p.ctx); err != nil {
			p.errOnce.Do(func() {
				p.err = err
				p.cancel()
			})
		}
	}()
}

func (p *oncePool) Wait() error {
	p.wg.Wait()
	return p.err
}

type goPool struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newGoPool(parent context.Context) *goPool {
	ctx, cancel := context.WithCancel(parent) // want `stored in field goPool.cancel, which Wait never calls \(only Go does\)`
	return &goPool{ctx: ctx, cancel: cancel}
}

func (p *goPool) Go(task func(context.Context) error) { // want Go:`launches\[1\]`
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if task(p.ctx) != nil {
			p.cancel()
		}
	}()
}

func (p *goPool) Wait() { p.wg.Wait() }

// Clean: Wait cancels through a sync.Once of its own; a closure kept in a
// field, or handed to time.AfterFunc, runs when its holder decides.
type closingPool struct {
	cancel context.CancelFunc
	once   sync.Once
	wg     sync.WaitGroup
}

func newClosingPool(parent context.Context) (*closingPool, context.Context) {
	ctx, cancel := context.WithCancel(parent)
	return &closingPool{cancel: cancel}, ctx
}

func (p *closingPool) fail() { p.once.Do(func() { p.cancel() }) }

func (p *closingPool) Wait() {
	p.wg.Wait()
	p.once.Do(func() { p.cancel() })
}

type hookPool struct {
	cancel  context.CancelFunc
	onClose func()
}

func newHookPool(parent context.Context) (*hookPool, context.Context) {
	ctx, cancel := context.WithCancel(parent)
	return &hookPool{cancel: cancel}, ctx
}

func (p *hookPool) arm() { p.onClose = func() { p.cancel() } }

func (p *hookPool) Close() {
	if p.onClose != nil {
		p.onClose()
	}
}

type timedPool struct{ cancel context.CancelFunc }

func newTimedPool(parent context.Context) (*timedPool, context.Context) {
	ctx, cancel := context.WithCancel(parent)
	return &timedPool{cancel: cancel}, ctx
}

func (p *timedPool) start(d time.Duration) { time.AfterFunc(d, func() { p.cancel() }) }

func (p *timedPool) Wait() {}

// Clean: a goroutine of a method waits for Close's signal, then cancels.
type startedWatch struct {
	cancel context.CancelFunc
	stop   chan struct{}
}

func newStartedWatch(parent context.Context) (*startedWatch, context.Context) {
	ctx, cancel := context.WithCancel(parent)
	return &startedWatch{cancel: cancel, stop: make(chan struct{})}, ctx
}

func (w *startedWatch) Start() {
	go func() {
		<-w.stop
		w.cancel()
	}()
}

func (w *startedWatch) Close() { close(w.stop) }

// Clean: a run loop whose deferred cleanup cancels once Stop tells it to
// return.
type runLoop struct {
	cancel context.CancelFunc
	stop   chan struct{}
	done   chan struct{}
}

func newRunLoop(parent context.Context) (*runLoop, context.Context) {
	ctx, cancel := context.WithCancel(parent)
	return &runLoop{cancel: cancel, stop: make(chan struct{}), done: make(chan struct{})}, ctx
}

func (r *runLoop) run() {
	defer func() {
		r.cancel()
		close(r.done)
	}()
	<-r.stop
}

func (r *runLoop) Stop() {
	close(r.stop)
	<-r.done
}
