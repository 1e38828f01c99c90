// Package variants holds the kinds of basic.go in the shapes real code
// gives them: a helper, a method, a field, a recursive sender, a request
// carrying its reply channel, an iterator, a second goroutine.
package variants

import (
	"context"
	"errors"
	"sync"
	"time"
)

func work() int { return 1 }

// The timeout leak with the sender split into a helper.
func deliver(ch chan<- int) { ch <- work() } // want "send blocks forever"

func helperSender(ctx context.Context) int {
	ch := make(chan int)
	go deliver(ch)
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// Fixed: the helper selects on the context too.
func deliverOrQuit(ctx context.Context, ch chan<- int) {
	select {
	case ch <- work():
	case <-ctx.Done():
	}
}

func helperSenderFixed(ctx context.Context) int {
	ch := make(chan int)
	go deliverOrQuit(ctx, ch)
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		return 0
	}
}

// The same with a method and a field.
type fetcher struct{ results chan int }

func (f *fetcher) fetch() { f.results <- work() } // want "send blocks forever"

func methodSender(ctx context.Context) int {
	f := &fetcher{results: make(chan int)}
	go f.fetch()
	select {
	case v := <-f.results:
		return v
	case <-ctx.Done():
		return 0
	}
}

func methodSenderFixed(ctx context.Context) int {
	f := &fetcher{results: make(chan int, 1)}
	go f.fetch()
	select {
	case v := <-f.results:
		return v
	case <-ctx.Done():
		return 0
	}
}

// A recursive sender: it sends once per level, the caller takes one.
func walk(depth int, out chan<- int) {
	if depth == 0 {
		return
	}
	out <- depth // want "send blocks forever"
	walk(depth-1, out)
}

func recursive() int {
	out := make(chan int)
	go walk(2, out)
	return <-out
}

func walkClosing(depth int, out chan<- int) {
	for ; depth > 0; depth-- {
		out <- depth
	}
	close(out)
}

func recursiveDrained() int {
	out := make(chan int)
	go walkClosing(2, out)
	n := 0
	for v := range out {
		n += v
	}
	return n
}

// A reply channel travels in a request; the requester leaves on a timeout.
type request struct {
	key   string
	reply chan int
}

func server(reqs <-chan request) {
	for r := range reqs {
		r.reply <- len(r.key) // want "send blocks forever"
	}
}

func ask(ctx context.Context) int {
	reqs := make(chan request)
	go server(reqs)
	r := request{key: "k", reply: make(chan int)}
	reqs <- r
	close(reqs)
	select {
	case v := <-r.reply:
		return v
	case <-ctx.Done():
		return 0
	}
}

func askBuffered(ctx context.Context) int {
	reqs := make(chan request)
	go server(reqs)
	r := request{key: "k", reply: make(chan int, 1)}
	reqs <- r
	close(reqs)
	select {
	case v := <-r.reply:
		return v
	case <-ctx.Done():
		return 0
	}
}

// An iterator's goroutine abandoned mid-range.
func items(n int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := 0; i < n; i++ {
			ch <- i // want "send blocks forever"
		}
	}()
	return ch
}

func firstBig() int {
	for v := range items(3) {
		if v > 0 {
			return v
		}
	}
	return -1
}

func sumAll() int {
	s := 0
	for v := range items(3) {
		s += v
	}
	return s
}

// A read lock taken again while a writer waits.
type table struct {
	mu   sync.RWMutex
	rows map[string]int
}

func (t *table) get(k string) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.rows[k]
}

func (t *table) getBoth(a, b string) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.rows[a] + t.get(b) // the RLock in get waits for the writer: the root, so the writer is reported
}

func (t *table) set(k string, v int) {
	t.mu.Lock() // want "lock blocks forever"
	t.rows[k] = v
	t.mu.Unlock()
}

func readWhileWriting() {
	t := &table{rows: map[string]int{}}
	done := make(chan bool)
	go func() {
		t.set("a", 1)
		done <- true
	}()
	t.getBoth("a", "b")
	<-done
}

func (t *table) getBothFixed(a, b string) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.rows[a] + t.rows[b]
}

func readWhileWritingFixed() {
	t := &table{rows: map[string]int{}}
	done := make(chan bool)
	go func() {
		t.set("a", 1)
		done <- true
	}()
	t.getBothFixed("a", "b")
	<-done
}

// A send made under a lock its receiver needs, across methods.
type hub struct {
	mu     sync.Mutex
	events chan int
	seen   int
}

func (h *hub) publish(v int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events <- v // the root blocks here holding h.mu: the consumer is reported
}

func (h *hub) consume() {
	for v := range h.events { // want "range blocks forever"
		h.mu.Lock() // want "lock blocks forever"
		h.seen += v
		h.mu.Unlock()
	}
}

func publishTwice() {
	h := &hub{events: make(chan int)}
	go h.consume()
	h.publish(1)
	h.publish(2)
}

func (h *hub) publishUnlocked(v int) {
	h.mu.Lock()
	h.seen++
	h.mu.Unlock()
	h.events <- v
}

func publishTwiceFixed() {
	h := &hub{events: make(chan int)}
	go h.consume()
	h.publishUnlocked(1)
	h.publishUnlocked(2)
	close(h.events)
}

// A second goroutine, not the starter, does the leaving.
func twoWorkers(ctx context.Context) {
	results := make(chan int)
	go func() { results <- work() }() // want "send blocks forever"
	go func() {
		select {
		case <-results:
		case <-ctx.Done():
		}
	}()
}

func twoWorkersFixed(ctx context.Context) {
	results := make(chan int, 1)
	go func() { results <- work() }()
	go func() {
		select {
		case <-results:
		case <-ctx.Done():
		}
	}()
}

// A ticker loop stopped by its owner: clean.
func ticking(stop chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-stop:
			return
		}
	}
}

func runTicking() {
	stop := make(chan struct{})
	go ticking(stop)
	close(stop)
}

// One predicate of one value, tested by both parties: they agree.
type frameItem interface{ isFrame() bool }

func predicateAgrees(it frameItem) {
	done := make(chan struct{})
	go func() {
		if it.isFrame() {
			done <- struct{}{}
		}
	}()
	if it.isFrame() {
		<-done
	}
}

// The same predicate of two values may differ: the send blocks forever
// when only a is a frame, the receive when only b is.
func predicateOfTwo(a, b frameItem) {
	done := make(chan struct{})
	go func() {
		if a.isFrame() {
			done <- struct{}{} // want "send blocks forever"
		}
	}()
	if b.isFrame() {
		<-done // want "receive blocks forever"
	}
}

// A key function of one block, which never fails.
func keyOfItem(v string) (string, error) { return v, nil }

// The key function is run, not stood for by a symbol: its error is nil,
// the item is always queued, and the worker always takes it.
func keyNeverFails() {
	queue := make(chan string, 1)
	done := make(chan bool)
	go func() {
		<-queue
		done <- true
	}()
	if k, err := keyOfItem("a"); err == nil {
		queue <- k
	}
	<-done
}

var errEmptyKey = errors.New("empty key")

// A key function that fails on an empty key: then nothing is queued, and
// the worker waits forever (and the caller with it).
func parseKey(v string) (string, error) {
	if v == "" {
		return "", errEmptyKey
	}
	return v, nil
}

func keyMayFail(v string) {
	queue := make(chan string, 1)
	done := make(chan bool)
	go func() {
		<-queue // want "receive blocks forever"
		done <- true
	}()
	if k, err := parseKey(v); err == nil {
		queue <- k
	}
	<-done
}
