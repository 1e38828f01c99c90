package gostop

import (
	"context"
	"time"
)

// Ways out that can never fire are no ways out.

// worker's only way out is its context.
func worker(ctx context.Context, jobs <-chan int) { // want worker:`stopsOnlyVia\[0\]`
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-jobs:
			_ = j
		}
	}
}

func backgroundPassedStraightIn(jobs chan int) {
	go worker(context.Background(), jobs) // want `goroutine never stops: its only way out is ctx.Done\(\), and its context is context.Background\(\), which is never cancelled`
}

func backgroundCaptured() {
	ctx := context.TODO()
	go func() { // want `its context is context.Background\(\), which is never cancelled`
		for {
			select {
			case <-ctx.Done():
				return
			default:
				work()
			}
		}
	}()
}

// poller keeps a stop channel that nothing closes.
type poller struct {
	quit chan struct{}
}

func newPoller() *poller {
	p := &poller{quit: make(chan struct{})}
	go p.run() // want `goroutine never stops: the loop in \(\*gostop.poller\).run \(neverfires.go:52\) has no exit`
	return p
}

func (p *poller) run() { // want run:`forever`
	for {
		select {
		case <-p.quit:
			return
		case <-time.After(time.Second):
			work()
		}
	}
}

// The same, done right.

func cancellableContext(jobs chan int) func() { // want cancellableContext:`returnsCancel\[0\]`
	ctx, cancel := context.WithCancel(context.Background())
	go worker(ctx, jobs)
	return cancel
}

func callersContext(ctx context.Context, jobs chan int) { // want callersContext:`chan\[1\]\(recv\?,async,until\[0\]\)`
	go worker(ctx, jobs)
}

func backgroundButRange(jobs <-chan int) {
	ctx := context.Background()
	go func() {
		for j := range jobs {
			_ = ctx
			_ = j
		}
	}()
}

type stoppable struct {
	quit chan struct{}
}

func newStoppable() *stoppable { // want newStoppable:`mustStop\[Close\]`
	s := &stoppable{quit: make(chan struct{})}
	go s.run()
	return s
}

func (s *stoppable) run() {
	for {
		select {
		case <-s.quit:
			return
		case <-time.After(time.Second):
			work()
		}
	}
}

func (s *stoppable) Close() { close(s.quit) }

type given struct {
	done <-chan struct{}
}

func newGiven(done <-chan struct{}) *given {
	g := &given{done: done} // whoever made done may close it
	go g.run()
	return g
}

func (g *given) run() {
	for {
		select {
		case <-g.done:
			return
		default:
			work()
		}
	}
}

type Exported struct {
	Quit chan struct{}
}

func (e *Exported) run() {
	for {
		select {
		case <-e.Quit: // other packages may close it
			return
		default:
			work()
		}
	}
}

func startExported(e *Exported) { go e.run() }

// A case that never fires shares its (empty) body's target with one that
// does: the loop still gets past the select, to its return.
func (p *poller) sharedTarget() {
	go func() {
		for {
			select {
			case <-p.quit:
			case <-time.After(time.Second):
			}
			if finished() {
				return
			}
		}
	}()
}

func finished() bool { return true }
