package ctxcancel

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Owning fields: a cancel stored in a field is owed by the type; its
// release method must call it on every path that no guard excuses.

type failConn struct {
	cancel context.CancelFunc
	rw     io.Closer
}

func dialFail(parent context.Context, rw io.Closer) *failConn {
	c := &failConn{rw: rw}
	_, c.cancel = context.WithCancel(parent) // want `is stored in field failConn.cancel, which Close calls only on some paths; call it on every path of Close`
	return c
}

// Close cancels only when closing the transport fails.
func (c *failConn) Close() error {
	if err := c.rw.Close(); err != nil {
		c.cancel()
		return err
	}
	return nil
}

type flagWatcher struct {
	stop   func()
	closed bool
}

func newFlagWatcher(parent context.Context) *flagWatcher {
	w := &flagWatcher{}
	_, w.stop = context.WithTimeout(parent, time.Minute) // want `is stored in field flagWatcher.stop, which Shutdown calls only on some paths`
	return w
}

// Shutdown sets the flag on the path that skips the call: one Shutdown
// never cancels.
func (w *flagWatcher) Shutdown() error {
	if w.closed {
		w.stop()
		return errors.New("already closed")
	}
	w.closed = true
	return nil
}

// A release method that returns early when an earlier call did the work
// (an idempotence flag it sets on the calling path).
type onceConn struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	closed bool
}

func dialOnce(parent context.Context) *onceConn {
	c := &onceConn{}
	_, c.cancel = context.WithCancel(parent)
	return c
}

func (c *onceConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	c.cancel()
	return nil
}

// The same with an atomic flag.
type atomicConn struct {
	cancel context.CancelFunc
	closed atomic.Bool
}

func dialAtomic(parent context.Context) *atomicConn {
	c := &atomicConn{}
	_, c.cancel = context.WithCancel(parent)
	return c
}

func (c *atomicConn) Close() {
	if !c.closed.CompareAndSwap(false, true) {
		return
	}
	c.cancel()
}

// The same with a done channel closed once.
type doneConn struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func dialDone(parent context.Context) *doneConn {
	c := &doneConn{done: make(chan struct{})}
	_, c.cancel = context.WithCancel(parent)
	return c
}

func (c *doneConn) Close() {
	select {
	case <-c.done:
		return
	default:
	}
	close(c.done)
	c.cancel()
}

// A nil check of the field itself.
type nilConn struct{ cancel context.CancelFunc }

func dialNil(parent context.Context, watch bool) *nilConn {
	c := &nilConn{}
	if watch {
		_, c.cancel = context.WithCancel(parent)
	}
	return c
}

func (c *nilConn) Close() {
	if c.cancel != nil {
		c.cancel()
	}
}

// A context that is already done has nothing left to cancel.
type errConn struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func dialErr(parent context.Context) *errConn {
	c := &errConn{}
	c.ctx, c.cancel = context.WithCancel(parent)
	return c
}

func (c *errConn) Close() {
	if c.ctx.Err() != nil {
		return
	}
	c.cancel()
}

// A parameter of the method chooses; its callers are checked where they
// call it.
type choiceConn struct{ cancel context.CancelFunc }

func dialChoice(parent context.Context) *choiceConn {
	c := &choiceConn{}
	_, c.cancel = context.WithCancel(parent)
	return c
}

func (c *choiceConn) shutdown(force bool) {
	if force {
		c.cancel()
	}
}

func (c *choiceConn) Close() { c.shutdown(true) }

// sync.Once runs the release in a closure: ownership moves to it.
type onceFuncConn struct {
	once   sync.Once
	cancel context.CancelFunc
}

func dialOnceFunc(parent context.Context) *onceFuncConn {
	c := &onceFuncConn{}
	_, c.cancel = context.WithCancel(parent)
	return c
}

func (c *onceFuncConn) Close() { c.once.Do(func() { c.cancel() }) }

// A store that replaces the pair while the field may hold an uncalled
// cancel.
type stream struct {
	base   context.Context
	ctx    context.Context
	cancel context.CancelFunc
}

func newStream(base context.Context) *stream { // want newStream:`keeps\[0:0\]`
	s := &stream{base: base}
	s.ctx, s.cancel = context.WithCancel(base)
	return s
}

func (s *stream) SetDeadline(t time.Time) {
	s.ctx, s.cancel = context.WithDeadline(s.base, t) // want `SetDeadline replaces the cancel function in stream.cancel without calling it, so the earlier context is never cancelled; call s.cancel\(\) before storing a new one`
}

func (s *stream) Close() { s.cancel() }

// Calling the old cancel first, directly, after a swap, or through the
// release method, is right.
type stream2 struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func newStream2(base context.Context) *stream2 {
	s := &stream2{}
	s.ctx, s.cancel = context.WithCancel(base)
	return s
}

func (s *stream2) SetDeadline(t time.Time) {
	s.cancel()
	s.ctx, s.cancel = context.WithDeadline(context.Background(), t)
}

func (s *stream2) Reset(base context.Context) {
	old := s.cancel
	s.ctx, s.cancel = context.WithCancel(base)
	old()
}

func (s *stream2) Restart(base context.Context) {
	s.Close()
	s.ctx, s.cancel = context.WithCancel(base)
}

func (s *stream2) Close() { s.cancel() }

// Only Start sets the field: there is no earlier pair to replace.
type starter struct{ cancel context.CancelFunc }

func (s *starter) Start(parent context.Context) {
	_, s.cancel = context.WithCancel(parent)
}

func (s *starter) Stop() { s.cancel() }

// Maps of cancels: an entry deleted without calling its cancel.
type cancelRegistry struct {
	mu   sync.Mutex
	jobs map[string]context.CancelFunc
}

func (r *cancelRegistry) Add(parent context.Context, id string) context.Context {
	ctx, cancel := context.WithCancel(parent)
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.jobs[id]; ok {
		old()
	}
	r.jobs[id] = cancel
	return ctx
}

func (r *cancelRegistry) Remove(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.jobs, id) // want `Remove deletes an entry of cancelRegistry.jobs without calling its cancel function`
}

func (r *cancelRegistry) Cancel(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.jobs[id]; ok {
		c()
		delete(r.jobs, id)
	}
}

func (r *cancelRegistry) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, c := range r.jobs {
		c()
		delete(r.jobs, id)
	}
}

// An unexported helper that deletes after its callers called the cancel.
func (r *cancelRegistry) forget(id string) { delete(r.jobs, id) }

func (r *cancelRegistry) Finish(id string) {
	r.jobs[id]()
	r.forget(id)
}

// A deferred closure that cancels only when the named error result is set:
// the paths that return a nil error never cancel.
func pushAll(ctx context.Context, items []string) error { return ctx.Err() }

func syncCause(parent context.Context, items []string) (err error) {
	ctx, abort := context.WithCancelCause(parent) // want `the cancel function returned by context.WithCancelCause is not called on all paths`
	defer func() {
		if err != nil {
			abort(err)
		}
	}()
	if err = pushAll(ctx, items); err != nil {
		return err
	}
	return nil
}

// Every path returns an error the deferred closure may see, or hands the
// cancel on: silent.
func syncCauseAlwaysErr(parent context.Context, items []string) (err error) {
	ctx, abort := context.WithCancelCause(parent)
	defer func() {
		if err != nil {
			abort(err)
		}
	}()
	return pushAll(ctx, items)
}

type session struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func openSession(parent context.Context) (s *session, err error) {
	ctx, cancel := context.WithCancel(parent)
	defer func() {
		if err != nil {
			cancel()
		}
	}()
	if err = pushAll(ctx, nil); err != nil {
		return nil, err
	}
	return &session{ctx: ctx, cancel: cancel}, nil
}

func (s *session) Close() { s.cancel() }

func syncCauseAlways(parent context.Context, items []string) (err error) {
	ctx, abort := context.WithCancelCause(parent)
	defer func() { abort(err) }()
	if err = pushAll(ctx, items); err != nil {
		return err
	}
	return nil
}

// An idempotence guard through a method of a pointer field (grpc's
// xdsclient: if c.done.HasFired() { return }).
type event struct{ fired atomic.Bool }

func (e *event) HasFired() bool { return e.fired.Load() }
func (e *event) Fire()          { e.fired.Store(true) }

type eventConn struct {
	done  *event
	close context.CancelFunc
}

func dialEvent(parent context.Context) *eventConn {
	_, cancel := context.WithCancel(parent)
	return &eventConn{done: &event{}, close: cancel}
}

func (c *eventConn) Close() {
	if c.done.HasFired() {
		return
	}
	c.done.Fire()
	c.close()
}

// A method call on a pointer field that may fail is an action, not a
// guard: Close cancels only when closing the file fails.
type follower struct {
	f      *os.File
	cancel context.CancelFunc
}

func follow(ctx context.Context, f *os.File) *follower {
	fl := &follower{f: f}
	_, fl.cancel = context.WithCancel(ctx) // want `is stored in field follower.cancel, which Close calls only on some paths`
	return fl
}

func (fl *follower) Close() error {
	if err := fl.f.Close(); err != nil {
		fl.cancel()
		return err
	}
	return nil
}

// A map of callbacks that have a cancel's shape, not its obligation (go-redis's
// re-auth functions, func(error)): called once when due, dropped when the
// connection goes. Not reported.
type reauthHook struct {
	mu      sync.Mutex
	pending map[uint64]func(error)
}

func (h *reauthHook) Mark(id uint64, fn func(error)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pending[id] = fn
}

func (h *reauthHook) Run(id uint64) {
	h.mu.Lock()
	fn, ok := h.pending[id]
	delete(h.pending, id)
	h.mu.Unlock()
	if ok {
		fn(nil)
	}
}

func (h *reauthHook) Remove(id uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.pending, id)
}

// The same with func() callbacks.
type onDone struct {
	hooks map[string]func()
}

func (o *onDone) Register(name string, fn func()) { o.hooks[name] = fn }

func (o *onDone) Fire(name string) {
	if fn, ok := o.hooks[name]; ok {
		fn()
	}
}

func (o *onDone) Unregister(name string) { delete(o.hooks, name) }

// Cancels handed in by the caller, typed as such: an entry deleted
// uncalled is reported.
type handedCancels struct {
	m map[string]context.CancelFunc
}

func (h *handedCancels) Put(id string, cancel context.CancelFunc) { h.m[id] = cancel }

func (h *handedCancels) Stop(id string) {
	if c, ok := h.m[id]; ok {
		c()
	}
	delete(h.m, id)
}

func (h *handedCancels) Drop(id string) {
	delete(h.m, id) // want `Drop deletes an entry of handedCancels.m without calling its cancel function`
}
