// Package locksonly has no go statement and no channel: a library type
// whose mutex its callers' goroutines share. Its locks are checked all
// the same.
package locksonly

import "sync"

type Account struct {
	mu      sync.Mutex
	balance int
	hooks   []func(int)
}

func (a *Account) Balance() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// Withdraw holds the lock and calls Balance, which takes it again.
func (a *Account) Withdraw(n int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Balance() < n { // want `call of a.Balance, which locks a.mu, blocks forever: a.mu is already held here`
		return false
	}
	a.balance -= n
	return true
}

// Deposit forgets to unlock when n is not positive.
func (a *Account) Deposit(n int) {
	a.mu.Lock()
	if n <= 0 {
		return // want `return leaves a.mu locked while the other returns unlock it`
	}
	a.balance += n
	a.mu.Unlock()
}

// Apply calls a closure held in a variable that locks the mutex its
// caller holds.
func Apply(values []int) int {
	var mu sync.Mutex
	total := 0
	add := func(v int) {
		mu.Lock()
		total += v
		mu.Unlock()
	}
	mu.Lock()
	for _, v := range values {
		add(v) // want `call of add, which locks mu, blocks forever: a path into or round the loop comes to it with mu still held`
	}
	mu.Unlock()
	return total
}

// Silent below.

func (a *Account) Add(n int) {
	a.mu.Lock()
	a.balance += n
	a.mu.Unlock()
	for _, h := range a.hooks {
		h(n)
	}
}

// Handoff passes the lock to a hook through sync.Locker, which unlocks.
func (a *Account) Handoff(release func(sync.Locker)) {
	a.mu.Lock()
	if a.balance < 0 {
		release(&a.mu)
		return
	}
	a.mu.Unlock()
}

func SumLocked(values []int) int {
	var mu sync.Mutex
	total := 0
	add := func(v int) {
		total += v
	}
	mu.Lock()
	for _, v := range values {
		add(v)
	}
	mu.Unlock()
	return total
}

// A lock handed across methods on purpose: Begin returns holding it,
// Commit releases it.
type Tx struct {
	mu   sync.Mutex
	rows []int
}

func (t *Tx) Begin() { t.mu.Lock() }

func (t *Tx) Commit() { t.mu.Unlock() }

func (t *Tx) Insert(v int) {
	t.Begin()
	t.rows = append(t.rows, v)
	t.Commit()
}

// A read lock after a write lock is released is fine; a recursive one
// blocks behind a writer waiting in between.
type Table struct {
	rw   sync.RWMutex
	rows []int
}

func (t *Table) Len() int {
	t.rw.RLock()
	defer t.rw.RUnlock()
	return len(t.rows)
}

func (t *Table) Describe() (int, int) {
	t.rw.RLock()
	defer t.rw.RUnlock()
	return t.Len(), cap(t.rows) // want `call of t.Len, which read-locks t.rw, can deadlock`
}

func (t *Table) Reset() int {
	t.rw.Lock()
	t.rows = nil
	t.rw.Unlock()
	return t.Len()
}

// Nobody in the package write-locks stats.rw: its nested read locks do
// not wait for a writer here.
type Stats struct {
	rw   sync.RWMutex
	hits int
}

func (s *Stats) Hits() int {
	s.rw.RLock()
	defer s.rw.RUnlock()
	return s.hits
}

func (s *Stats) Report() (int, int) {
	s.rw.RLock()
	defer s.rw.RUnlock()
	return s.Hits(), s.hits
}

// Begin returns holding the lock and a handle whose End releases it.
type Store struct {
	mu   sync.RWMutex
	data map[string]string
}

type Txn struct{ s *Store }

func (s *Store) Begin() *Txn {
	s.mu.RLock()
	return &Txn{s}
}

func (t *Txn) End() { t.s.mu.RUnlock() }

type ender interface{ End() }

func (s *Store) Scan(keys []string) {
	for range keys {
		var e ender = s.Begin()
		e.End()
	}
}

func (s *Store) Put(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[k] = v
}
