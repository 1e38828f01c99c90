package engine

import "strings"

// Objects the model does not see into (what an unseen call returned, a
// parameter, a package variable) are symbols, and calls on them return
// symbols, each a value of its own. Two goroutines that operate on the same
// such object (the two ends of an io.Pipe, one connection) get results
// that agree in the real program (a Read fails only after the writer's
// Close) and not in the model. So a call on a symbol that another
// goroutine still holds (in a live register, or a cell one refers to)
// returns a volatile result: a branch on it makes the path imprecise, and
// its end states are not reported (see volatile). An object handed to a
// goroutine and no longer used by the one that handed it is the
// goroutine's alone, and its results stay precise.

// origin returns the object a symbol's key names a part or a derivation
// of: a fresh symbol's instruction, a parameter or free variable without
// its fields, a package variable; "" for a derived value (a comparison,
// an arithmetic result, a length), which is not an object.
func origin(key string) string {
	key = strings.TrimLeft(key, "~!*")
	switch {
	case strings.HasPrefix(key, "\x01"):
		if i := strings.IndexByte(key, '\x02'); i >= 0 {
			return key[:i+1]
		}
	case strings.HasPrefix(key, "g:"):
		return key
	case strings.HasPrefix(key, "p:"), strings.HasPrefix(key, "fv:"):
		if i := strings.IndexAny(key, ".["); i >= 0 {
			return key[:i]
		}
		return key
	}
	return ""
}

// symbolsIn calls f with the key of each symbol v holds, looking into the
// cells it refers to (the fields of a struct passed by pointer, a captured
// variable).
func symbolsIn(s *state, v value, f func(key string)) {
	seen := make(map[int]bool)
	var walk func(v value)
	walk = func(v value) {
		parts(v, func(x value) {
			switch x := x.(type) {
			case symV:
				f(x.key)
			case refV:
				if !seen[x.obj] && s.objs[x.obj].kind == cellObj {
					seen[x.obj] = true
					walk(s.objs[x.obj].v)
				}
			}
		})
	}
	walk(v)
}

// heldElsewhere reports whether a process other than pi, not returned,
// holds in a live register a symbol of the same origin as one of args.
func heldElsewhere(s *state, pi int, args []value) bool {
	if len(s.procs) < 2 {
		return false
	}
	origins := make(map[string]bool)
	for _, a := range args {
		symbolsIn(s, a, func(key string) {
			if o := origin(key); o != "" {
				origins[o] = true
			}
		})
	}
	if len(origins) == 0 {
		return false
	}
	found := false
	for qi, q := range s.procs {
		if qi == pi || q.done || q.timer != nil {
			continue
		}
		for _, f := range q.frames {
			live := f.info.liveAt(f.fn, f.block, f.pc)
			f.regs.all(func(i int, r value) {
				if r != nil && live.has(i) && !found {
					symbolsIn(s, r, func(key string) { found = found || origins[origin(key)] })
				}
			})
			if found {
				return true
			}
		}
	}
	return false
}
