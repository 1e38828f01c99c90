package chanblock

import "context"

// The kind: a worker ranges over a channel kept in a field, and the only
// close of the channel is the worker's own, after its range (minio-go's
// GetObject, #1681): the type's Close must close it, or the worker must
// leave when its context is done.

type object struct {
	reqCh  chan<- int
	cancel context.CancelFunc
}

func openObject(ctx context.Context) *object {
	ctx, cancel := context.WithCancel(ctx)
	reqCh := make(chan int)
	go func() {
		defer close(reqCh)
		for req := range reqCh { // want `range over reqCh never ends: the only close of field reqCh runs in this goroutine, after the range; close reqCh when its owner stops`
			if ctx.Err() != nil {
				return
			}
			_ = req
		}
	}()
	return &object{reqCh: reqCh, cancel: cancel}
}

func (o *object) read(n int) { o.reqCh <- n }

func (o *object) Close() { o.cancel() }

// Closed by the owner's Close: the range ends.
type closedObject struct{ reqCh chan int }

func openClosedObject() *closedObject {
	reqCh := make(chan int)
	go func() {
		for req := range reqCh {
			_ = req
		}
	}()
	return &closedObject{reqCh: reqCh}
}

func (o *closedObject) read(n int) { o.reqCh <- n }

func (o *closedObject) Close() { close(o.reqCh) }

// The worker also leaves when the context is done: a select, not a range.
type selectObject struct{ reqCh chan int }

func openSelectObject(ctx context.Context) *selectObject {
	reqCh := make(chan int)
	go func() {
		defer close(reqCh)
		for {
			select {
			case req := <-reqCh:
				_ = req
			case <-ctx.Done():
				return
			}
		}
	}()
	return &selectObject{reqCh: reqCh}
}

func (o *selectObject) read(n int) { o.reqCh <- n }

// The same with a local channel: the sender never closes it.
func countWords(words []string, count func(string)) { // want countWords:`launches\[1\]`
	ch := make(chan string)
	go func() {
		defer close(ch)
		for w := range ch { // want `range over ch never ends: the only close of ch runs in this goroutine, after the range; close ch after the last send`
			count(w)
		}
	}()
	for _, w := range words {
		ch <- w
	}
}

func countWordsClosed(words []string, count func(string)) { // want countWordsClosed:`launches\[1\]`
	ch := make(chan string)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for w := range ch {
			count(w)
		}
	}()
	for _, w := range words {
		ch <- w
	}
	close(ch)
	<-done
}

// A worker ranges over a field that nothing closes: Close closes another.
type mailer struct {
	queue chan string
	quit  chan struct{}
}

func newMailer(send func(string)) *mailer { // want newMailer:`launches\[0\]`
	m := &mailer{queue: make(chan string, 16), quit: make(chan struct{})}
	go m.loop(send)
	return m
}

func (m *mailer) loop(send func(string)) {
	for msg := range m.queue { // want `range over field queue never ends: nothing in the package closes queue; close it when its owner stops`
		send(msg)
	}
}

func (m *mailer) enqueue(msg string) bool {
	select {
	case m.queue <- msg:
		return true
	case <-m.quit:
		return false
	}
}

func (m *mailer) Close() { close(m.quit) }

// Closed by Close: silent.
type closedMailer struct{ queue chan string }

func newClosedMailer(send func(string)) *closedMailer { // want newClosedMailer:`launches\[0\]`
	m := &closedMailer{queue: make(chan string, 16)}
	go m.loop(send)
	return m
}

func (m *closedMailer) loop(send func(string)) {
	for msg := range m.queue {
		send(msg)
	}
}

func (m *closedMailer) enqueue(msg string) { m.queue <- msg }

func (m *closedMailer) Close() { close(m.queue) }

// The same through a method the go statement runs.
type scHist struct{ buckets []int }

func (h *scHist) fill(samples []int) {
	in := make(chan int)
	done := make(chan struct{})
	go h.accumulate(in, done)
	for _, s := range samples {
		in <- s
	}
	<-done
}

func (h *scHist) accumulate(in chan int, done chan<- struct{}) { // want accumulate:`stopsOnlyVia\[1\] chan\[1\]\(drains,close\) chan\[2\]\(close\)`
	defer close(in)
	for s := range in { // want `range over in never ends: the only close of in runs in this goroutine, after the range; close in after the last send`
		h.buckets[s%len(h.buckets)]++
	}
	close(done)
}

// Silent: the owner closes what the method ranges over.
func (h *scHist) fillClosed(samples []int) {
	in := make(chan int)
	done := make(chan struct{})
	go h.count(in, done)
	for _, s := range samples {
		in <- s
	}
	close(in)
	<-done
}

func (h *scHist) count(in <-chan int, done chan<- struct{}) { // want count:`stopsOnlyVia\[1\] chan\[1\]\(drains\) chan\[2\]\(close\)`
	defer close(done)
	for s := range in {
		h.buckets[s%len(h.buckets)]++
	}
}
