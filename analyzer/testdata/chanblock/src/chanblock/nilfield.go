package chanblock

import "time"

// The kind: a channel field that nothing in the package ever makes is nil
// in every value of its struct; a send or receive on it outside a select
// blocks forever.

type nfThrottle struct {
	tokens chan struct{}
	rate   time.Duration
}

func newNFThrottle(rate time.Duration) *nfThrottle {
	return &nfThrottle{rate: rate}
}

func (t *nfThrottle) Wait() { // want Wait:`forever\(\(\*chanblock.nfThrottle\).Wait waits forever at nilfield.go:19 for a channel that nothing closes or sends on\)`
	<-t.tokens // want `receive from field tokens blocks forever: nothing in the package makes tokens, so it is nil; make the channel where the struct is built`
}

func (t *nfThrottle) Release() {
	select {
	case t.tokens <- struct{}{}:
	default:
	}
}

type nfReporter struct {
	name    string
	results chan string
}

func newNFReporter(name string) nfReporter {
	return nfReporter{name: name}
}

func (r nfReporter) Report() {
	r.results <- r.name // want `send on field results blocks forever: nothing in the package makes results`
}

// Silent: the constructor makes it.
type nfMade struct{ ch chan int }

func newNFMade() *nfMade { return &nfMade{ch: make(chan int, 1)} }

func (m *nfMade) Put(v int) { m.ch <- v }

func (m *nfMade) Get() int { return <-m.ch }

// Silent: made lazily, on first use.
type nfLazy struct{ ch chan int }

func (l *nfLazy) Get() int {
	if l.ch == nil {
		l.ch = make(chan int, 1)
		l.ch <- 1
	}
	return <-l.ch
}

// Silent: a nil field as a disabled select case.
type nfOptional struct{ quit chan struct{} }

func (o *nfOptional) Poll(in <-chan int) int { // want Poll:`stopsOnlyVia\[1\] chan\[1\]\(recv\?\)`
	select {
	case v := <-in:
		return v
	case <-o.quit:
		return 0
	}
}

// Silent: assigned a channel from elsewhere.
type nfGiven struct{ ch chan int }

func (g *nfGiven) Use(ch chan int) {
	g.ch = ch
	<-g.ch
}
