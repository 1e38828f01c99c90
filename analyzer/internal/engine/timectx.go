package engine

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// newCtx returns a new context whose done channel code outside the model
// may close when ext (its parent is not the model's).
func (e *Explorer) newCtx(s *state, ext bool) int {
	done := s.newObj(&object{kind: chanObj, cap: 0, escaped: ext, done: -1, timerProc: -1, isDone: true})
	return s.newObj(&object{kind: ctxObj, done: done, timerProc: -1})
}

// child returns a new cancelable context under parent: done when parent is.
func (e *Explorer) child(s *state, parent value) int {
	p, ok := parent.(refV)
	if !ok || s.objs[p.obj].kind != ctxObj {
		return e.newCtx(s, true)
	}
	id := e.newCtx(s, false)
	po := s.mobj(p.obj)
	if po.done >= 0 && s.objs[po.done].escaped {
		s.mobj(s.objs[id].done).escaped = true
	}
	po.children = append(po.children, id)
	if po.done >= 0 && s.objs[po.done].closed {
		e.cancel(s, id)
	}
	return id
}

// withCancel models context.WithCancel and its kin: a child context and its
// cancel function; with a timeout or deadline, a timer cancels it.
func (e *Explorer) withCancel(s *state, pi int, name string, parent value) value {
	id := e.child(s, parent)
	if strings.Contains(name, "Timeout") || strings.Contains(name, "Deadline") {
		s.procs = append(s.procs, &process{timer: &timer{ch: -1, ctx: id}, fn: s.peek(pi).fn})
	}
	return tupV{[]value{refV{obj: id}, libV{kind: "cancel", obj: id}}}
}

// withValue models context.WithValue: a context done with its parent.
func (e *Explorer) withValue(s *state, parent value) value {
	p, ok := parent.(refV)
	if !ok || s.objs[p.obj].kind != ctxObj {
		return symV{"ctx:" + keyOf(parent)}
	}
	return refV{obj: s.newObj(&object{kind: ctxObj, done: s.objs[p.obj].done, timerProc: -1})}
}

// cancel closes the done channel of context id and of its children.
func (e *Explorer) cancel(s *state, id int) {
	o := s.objs[id]
	if o.done >= 0 {
		s.mobj(o.done).closed = true
	}
	for _, c := range o.children {
		if d := s.objs[c].done; d >= 0 && !s.objs[d].closed {
			e.cancel(s, c)
		}
	}
}

// ctxMethod performs a method call on a context the model made, and a
// call of a cancel function (kind "cancel", receiver first).
func (e *Explorer) ctxMethod(s *state, pi int, name string, c *ssa.CallCommon, id int) (bool, bool) {
	o := s.objs[id]
	var r value = top
	switch name {
	case "ctx.Done":
		r = nilVal
		if o.done >= 0 {
			r = refV{obj: o.done}
		}
	case "ctx.Err", "ctx.Value", "ctx.Deadline":
		r = symV{"ctx" + name[3:] + ":" + keyOf(refV{obj: id})}
		if name == "ctx.Err" && o.done >= 0 {
			switch d := s.objs[o.done]; {
			case d.closed:
				assume(s, compare(token.EQL, r, nilVal), false) // Canceled or DeadlineExceeded
			case !d.escaped:
				r = nilVal
			}
		}
		if name == "ctx.Deadline" {
			r = tupV{[]value{top, top}}
		}
	case "cancel":
		e.cancel(s, id)
	default:
		return false, true
	}
	e.finishCall(s, pi, r)
	return true, true
}

// groupWithContext models errgroup.WithContext: a group whose members'
// errors and whose Wait cancel the context it returns.
func (e *Explorer) groupWithContext(s *state, pi int, parent value) value {
	id := e.child(s, parent)
	cell := s.newObj(&object{kind: cellObj, v: aggV{}, done: -1, timerProc: -1})
	key, _ := addrKey(s, refV{obj: cell})
	s.sync(key).ctx = id
	return tupV{[]value{refV{obj: cell}, refV{obj: id}}}
}

// newTimer starts a timer process that sends on a new channel of one
// buffer, once or (periodic) repeatedly, or runs fn; it returns the
// channel (-1 for fn) and the process.
func (e *Explorer) newTimer(s *state, pi int, periodic bool, fn value) (int, int) {
	ch := -1
	if fn == nil {
		ch = s.newObj(&object{kind: chanObj, cap: 1, done: -1, timerProc: -1})
	}
	s.procs = append(s.procs, &process{timer: &timer{ch: ch, ctx: -1, fn: fn, periodic: periodic}, fn: s.peek(pi).fn})
	return ch, len(s.procs) - 1
}

// timerCell models time.NewTimer, NewTicker and AfterFunc: a Timer (or
// Ticker) whose C is the timer's channel.
func (e *Explorer) timerCell(s *state, pi int, name string, c *ssa.CallCommon, args []value) value {
	var fn value
	if name == "time.AfterFunc" {
		fn = args[1]
	}
	ch, proc := e.newTimer(s, pi, name == "time.NewTicker", fn)
	t := c.Signature().Results().At(0).Type()
	cell := &object{kind: cellObj, v: zero(t.Underlying().(*types.Pointer).Elem()), done: -1, timerProc: proc}
	if i := fieldIndex(t, "C"); i >= 0 && ch >= 0 {
		cell.v = setPath(cell.v, []int{i}, refV{obj: ch})
	}
	return refV{obj: s.newObj(cell)}
}

// timerOf returns the timer process of the Timer or Ticker at t, -1 if
// the model did not make it.
func timerOf(s *state, t value) int {
	if r, ok := t.(refV); ok && r.path == "" && s.objs[r.obj].kind == cellObj {
		return s.objs[r.obj].timerProc
	}
	return -1
}

// stopTimer stops a timer: it reports whether the timer was still to fire.
func (e *Explorer) stopTimer(s *state, t value) value {
	p := timerOf(s, t)
	if p < 0 {
		return top
	}
	if s.procs[p].done {
		return falseV
	}
	s.procs[p].done = true
	return trueV
}

// resetTimer re-arms a timer.
func (e *Explorer) resetTimer(s *state, t value) value {
	p := timerOf(s, t)
	if p < 0 {
		return top
	}
	was := s.procs[p].done
	s.procs[p].done = false
	if was {
		return falseV
	}
	return trueV
}
