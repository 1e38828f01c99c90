package engine

import (
	"go/constant"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// library performs a call of a function of the standard library (or of
// errgroup) that the engine models and that cannot block: the blocking
// ones are operations (see atOp). It reports whether it modelled the
// call and whether the path goes on.
func (e *Explorer) library(s *state, pi int, name string, c *ssa.CallCommon, args []value) (handled, alive bool) {
	handled, alive = e.libraryCall(s, pi, name, c, args)
	if handled && touchesSync(s, name, args) {
		e.effects++ // see readySegments
	}
	return handled, alive
}

func (e *Explorer) libraryCall(s *state, pi int, name string, c *ssa.CallCommon, args []value) (handled, alive bool) {
	if isTestingExit(name) {
		return true, false // the goroutine or the program ends: not a leak
	}
	if alive, ok := e.builtin(s, pi, name, c, args); ok {
		return true, alive
	}
	var r value = top
	switch name {
	case "(*sync.Mutex).Unlock", "(*sync.RWMutex).Unlock":
		if !e.unlock(s, args[0], false) {
			return true, false
		}
	case "(*sync.RWMutex).RUnlock":
		if !e.unlock(s, args[0], true) {
			return true, false
		}
	case "(*sync.WaitGroup).Add", "(*sync.WaitGroup).Done":
		if !e.wgAdd(s, name, args) {
			return true, false
		}
	case "(*sync.WaitGroup).Go", "(*golang.org/x/sync/errgroup.Group).Go":
		return true, e.groupGo(s, pi, c, args)
	case "(*sync.Once).Do":
		key, _ := addrKey(s, args[0])
		if o := s.sync(key); !o.done {
			o.done = true
			return true, e.callValue(s, pi, c, args[1], nil)
		}
	case "(*sync.Cond).Signal", "(*sync.Cond).Broadcast":
		e.signal(s, args[0], name == "(*sync.Cond).Broadcast")
	case "sync.NewCond":
		r = e.newCond(s, c, args[0])
	case "context.Background", "context.TODO", "context.WithoutCancel":
		r = refV{obj: s.newObj(&object{kind: ctxObj, done: -1, timerProc: -1})}
	case "context.WithCancel", "context.WithCancelCause", "context.WithTimeout", "context.WithDeadline",
		"context.WithTimeoutCause", "context.WithDeadlineCause":
		r = e.withCancel(s, pi, name, args[0])
	case "context.WithValue":
		r = e.withValue(s, args[0])
	case "golang.org/x/sync/errgroup.WithContext":
		r = e.groupWithContext(s, pi, args[0])
	case "time.After", "time.Tick":
		ch, _ := e.newTimer(s, pi, name == "time.Tick", nil)
		r = refV{obj: ch}
	case "time.NewTimer", "time.NewTicker", "time.AfterFunc":
		r = e.timerCell(s, pi, name, c, args)
	case "(*time.Timer).Stop", "(*time.Ticker).Stop":
		r = e.stopTimer(s, args[0])
	case "(*time.Timer).Reset", "(*time.Ticker).Reset":
		r = e.resetTimer(s, args[0])
	case "time.Sleep", "runtime.Gosched", "(*golang.org/x/sync/errgroup.Group).SetLimit":
	default:
		if len(args) == 0 {
			return false, true
		}
		if l, ok := args[0].(refV); ok && s.objs[l.obj].kind == ctxObj {
			return e.ctxMethod(s, pi, name, c, l.obj)
		}
		return false, true
	}
	e.finishCall(s, pi, r)
	return true, true
}

// builtin performs a call of a builtin function; false if name is none.
func (e *Explorer) builtin(s *state, pi int, name string, c *ssa.CallCommon, args []value) (alive, ok bool) {
	var r value = top
	switch name {
	case "builtin:close":
		if !e.closeChan(s, pi, args[1]) {
			return false, true
		}
	case "builtin:len", "builtin:cap":
		r = e.length(s, name[8:], args[1])
	case "builtin:panic":
		return false, true
	case "builtin:recover":
		r = nilVal
	case "builtin:append":
		if len(args) == 3 {
			if v, ok := e.appendSlices(s, args[1], args[2]); ok {
				r = v
				break
			}
		}
		for _, a := range args[2:] {
			s.escape(a) // into a slice the model does not follow
		}
		r = symV{keyOf(args[1]) + "+"}
	case "builtin:delete":
		mapDelete(s, args[1], args[2])
	case "builtin:clear":
		mapClear(s, args[1])
	case "builtin:print", "builtin:println", "builtin:copy":
	case "builtin:min", "builtin:max", "builtin:real", "builtin:imag", "builtin:complex", "builtin:ssa:wrapnilchk":
		r = top
		if name == "builtin:ssa:wrapnilchk" {
			r = args[1]
		}
	default:
		if len(name) > 8 && name[:8] == "builtin:" {
			r = top
			break
		}
		return false, false
	}
	e.finishCall(s, pi, r)
	return true, true
}

// length returns len or cap of x: a channel's, an array's, or a symbol.
func (e *Explorer) length(s *state, which string, x value) value {
	switch x := x.(type) {
	case refV:
		if o := s.objs[x.obj]; o.kind == chanObj && x.path == "" {
			if which == "cap" && o.cap >= 0 {
				return constV{constant.MakeInt64(int64(o.cap))}
			}
			if which == "len" && !o.escaped {
				return constV{constant.MakeInt64(int64(len(o.buf)))}
			}
		}
		if elems, ok := elemsOf(s, x); ok && which == "len" {
			return constV{constant.MakeInt64(int64(len(elems)))}
		}
	case nilV:
		return constV{constant.MakeInt64(0)}
	case aggV:
		return constV{constant.MakeInt64(int64(len(x.elems)))}
	case constV:
		if x.c.Kind() == constant.String {
			return constV{constant.MakeInt64(int64(len(constant.StringVal(x.c))))}
		}
	case symV:
		return symV{which + ":" + x.key}
	}
	return top
}

// callValue calls the function value fn with args from a library function
// (Once.Do): into its body if the model sees it.
func (e *Explorer) callValue(s *state, pi int, c *ssa.CallCommon, fn value, args []value) bool {
	if cv, ok := fn.(closV); ok && e.body(s, pi, cv.fn) {
		s.push(pi, e.newFrame(cv.fn, args, cv.binds))
		return true
	}
	s.escape(fn)
	e.finishCall(s, pi, top)
	return true
}

func (e *Explorer) unlock(s *state, addr value, read bool) bool {
	key, ext := addrKey(s, addr)
	o := s.sync(key)
	switch {
	case read && o.readers > 0:
		o.readers--
	case !read && o.holder >= 0:
		o.holder = -1
	case !ext:
		return false // unlock of an unlocked mutex: a fatal error
	}
	return true
}

func (e *Explorer) wgAdd(s *state, name string, args []value) bool {
	key, ext := addrKey(s, args[0])
	o := s.sync(key)
	if ext || o.lost {
		return true
	}
	n := int64(-1)
	if name == "(*sync.WaitGroup).Add" {
		k, ok := args[1].(constV)
		if !ok {
			o.lost = true
			return true
		}
		if n, ok = intOf(constant.ToInt(k.c)); !ok {
			o.lost = true
			return true
		}
	}
	o.count += int(n)
	return o.count >= 0 // a negative counter panics
}

// groupGo starts fn (the last argument) as a member of the WaitGroup or
// errgroup at args[0]: Add(1), and Done when it returns.
func (e *Explorer) groupGo(s *state, pi int, c *ssa.CallCommon, args []value) bool {
	key, ext := addrKey(s, args[0])
	fn := args[len(args)-1]
	cv, ok := fn.(closV)
	if ext || !ok || !e.modelled(cv.fn) {
		s.escape(fn)
		e.finishCall(s, pi, top)
		return true
	}
	s.sync(key).count++
	if len(s.procs) >= e.limits.MaxProcs {
		e.cut = true
		return false
	}
	g := s.cur(pi)
	s.procs = append(s.procs, &process{frames: []*frame{e.newFrame(cv.fn, nil, cv.binds)}, start: g, fn: cv.fn, ready: true, onExit: key})
	s.note(len(s.procs)-1, g.Pos(), "starts")
	e.finishCall(s, pi, top)
	return true
}

func (e *Explorer) newCond(s *state, c *ssa.CallCommon, l value) value {
	t := c.Signature().Results().At(0).Type()
	cell := &object{kind: cellObj, v: zero(t.Underlying().(*types.Pointer).Elem()), done: -1, timerProc: -1}
	if i := fieldIndex(t, "L"); i >= 0 {
		cell.v = setPath(cell.v, []int{i}, l)
	}
	return refV{obj: s.newObj(cell)}
}

// signal wakes the first (or every) process waiting on the Cond at addr.
func (e *Explorer) signal(s *state, addr value, all bool) {
	key, _ := addrKey(s, addr)
	o := s.sync(key)
	for len(o.waiters) > 0 {
		s.procs[o.waiters[0]].woken = true
		o.waiters = o.waiters[1:]
		if !all {
			return
		}
	}
}

// closeChan closes the channel ch; false if that panics.
func (e *Explorer) closeChan(s *state, pi int, ch value) bool {
	r, ok := ch.(refV)
	if !ok {
		_, isNil := ch.(nilV)
		return !isNil
	}
	if o := s.objs[r.obj]; o.closed {
		return o.escaped // closed twice panics, unless others may have
	}
	s.mobj(r.obj).closed = true
	s.note(pi, s.cur(pi).Pos(), "closes")
	return true
}
