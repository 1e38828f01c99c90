package chanblock

// The kind: an unbuffered channel field whose only receiver is a select in
// one goroutine's loop that can return (etcd#6857): a send outside a
// select after the loop has returned blocks forever.

type slNode struct {
	status chan chan int
	stop   chan struct{}
	done   chan struct{}
}

func newSLNode() *slNode { // want newSLNode:`mustStop\[Stop\]`
	n := &slNode{status: make(chan chan int), stop: make(chan struct{}), done: make(chan struct{})}
	go n.run()
	return n
}

func (n *slNode) run() {
	for {
		select {
		case c := <-n.status:
			c <- 1
		case <-n.stop:
			close(n.done)
			return
		}
	}
}

func (n *slNode) Status() int {
	c := make(chan int)
	n.status <- c // want `send on field status blocks forever once \(\*slNode\).run has returned: its loop is status's only receiver; select on a channel closed when the loop returns around the send`
	return <-c
}

func (n *slNode) Stop() {
	select {
	case n.stop <- struct{}{}:
	case <-n.done:
	}
}

// Silent: the send selects on the channel the loop closes when it returns.
func (n *slNode) StatusOrDone() int {
	c := make(chan int)
	select {
	case n.status <- c:
		return <-c
	case <-n.done:
		return 0
	}
}

// Silent: the field is the loop's stop signal (its case always returns).
type slPump struct {
	out  chan int
	quit chan bool
}

func newSLPump() *slPump { // want newSLPump:`mustStop\[Halt\]`
	p := &slPump{out: make(chan int, 1), quit: make(chan bool)}
	go p.run()
	return p
}

func (p *slPump) run() {
	for {
		select {
		case p.out <- 1:
		case <-p.quit:
			return
		}
	}
}

func (p *slPump) Halt() { p.quit <- true }

func (p *slPump) Next() int { return <-p.out }

// Silent: a buffered field (sends complete until it is full: counted
// elsewhere) is not this kind.
type slBuffered struct {
	reqs chan int
	quit chan struct{}
}

func newSLBuffered() *slBuffered { // want newSLBuffered:`mustStop\[Close\]`
	b := &slBuffered{reqs: make(chan int, 8), quit: make(chan struct{})}
	go b.run()
	return b
}

func (b *slBuffered) run() {
	for {
		select {
		case r := <-b.reqs:
			_ = r
		case <-b.quit:
			return
		}
	}
}

func (b *slBuffered) Add(r int) { b.reqs <- r }

func (b *slBuffered) Close() { close(b.quit) }
