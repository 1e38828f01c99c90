// Package metrics reconstructs codahale/metrics#16 (commit 1300491) after
// the fix: locks held together are taken in one order, histMu, gaugeMu,
// counterMu.
package metrics

import (
	"sort"
	"sync"
)

// If several of the locks must be held together, take them in the order
// histMu, gaugeMu, counterMu, or deadlock will result.

// Counter is a monotonically increasing unsigned integer.
type Counter string

// Add increments the counter by n.
func (c Counter) Add(n uint64) {
	counterMu.Lock()
	defer counterMu.Unlock()
	counters[string(c)] += n
}

// Gauge is an instantaneous measurement of a value.
type Gauge string

// SetBatchFunc sets the gauge's value to the lazily-called return value of
// f, with an initializer shared by a batch of gauges keyed by key.
func (g Gauge) SetBatchFunc(key any, init func(), f func() int64) {
	gaugeMu.Lock()
	defer gaugeMu.Unlock()

	gauges[string(g)] = f
	if _, ok := inits[key]; !ok {
		inits[key] = init
	}
}

// Snapshot returns a copy of the values of all counters and gauges.
func Snapshot() (c map[string]uint64, g map[string]int64) {
	histMu.Lock()
	defer histMu.Unlock()

	gaugeMu.Lock()
	defer gaugeMu.Unlock()

	counterMu.Lock()
	defer counterMu.Unlock()

	for _, init := range inits {
		init()
	}
	c = make(map[string]uint64, len(counters))
	for n, v := range counters {
		c[n] = v
	}
	g = make(map[string]int64, len(gauges))
	for n, f := range gauges {
		g[n] = f()
	}
	return c, g
}

// Histogram measures the distribution of a stream of values.
type Histogram struct {
	name    string
	mu      sync.RWMutex
	current []int64
	merged  []int64
}

type histName string // unexported to prevent collisions

// NewHistogram registers a histogram and its percentile gauges.
func NewHistogram(name string) *Histogram {
	histMu.Lock()
	defer histMu.Unlock()

	if _, ok := histograms[name]; ok {
		panic(name + " already exists")
	}
	h := &Histogram{name: name}
	histograms[name] = h

	Gauge(name+".P50").SetBatchFunc(histName(name), h.merge, h.valueAt(50))
	Gauge(name+".P99").SetBatchFunc(histName(name), h.merge, h.valueAt(99))
	return h
}

// RecordValue records a value.
func (h *Histogram) RecordValue(v int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.current = append(h.current, v)
}

func (h *Histogram) merge() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.merged = append([]int64(nil), h.current...)
	sort.Slice(h.merged, func(i, j int) bool { return h.merged[i] < h.merged[j] })
}

func (h *Histogram) valueAt(q float64) func() int64 {
	return func() int64 {
		h.mu.RLock()
		defer h.mu.RUnlock()
		if len(h.merged) == 0 {
			return 0
		}
		return h.merged[int(q/100*float64(len(h.merged)-1))]
	}
}

var (
	counterMu sync.Mutex
	counters  = make(map[string]uint64)

	gaugeMu sync.Mutex
	gauges  = make(map[string]func() int64)
	inits   = make(map[any]func())

	histMu     sync.Mutex
	histograms = make(map[string]*Histogram)
)
