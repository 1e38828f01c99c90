// Package knowledgeuse is checked with an extra knowledge-table entry:
// "cancel knowledgeuse/pool.Acquire 1" and "mustclose knowledgeuse/pool.Take
// 0 Conn".
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

func leaseLeaks() (int, error) {
	l, err := pool.Take() // want `l.Conn from pool.Take is never closed; defer l.Conn.Close\(\)`
	if err != nil {
		return 0, err
	}
	return l.ID, nil
}

func leaseClosed() (int, error) {
	l, err := pool.Take()
	if err != nil {
		return 0, err
	}
	defer l.Conn.Close()
	return l.ID, nil
}
