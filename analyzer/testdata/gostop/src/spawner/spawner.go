// Package spawner starts goroutines for its callers and has a loop that
// never ends; spawneruse's findings rest on these facts.
package spawner

import "time"

// Go runs f in a new goroutine.
func Go(f func()) { // want Go:`launches\[0\]`
	go func() {
		defer recover()
		f()
	}()
}

// Poll calls f every d, forever.
func Poll(d time.Duration, f func()) { // want Poll:`forever\(the loop in spawner.Poll \(spawner.go:17\) has no exit\)` Poll:`noReturn`
	for {
		f()
		time.Sleep(d)
	}
}

// PollUntil calls f every d until stop is closed.
func PollUntil(d time.Duration, f func(), stop <-chan struct{}) { // want PollUntil:`chan\[2\]\(recv\?\)`
	for {
		select {
		case <-stop:
			return
		case <-time.After(d):
			f()
		}
	}
}

// Refresher calls its function every interval until Stop is called.
type Refresher struct {
	f    func()
	stop chan struct{}
}

// NewRefresher starts a Refresher: the caller must Stop it.
func NewRefresher(d time.Duration, f func()) *Refresher { // want NewRefresher:`mustStop\[Stop\]`
	r := &Refresher{f: f, stop: make(chan struct{})}
	go r.run(d)
	return r
}

func (r *Refresher) run(d time.Duration) {
	for {
		select {
		case <-r.stop:
			return
		case <-time.After(d):
			r.f()
		}
	}
}

// Stop stops the Refresher.
func (r *Refresher) Stop() { close(r.stop) }

// Poller polls once Start is called, until Stop is called; New does not
// start it.
type Poller struct {
	f    func()
	stop chan struct{}
}

// NewPoller returns a Poller that has not started.
func NewPoller(f func()) *Poller { return &Poller{f: f} }

// Start starts polling: the caller must Stop it.
func (p *Poller) Start() { // want Start:`startStops\[Stop\]`
	p.stop = make(chan struct{})
	go p.loop()
}

func (p *Poller) loop() {
	for {
		select {
		case <-p.stop:
			return
		case <-time.After(time.Second):
			p.f()
		}
	}
}

// Stop stops polling.
func (p *Poller) Stop() { close(p.stop) }
