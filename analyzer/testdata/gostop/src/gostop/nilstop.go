package gostop

import (
	"sync"
	"time"
)

// The kind: a goroutine whose only way out is a stop channel kept in a
// field that nothing in the package assigns: the struct literal (or new)
// omits it, so it is nil, and a close of it (in Close) panics instead of
// stopping anything.

type nilTicker struct {
	stop chan struct{}
	out  chan int
}

func newNilTicker() *nilTicker {
	t := &nilTicker{out: make(chan int, 1)}
	go t.loop() // want `goroutine never stops: its only way out is a receive from field stop, which nothing in the package assigns, so it is nil; make the channel where the struct is built`
	return t
}

func (t *nilTicker) loop() { // want loop:`forever\(the loop in \(\*gostop.nilTicker\).loop \(nilstop.go:27\) has no exit\)`
	tk := time.NewTicker(time.Second)
	defer tk.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tk.C:
			select {
			case t.out <- 1:
			default:
			}
		}
	}
}

func (t *nilTicker) Close() { close(t.stop) }

// Made with new, stopped by a send that would block forever on nil.
type sweeper struct {
	quit chan bool
	mu   sync.Mutex
}

func (s *sweeper) Start() {
	go func() { // want `only way out is a receive from field quit, which nothing in the package assigns`
		for {
			select {
			case <-s.quit:
				return
			case <-time.After(time.Minute):
				s.mu.Lock()
				s.mu.Unlock()
			}
		}
	}()
}

func (s *sweeper) Stop() { s.quit <- true }

func newSweeper() *sweeper { return new(sweeper) }

// Handed as a parameter.
type nilGiven struct {
	halt chan struct{}
}

func (n *nilGiven) Start() {
	go poll(time.Second, n.halt) // want `poll returns only once stop is closed or sent on, and it is given field halt, which nothing in the package assigns \(it is nil\); make the channel where the struct is built`
}

func (n *nilGiven) Stop() { close(n.halt) }

// Silent: the constructor makes it.
type madeInCtor struct{ stop chan struct{} }

func newMadeInCtor() *madeInCtor { // want newMadeInCtor:`mustStop\[Close\]`
	m := &madeInCtor{stop: make(chan struct{})}
	go m.loop()
	return m
}

func (m *madeInCtor) loop() {
	for {
		select {
		case <-m.stop:
			return
		case <-time.After(time.Second):
		}
	}
}

func (m *madeInCtor) Close() { close(m.stop) }

// Silent: Start makes it, lazily, before the goroutine.
type madeInStart struct{ stop chan struct{} }

func (m *madeInStart) Start() { // want Start:`startStops\[Stop\]`
	m.stop = make(chan struct{})
	go m.loop()
}

func (m *madeInStart) loop() {
	for {
		select {
		case <-m.stop:
			return
		case <-time.After(time.Second):
		}
	}
}

func (m *madeInStart) Stop() { close(m.stop) }

// Silent: a sync.Once's closure makes it.
type madeOnce struct {
	once sync.Once
	stop chan struct{}
}

func (m *madeOnce) init() { m.once.Do(func() { m.stop = make(chan struct{}) }) }

func (m *madeOnce) Start() { // want Start:`startStops\[Stop\]`
	m.init()
	go m.loop()
}

func (m *madeOnce) loop() {
	for {
		select {
		case <-m.stop:
			return
		case <-time.After(time.Second):
		}
	}
}

func (m *madeOnce) Stop() { m.init(); close(m.stop) }

// Silent: its address is handed to code that may assign it.
type addrTaken struct{ stop chan struct{} }

func (a *addrTaken) Start() { // want Start:`startStops\[Stop\]`
	setup(&a.stop)
	go a.loop()
}

func setup(p *chan struct{}) { *p = make(chan struct{}) }

func (a *addrTaken) loop() {
	for {
		select {
		case <-a.stop:
			return
		case <-time.After(time.Second):
		}
	}
}

func (a *addrTaken) Stop() { close(a.stop) }

// Silent: the field is exported, so users of the package may set it.
type ExportedStop struct{ Stop chan struct{} }

func (e *ExportedStop) Run() {
	go func() {
		for {
			select {
			case <-e.Stop:
				return
			case <-time.After(time.Second):
			}
		}
	}()
}

// Silent: assigned a channel made elsewhere (a parameter).
type assignedParam struct{ stop <-chan struct{} }

func newAssignedParam(stop <-chan struct{}) *assignedParam {
	a := &assignedParam{stop: stop}
	go func() {
		for {
			select {
			case <-a.stop:
				return
			case <-time.After(time.Second):
			}
		}
	}()
	return a
}
