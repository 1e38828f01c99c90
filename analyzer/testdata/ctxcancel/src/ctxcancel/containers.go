package ctxcancel

import (
	"context"
	"sync"
)

// Containers of cancels emptied by another method than the one that
// stores them, without calling them first: every context they held is
// never cancelled.

type jobTable struct {
	mu   sync.Mutex
	jobs map[string]context.CancelFunc
}

func newJobTable() *jobTable {
	return &jobTable{jobs: make(map[string]context.CancelFunc)}
}

func (t *jobTable) Start(parent context.Context, id string) context.Context {
	ctx, cancel := context.WithCancel(parent)
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.jobs[id]; ok {
		old()
	}
	t.jobs[id] = cancel
	return ctx
}

func (t *jobTable) Stop(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.jobs[id]; ok {
		c()
		delete(t.jobs, id)
	}
}

// Reset makes the map again: the old entries' cancels are lost.
func (t *jobTable) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.jobs = make(map[string]context.CancelFunc) // want `Reset empties jobTable.jobs without calling the cancel functions it holds`
}

// Clear clears it.
func (t *jobTable) Clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.jobs) // want `Clear empties jobTable.jobs without calling the cancel functions it holds`
}

// Shutdown cancels them all first.
func (t *jobTable) Shutdown() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.jobs {
		c()
	}
	t.jobs = make(map[string]context.CancelFunc)
}

// A slice of cancels appended to.
type watchers struct {
	cancels []context.CancelFunc
}

func (w *watchers) Watch(parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	w.cancels = append(w.cancels, cancel)
	return ctx
}

func (w *watchers) Close() {
	for _, c := range w.cancels {
		c()
	}
	w.cancels = nil
}

// Forget drops them.
func (w *watchers) Forget() {
	w.cancels = nil // want `Forget empties watchers.cancels without calling the cancel functions it holds`
}

// Truncate keeps the array, not the cancels.
func (w *watchers) Truncate() {
	w.cancels = w.cancels[:0] // want `Truncate empties watchers.cancels without calling the cancel functions it holds`
}

// Clean: the map made by an initializer that no constructor precedes, a
// container of callbacks (a cancel's shape, not its obligation), an
// unexported helper whose callers cancel first.

type lazyTable struct {
	jobs map[string]context.CancelFunc
}

func (t *lazyTable) Init() {
	t.jobs = make(map[string]context.CancelFunc)
}

func (t *lazyTable) Add(parent context.Context, id string) context.Context {
	ctx, cancel := context.WithCancel(parent)
	t.jobs[id] = cancel
	return ctx
}

func (t *lazyTable) Cancel(id string) {
	if c, ok := t.jobs[id]; ok {
		c()
	}
}

type hookList struct {
	hooks []func()
}

func (h *hookList) On(f func()) { h.hooks = append(h.hooks, f) }

func (h *hookList) Run() {
	for _, f := range h.hooks {
		f()
	}
}

func (h *hookList) Reset() { h.hooks = nil }

func (w *watchers) reset() { w.cancels = nil }

func (w *watchers) CloseAll() {
	for _, c := range w.cancels {
		c()
	}
	w.reset()
}

// Cut cancels what it cuts off first.
func (w *watchers) Cut() {
	for _, c := range w.cancels {
		c()
	}
	w.cancels = w.cancels[:0]
}

// Entries overwritten by another method than the one that stores them.

// Park replaces the job's cancel with a no-op: the real one is lost.
func (t *jobTable) Park(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.jobs[id] = func() {} // want `Park overwrites an entry of jobTable.jobs without calling its cancel function`
}

// Detach nils it.
func (t *jobTable) Detach(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.jobs[id] = nil // want `Detach overwrites an entry of jobTable.jobs without calling its cancel function`
}

// Quiesce cancels first.
func (t *jobTable) Quiesce(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.jobs[id]; ok && c != nil {
		c()
	}
	t.jobs[id] = func() {}
}

// A map of callbacks overwritten: no cancel's obligation.
type hookTable struct{ hooks map[string]func() }

func (h *hookTable) Set(name string, f func()) { h.hooks[name] = f }

func (h *hookTable) Fire(name string) { h.hooks[name]() }

func (h *hookTable) Mute(name string) { h.hooks[name] = func() {} }
