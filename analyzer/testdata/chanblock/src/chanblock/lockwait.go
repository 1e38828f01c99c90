package chanblock

import "sync"

// A channel operation that waits holding a mutex every party able to
// complete it must lock first.

// kubernetes#10182: the sender holds the lock; the receiver, after each
// value, takes the lock before it receives again.
type statusManager struct {
	mu       sync.Mutex
	statuses chan bool
	n        int
}

func newStatusManager() *statusManager { // want newStatusManager:`mustStop\[Close SetStatus\]`
	m := &statusManager{statuses: make(chan bool)}
	go m.run()
	return m
}

func (m *statusManager) run() {
	for range m.statuses {
		m.deleteStatus()
	}
}

func (m *statusManager) Close() { close(m.statuses) }

func (m *statusManager) deleteStatus() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n--
}

func (m *statusManager) SetStatus() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n++
	m.statuses <- true // want `send on field statuses can deadlock: it waits holding m.mu, which its receiver in \(\*statusManager\).run locks \(in m.deleteStatus\) on its way; unlock m.mu before sending`
}

// grpc#1460: the receiver holds the lock; the only sender locks it first.
type keepaliver struct {
	mu     sync.Mutex
	awaken chan struct{}
	active int
}

func newKeepaliver() *keepaliver {
	k := &keepaliver{awaken: make(chan struct{})}
	go k.keepalive()
	return k
}

func (k *keepaliver) keepalive() {
	k.mu.Lock()
	if k.active < 1 {
		<-k.awaken // want `receive from field awaken can deadlock: it waits holding k.mu, which its sender in \(\*keepaliver\).NewStream locks on its way`
	}
	k.mu.Unlock()
}

func (k *keepaliver) NewStream() {
	k.mu.Lock()
	k.active++
	if k.active == 1 {
		select {
		case k.awaken <- struct{}{}:
		default:
		}
	}
	k.mu.Unlock()
}

// etcd#6873: stop waits for the worker's exit holding the lock that the
// worker's loop takes.
type broadcasts struct {
	mu      sync.Mutex
	updates chan int
	done    chan struct{}
	last    int
}

func newBroadcasts() *broadcasts {
	b := &broadcasts{updates: make(chan int, 1), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for u := range b.updates {
			b.coalesce(u)
		}
	}()
	return b
}

func (b *broadcasts) coalesce(u int) {
	b.mu.Lock()
	b.last = u
	b.mu.Unlock()
}

func (b *broadcasts) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.updates)
	<-b.done // want `receive from field done can deadlock: it waits holding b.mu, which its close in a function literal in newBroadcasts locks \(in b.coalesce\) on its way`
}

// A local mutex shared by a goroutine and its owner.
func localLockWait() int {
	var mu sync.Mutex
	results := make(chan int)
	go func() {
		mu.Lock()
		defer mu.Unlock()
		results <- 1 // want `send on results can deadlock: it waits holding mu, which its receiver in localLockWait locks on its way`
	}()
	mu.Lock()
	mu.Unlock()
	return <-results
}

// A read lock held while sending to a receiver that takes the write lock.
type cache struct {
	rw      sync.RWMutex
	changes chan string
	keys    map[string]bool
}

func (c *cache) Close() { close(c.changes) }

func newCache() *cache { // want newCache:`mustStop\[Close Touch\]`
	c := &cache{changes: make(chan string), keys: map[string]bool{}}
	go c.apply()
	return c
}

func (c *cache) apply() {
	for k := range c.changes {
		c.rw.Lock()
		c.keys[k] = true
		c.rw.Unlock()
	}
}

func (c *cache) Touch(k string) {
	c.rw.RLock()
	defer c.rw.RUnlock()
	if !c.keys[k] {
		c.changes <- k // want `send on field changes can deadlock: it waits holding c.rw`
	}
}

// Silent below.

// Unlocked before sending.
type unlockFirst struct {
	mu  sync.Mutex
	ch  chan int
	sum int
}

func (u *unlockFirst) Close() { close(u.ch) }

func newUnlockFirst() *unlockFirst {
	u := &unlockFirst{ch: make(chan int)}
	go func() {
		for v := range u.ch {
			u.mu.Lock()
			u.sum += v
			u.mu.Unlock()
		}
	}()
	return u
}

func (u *unlockFirst) Add(v int) {
	u.mu.Lock()
	v += u.sum
	u.mu.Unlock()
	u.ch <- v
}

// A bufferedQueue channel: the send waits only once the buffer is full.
type bufferedQueue struct {
	mu  sync.Mutex
	ch  chan int
	sum int
}

func (b *bufferedQueue) Close() { close(b.ch) }

func newBufferedQueue() *bufferedQueue {
	b := &bufferedQueue{ch: make(chan int, 64)}
	go func() {
		for v := range b.ch {
			b.mu.Lock()
			b.sum += v
			b.mu.Unlock()
		}
	}()
	return b
}

func (b *bufferedQueue) Add(v int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ch <- v
}

// The receiver never takes the lock.
type plainReceiver struct {
	mu  sync.Mutex
	ch  chan int
	n   int
	out []int
}

func (p *plainReceiver) Close() { close(p.ch) }

func newPlainReceiver() *plainReceiver {
	p := &plainReceiver{ch: make(chan int)}
	go func() {
		for v := range p.ch {
			p.out = append(p.out, v)
		}
	}()
	return p
}

func (p *plainReceiver) Add(v int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	p.ch <- v
}

// Both sides take read locks, which do not exclude each other.
type readers struct {
	rw sync.RWMutex
	ch chan int
	n  int
}

func (r *readers) Close() { close(r.ch) }

func newReaders() *readers {
	r := &readers{ch: make(chan int)}
	go func() {
		for range r.ch {
			r.rw.RLock()
			_ = r.n
			r.rw.RUnlock()
		}
	}()
	return r
}

func (r *readers) Ping() {
	r.rw.RLock()
	defer r.rw.RUnlock()
	r.ch <- r.n
}

// A send that does not wait: a default case, or a stop case.
type nonBlocking struct {
	mu   sync.Mutex
	ch   chan int
	stop chan struct{}
	n    int
}

func (nb *nonBlocking) Close() { close(nb.ch) }

func newNonBlocking() *nonBlocking {
	nb := &nonBlocking{ch: make(chan int), stop: make(chan struct{})}
	go func() {
		for v := range nb.ch {
			nb.mu.Lock()
			nb.n += v
			nb.mu.Unlock()
		}
	}()
	return nb
}

func (nb *nonBlocking) Offer(v int) {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	select {
	case nb.ch <- v:
	default:
	}
}

func (nb *nonBlocking) Put(v int) {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	select {
	case nb.ch <- v:
	case <-nb.stop:
	}
}

// The owner's lock is over before the goroutine starts.
func lockedBeforeStart() int {
	var mu sync.Mutex
	mu.Lock()
	mu.Unlock()
	res := make(chan int)
	go func() {
		mu.Lock()
		defer mu.Unlock()
		res <- 1
	}()
	return <-res
}

// One receiver needs the lock, the other does not. One send, two
// receives: whichever receiver comes second blocks forever (the engine).
func twoReceivers() {
	var mu sync.Mutex
	ch := make(chan int)
	go func() {
		mu.Lock()
		defer mu.Unlock()
		ch <- 1
	}()
	go func() {
		<-ch // want `receive from ch blocks forever: no goroutine is left to send on ch`
	}()
	mu.Lock()
	mu.Unlock()
	<-ch // want `receive from ch blocks forever`
}

// The receiver locks only after it received, and the send runs once.
type once struct {
	mu sync.Mutex
	ch chan int
	n  int
}

func newOnce() *once {
	o := &once{ch: make(chan int)}
	go func() {
		v := <-o.ch
		o.mu.Lock()
		o.n = v
		o.mu.Unlock()
	}()
	o.hello()
	return o
}

func (o *once) hello() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ch <- 1
}

// The lock held is another object's.
type peer struct {
	mu    sync.Mutex
	inbox chan int
	n     int
}

func (p *peer) Close() { close(p.inbox) }

func newPeer() *peer {
	p := &peer{inbox: make(chan int)}
	go func() {
		for v := range p.inbox {
			p.mu.Lock()
			p.n += v
			p.mu.Unlock()
		}
	}()
	return p
}

func (p *peer) Forward(to *peer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	to.inbox <- p.n
}
