package gostop

import (
	"errors"
	"net"
	"time"
)

// The kind: a constructor that has already started a goroutine (or made a
// value that owns one) returns an error on a later step without stopping
// it. A hand-off counts only on the path it happens.

type erWatcher struct{ stop chan struct{} }

func newERWatcher() (*erWatcher, error) { // want newERWatcher:`mustStop\[Close\]`
	w := &erWatcher{stop: make(chan struct{})}
	go w.loop()
	return w, nil
}

func (w *erWatcher) loop() {
	for {
		select {
		case <-w.stop:
			return
		case <-time.After(time.Second):
		}
	}
}

func (w *erWatcher) Close() { close(w.stop) }

type erClient struct {
	w    *erWatcher
	conn net.Conn
}

func newERClient(addr string) (*erClient, error) {
	w, err := newERWatcher() // want `goroutine started by newERWatcher is left running when newERClient returns an error: w.Close is not called on that path; call w.Close\(\) before returning the error`
	if err != nil {
		return nil, err // its own failure: nothing to stop
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &erClient{w: w, conn: conn}, nil
}

type erServer struct {
	quit chan struct{}
	ln   net.Listener
}

func newERServer(addr string) (*erServer, error) { // want newERServer:`mustStop\[Close shutdown\]`
	s := &erServer{quit: make(chan struct{})}
	go s.tick() // want `goroutine started here is left running when newERServer returns an error: s.Close is not called on that path`
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.ln = ln
	return s, nil
}

func (s *erServer) tick() {
	for {
		select {
		case <-s.quit:
			return
		case <-time.After(time.Second):
		}
	}
}

func (s *erServer) Close() { close(s.quit) }

type erFactory struct{ addr string }

// A method, two later steps, and a goroutine that takes the watcher over
// only on the success path.
func (f *erFactory) open() (*erWatcher, error) {
	w, err := newERWatcher() // want `goroutine started by newERWatcher is left running when \(\*erFactory\).open returns an error`
	if err != nil {
		return nil, err
	}
	if f.addr == "" {
		return nil, errors.New("no address")
	}
	go func() {
		time.Sleep(time.Minute)
		w.Close()
	}()
	return nil, nil
}

// Silent: stopped before the error return.
func newERClientStops(addr string) (*erClient, error) {
	w, err := newERWatcher()
	if err != nil {
		return nil, err
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		w.Close()
		return nil, err
	}
	return &erClient{w: w, conn: conn}, nil
}

// Silent: a deferred closure stops it when the named error is set.
func newERClientDeferred(addr string) (c *erClient, err error) {
	w, err := newERWatcher()
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			w.Close()
		}
	}()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &erClient{w: w, conn: conn}, nil
}

// Silent: returned with the error; the caller decides.
func newERPartial(addr string) (*erWatcher, error) {
	w, err := newERWatcher()
	if err != nil {
		return nil, err
	}
	if _, err := net.Dial("tcp", addr); err != nil {
		return w, err
	}
	return w, nil
}

type erOwner struct{ w *erWatcher }

// Silent: the receiver owns it before the later step fails.
func (o *erOwner) attach(addr string) error {
	w, err := newERWatcher()
	if err != nil {
		return err
	}
	o.w = w
	if _, err := net.Dial("tcp", addr); err != nil {
		return err
	}
	return nil
}

// Silent: the stop channel is closed by hand on the error path.
type erHandServer struct {
	quit chan struct{}
	ln   net.Listener
}

func newERHandServer(addr string) (*erHandServer, error) {
	s := &erHandServer{quit: make(chan struct{})}
	go s.tick()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		close(s.quit)
		return nil, err
	}
	s.ln = ln
	return s, nil
}

func (s *erHandServer) tick() {
	for {
		select {
		case <-s.quit:
			return
		case <-time.After(time.Second):
		}
	}
}

func (s *erHandServer) Close() { close(s.quit) }

// Silent: a method of its own stops it on the error path.
func newERServerShutdown(addr string) (*erServer, error) {
	s := &erServer{quit: make(chan struct{})}
	go s.tick()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.shutdown()
		return nil, err
	}
	s.ln = ln
	return s, nil
}

func (s *erServer) shutdown() { s.Close() }

// Silent: started after every step that can fail.
func newERServerLate(addr string) (*erServer, error) { // want newERServerLate:`mustStop\[Close shutdown\]`
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &erServer{quit: make(chan struct{}), ln: ln}
	go s.tick()
	return s, nil
}

// Silent: a deferred Close stops it on every path.
func useERWatcher(addr string) error {
	w, err := newERWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	_, err = net.Dial("tcp", addr)
	return err
}

// A value whose Start arms its contract (startStops), started before a
// step that fails.
type erPump struct{ halt chan struct{} }

func (p *erPump) Start() { // want Start:`startStops\[Stop\]`
	p.halt = make(chan struct{})
	go p.run()
}

func (p *erPump) run() {
	for {
		select {
		case <-p.halt:
			return
		case <-time.After(time.Second):
		}
	}
}

func (p *erPump) Stop() { close(p.halt) }

type erPipeline struct{ p *erPump }

func newERPipeline(addr string) (*erPipeline, error) {
	p := &erPump{}
	p.Start() // want `goroutine started by p.Start is left running when newERPipeline returns an error: p.Stop is not called on that path`
	if _, err := net.Dial("tcp", addr); err != nil {
		return nil, err
	}
	return &erPipeline{p: p}, nil
}

func newERPipelineStops(addr string) (*erPipeline, error) {
	p := &erPump{}
	p.Start()
	if _, err := net.Dial("tcp", addr); err != nil {
		p.Stop()
		return nil, err
	}
	return &erPipeline{p: p}, nil
}

// One finding, not two: a value that never leaves the function is owed a
// stop on every path, error returns included.
func useERWatcherSomePaths(addr string) error {
	w, err := newERWatcher() // want `goroutine started by newERWatcher never stops: only w.Close stops it, and useERWatcherSomePaths calls it only on some paths`
	if err != nil {
		return err
	}
	if _, err := net.Dial("tcp", addr); err != nil {
		return err
	}
	w.Close()
	return nil
}

// A goroutine that only uses the watcher is no hand-off: it never closes
// it, so the error returns after it still owe the Close.

func (w *erWatcher) pending() int { return 0 }

type erFeed struct {
	conn   net.Conn
	events chan int
}

func newERFeed(addr string) (*erFeed, error) {
	w, err := newERWatcher() // want `goroutine started by newERWatcher is left running when newERFeed returns an error: w.Close is not called on that path`
	if err != nil {
		return nil, err
	}
	events := make(chan int, 1)
	go func() {
		for w.pending() > 0 {
			events <- w.pending()
		}
	}()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &erFeed{conn: conn, events: events}, nil
}

func pumpEvents(w *erWatcher, events chan<- int) { // want pumpEvents:`chan\[1\]\(sends=3\)`
	for w.pending() > 0 {
		events <- w.pending()
	}
}

func newERFeedFunc(addr string) (*erFeed, error) {
	w, err := newERWatcher() // want `goroutine started by newERWatcher is left running when newERFeedFunc returns an error: w.Close is not called on that path`
	if err != nil {
		return nil, err
	}
	events := make(chan int, 1)
	go pumpEvents(w, events)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &erFeed{conn: conn, events: events}, nil
}

// A goroutine that closes the watcher when it is done, or hands it on,
// takes it over.

func newERFeedOwned(addr string) (*erFeed, error) {
	w, err := newERWatcher()
	if err != nil {
		return nil, err
	}
	events := make(chan int, 1)
	go func() {
		defer w.Close()
		for w.pending() > 0 {
			events <- w.pending()
		}
	}()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &erFeed{conn: conn, events: events}, nil
}

func drainAndClose(w *erWatcher) {
	for w.pending() > 0 {
	}
	w.Close()
}

func newERFeedHanded(addr string) (*erFeed, error) {
	w, err := newERWatcher()
	if err != nil {
		return nil, err
	}
	go drainAndClose(w)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &erFeed{conn: conn}, nil
}

type erRegistry struct{ watchers chan *erWatcher }

func (r *erRegistry) newFeed(addr string) (*erFeed, error) {
	w, err := newERWatcher()
	if err != nil {
		return nil, err
	}
	go func() { r.watchers <- w }()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &erFeed{conn: conn}, nil
}

// A closure that captures the watcher and is never used: counted as a
// hand-off where it is made (silent), and no crash on a closure with no
// uses.
func newERFeedUnused(addr string) (*erFeed, error) {
	w, err := newERWatcher()
	if err != nil {
		return nil, err
	}
	_ = func() { w.pending() }
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &erFeed{conn: conn}, nil
}
