package ctxcancel

import (
	"context"
	"errors"
	"log"
	"sync"
	"testing"
	"time"
)

func deferred(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	defer cancel()
	return work(ctx)
}

func returned(parent context.Context) (context.Context, context.CancelFunc) { // want returned:`returnsCancel\[1\]`
	ctx, cancel := context.WithCancel(parent)
	return ctx, cancel
}

func returnedAfterErrorPath(parent context.Context) (context.Context, context.CancelFunc, error) { // want returnedAfterErrorPath:`returnsCancel\[1\]`
	ctx, cancel := context.WithCancel(parent)
	if err := work(ctx); err != nil {
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

func calledOnEveryPath(parent context.Context, fast bool) {
	ctx, cancel := context.WithCancel(parent)
	if fast {
		cancel()
	} else {
		use(ctx)
		cancel()
	}
}

func sent(parent context.Context, ch chan<- context.CancelFunc) { // want sent:`chan\[1\]\(sends=1\)`
	_, cancel := context.WithCancel(parent)
	ch <- cancel
}

type server struct {
	cancel context.CancelFunc
}

func newServer(parent context.Context) *server {
	s := new(server)
	_, s.cancel = context.WithCancel(parent)
	return s
}

func (s *server) Close() { s.cancel() }

type literalServer struct {
	stop func()
}

func newLiteralServer(parent context.Context) *literalServer {
	_, cancel := context.WithCancel(parent)
	return &literalServer{stop: cancel}
}

func (s *literalServer) Shutdown() {
	if s.stop != nil {
		s.stop()
	}
}

// Exported fields may be called by other packages.
type Handle struct {
	Cancel context.CancelFunc
}

func newHandle(parent context.Context) Handle {
	_, cancel := context.WithCancel(parent)
	return Handle{Cancel: cancel}
}

func appended(parent context.Context, n int) []context.CancelFunc {
	var cancels []context.CancelFunc
	for range n {
		_, cancel := context.WithCancel(parent)
		cancels = append(cancels, cancel)
	}
	return cancels
}

func inMap(parent context.Context, m map[string]context.CancelFunc) {
	_, cancel := context.WithCancel(parent)
	m["job"] = cancel
}

func deferredClosure(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	defer func() {
		log.Print("stopping")
		cancel()
	}()
	use(ctx)
}

func closureCalledAtOnce(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	use(ctx)
	func() { cancel() }()
}

func registeredWithCleanup(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	use(ctx)
}

func registeredClosureWithCleanup(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel() })
	use(ctx)
}

func registeredWithAfterFunc(parent, other context.Context) {
	ctx, cancel := context.WithCancel(parent)
	context.AfterFunc(other, cancel) // its stop function is optional
	use(ctx)
}

func wrappedInOnceFunc(parent context.Context) func() {
	_, cancel := context.WithCancel(parent)
	return sync.OnceFunc(cancel)
}

// callIt calls the function it is given.
func callIt(f func()) { f() }

func passedToCaller(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	use(ctx)
	callIt(cancel)
}

func passedToUnknown(parent context.Context, register func(func())) {
	ctx, cancel := context.WithCancel(parent)
	register(cancel)
	use(ctx)
}

type registry interface{ Add(func()) }

func passedToInterface(parent context.Context, r registry) {
	ctx, cancel := context.WithCancel(parent)
	r.Add(cancel)
	use(ctx)
}

func goroutineCallsIt(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		defer cancel()
		use(ctx)
	}()
}

func stopper(ctx context.Context, cancel context.CancelFunc) { // want stopper:`stopsOnlyVia\[0\]`
	<-ctx.Done()
	cancel()
}

func goroutineFunctionCallsIt(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	go stopper(ctx, cancel)
}

var globalCancel context.CancelFunc

func storedInGlobal(parent context.Context) {
	_, globalCancel = context.WithCancel(parent)
}

func cancelPreviousInLoop(parent context.Context, ds []time.Duration) {
	var cancel context.CancelFunc
	for _, d := range ds {
		if cancel != nil {
			cancel()
		}
		var ctx context.Context
		ctx, cancel = context.WithTimeout(parent, d)
		use(ctx)
	}
	if cancel != nil {
		cancel()
	}
}

func calledInEveryIteration(parent context.Context, ds []time.Duration) {
	for _, d := range ds {
		ctx, cancel := context.WithTimeout(parent, d)
		use(ctx)
		cancel()
	}
}

func fatalBeforeDefer(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	if err := work(ctx); err != nil {
		log.Fatal(err) // never returns
	}
	defer cancel()
}

func panicsBeforeDefer(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	if ctx == nil {
		panic("no context")
	}
	defer cancel()
}

func (s *server) Stop() context.CancelFunc { return s.cancel }

func getterResultIsNotFresh(s *server) {
	_ = s.Stop() // a getter of a stored cancel does not hand over ownership
}

func afterFuncStopIgnored(ctx context.Context) {
	context.AfterFunc(ctx, func() {})
}

func foreverAfter(parent context.Context) { // want foreverAfter:`forever` foreverAfter:`noReturn`
	ctx, cancel := context.WithCancel(parent)
	_ = cancel
	for {
		use(ctx) // never returns: nothing leaks before the process ends
	}
}

func capturedVariableDeferredFirst(parent context.Context) {
	var cancel context.CancelFunc
	defer func() {
		if cancel != nil {
			cancel()
		}
	}()
	var ctx context.Context
	ctx, cancel = context.WithCancel(parent)
	use(ctx)
}

// The closure captured the variable before each assignment: it calls
// whichever cancel the variable holds when it runs.
func closureCreatedFirst(parent context.Context, run func(context.Context, func())) {
	var cancel context.CancelFunc
	stop := func() { cancel() }
	var ctx context.Context
	ctx, cancel = context.WithCancel(parent)
	run(ctx, stop)
	ctx, cancel = context.WithCancel(parent)
	run(ctx, stop)
}

// A timed-out context has released everything: retrying after its Done
// fired without calling cancel leaks nothing.
func retryAfterTimeout(parent context.Context, try func(context.Context) bool) {
	for {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		ok := try(ctx)
		select {
		case <-ctx.Done():
			continue
		default:
		}
		cancel()
		if ok {
			return
		}
	}
}

// A helper whose cancel is nil exactly when its error is set: returning on
// the error owes nothing.
func openCtx(parent context.Context, ok bool) (context.Context, context.CancelFunc, error) { // want openCtx:`returnsCancel\[1\] nilOnErr\[1\]`
	if !ok {
		return nil, nil, errors.New("no")
	}
	ctx, cancel := context.WithTimeout(parent, time.Second)
	return ctx, cancel, nil
}

func usesOpenCtx(parent context.Context) error {
	ctx, cancel, err := openCtx(parent, true)
	if err != nil {
		return err
	}
	defer cancel()
	return ctx.Err()
}

// The first cancel is called before the variable is reassigned.
func cancelledBeforeReassign(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	if d > 0 {
		cancel()
		ctx, cancel = context.WithTimeout(parent, d)
	}
	defer cancel()
	return ctx.Err()
}

// Each cancel in its own variable.
func cancelsApart(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	if d > 0 {
		var cancelTimeout context.CancelFunc
		ctx, cancelTimeout = context.WithTimeout(ctx, d)
		defer cancelTimeout()
	}
	return ctx.Err()
}

// A phi of one value along every edge: nothing is lost.
func samePhi(parent context.Context, d time.Duration) error {
	ctx, cancel := context.WithCancel(parent)
	if d > 0 {
		ctx = context.WithValue(ctx, key{}, d)
	}
	defer cancel()
	return ctx.Err()
}

type key struct{}
