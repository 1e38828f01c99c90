package gostop

import "context"

// queue's Start goroutine stops only when Stop closes done: every queue
// a function starts must be stopped.
type queue struct {
	items chan int
	done  chan struct{}
}

func (q *queue) Start() {
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

func (q *queue) Add(it int) { q.items <- it }

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

func (p pump) Run() {
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
func started() *queue {
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
