// Package knowledgeuse is checked with an extra knowledge-table entry:
// "cancel knowledgeuse/pool.Acquire 1" and "mustclose knowledgeuse/pool.Take
// 0 Conn".
package knowledgeuse

import (
	"context"

	"knowledgeuse/pool"
)

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

// A release method the table names ("release
// (*knowledgeuse.drainPool).Drain"): Drain must reach the stored cancel,
// as Close would.
type drainPool struct {
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

func newDrainPool(parent context.Context) *drainPool {
	ctx, cancel := context.WithCancel(parent) // want `the cancel function returned by context.WithCancel is stored in field drainPool.cancel, which Drain never calls \(only fail does\); call it in Drain`
	return &drainPool{ctx: ctx, cancel: cancel}
}

func (p *drainPool) fail(err error) {
	p.err = err
	p.cancel()
}

func (p *drainPool) Drain() error { return p.err }

// Its twin without an entry: Flush is no release method, so nothing is
// owed by it.
type flushPool struct {
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

func newFlushPool(parent context.Context) *flushPool {
	ctx, cancel := context.WithCancel(parent)
	return &flushPool{ctx: ctx, cancel: cancel}
}

func (p *flushPool) fail(err error) {
	p.err = err
	p.cancel()
}

func (p *flushPool) Flush() error { return p.err }
