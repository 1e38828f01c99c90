package gostop

import (
	"context"
	"time"
)

// queue's Start goroutine stops only when Stop closes done: every queue
// a function starts must be stopped.
type queue struct {
	items chan int
	done  chan struct{}
}

func (q *queue) Start() { // want Start:`startStops\[Stop\]`
	go func() {
		for {
			select {
			case it := <-q.items:
				_ = it
			case <-q.done:
				return
			}
		}
	}()
}

func (q *queue) Stop() { close(q.done) }

func (q *queue) Add(it int) {
	select {
	case q.items <- it:
	case <-q.done:
	}
}

func forgetsStop(items []int) {
	q := &queue{items: make(chan int), done: make(chan struct{})}
	q.Start() // want `goroutine started by q.Start never stops: its only way out is field done, which only Stop signals, and forgetsStop never calls q.Stop; defer q.Stop\(\)`
	for _, it := range items {
		q.Add(it)
	}
}

// A value receiver works the same way: the copies share the channels.
type pump struct {
	out  chan int
	quit chan bool
}

func (p pump) Run() { // want Run:`startStops\[Halt\]`
	go func() {
		for {
			select {
			case p.out <- 1:
			case <-p.quit:
				return
			}
		}
	}()
}

func (p pump) Halt() { p.quit <- true }

func forgetsHalt() int {
	p := pump{out: make(chan int), quit: make(chan bool)}
	p.Run() // want `goroutine started by p.Run never stops: its only way out is field quit, which only Halt signals, and forgetsHalt never calls p.Halt; defer p.Halt\(\)`
	return <-p.out
}

// The same, stopped.

func stops(items []int) {
	q := &queue{items: make(chan int), done: make(chan struct{})}
	q.Start()
	defer q.Stop()
	for _, it := range items {
		q.Add(it)
	}
}

func halts() int {
	p := pump{out: make(chan int), quit: make(chan bool)}
	p.Run()
	v := <-p.out
	p.Halt()
	return v
}

// Returned: the caller owns it and may stop it.
func started() *queue { // want started:`mustStop\[Stop\]`
	q := &queue{items: make(chan int), done: make(chan struct{})}
	q.Start()
	return q
}

// Handed to a function value: it may stop it.
func handedOff(owner func(*queue)) {
	q := &queue{items: make(chan int), done: make(chan struct{})}
	q.Start()
	owner(q)
}

// Its stop channel comes from elsewhere: someone else may close it.
func sharedDone(done chan struct{}) {
	q := &queue{items: make(chan int), done: done}
	q.Start()
}

// A goroutine with another way out (its context) has no contract.
type watcher struct {
	stop chan struct{}
}

func (w *watcher) Watch(ctx context.Context) {
	go func() {
		select {
		case <-w.stop:
		case <-ctx.Done():
		}
	}()
}

func (w *watcher) Close() { close(w.stop) }

func watches(ctx context.Context) {
	w := &watcher{stop: make(chan struct{})}
	w.Watch(ctx)
}

// A stop channel closed outside the type's methods: no contract to check.
type loose struct {
	done chan struct{}
}

func (l *loose) Start() {
	go func() {
		for {
			<-l.done
			return
		}
	}()
}

func closeLoose(l *loose) { close(l.done) }

func startsLoose() {
	l := &loose{done: make(chan struct{})}
	l.Start()
}

// A constructor that starts the goroutine: its callers must stop what it
// returns.
type ticker struct {
	stop chan struct{}
	ch   chan int
}

func newTicker() *ticker { // want newTicker:`mustStop\[Stop\]`
	t := &ticker{stop: make(chan struct{}), ch: make(chan int)}
	go t.loop()
	return t
}

func (t *ticker) loop() {
	for i := 0; ; i++ {
		select {
		case t.ch <- i:
		case <-t.stop:
			return
		}
	}
}

func (t *ticker) Stop() { close(t.stop) }

func (t *ticker) Next() int { return <-t.ch }

func forgetsTicker() int {
	t := newTicker() // want `goroutine started by newTicker never stops: only t.Stop stops it, and forgetsTicker never calls it; defer t.Stop\(\)`
	return t.Next()
}

// With an error result, too.
func openTicker(fail bool) (*ticker, error) { // want openTicker:`mustStop\[Stop\]`
	if fail {
		return nil, context.Canceled
	}
	t := &ticker{stop: make(chan struct{}), ch: make(chan int)}
	go t.loop()
	return t, nil
}

func forgetsOpened() error {
	t, err := openTicker(false) // want `goroutine started by openTicker never stops: only t.Stop stops it, and forgetsOpened never calls it; defer t.Stop\(\)`
	if err != nil {
		return err
	}
	t.Next()
	return nil
}

// The same, stopped or let go.

func stopsTicker() int {
	t := newTicker()
	defer t.Stop()
	return t.Next()
}

func returnsTicker() *ticker {
	return newTicker()
}

var tickers []*ticker

func keepsTicker() {
	t := newTicker()
	tickers = append(tickers, t)
}

func stopsOpened() error {
	t, err := openTicker(true)
	if err != nil {
		return err
	}
	t.Stop()
	return nil
}

// A constructor that stops its goroutine itself passes no contract on.
func selfStopping() *ticker {
	t := &ticker{stop: make(chan struct{}), ch: make(chan int)}
	go t.loop()
	t.Stop()
	return t
}

func usesSelfStopping() { selfStopping().Next() }

// Stop calls stop, which closes the channel: calling Stop stops it too.
type watcher2 struct {
	input chan int
}

func newWatcher2() *watcher2 { // want newWatcher2:`mustStop\[Stop stop\]`
	w := &watcher2{input: make(chan int)}
	go w.process()
	return w
}

func (w *watcher2) process() {
	for {
		if _, ok := <-w.input; !ok {
			return
		}
	}
}

func (w *watcher2) Stop() { w.stop() }

func (w *watcher2) stop() { close(w.input) }

func stopsThroughStop() {
	w := newWatcher2()
	w.Stop()
}

func neverStopsWatcher() {
	w := newWatcher2() // want `goroutine started by newWatcher2 never stops: only w.Stop stops it, and neverStopsWatcher never calls it; defer w.Stop\(\)`
	_ = w
}

// A method hands the receiver to a registry, which may stop it: no
// contract for its callers.
type registered struct {
	stop chan struct{}
}

var registry []*registered

func newRegistered() *registered {
	r := &registered{stop: make(chan struct{})}
	go r.run()
	return r
}

func (r *registered) run() {
	for {
		select {
		case <-r.stop:
			return
		case <-time.After(time.Second):
		}
	}
}

func (r *registered) Register() { registry = append(registry, r) }

func (r *registered) Stop() { close(r.stop) }

func registers() {
	r := newRegistered()
	r.Register()
}

// A function that starts the goroutine itself owes the same stop.
func startsItself() int {
	t := &ticker{stop: make(chan struct{}), ch: make(chan int)}
	go t.loop() // want `goroutine started here never stops: its only way out is field stop, which only Stop signals, and startsItself never calls t.Stop; defer t.Stop\(\)`
	return t.Next()
}

func startsAndStops() int {
	t := &ticker{stop: make(chan struct{}), ch: make(chan int)}
	go t.loop()
	defer t.Stop()
	return t.Next()
}

func validItem(it int) error { return nil }

// Stopped only when an item is bad: on success the goroutine runs on.
func stopsOnlyOnError(items []int) error {
	q := &queue{items: make(chan int), done: make(chan struct{})}
	q.Start() // want `goroutine started by q.Start never stops: its only way out is field done, which only Stop signals, and stopsOnlyOnError only on some paths calls q.Stop`
	for _, it := range items {
		if err := validItem(it); err != nil {
			q.Stop()
			return err
		}
		q.Add(it)
	}
	return nil
}

// Silent: stopped on every path (a defer).
func stopsDeferred(items []int) error {
	q := &queue{items: make(chan int), done: make(chan struct{})}
	q.Start()
	defer q.Stop()
	for _, it := range items {
		if err := validItem(it); err != nil {
			return err
		}
		q.Add(it)
	}
	return nil
}

// A constructor that makes the stop channel but does not start: Start
// arms the contract on the value it returned.
type jobWorker struct {
	jobs chan int
	stop chan struct{}
}

func newJobWorker() *jobWorker {
	return &jobWorker{jobs: make(chan int, 16), stop: make(chan struct{})}
}

func (w *jobWorker) Start() { go w.loop() } // want Start:`startStops\[Stop\]`

func (w *jobWorker) loop() {
	for {
		select {
		case <-w.stop:
			return
		case <-w.jobs:
		}
	}
}

func (w *jobWorker) Stop() { close(w.stop) }

func (w *jobWorker) submit(j int) error {
	if j < 0 {
		return context.Canceled
	}
	w.jobs <- j
	return nil
}

func processStopOnError(items []int) error {
	w := newJobWorker()
	w.Start() // want `goroutine started by w.Start never stops: only w.Stop stops it, and processStopOnError calls it only on some paths`
	for _, it := range items {
		if err := w.submit(it); err != nil {
			w.Stop()
			return err
		}
	}
	return nil
}

func processStopped(items []int) error {
	w := newJobWorker()
	w.Start()
	defer w.Stop()
	for _, it := range items {
		if err := w.submit(it); err != nil {
			return err
		}
	}
	return nil
}

func processHandedOn(items []int, keep func(*jobWorker)) {
	w := newJobWorker()
	w.Start()
	keep(w)
}
