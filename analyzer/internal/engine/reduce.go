package engine

import "strings"

// Partial-order reduction.
//
// A process that is ready (a goroutine just started, a timer's function)
// runs a segment: local work up to its next operation (see runSegment).
// When that segment neither touches a synchronization object (closes a
// channel, reads its length, unlocks, signals, counts a WaitGroup down,
// cancels, arms a timer, ends an errgroup member) nor lets an object the
// other processes hold escape, it is independent of every move the other
// processes can make: under the data-race-free reduction they share
// nothing else. The search then takes that segment alone from the state,
// a persistent set of one process (Godefroid, "Partial-Order Methods for
// the Verification of Concurrent Systems", LNCS 1032, 1996, ch. 4), which
// keeps every reachable deadlock, and so every end state a verdict is
// drawn from. Without it, k goroutines started together are run in all k!
// orders of their first segments before any of them synchronizes.

// readySegments runs the segment of each ready process of s. If one is
// silent (see above), it returns that process's states alone, with silent
// true (the states may be none: every path of the segment ended);
// otherwise it returns each ready process's states, by process.
func (e *Explorer) readySegments(s *state) (by map[int][]*state, alone []*state, silent bool) {
	for pi, p := range s.procs {
		if p.done || p.timer != nil || !p.ready {
			continue
		}
		before := e.effects
		m := e.runSegment(s.clone(), pi)
		if e.effects == before && !escapesShared(s, m) {
			return nil, m, true
		}
		if by == nil {
			by = make(map[int][]*state)
		}
		by[pi] = m
	}
	return by, nil, false
}

// escapesShared reports whether, in any of the states after, an object of
// the state before escaped that had not.
func escapesShared(before *state, after []*state) bool {
	for _, a := range after {
		for id, o := range before.objs {
			if !o.escaped && a.objs[id].escaped {
				return true
			}
		}
	}
	return false
}

// touchesSync reports whether a library call the model performed, with
// arguments args, touches a synchronization object (see the reduction
// above): every modelled call but the pure builtins, sleeping and the
// background contexts.
func touchesSync(s *state, name string, args []value) bool {
	switch name {
	case "builtin:close":
		return true
	case "builtin:len", "builtin:cap":
		r, ok := args[1].(refV)
		return ok && s.objs[r.obj].kind == chanObj
	case "time.Sleep", "runtime.Gosched", "context.Background", "context.TODO":
		return false
	}
	return !strings.HasPrefix(name, "builtin:")
}
