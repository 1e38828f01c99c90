package gostop

import "time"

// The kind: a goroutine whose only way out is a stop-channel parameter,
// started with a channel that nothing closes or sends on (beyla#747).

type informer struct{ events chan string }

// Run returns only once stop is closed.
func (i *informer) Run(stop <-chan struct{}) { // want Run:`stopsOnlyVia\[1\]`
	for {
		select {
		case <-stop:
			return
		case ev := <-i.events:
			_ = ev
		}
	}
}

// poll takes a bidirectional channel and only receives from it.
func poll(d time.Duration, stop chan struct{}) { // want poll:`stopsOnlyVia\[1\]`
	for {
		select {
		case <-stop:
			return
		case <-time.After(d):
		}
	}
}

// waitThenClean has no loop: it waits for stop, then cleans up.
func waitThenClean(stop <-chan struct{}) { // want waitThenClean:`stopsOnlyVia\[0\]`
	<-stop
	cleanup()
}

func cleanup() {}

type provider struct {
	stopChan chan struct{}
	pods     *informer
	quit     chan struct{}
}

func newProvider() *provider {
	return &provider{stopChan: make(chan struct{}), quit: make(chan struct{}), pods: &informer{events: make(chan string)}}
}

func (p *provider) Start() {
	go p.pods.Run(p.stopChan)    // want `goroutine never stops: \(\*gostop.informer\).Run returns only once stop is closed or sent on, and it is given field stopChan, which nothing closes or sends on`
	go poll(time.Second, p.quit) // want `poll returns only once stop is closed or sent on, and it is given field quit`
	// chanblock reports these, where the goroutine blocks, and gostop
	// stays silent: one finding per goroutine.
	go waitThenClean(p.stopChan)
	go func(stop <-chan struct{}) {
		<-stop
	}(p.stopChan)
}

func startWithNil() {
	var stop chan struct{}
	go poll(time.Second, stop) // want `poll returns only once stop is closed or sent on, and it is given a nil channel`
}

// Silent: a Stop method closes the field.
type closedByStop struct {
	done chan struct{}
	inf  *informer
}

func newClosedByStop(inf *informer) *closedByStop {
	return &closedByStop{done: make(chan struct{}), inf: inf}
}

func (c *closedByStop) Start() { go c.inf.Run(c.done) }
func (c *closedByStop) Stop()  { close(c.done) }

// Silent: a send on the field stops it.
type sentOn struct{ quit chan struct{} }

func newSentOn() *sentOn { return &sentOn{quit: make(chan struct{})} }

func (s *sentOn) Start() { go poll(time.Second, s.quit) }
func (s *sentOn) Stop()  { s.quit <- struct{}{} }

// Silent: the field is handed to a function that may close it.
type stopHandedOn struct{ stop chan struct{} }

func newStopHandedOn() *stopHandedOn { return &stopHandedOn{stop: make(chan struct{})} }

func (h *stopHandedOn) Start() { go poll(time.Second, h.stop); closeLater(h.stop) }

func closeLater(ch chan struct{}) { time.AfterFunc(time.Second, func() { close(ch) }) }

// Silent: the field holds a channel made elsewhere (the caller's).
type stopGiven struct{ stop chan struct{} }

func newStopGiven(stop chan struct{}) *stopGiven { return &stopGiven{stop: stop} }
func (g *stopGiven) Start()                      { go poll(time.Second, g.stop) }

// Silent: an exported field may be closed by code outside the package.
type exported struct{ Stop chan struct{} }

func (e *exported) Start() { go poll(time.Second, e.Stop) }

// Silent: a local channel closed later (chanblock's business if not).
func localClosed() {
	stop := make(chan struct{})
	go poll(time.Second, stop)
	time.Sleep(time.Second)
	close(stop)
}

// Silent: another way out besides the stop channel.
func pollN(n int, stop <-chan struct{}) { // want pollN:`chan\[1\]\(recv\?\)`
	for i := 0; i < n; i++ {
		select {
		case <-stop:
			return
		case <-time.After(time.Second):
		}
	}
}

type bounded struct{ stop chan struct{} }

func (b *bounded) Start() { go pollN(3, b.stop) }

// Silent: a context's Done channel, which its cancel closes.
type ctxStopped struct{ inf *informer }

func (c *ctxStopped) Start(done <-chan struct{}) { go c.inf.Run(done) }

// Silent: a library's init runs once per process; its goroutine may run
// until the process exits.
func init() {
	go libJanitor()
}

func libJanitor() { // want libJanitor:`forever` libJanitor:`noReturn`
	for {
		time.Sleep(time.Minute)
	}
}

// libStartOnce is called by init alone, once.
func libStartOnce() {
	go libJanitor()
}

func init() { libStartOnce() }

// LibStart can be called by any importer, any number of times.
func LibStart() {
	go libJanitor() // want `goroutine never stops: the loop in gostop.libJanitor`
}

// Handed a channel while it is still nil, made later.
type flusher struct {
	stopc chan struct{}
	count int
}

func (f *flusher) loop(stop <-chan struct{}) { // want loop:`stopsOnlyVia\[1\]`
	for {
		select {
		case <-stop:
			return
		case <-time.After(time.Second):
			f.count++
		}
	}
}

func (f *flusher) Start() {
	go f.loop(f.stopc) // want `goroutine never stops: \(\*gostop.flusher\).loop returns only once stop is closed or sent on, and it is given field stopc before the channel is made \(nil: a receive from it blocks forever\); make the channel before the go statement`
	f.stopc = make(chan struct{})
}

func (f *flusher) Stop() { close(f.stopc) }

func watchAll(dirs []string) func() {
	var quit chan struct{}
	for range dirs {
		go waitQuit(quit) // want `it is given quit before the channel is made`
	}
	quit = make(chan struct{})
	return func() { close(quit) }
}

func waitQuit(quit <-chan struct{}) { <-quit } // want waitQuit:`stopsOnlyVia\[0\] chan\[0\]\(recv\)`

// Made first: silent.
type flusher2 struct{ stopc chan struct{} }

func (f *flusher2) loop(stop <-chan struct{}) { <-stop } // want loop:`stopsOnlyVia\[1\] chan\[1\]\(recv\)`

func (f *flusher2) Start() {
	f.stopc = make(chan struct{})
	go f.loop(f.stopc)
}

func (f *flusher2) Stop() { close(f.stopc) }

// Made by the constructor: silent.
type flusher3 struct{ stopc chan struct{} }

func newFlusher3() *flusher3 { return &flusher3{stopc: make(chan struct{})} }

func (f *flusher3) Start() { go waitQuit(f.stopc) }

func (f *flusher3) Stop() { close(f.stopc) }

// Made before the loop, or on each turn before the start: silent.
func watchAllMadeFirst(dirs []string) func() {
	var quit chan struct{}
	quit = make(chan struct{})
	for range dirs {
		go waitQuit(quit)
	}
	return func() { close(quit) }
}

func restartEach(n int) {
	var quit chan struct{}
	for range n {
		if quit != nil {
			close(quit)
		}
		quit = make(chan struct{})
		go waitQuit(quit)
	}
	close(quit)
}
