// Package runtimeuse hands functions to golifecheck's runtime primitives:
// gostop checks them as it checks go statements.
package runtimeuse

import (
	"context"
	"time"

	"github.com/golifecheck/golifecheck/runtime"
)

func poll() {}

func taskIgnoresContext() *runtime.Task {
	return runtime.Start(context.Background(), func(ctx context.Context) error { // want `goroutine never stops: the loop in a function literal in runtimeuse.taskIgnoresContext`
		for {
			poll()
			time.Sleep(time.Second)
		}
	})
}

func groupIgnoresContext(parent context.Context) error {
	g, _ := runtime.WithContext(parent)
	g.Go(func(ctx context.Context) error { // want `goroutine never stops`
		for {
			poll()
		}
	})
	return g.Wait()
}

func tryGoSpins(g *runtime.Group) bool {
	return g.TryGo(func(ctx context.Context) error { // want `goroutine never stops`
		for {
			poll()
		}
	})
}

func poolWorkerSpins(ctx context.Context, in <-chan int) <-chan runtime.Result[int] { // want poolWorkerSpins:`chan\[1\]\(recv\?,async,until\[0\]\)`
	return runtime.Pool(ctx, 2, in, func(ctx context.Context, v int) (int, error) { // want `goroutine never stops`
		for {
			poll()
		}
	})
}

// The same, done right.

func taskStops() *runtime.Task {
	return runtime.Start(context.Background(), func(ctx context.Context) error {
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
				poll()
			}
		}
	})
}

func groupFinite(parent context.Context) error {
	g, _ := runtime.WithContext(parent)
	g.Go(func(ctx context.Context) error {
		poll()
		return nil
	})
	return g.Wait()
}

func tryGoFinite(g *runtime.Group) bool {
	return g.TryGo(func(ctx context.Context) error { return ctx.Err() })
}

func poolFinite(ctx context.Context, in <-chan int) <-chan runtime.Result[int] { // want poolFinite:`chan\[1\]\(recv\?,async,until\[0\]\)`
	return runtime.Pool(ctx, 2, in, func(ctx context.Context, v int) (int, error) {
		return v * 2, nil
	})
}

func every(ctx context.Context) error {
	return runtime.Every(ctx, time.Second, func(context.Context) error {
		poll()
		return nil
	})
}

// runtime's own obligations (the knowledge table's mustcall entries).

func waitForCtx(ctx context.Context) error { // want waitForCtx:`stopsOnlyVia\[0\]`
	<-ctx.Done()
	return nil
}

func taskDiscarded() {
	runtime.Start(context.Background(), waitForCtx) // want `the \*runtime.Task that runtime.Start returns is discarded, so nothing can call its Stop`
}

func taskNeverStopped() error {
	t := runtime.Start(context.TODO(), waitForCtx) // want `taskNeverStopped never calls t.Stop on the \*runtime.Task that runtime.Start returns`
	return t.Err()
}

func groupNeverWaited(parent context.Context) {
	g, ctx := runtime.WithContext(parent) // want `groupNeverWaited never calls g.Wait on the \*runtime.Group that runtime.WithContext returns, so its goroutines may run forever; call g.Wait\(\) before returning and check its error`
	g.Go(waitForCtx)
	_ = ctx
}

// Silent: stopped, waited for, with a context the caller ends, handed on.
func taskStopped() {
	t := runtime.Start(context.Background(), waitForCtx)
	defer t.Stop()
}

func taskWaited(ctx context.Context) error {
	t := runtime.Start(context.Background(), waitForCtx)
	return t.WaitContext(ctx)
}

func taskWithCallersContext(ctx context.Context) {
	runtime.Start(ctx, waitForCtx) // want `the \*runtime.Task that runtime.Start returns is discarded, so nothing can stop it, wait for it or learn how it ended, and its goroutine runs until the context ends; keep it and call its Stop or Wait`
}

// Kept, with the caller's context: the context ends it.
func taskKeptWithCallersContext(ctx context.Context) *runtime.Task {
	t := runtime.Start(ctx, waitForCtx)
	_ = t.Err()
	return nil
}

func taskReturned() *runtime.Task {
	return runtime.Start(context.Background(), waitForCtx)
}

func groupWaited(parent context.Context) error {
	g, _ := runtime.ServiceGroup(parent)
	g.Go(waitForCtx)
	return g.Wait()
}

type holder struct{ g *runtime.Group }

func groupStored(parent context.Context) *holder {
	g, _ := runtime.WithContext(parent)
	return &holder{g: g}
}

func load() error { return nil }

// Stopped only on the error path.
func taskStoppedOnError() error {
	t := runtime.Start(context.Background(), waitForCtx) // want `taskStoppedOnError calls t.Stop on the \*runtime.Task that runtime.Start returns only on some paths`
	if err := load(); err != nil {
		t.Stop()
		return err
	}
	return nil
}

// Silent: stopped on every path, each its own way.
func taskStoppedEitherWay() error {
	t := runtime.Start(context.Background(), waitForCtx)
	if err := load(); err != nil {
		t.Stop()
		return err
	}
	return t.Wait()
}

func double(_ context.Context, v int) (int, error) { return 2 * v, nil }

// A Pool whose results nobody reads: its workers block on their first
// send.
func poolDiscarded(ctx context.Context, in <-chan int) { // want poolDiscarded:`chan\[1\]\(recv\?,async,until\[0\]\)`
	runtime.Pool(ctx, 2, in, double) // want `the channel that runtime.Pool returns is discarded, so its goroutines block on their first send until the context ends \(forever, if it never does\); range over it until it is closed`
}

func poolDiscardedBlank(ctx context.Context, in <-chan int) { // want poolDiscardedBlank:`chan\[1\]\(recv\?,async,until\[0\]\)`
	_ = runtime.Pool(ctx, 2, in, double) // want `the channel that runtime.Pool returns is discarded`
}

func poolRead(ctx context.Context, in <-chan int) (sum int) { // want poolRead:`chan\[1\]\(recv\?,async,until\[0\]\)`
	for r := range runtime.Pool(ctx, 2, in, double) {
		sum += r.Value
	}
	return sum
}

func poolHandedOn(ctx context.Context, in <-chan int, out func(<-chan runtime.Result[int])) { // want poolHandedOn:`chan\[1\]\(recv\?,async,until\[0\]\)`
	out(runtime.Pool(ctx, 2, in, double))
}

func mergeDiscarded(ctx context.Context, a, b <-chan int) {
	runtime.Merge(ctx, a, b) // want `the channel that runtime.Merge returns is discarded`
}

// A Stopper kept in a field that nothing stops: the goroutine's only way
// out never opens.
type consumer struct {
	stop runtime.Stopper
	jobs chan int
}

func newConsumer() *consumer {
	c := &consumer{jobs: make(chan int, 8)}
	go c.loop() // want `goroutine never stops: its only way out is stop.Stopping\(\), and nothing in the package calls Stop or StopAndWait on field stop; call stop.Stop\(\) when the goroutine must stop`
	return c
}

func (c *consumer) loop() { // want loop:`forever\(the loop in \(\*runtimeuse.consumer\).loop \(use.go:215\) has no exit\)`
	defer c.stop.Done()
	for {
		select {
		case <-c.stop.Stopping():
			return
		case <-c.jobs:
		}
	}
}

func (c *consumer) Submit(j int) { c.jobs <- j }

// Stopped by Close: silent.
type stoppedConsumer struct {
	stop runtime.Stopper
	jobs chan int
}

func newStoppedConsumer() *stoppedConsumer {
	c := &stoppedConsumer{jobs: make(chan int, 8)}
	go c.loop()
	return c
}

func (c *stoppedConsumer) loop() {
	defer c.stop.Done()
	for {
		select {
		case <-c.stop.Stopping():
			return
		case <-c.jobs:
		}
	}
}

func (c *stoppedConsumer) Close(ctx context.Context) error { return c.stop.StopAndWait(ctx) }

// A Stopper behind a pointer that comes from elsewhere: its owner stops it.
type sharedConsumer struct {
	stop *runtime.Stopper
}

func newSharedConsumer(s *runtime.Stopper) *sharedConsumer {
	c := &sharedConsumer{stop: s}
	go c.loop()
	return c
}

func (c *sharedConsumer) loop() {
	<-c.stop.Stopping()
}

// An exported Stopper: other packages may stop it.
type Exposed struct {
	Stop runtime.Stopper
}

func NewExposed() *Exposed {
	e := &Exposed{}
	go func() { <-e.Stop.Stopping() }()
	return e
}

// Results kept in a field that nothing reads, or one that Results reads.
type calc struct{ res <-chan runtime.Result[int] }

func (c *calc) begin(ctx context.Context, in <-chan int) { // want begin:`chan\[2\]\(recv\?,async,until\[1\]\)`
	c.res = runtime.Pool(ctx, 2, in, double) // want `the channel that runtime.Pool returns is stored in field calc.res, which nothing in the package reads`
}

type calc2 struct{ res <-chan runtime.Result[int] }

func (c *calc2) begin(ctx context.Context, in <-chan int) { // want begin:`chan\[2\]\(recv\?,async,until\[1\]\)`
	c.res = runtime.Pool(ctx, 2, in, double)
}

func (c *calc2) Results() <-chan runtime.Result[int] { return c.res }

// Silent: a Group waited for with a deadline (WaitTimeout, WaitContext)
// is waited for.
func groupWaitedWithTimeout(parent context.Context) error {
	g, _ := runtime.ServiceGroup(parent)
	g.Go(waitForCtx)
	return g.WaitTimeout(time.Second)
}

func groupWaitedWithContext(parent, shutdown context.Context) error {
	g, _ := runtime.WithContext(parent)
	g.Go(waitForCtx)
	return g.WaitContext(shutdown)
}

// A PoolSeq whose results nobody reads, as a Pool's.
func poolSeqDiscarded(ctx context.Context, xs []int) {
	runtime.PoolSeq(ctx, 2, func(yield func(int) bool) { // want `the channel that runtime.PoolSeq returns is discarded`
		for _, x := range xs {
			if !yield(x) {
				return
			}
		}
	}, double)
}
