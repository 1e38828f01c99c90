package engine

import (
	"iter"
	"maps"
)

// foldAt is the number of entries a layered map keeps apart from its
// base before it folds them in.
const foldAt = 32

// A layered is a map of what a path assumed (facts, bounds) that the
// states of a search share: a base that no state changes, and the entries
// one state set since (delta), folded into a new base once there are more
// than foldAt of them. A clone copies only the delta, so that a path of n
// branches costs O(n²/foldAt) copies instead of O(n²): on the runtime
// package's allocation paths, hundreds of branches long, copying the whole
// maps at each branch was a quarter of the search.
type layered[V any] struct {
	base  map[string]V // shared: never changed once made
	delta map[string]V // this state's own
}

// get returns the value of k.
func (m *layered[V]) get(k string) (V, bool) {
	if v, ok := m.delta[k]; ok {
		return v, true
	}
	v, ok := m.base[k]
	return v, ok
}

// set sets k to v.
func (m *layered[V]) set(k string, v V) {
	if m.delta == nil {
		m.delta = make(map[string]V)
	}
	m.delta[k] = v
	if len(m.delta) <= foldAt {
		return
	}
	base := make(map[string]V, len(m.base)+len(m.delta))
	maps.Copy(base, m.base)
	maps.Copy(base, m.delta)
	m.base, m.delta = base, nil
}

// clone returns a copy of m that changes apart from it.
func (m *layered[V]) clone() layered[V] {
	return layered[V]{base: m.base, delta: maps.Clone(m.delta)}
}

// all yields each entry once, in no order.
func (m *layered[V]) all() iter.Seq2[string, V] {
	return func(yield func(string, V) bool) {
		for k, v := range m.base {
			if _, ok := m.delta[k]; !ok && !yield(k, v) {
				return
			}
		}
		for k, v := range m.delta {
			if !yield(k, v) {
				return
			}
		}
	}
}
