package engine

import (
	"golang.org/x/tools/go/ssa"
)

// callMoves returns the moves of process pi at a blocking library call.
func (e *Explorer) callMoves(s *state, pi int) ([]*state, bool) {
	c, fn, args := e.pendingCall(s, pi)
	if c == nil || len(args) == 0 {
		return nil, false
	}
	key, ext := addrKey(s, args[0])
	o := s.syncs[key]
	if o == nil {
		o = &syncObj{holder: -1, ctx: -1}
	}
	finish := func(r value) func(*state) { return func(c *state) { e.finishCall(c, pi, r) } }
	switch e.blockingKind(fn) {
	case "lock":
		if o.holder >= 0 || o.readers > 0 {
			return nil, false
		}
		return e.then(s, pi, func(c *state) { c.sync(key).holder = pi; e.finishCall(c, pi, top) }), true
	case "rlock":
		if o.holder >= 0 || o.readers > 0 && e.writerWaits(s, pi, key) {
			return nil, false
		}
		return e.then(s, pi, func(c *state) { c.sync(key).readers++; e.finishCall(c, pi, top) }), true
	case "wait":
		if !ext && !o.lost && o.count > 0 {
			return nil, false
		}
		return e.then(s, pi, func(c *state) {
			if g := c.sync(key); g.ctx >= 0 {
				e.cancel(c, g.ctx)
			}
			finish(symV{"wait:" + key})(c)
		}), true
	case "condwait":
		return e.condMoves(s, pi, c, key, ext, args[0])
	case "atomic":
		return e.then(s, pi, func(n *state) { e.finishCall(n, pi, e.atomicOp(n, pi, fn.(closV).fn, args)) }), true
	}
	return nil, false
}

// writerWaits reports whether a process other than pi is at a write lock
// of the RWMutex key. While readers hold it, that writer waits, and a new
// reader waits behind it; while nobody holds it, the writer is not waiting
// but not yet run, and either may go first.
func (e *Explorer) writerWaits(s *state, pi int, key string) bool {
	return e.waitsAt(s, pi, key, "lock")
}

// waitsAt reports whether a process other than except waits at a blocking
// call of the given kind (see blockingKind) on the object at address key.
func (e *Explorer) waitsAt(s *state, except int, key, kind string) bool {
	for qi, q := range s.procs {
		if qi == except || !q.atOperation() {
			continue
		}
		if _, fn, args := e.pendingCall(s, qi); e.blockingKind(fn) == kind && len(args) > 0 {
			if k, _ := addrKey(s, args[0]); k == key {
				return true
			}
		}
	}
	return false
}

// condMoves returns the moves of process pi at Cond.Wait: it unlocks the
// Cond's L and waits; once signalled, it locks L again and returns.
func (e *Explorer) condMoves(s *state, pi int, c *ssa.CallCommon, key string, ext bool, cond value) ([]*state, bool) {
	p := s.procs[pi]
	lk, lext := e.condLocker(s, cond)
	switch {
	case !p.waiting:
		n := s.clone()
		if lk != "" {
			n.sync(lk).holder = -1
		}
		n.procs[pi].waiting = true
		if !ext && !lext {
			n.sync(key).waiters = append(n.sync(key).waiters, pi)
		} else {
			n.procs[pi].woken = true // code outside the model may signal it
		}
		return []*state{n}, true
	case p.woken:
		if lk != "" && s.sync(lk).holder >= 0 {
			return nil, false
		}
		return e.then(s, pi, func(n *state) {
			if lk != "" {
				n.sync(lk).holder = pi
			}
			q := n.procs[pi]
			q.waiting, q.woken = false, false
			e.finishCall(n, pi, top)
		}), true
	}
	return nil, false
}

// condLocker returns the address key of the mutex that is the L of the
// Cond at cond, "" and true if the model does not know it.
func (e *Explorer) condLocker(s *state, cond value) (string, bool) {
	r, ok := cond.(refV)
	if !ok || s.objs[r.obj].kind != cellObj {
		return "", true
	}
	cell := s.objs[r.obj]
	steps := pathSteps(r.path)
	a, ok := getPath(cell.v, steps).(aggV)
	if !ok {
		return "", true
	}
	for _, el := range a.elems { // sync.Cond's L is its only interface field
		if iv, ok := el.(ifaceV); ok {
			return addrKey(s, iv.v)
		}
	}
	return "", true
}
