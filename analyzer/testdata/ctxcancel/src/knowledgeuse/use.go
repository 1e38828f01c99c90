// Package knowledgeuse is checked with an extra knowledge-table entry:
// "cancel knowledgeuse/pool.Acquire 1".
package knowledgeuse

import "knowledgeuse/pool"

func leaks() int {
	slot, release := pool.Acquire() // want `the cancel function returned by pool.Acquire is never called`
	_ = release
	return slot
}

func releases() int {
	slot, release := pool.Acquire()
	defer release()
	return slot
}
