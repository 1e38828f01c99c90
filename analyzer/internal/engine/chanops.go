package engine

import (
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// sendMoves returns the moves of process pi sending x on ch, done then
// completing its instruction: into the buffer, to a receiver waiting on an
// unbuffered or full channel, or to code outside the model.
func (e *Explorer) sendMoves(s *state, pi int, ch, x value, done func(*state)) ([]*state, bool) {
	o, isNil, ext := chanState(s, ch)
	switch {
	case isNil:
		return nil, false
	case ext:
		return e.then(s, pi, func(c *state) { c.escape(x); c.env = true; done(c) }), true
	case o.closed:
		return nil, true // send on a closed channel panics
	case o.cap < 0 || len(o.buf) < o.cap:
		id := ch.(refV).obj
		return e.then(s, pi, func(c *state) { o := c.mobj(id); o.buf = append(o.buf, x); done(c) }), true
	}
	id := ch.(refV).obj
	var moves []*state
	partners := 0 // a move may lead nowhere (a path past the loop bound): it still moves
	for qi := range s.procs {
		if qi == pi {
			continue
		}
		for _, recv := range e.receivers(s, qi, id) {
			partners++
			moves = append(moves, e.then(s, pi, func(c *state) {
				recv(c, x, true)
				c.procs[qi].ready = true
				done(c)
			})...)
		}
	}
	return moves, partners > 0
}

// receivers returns how process qi, blocked at its operation, receives
// from the channel object id: one completion per case that does.
func (e *Explorer) receivers(s *state, qi int, id int) []func(*state, value, bool) {
	if !s.procs[qi].atOperation() {
		return nil
	}
	f := s.peek(qi)
	var out []func(*state, value, bool)
	switch in := s.cur(qi).(type) {
	case *ssa.UnOp:
		if in.Op != token.ARROW || !isRef(e.eval(f, in.X), id) {
			break
		}
		out = append(out, func(c *state, v value, ok bool) {
			g := c.topFrame(qi)
			if in.CommaOk {
				v = tupV{[]value{v, constV{constant.MakeBool(ok)}}}
			}
			g.set(in, v)
			g.pc++
		})
	case *ssa.Select:
		r := 0
		for i, st := range in.States {
			if st.Dir == types.RecvOnly {
				if isRef(e.eval(f, st.Chan), id) {
					i, r := i, r
					out = append(out, func(c *state, v value, ok bool) { selectDone(c, qi, in, i, r, v, ok) })
				}
				r++
			}
		}
	}
	return out
}

func isRef(v value, id int) bool {
	r, ok := v.(refV)
	return ok && r.obj == id && r.path == ""
}

// selectDone completes process qi's select in with case i, the r-th
// receive case, receiving v.
func selectDone(c *state, qi int, in *ssa.Select, i, r int, v value, ok bool) {
	t := in.Type().(*types.Tuple)
	elems := make([]value, t.Len())
	elems[0] = constV{constant.MakeInt64(int64(i))}
	elems[1] = constV{constant.MakeBool(ok && r >= 0)}
	for k := 2; k < t.Len(); k++ {
		elems[k] = zero(t.At(k).Type())
	}
	if r >= 0 {
		elems[2+r] = v
	}
	g := c.topFrame(qi)
	g.set(in, tupV{elems})
	g.pc++
}

// recvMoves returns the moves of process pi receiving from ch, done then
// completing its instruction with the value and whether it was sent: from
// the buffer, from a closed channel, or from code outside the model. A
// receive from a sender waiting on an unbuffered channel is the sender's
// move (see sendMoves).
func (e *Explorer) recvMoves(s *state, pi int, ch value, done func(*state, value, bool)) ([]*state, bool) {
	o, isNil, ext := chanState(s, ch)
	f := s.peek(pi)
	switch {
	case isNil:
		return nil, false
	case ext:
		v := fresh(s, pi, f, s.cur(pi).(ssa.Value))
		if o != nil && o.isDone {
			id := ch.(refV).obj // a done channel is ready once closed, for good
			return e.then(s, pi, func(c *state) {
				c.env = true
				c.mobj(id).closed = true
				done(c, zero(types.NewStruct(nil, nil)), false)
			}), true
		}
		return e.then(s, pi, func(c *state) { c.env = true; done(c, v, true) }), true
	case len(o.buf) > 0:
		id := ch.(refV).obj
		return e.then(s, pi, func(c *state) {
			co := c.mobj(id)
			v := co.buf[0]
			co.buf = co.buf[1:]
			done(c, v, true)
		}), true
	case o.closed:
		return e.then(s, pi, func(c *state) { done(c, top, false) }), true
	}
	return nil, false
}

// selectMoves returns the moves of process pi at the select in: one per
// case that can proceed, and the default when no case of the model's
// objects can.
func (e *Explorer) selectMoves(s *state, pi int, in *ssa.Select) ([]*state, bool) {
	f := s.peek(pi)
	var moves []*state
	moved, localReady := false, false
	r := 0
	for i, st := range in.States {
		i := i
		ch := e.eval(f, st.Chan)
		var m []*state
		var ok bool
		if st.Dir == types.SendOnly {
			m, ok = e.sendMoves(s, pi, ch, e.eval(f, st.Send), func(c *state) { selectDone(c, pi, in, i, -1, nil, false) })
		} else {
			rr := r
			m, ok = e.recvMoves(s, pi, ch, func(c *state, v value, got bool) { selectDone(c, pi, in, i, rr, v, got) })
			r++
		}
		if _, _, ext := chanState(s, ch); ok && !ext {
			localReady = true
		}
		moved = moved || ok
		moves = append(moves, m...)
	}
	if !in.Blocking && !localReady {
		moves = append(moves, e.then(s, pi, func(c *state) { selectDone(c, pi, in, -1, -1, nil, false) })...)
		moved = true
	}
	return moves, moved
}
