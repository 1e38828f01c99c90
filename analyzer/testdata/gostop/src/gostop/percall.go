package gostop

import (
	"context"
	"net"
	"net/http"
)

// Goroutines started per call (per connection, per request, per job)
// whose only way out is a signal of the longer-lived owner: one piles up
// per call until the owner stops.

type connServer struct {
	ln   net.Listener
	quit chan struct{}
	jobs chan func()
	ctx  context.Context
}

func newConnServer(ctx context.Context, ln net.Listener) *connServer { // want newConnServer:`keeps\[0:0\]`
	return &connServer{ln: ln, quit: make(chan struct{}), jobs: make(chan func()), ctx: ctx}
}

func (s *connServer) Stop() { close(s.quit) }

func (s *connServer) submit(f func()) { s.jobs <- f }

func (s *connServer) serve() {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.handle(conn)
	}
}

func (s *connServer) handle(conn net.Conn) {
	go func() { // want `goroutine piles up, one per call of \(\*connServer\).handle: its only way out is field quit of the longer-lived \*connServer`
		<-s.quit
		conn.Close()
	}()
	conn.Write(nil)
}

// ServeHTTP runs per request.
func (s *connServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	go func() { // want `goroutine piles up, one per call of \(\*connServer\).ServeHTTP: its only way out is Done\(\) of field ctx`
		<-s.ctx.Done()
		_ = r.Body.Close()
	}()
}

// dispatch starts a cleanup per job received.
func (s *connServer) dispatch() {
	for job := range s.jobs {
		go func() { // want `goroutine piles up, one per call of \(\*connServer\).dispatch`
			select {
			case <-s.quit:
			}
			job()
		}()
	}
}

type subscription struct{ ch chan int }

// watch delivers until the server quits: the subscription's channel is
// never closed.
func (s *connServer) watch(sub *subscription) {
	for {
		select {
		case <-s.quit:
			return
		case v := <-sub.ch:
			_ = v
		}
	}
}

func (s *connServer) subscribe(topic string) { // want subscribe:`startStops\[Stop\]`
	sub := &subscription{ch: make(chan int)}
	go s.watch(sub) // want `goroutine piles up, one per call of \(\*connServer\).subscribe`
}

func (s *connServer) subscribeAll(topics []string) {
	for _, t := range topics {
		s.subscribe(t)
	}
}

// The owner's own goroutines, started once per owner, and per-call
// goroutines with a way out of their own.

func (s *connServer) loop() {
	for {
		select {
		case <-s.quit:
			return
		case f := <-s.jobs:
			f()
		}
	}
}

// Start starts the owner's loop and its workers: once per owner.
func (s *connServer) Start(ctx context.Context, n int) { // want Start:`startStops\[Stop\]`
	go s.loop()
	for i := 0; i < n; i++ {
		go func() {
			<-s.quit
			_ = i
		}()
	}
	go func() {
		<-s.quit
		_ = ctx
	}()
}

type connOwner struct {
	quit chan struct{}
	ln   net.Listener
}

func newConnOwner(ln net.Listener) *connOwner {
	return &connOwner{quit: make(chan struct{}), ln: ln}
}

func (s *connOwner) Stop() { close(s.quit) }

func (s *connOwner) serve() {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.handleDone(conn)
		go s.handleRead(conn)
		go s.handleCtx(context.Background(), conn)
	}
}

// handleDone's goroutine also stops when the connection is done.
func (s *connOwner) handleDone(conn net.Conn) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-s.quit:
			conn.Close()
		case <-done:
		}
	}()
	conn.Write(nil)
}

// handleRead's goroutine stops on a read error.
func (s *connOwner) handleRead(conn net.Conn) {
	go func() {
		buf := make([]byte, 1)
		for {
			select {
			case <-s.quit:
				return
			default:
			}
			if _, err := conn.Read(buf); err != nil {
				return
			}
		}
	}()
}

// handleCtx's goroutine also stops with the call's context.
func (s *connOwner) handleCtx(ctx context.Context, conn net.Conn) {
	go func() {
		select {
		case <-s.quit:
		case <-ctx.Done():
		}
		conn.Close()
	}()
}

// A function, not a method: its stop channel is no owner's.
func handleFunc(quit chan struct{}, conn net.Conn) {
	go func() {
		<-quit
		conn.Close()
	}()
}

// A method value handed on as a callback runs once per call.
type pubsub struct {
	quit     chan struct{}
	handlers []func(string)
}

func newPubsub() *pubsub { return &pubsub{quit: make(chan struct{})} }

func (p *pubsub) Close() { close(p.quit) }

func (p *pubsub) register(h func(string)) { p.handlers = append(p.handlers, h) }

func (p *pubsub) init() { p.register(p.onMessage) }

func (p *pubsub) onMessage(msg string) {
	go func() { // want `goroutine piles up, one per call of \(\*pubsub\).onMessage`
		<-p.quit
		println(msg)
	}()
}

// A method started once by its owner is not per call, whatever it is
// handed.
func (p *pubsub) Start(name string) { go p.run(name) }

func (p *pubsub) run(name string) {
	go func() {
		<-p.quit
		println(name)
	}()
}

// A gate the owner opens when it starts, not a stop signal: every
// goroutine started per call goes on once Run has closed it (prometheus's
// rules.Manager.Update waits for its block channel before running a group).
type ruleManager struct {
	block  chan struct{}
	groups map[string]*ruleGroup
}

type ruleGroup struct{ done chan struct{} }

func (g *ruleGroup) run() { <-g.done }

func (g *ruleGroup) stop() { close(g.done) }

func newRuleManager() *ruleManager {
	return &ruleManager{block: make(chan struct{}), groups: map[string]*ruleGroup{}}
}

func (m *ruleManager) Run() { close(m.block) }

func (m *ruleManager) Update(names []string) {
	for _, n := range names {
		if old, ok := m.groups[n]; ok {
			old.stop()
		}
		g := &ruleGroup{done: make(chan struct{})}
		m.groups[n] = g
		go func() {
			<-m.block
			g.run()
		}()
	}
}

func reload(m *ruleManager, batches [][]string) {
	for _, b := range batches {
		m.Update(b)
	}
}
