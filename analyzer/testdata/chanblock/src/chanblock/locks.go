package chanblock

import (
	"errors"
	"sync"
)

// Mutexes as one-slot channels: a Lock of a mutex the goroutine already
// holds never completes, and a return that leaves one locked blocks the
// next Lock.

type lockServer struct {
	mu     sync.Mutex
	rw     sync.RWMutex
	drain  bool
	closed bool
	n      int
	cond   *sync.Cond
	items  []int
}

// grpc#795: the second Lock of an idempotent stop.
func (s *lockServer) GracefulStop() {
	s.mu.Lock()
	if s.drain {
		s.mu.Lock() // want `Lock of s.mu blocks forever: s.mu is already held here; unlock it before locking it again`
		return      // want `return leaves s.mu locked while the other returns unlock it`
	}
	s.drain = true
	s.mu.Unlock()
}

// moby#7559: a continue that skips the Unlock.
func (s *lockServer) retry(dial func() error) {
	for i := 0; i < 3; i++ {
		s.mu.Lock() // want `Lock of s.mu blocks forever: a path into or round the loop comes to it with s.mu still held`
		if err := dial(); err != nil {
			continue
		}
		if i == 0 {
			break
		}
	}
	s.mu.Unlock()
}

// cockroach#584: a loop that breaks out holding the lock, then a second
// loop that takes it first.
func (s *lockServer) bootstrap() {
	for {
		s.mu.Lock()
		if s.closed {
			break
		}
		s.mu.Unlock()
	}
}

func (s *lockServer) manage() {
	for {
		s.mu.Lock()
		if s.closed {
			break
		}
		s.mu.Unlock()
	}
}

func startGossip(s *lockServer) {
	go func() {
		s.bootstrap()
		s.manage() // want `call of s.manage, which locks s.mu, blocks forever: s.mu is already held here`
	}()
}

// A method holding the lock calls one that takes it: Go's mutexes are not
// reentrant (syncthing#4829).
func (s *lockServer) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
}

func (s *lockServer) add(v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append(s.items, v)
	s.notify() // want `call of s.notify, which locks s.mu, blocks forever`
}

// Upgrading a read lock to a write lock.
func (s *lockServer) upgrade() {
	s.rw.RLock()
	if len(s.items) == 0 {
		s.rw.Lock() // want `Lock of s.rw blocks forever: s.rw is already held here`
		s.items = nil
		s.rw.Unlock()
	}
	s.rw.RUnlock()
}

// grpc#3017: a timer callback that returns early holding the lock.
func (s *lockServer) expire(abort *bool) func() {
	return func() {
		s.mu.Lock()
		if *abort {
			return // want `return leaves s.mu locked while the other returns unlock it: the next Lock of s.mu blocks forever`
		}
		s.items = nil
		s.mu.Unlock()
	}
}

// A result that does not say whether the lock is held.
func (s *lockServer) first() *int {
	s.mu.Lock()
	if len(s.items) == 0 {
		return nil // want `return leaves s.mu locked`
	}
	v := s.items[0]
	s.mu.Unlock()
	return &v
}

var namesMu sync.Mutex
var names = map[string]int{}

func register(name string) {
	namesMu.Lock()
	if _, dup := names[name]; dup {
		return // want `return leaves namesMu locked`
	}
	names[name] = len(names)
	namesMu.Unlock()
}

func localDouble() {
	var mu sync.Mutex
	done := make(chan bool, 1)
	go func() {
		mu.Lock()
		mu.Lock() // want `Lock of mu blocks forever`
		done <- true
	}()
	<-done
}

// Silent below.

func (s *lockServer) deferred() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.n++
}

func (s *lockServer) twice() {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	s.mu.Lock()
	s.n--
	s.mu.Unlock()
}

func (s *lockServer) retryUnlocked(dial func() error) {
	for i := 0; i < 3; i++ {
		s.mu.Lock()
		if err := dial(); err != nil {
			s.mu.Unlock()
			continue
		}
		s.mu.Unlock()
		return
	}
}

func (s *lockServer) breakThenUnlock() {
	for {
		s.mu.Lock()
		if s.closed {
			break
		}
		s.mu.Unlock()
	}
	s.mu.Unlock()
}

// An acquirer returns holding the lock on every path; its caller unlocks.
func (s *lockServer) lockOpen() {
	for {
		s.mu.Lock()
		if !s.closed {
			return
		}
		s.mu.Unlock()
	}
}

func (s *lockServer) useLockOpen() {
	s.lockOpen()
	s.n++
	s.mu.Unlock()
}

// Results that tell the caller whether the lock is held.
func (s *lockServer) tryAcquire() bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	return true
}

var errClosed = errors.New("closed")

func (s *lockServer) lockIfOpen() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errClosed
	}
	return nil
}

// A flag says whether the caller holds the lock already.
func (s *lockServer) count(locked bool) int {
	if !locked {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	return s.n
}

func (s *lockServer) countLocked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count(true)
}

// A recursive read lock blocks behind a writer waiting in between
// (upgrade write-locks s.rw).
func (s *lockServer) readTwice() int {
	s.rw.RLock()
	defer s.rw.RUnlock()
	s.rw.RLock() // want `RLock of s.rw can deadlock: s.rw is already read-locked here, and a Lock waiting in between blocks it \(sync.RWMutex prohibits recursive read locking\)`
	n := len(s.items)
	s.rw.RUnlock()
	return n
}

// Two values of one type have two mutexes.
func transfer(a, b *lockServer) {
	a.mu.Lock()
	defer a.mu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n, a.n = a.n, 0
}

// Cond.Wait unlocks while it waits and locks again.
func (s *lockServer) wait() {
	s.mu.Lock()
	for len(s.items) == 0 {
		s.cond.Wait()
	}
	s.items = s.items[1:]
	s.mu.Unlock()
}

// A callee the analysis cannot see may unlock.
func (s *lockServer) handOff(release func(*sync.Mutex)) {
	s.mu.Lock()
	if s.closed {
		release(&s.mu)
		return
	}
	s.mu.Unlock()
}

func (s *lockServer) deferredClosure() {
	s.mu.Lock()
	defer func() {
		s.mu.Unlock()
	}()
	if s.closed {
		return
	}
	s.n++
}

func (s *lockServer) unlockAndNotify() {
	s.mu.Unlock()
}

func (s *lockServer) helperUnlock() {
	s.mu.Lock()
	if s.closed {
		s.unlockAndNotify()
		return
	}
	s.n++
	s.mu.Unlock()
}

func (s *lockServer) unlock() { s.mu.Unlock() }

func (s *lockServer) deferredHelper() {
	s.mu.Lock()
	defer s.unlock()
	if s.closed {
		return
	}
	s.n++
}

func (s *lockServer) panics() {
	s.mu.Lock()
	if s.closed {
		panic("closed")
	}
	s.mu.Unlock()
}

func lockPerIteration(n int) {
	for i := 0; i < n; i++ {
		var mu sync.Mutex
		mu.Lock()
		go func() {
			defer mu.Unlock()
		}()
	}
}

func viaLocker(l sync.Locker) {
	l.Lock()
	l.Lock()
}

func (s *lockServer) conditional(need bool) {
	if need {
		s.mu.Lock()
	}
	s.n++
	if need {
		s.mu.Unlock()
	}
}

// A mutex used as a signal: a goroutine unlocks what its starter locked.
func lockSignal(work func()) { // want lockSignal:`launches\[0\]`
	var mu sync.Mutex
	mu.Lock()
	go func() {
		work()
		mu.Unlock()
	}()
	mu.Lock() // wait for the goroutine
}

// A lock handed to a goroutine that unlocks it: who holds conn.mu at a
// point is not one function's to know.
type conn struct {
	mu     sync.Mutex
	closed bool
	buf    []byte
}

func (c *conn) resetAndUnlock() {
	c.buf = nil
	c.mu.Unlock()
}

func (c *conn) reset() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	go c.resetAndUnlock()
}

func (c *conn) write(p []byte) {
	c.mu.Lock()
	c.buf = append(c.buf, p...)
	c.mu.Unlock()
}

// Dead code (`if false`) holds no path.
func (s *lockServer) deadReturn() {
	s.mu.Lock()
	if false {
		return
	}
	s.mu.Unlock()
}

// A flag takes the lock once for the rest of the loop.
func (s *lockServer) lockOnce(batches [][]int) {
	locked := false
	for _, b := range batches {
		if len(b) > 1 && !locked {
			s.mu.Lock()
			defer s.mu.Unlock()
			locked = true
		}
		s.items = append(s.items, b...)
	}
}

// A chain of values, each with its own mutex: c changes round the loop.
type lockNode struct {
	mu     sync.Mutex
	parent *lockNode
	name   string
}

func (n *lockNode) path() string {
	c := n
	c.mu.Lock()
	p := c.name
	for c.parent != nil {
		parent := c.parent
		c.mu.Unlock()
		c = parent
		c.mu.Lock()
		p = c.name + "/" + p
	}
	c.mu.Unlock()
	return p
}

// A lock taken on some turns only, as a flag says, in an event loop.
func (s *lockServer) events(ch <-chan int, recovering bool) { // want events:`stopsOnlyVia\[1\] chan\[1\]\(drains\)`
	for v := range ch {
		if recovering {
			s.mu.Lock()
		}
		s.n += v
		if recovering {
			s.mu.Unlock()
		}
	}
}

// Stripes: each turn locks another element's mutex.
type stripes struct {
	locks [8]sync.Mutex
	n     [8]int
}

func (st *stripes) all() int {
	total := 0
	for i := range st.locks {
		st.locks[i].Lock()
	}
	for i := range st.locks {
		total += st.n[i]
		st.locks[i].Unlock()
	}
	return total
}

// A local RWMutex only this function locks: no writer can come between.
func localReads() int {
	var rw sync.RWMutex
	n := 0
	for i := 0; i < 3; i++ {
		rw.RLock()
		rw.RLock()
		n++
		rw.RUnlock()
		rw.RUnlock()
		rw.Lock()
		rw.Unlock()
	}
	return n
}
