package ctxcancel

import (
	"context"
	"os"
	"os/signal"
	"time"
)

// The kind: a cancel deferred inside a loop that can run many times. The
// defer runs only when the function returns, so every iteration's context
// (and its timer) piles up until then (go-mysql#999). A loop that runs a
// number of times fixed before it starts (a range over a slice, a constant
// count) keeps a bounded number: not reported.

func deferInForLoop(parent context.Context, events <-chan int) error { // want deferInForLoop:`chan\[1\]\(recv\?\)`
	for {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want `deferred inside a loop, so each iteration's context lives until deferInForLoop returns`
		defer cancel()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e := <-events:
			handle(e)
		}
	}
}

func deferInRange(parent context.Context, jobs <-chan string) { // want deferInRange:`stopsOnlyVia\[1\] chan\[1\]\(drains\)`
	for j := range jobs {
		ctx, cancel := context.WithCancel(parent) // want `deferred inside a loop`
		defer cancel()
		_ = run(ctx, j)
	}
}

func deferHelperInLoop(parent context.Context, n int) {
	for i := 0; i < n; i++ {
		ctx, cancel := withTimeout(parent) // want `deferred inside a loop`
		defer cancel()
		_ = run(ctx, "x")
	}
}

func deferClosureInLoop(parent context.Context, jobs <-chan string) { // want deferClosureInLoop:`stopsOnlyVia\[1\] chan\[1\]\(drains\)`
	for j := range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want `deferred inside a loop`
		defer func() { cancel() }()
		_ = run(ctx, j)
	}
}

func deferCauseInLoop(parent context.Context, jobs <-chan string) { // want deferCauseInLoop:`stopsOnlyVia\[1\] chan\[1\]\(drains\)`
	for j := range jobs {
		ctx, cancel := context.WithCancelCause(parent) // want `deferred inside a loop`
		defer cancel(nil)
		_ = run(ctx, j)
	}
}

func deferSignalInLoop(jobs <-chan string) { // want deferSignalInLoop:`stopsOnlyVia\[0\] chan\[0\]\(drains\)`
	for j := range jobs {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt) // want `deferred inside a loop`
		defer stop()
		_ = run(ctx, j)
	}
}

// A WithCancel of Background keeps nothing but its memory until the
// function returns: no timer, no registration in a parent (issue 25, item
// 9), as long as its context goes nowhere a goroutine could wait on it.
// Not reported; nor of TODO, of a value context of one, of WithoutCancel.
func deferBackgroundCancelInLoop(jobs <-chan string) { // want deferBackgroundCancelInLoop:`stopsOnlyVia\[0\] chan\[0\]\(drains\)`
	for j := range jobs {
		_, cancel := context.WithCancel(context.Background())
		defer cancel()
		handleJob(j)
	}
}

type traceKey struct{}

func deferTODOValueCancelInLoop(jobs <-chan string) error { // want deferTODOValueCancelInLoop:`stopsOnlyVia\[0\] chan\[0\]\(recv\)`
	base := context.WithValue(context.TODO(), traceKey{}, "x")
	for j := range jobs {
		ctx, cancel := context.WithCancelCause(base)
		defer cancel(nil)
		if err := ctx.Err(); err != nil {
			return err
		}
		handleJob(j)
	}
	return nil
}

func deferWithoutCancelInLoop(parent context.Context, jobs <-chan string) { // want deferWithoutCancelInLoop:`stopsOnlyVia\[1\] chan\[1\]\(drains\)`
	for j := range jobs {
		_, cancel := context.WithCancel(context.WithoutCancel(parent))
		defer cancel()
		handleJob(j)
	}
}

func handleJob(string) {}

// A WithCancel of Background whose context is handed to a function that
// starts a goroutine waiting on it: each iteration's goroutine stays until
// the function returns (hashicorp/raft's GetInState). Reported.
func deferBackgroundCancelToWatcher(events <-chan int, n int) {
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(context.Background()) // want `deferred inside a loop`
		defer cancel()
		<-watch(ctx, events)
	}
}

func watch(ctx context.Context, events <-chan int) <-chan struct{} { // want watch:`chan\[1\]\(recv\?,async,until\[0\]\)`
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		select {
		case <-ctx.Done():
		case <-events:
		}
	}()
	return ch
}

// A WithTimeout of Background keeps its timer until it fires or the
// function returns: reported.
func deferBackgroundTimeoutInLoop(jobs <-chan string) { // want deferBackgroundTimeoutInLoop:`stopsOnlyVia\[0\] chan\[0\]\(drains\)`
	for j := range jobs {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second) // want `deferred inside a loop`
		defer cancel()
		_ = run(ctx, j)
	}
}

// A variable declared outside the loop, assigned in it.
func deferOuterVarInLoop(parent context.Context, jobs <-chan string) { // want deferOuterVarInLoop:`stopsOnlyVia\[1\] chan\[1\]\(drains\)`
	var cancel context.CancelFunc
	var ctx context.Context
	for j := range jobs {
		ctx, cancel = context.WithTimeout(parent, time.Second) // want `deferred inside a loop`
		defer cancel()
		_ = run(ctx, j)
	}
}

// A goroutine's loop: the same pile-up, in a function literal.
func deferInGoroutineLoop(parent context.Context, in <-chan string) {
	go func() {
		for j := range in {
			ctx, cancel := context.WithTimeout(parent, time.Second) // want `deferred inside a loop, so each iteration's context lives until the function literal returns`
			defer cancel()
			_ = run(ctx, j)
		}
	}()
}

// A method.
func (w *worker) deferInMethodLoop(jobs <-chan string) { // want deferInMethodLoop:`stopsOnlyVia\[1\] chan\[1\]\(drains\)`
	for j := range jobs {
		ctx, cancel := context.WithTimeout(w.ctx, time.Second) // want `deferred inside a loop`
		defer cancel()
		_ = run(ctx, j)
	}
}

type worker struct{ ctx context.Context }

func withTimeout(parent context.Context) (context.Context, context.CancelFunc) { // want withTimeout:`returnsCancel\[1\]`
	return context.WithTimeout(parent, time.Second)
}

func handle(int) {}

func run(context.Context, string) error { return nil }

// Silent: the body in a function called per iteration.
func deferInBodyFunc(parent context.Context, jobs []string) {
	for _, j := range jobs {
		func() {
			ctx, cancel := context.WithTimeout(parent, time.Second)
			defer cancel()
			_ = run(ctx, j)
		}()
	}
}

// Silent: a goroutine per iteration defers its own cancel.
func deferInGoroutinePerIteration(parent context.Context, jobs []string) {
	for _, j := range jobs {
		go func() {
			ctx, cancel := context.WithTimeout(parent, time.Second)
			defer cancel()
			_ = run(ctx, j)
		}()
	}
}

// Silent: the cancel is also called at the end of every iteration.
func deferAndCallInLoop(parent context.Context, jobs []string) {
	for _, j := range jobs {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel() // for a panic in run
		_ = run(ctx, j)
		cancel()
	}
}

// Silent: the loop never comes back to the call after the defer.
func deferThenReturn(parent context.Context, jobs []string) error {
	for _, j := range jobs {
		if j == "" {
			continue
		}
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel()
		return run(ctx, j)
	}
	return nil
}

// Silent: the loop goes round again only once the context is done (a
// timed-out context has already released its timer).
func deferUntilDone(parent context.Context, events <-chan int) { // want deferUntilDone:`chan\[1\]\(recv\?\)`
	for {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel()
		select {
		case <-ctx.Done():
			continue
		case e := <-events:
			handle(e)
			return
		}
	}
}

// Silent: made outside the loop, deferred once.
func deferOutsideLoop(parent context.Context, jobs []string) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	for _, j := range jobs {
		_ = run(ctx, j)
	}
}

// Silent: a range over a test table the function builds, a constant
// count: a bounded number of contexts lives until the function returns.
func deferOverTable(parent context.Context) {
	cases := []string{"a", "b"}
	for _, c := range cases {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel()
		_ = run(ctx, c)
	}
	for i := 0; i < 3; i++ {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel()
		_ = run(ctx, "again")
	}
}

// A counted loop whose bound is not a constant can run any number of
// times (a benchmark's b.N).
func deferCounted(parent context.Context, n int) {
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want `deferred inside a loop`
		defer cancel()
		_ = run(ctx, "x")
	}
}

// A range over a parameter: the caller decides how many.
func deferOverParam(parent context.Context, urls []string) {
	for _, u := range urls {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want `deferred inside a loop`
		defer cancel()
		_ = run(ctx, u)
	}
}

var table = []string{"a", "b", "c"}

// Silent: a range over a package-level table written out in the source.
func deferOverGlobalTable(parent context.Context) {
	for _, c := range table {
		ctx, cancel := context.WithCancel(parent)
		defer cancel()
		_ = run(ctx, c)
	}
}

// A case on a timer made before the loop and never reset fires once: its
// defer runs at most once (net's dialParallel).
func fallbackOnce(ctx context.Context, results <-chan error, start func(context.Context)) error { // want fallbackOnce:`stopsOnlyVia\[1\] launches\[2\] chan\[1\]\(recv\?\)`
	fallback := time.NewTimer(time.Second)
	defer fallback.Stop()
	for {
		select {
		case <-fallback.C:
			fctx, fcancel := context.WithCancel(ctx)
			defer fcancel()
			go start(fctx)
		case err := <-results:
			if err == nil {
				return nil
			}
			if fallback.Stop() {
				fallback.Reset(0) // it had not fired: start the fallback now
			}
		}
	}
}

// time.After makes a new timer on every turn: each may fire.
func fallbackEachTurn(ctx context.Context, results <-chan error, start func(context.Context)) error { // want fallbackEachTurn:`stopsOnlyVia\[1\] launches\[2\] chan\[1\]\(recv\?\)`
	for {
		select {
		case <-time.After(time.Second):
			fctx, fcancel := context.WithCancel(ctx) // want `is deferred inside a loop`
			defer fcancel()
			go start(fctx)
		case err := <-results:
			return err
		}
	}
}

// Reset whenever a result comes: the timer fires again, the case runs
// again.
func fallbackRearmed(ctx context.Context, results <-chan error, start func(context.Context)) error { // want fallbackRearmed:`forever\(the loop in ctxcancel.fallbackRearmed \(deferloop.go:337\) has no exit\) launches\[2\] chan\[1\]\(recv\?\)`
	fallback := time.NewTimer(time.Second)
	defer fallback.Stop()
	for {
		select {
		case <-fallback.C:
			fctx, fcancel := context.WithCancel(ctx) // want `is deferred inside a loop`
			defer fcancel()
			go start(fctx)
		case <-results:
			fallback.Reset(time.Second)
		}
	}
}
