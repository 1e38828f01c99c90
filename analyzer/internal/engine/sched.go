package engine

import (
	"go/constant"
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// blockingCalls are the library calls that can block: the search
// interleaves them.
var blockingCalls = map[string]string{
	"(*sync.Mutex).Lock":                       "lock",
	"(*sync.RWMutex).Lock":                     "lock",
	"(*sync.RWMutex).RLock":                    "rlock",
	"(*sync.WaitGroup).Wait":                   "wait",
	"(*golang.org/x/sync/errgroup.Group).Wait": "wait",
	"(*sync.Cond).Wait":                        "condwait",
}

// pendingCall returns the call process pi is about to make, with its
// function and arguments: a Call, or RunDefers' next deferred call.
func (e *Explorer) pendingCall(s *state, pi int) (*ssa.CallCommon, value, []value) {
	f := s.peek(pi)
	switch in := f.fn.Blocks[f.block].Instrs[f.pc].(type) {
	case *ssa.Call:
		fn, args := e.callee(s, f, &in.Call)
		return &in.Call, fn, args
	case *ssa.RunDefers:
		if n := len(f.defers); n > 0 {
			d := f.defers[n-1]
			return d.call, d.fn, d.args
		}
	}
	return nil, nil, nil
}

// blockingKind returns what a blocking library call does, "" for any
// other call.
func (e *Explorer) blockingKind(fn value) string {
	if cv, ok := fn.(closV); ok && (len(cv.fn.Blocks) == 0 || isLibrary(cv.fn)) {
		n := e.name(cv.fn)
		if isAtomic(n) {
			return "atomic" // never blocks, but observes what others do
		}
		return blockingCalls[n]
	}
	return ""
}

// atOp reports whether process pi is at an operation the search
// interleaves: a channel operation, a select, or a blocking library call.
func (e *Explorer) atOp(s *state, pi int) bool {
	if f := s.peek(pi); f != nil && skipped(f, s.cur(pi)) {
		return false
	}
	switch in := s.cur(pi).(type) {
	case *ssa.Send, *ssa.Select:
		return true
	case *ssa.UnOp:
		return in.Op == token.ARROW
	case *ssa.Call, *ssa.RunDefers:
		_, fn, _ := e.pendingCall(s, pi)
		return e.blockingKind(fn) != ""
	}
	return false
}

// chanState classifies a channel value: nil, one code outside the model
// may operate on (ext), or an object of the model.
func chanState(s *state, v value) (o *object, isNil, ext bool) {
	switch v := v.(type) {
	case nilV:
		return nil, true, false
	case refV:
		if o := s.objs[v.obj]; o.kind == chanObj && v.path == "" {
			return o, false, o.escaped
		}
	}
	return nil, false, true
}

// successors returns the states one move of one process leads to, and
// whether any process could move at all (a move may lead nowhere: a send
// on a closed channel panics).
func (e *Explorer) successors(s *state) ([]*state, bool) {
	segments, alone, silent := e.readySegments(s)
	if silent {
		return alone, true
	}
	var next []*state
	moved := false
	for pi, p := range s.procs {
		if p.done {
			continue
		}
		var m []*state
		var ok bool
		switch {
		case p.timer != nil:
			m, ok = e.fire(s, pi)
		case p.ready:
			m, ok = segments[pi], true
		default:
			m, ok = e.opMoves(s, pi)
		}
		moved = moved || ok
		next = append(next, m...)
	}
	return next, moved
}

// fire is the move of a timer process: it sends, cancels or starts its
// function.
func (e *Explorer) fire(s *state, pi int) ([]*state, bool) {
	t := s.procs[pi].timer
	if t.ch >= 0 {
		ch := s.objs[t.ch]
		if len(ch.buf) > 0 {
			return nil, false // a ticker's tick waits for the reader
		}
		c := s.clone()
		o := c.mobj(t.ch)
		o.buf = append(o.buf, symV{"tick"})
		c.procs[pi].done = !t.periodic
		return []*state{c}, true
	}
	c := s.clone()
	p := c.procs[pi]
	switch {
	case t.ctx >= 0:
		e.cancel(c, t.ctx)
		p.done = true
	case t.fn != nil:
		cv, ok := t.fn.(closV)
		if !ok || !e.modelled(cv.fn) {
			c.escape(t.fn)
			p.done = true
			break
		}
		if len(c.procs) >= e.limits.MaxProcs {
			e.cut = true
			return nil, true
		}
		// The function runs in a goroutine of its own; the timer stays, done,
		// for Stop (false: it fired) and Reset (it fires again).
		p.done = true
		c.procs = append(c.procs, &process{frames: []*frame{e.newFrame(cv.fn, nil, cv.binds)}, start: p.start, fn: cv.fn, ready: true})
	default:
		p.done = true
	}
	return []*state{c}, true
}

// opMoves returns the moves of process pi at its operation.
func (e *Explorer) opMoves(s *state, pi int) ([]*state, bool) {
	f := s.peek(pi)
	switch in := s.cur(pi).(type) {
	case *ssa.Send:
		return e.sendMoves(s, pi, e.eval(f, in.Chan), e.eval(f, in.X), func(c *state) { c.topFrame(pi).pc++ })
	case *ssa.UnOp:
		return e.recvMoves(s, pi, e.eval(f, in.X), func(c *state, v value, ok bool) {
			g := c.topFrame(pi)
			if in.CommaOk {
				v = tupV{[]value{v, constV{constant.MakeBool(ok)}}}
			}
			g.set(in, v)
			g.pc++
		})
	case *ssa.Select:
		return e.selectMoves(s, pi, in)
	}
	return e.callMoves(s, pi)
}

// then applies done to a clone of s and runs process pi on.
func (e *Explorer) then(s *state, pi int, done func(*state)) []*state {
	c := s.clone()
	done(c)
	return e.runSegment(c, pi)
}

// isLibrary reports whether fn is in a package the engine models by name
// (sync, sync/atomic, context, time, errgroup), whether or not SSA has its
// body.
func isLibrary(fn *ssa.Function) bool {
	if fn.Pkg == nil {
		return false
	}
	switch fn.Pkg.Pkg.Path() {
	case "sync", "sync/atomic", "context", "time", "golang.org/x/sync/errgroup":
		return true
	}
	return false
}
