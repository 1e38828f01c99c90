package engine

import (
	"go/constant"
	"go/token"
	"go/types"
	"time"

	"golang.org/x/tools/go/ssa"
)

// topFrame returns process pi's innermost frame, for the caller to change
// (nil when the process has returned): a frame s shares with other states
// is copied first. A frame obtained before s is cloned must be obtained
// again to be changed.
func (s *state) topFrame(pi int) *frame {
	f := s.peek(pi)
	if f != nil && f.owner != s {
		f = f.copy()
		f.owner = s
		p := s.procs[pi]
		p.frames[len(p.frames)-1] = f
	}
	return f
}

// peek returns process pi's innermost frame, to read only.
func (s *state) peek(pi int) *frame {
	p := s.procs[pi]
	if len(p.frames) == 0 {
		return nil
	}
	return p.frames[len(p.frames)-1]
}

// push starts a call in process pi: f becomes its innermost frame.
func (s *state) push(pi int, f *frame) {
	f.owner = s
	p := s.procs[pi]
	p.frames = append(p.frames, f)
}

// cur returns the instruction process pi is at.
func (s *state) cur(pi int) ssa.Instruction {
	f := s.peek(pi)
	if f == nil {
		return nil
	}
	return f.fn.Blocks[f.block].Instrs[f.pc]
}

// maxObjects bounds the objects of a state: past it, the path is cut.
const maxObjects = 512

// runSegment runs process pi of st, already cloned, on from where it is:
// through everything but the operations that can block or observe another
// goroutine, which the search interleaves (the data-race-free reduction:
// goroutines that synchronize share nothing else). It returns the states
// in which each path stopped: at such an operation, or returned; paths
// that panic, exit or pass a limit are dropped.
func (e *Explorer) runSegment(st *state, pi int) []*state {
	st.procs[pi].ready = false
	var out []*state
	work := []*state{st}
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		if e.outOfWork() || time.Now().After(e.deadline) || len(s.objs) > maxObjects {
			e.cut = true
			continue
		}
		for steps := 0; ; steps++ {
			e.work++
			e.steps++
			if steps > e.limits.Segment || e.outOfWork() || steps%256 == 255 && time.Now().After(e.deadline) {
				e.cut = true
				break
			}
			if s.procs[pi].done || e.atOp(s, pi) {
				out = append(out, s)
				break
			}
			forks, alive := e.step(s, pi)
			if len(forks) > 0 && len(out)+len(work)+len(forks) > e.limits.Paths {
				e.cut = true // branches on what the model does not know, multiplying
				forks = nil
			}
			work = append(work, forks...)
			if !alive {
				break
			}
		}
	}
	return out
}

// skipped reports whether the search steps over in, an instruction of
// f's function never evaluated (see fnInfo.unevaluated).
func skipped(f *frame, in ssa.Instruction) bool {
	return len(f.info.unevaluated) > 0 && f.info.unevaluated[in]
}

// unevaluated returns the instructions of fn the search steps over:
// those Explorer.Unevaluated reports, but for control flow, always taken.
func (e *Explorer) unevaluated(fn *ssa.Function) map[ssa.Instruction]bool {
	if e.Unevaluated == nil {
		return nil
	}
	var un map[ssa.Instruction]bool
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in.(type) {
			case *ssa.If, *ssa.Jump, *ssa.Return, *ssa.Phi, *ssa.RunDefers, *ssa.Panic:
				continue
			}
			if e.Unevaluated(in) {
				if un == nil {
					un = make(map[ssa.Instruction]bool)
				}
				un[in] = true
			}
		}
	}
	return un
}

// eval returns the value of v in frame f.
func (e *Explorer) eval(f *frame, v ssa.Value) value {
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value == nil {
			return zero(v.Type())
		}
		return constV{v.Value}
	case *ssa.Function:
		return closV{fn: v}
	case *ssa.Global:
		return symV{"g:" + v.RelString(nil)}
	case *ssa.Builtin:
		return libV{kind: "builtin:" + v.Name(), obj: -1}
	}
	if i, ok := f.info.slot[v]; ok {
		if r := f.regs.get(i); r != nil {
			return r
		}
	}
	return top
}

func (f *frame) set(v ssa.Value, x value) {
	if i, ok := f.info.slot[v]; ok {
		f.regs.set(i, x)
	}
}

// fresh returns a new symbol for the value v computes in process pi: two
// executions of v (by two goroutines, or two iterations) give two symbols.
func fresh(s *state, pi int, f *frame, v ssa.Value) value {
	return symV{joinKey("\x01v", pi, ":", v, ":", f.visits[f.block], ":", len(s.procs[pi].frames), "\x02")}
}

// jump moves f to block to; false when the path passes the loop bound.
func (e *Explorer) jump(f *frame, to int) bool {
	f.pred, f.block, f.pc = f.block, to, 0
	f.visits[to]++
	if int(f.visits[to]) > e.limits.Visits {
		e.Stats.Unrolled++ // the bounded unrolling: not a budget
		return false
	}
	return true
}

// step executes the instruction process pi is at, which is not an
// operation (see atOp). It returns the states a branch forks off, each
// already past it, and whether st is still alive.
func (e *Explorer) step(s *state, pi int) (forks []*state, alive bool) {
	f := s.topFrame(pi)
	in := f.fn.Blocks[f.block].Instrs[f.pc]
	if skipped(f, in) {
		if v, ok := in.(ssa.Value); ok {
			f.set(v, top)
		}
		f.pc++
		return nil, true
	}
	switch in := in.(type) {
	case *ssa.If:
		return e.branch(s, pi, in)
	case *ssa.Jump:
		return nil, e.jump(f, f.fn.Blocks[f.block].Succs[0].Index)
	case *ssa.Return:
		res := make([]value, len(in.Results))
		for i, r := range in.Results {
			res[i] = e.eval(f, r)
		}
		e.ret(s, pi, in.Pos(), res)
		return nil, true
	case *ssa.Panic:
		return nil, false // the program crashes: not a state that leaks
	case *ssa.RunDefers:
		if len(f.defers) == 0 {
			f.pc++
			return nil, true
		}
		d := f.defers[len(f.defers)-1]
		return e.call(s, pi, d.call, d.fn, d.args)
	case *ssa.Defer:
		fn, args := e.callee(s, f, &in.Call)
		f.defers = append(f.defers, deferred{call: &in.Call, fn: fn, args: args})
		f.pc++
		return nil, true
	case *ssa.Go:
		fn, args := e.callee(s, f, &in.Call)
		f.pc++
		return nil, e.spawn(s, pi, in, fn, args)
	case *ssa.Call:
		fn, args := e.callee(s, f, &in.Call)
		return e.call(s, pi, &in.Call, fn, args)
	case *ssa.Store:
		e.store(s, e.eval(f, in.Addr), e.eval(f, in.Val))
	case *ssa.MapUpdate:
		e.mapUpdate(s, e.eval(f, in.Map), e.eval(f, in.Key), e.eval(f, in.Value))
	case ssa.Value:
		if !e.compute(s, pi, f, in) {
			return nil, false
		}
	}
	f.pc++
	return nil, true
}

// ret returns from process pi's innermost frame with the results res.
func (e *Explorer) ret(s *state, pi int, pos token.Pos, res []value) {
	p := s.procs[pi]
	p.frames = p.frames[:len(p.frames)-1]
	var r value = tupV{res}
	if len(res) == 1 {
		r = res[0]
	}
	if len(p.frames) == 0 {
		e.exit(s, pi, pos, r)
		return
	}
	e.finishCall(s, pi, r)
}

// exit ends process pi, which returned r at pos.
func (e *Explorer) exit(s *state, pi int, pos token.Pos, r value) {
	p := s.procs[pi]
	p.done, p.exit = true, pos
	if pi == 0 {
		s.escape(r) // the root's caller has what it returns
	}
	if p.onExit != "" {
		e.effects++ // see readySegments
		g := s.sync(p.onExit)
		g.count--
		if g.ctx >= 0 && r != nilVal {
			e.cancel(s, g.ctx) // an errgroup member's error cancels the group
		}
	}
	s.note(pi, pos, "returns")
}

// finishCall completes the call process pi's innermost frame is at, with
// result r: a Call instruction gets r and moves on; RunDefers drops the
// deferred call it ran.
func (e *Explorer) finishCall(s *state, pi int, r value) {
	f := s.topFrame(pi)
	switch in := f.fn.Blocks[f.block].Instrs[f.pc].(type) {
	case *ssa.RunDefers:
		f.defers = f.defers[:len(f.defers)-1]
	case *ssa.Call:
		f.set(in, r)
		f.pc++
	default:
		f.pc++
	}
}

// branch takes the If in's branch its condition decides, or both, each
// assuming what it takes.
func (e *Explorer) branch(s *state, pi int, in *ssa.If) ([]*state, bool) {
	f := s.topFrame(pi)
	c := e.eval(f, in.Cond)
	succs := f.fn.Blocks[f.block].Succs
	if k, ok := countedBound(in); ok && int(f.visits[f.block]) >= e.limits.Visits && k > int64(e.limits.Visits) {
		// A loop counted to a constant past the unrolling: it ends here,
		// as if the constant were this small. Two loops counted to the same
		// constant still agree; to different ones, they may not.
		if s.clamp != 0 && s.clamp != k || !e.quietLoop(f.fn, f.fn.Blocks[f.block]) {
			// Counts no longer agree (wg.Add(5) for a loop of 5 cut at 4):
			// only a loop in which nothing synchronizes may be cut.
			s.imprecise = true
		}
		s.clamp = k
		for _, succ := range succs {
			if !reaches(succ, f.fn.Blocks[f.block]) {
				return nil, e.jump(f, succ.Index)
			}
		}
	}
	if b, ok := decide(s, c); ok {
		if b {
			return nil, e.jump(f, succs[0].Index)
		}
		return nil, e.jump(f, succs[1].Index)
	}
	if j := e.skippable(f.fn, f.block); j >= 0 {
		return nil, e.stepOver(s, pi, f, j)
	}
	if volatile(c) {
		s.imprecise = true
	}
	other := s.clone()
	var forks []*state
	if assume(other, c, false) && e.jump(other.topFrame(pi), succs[1].Index) {
		forks = append(forks, other)
	}
	if !assume(s, c, true) {
		return forks, false
	}
	return forks, e.jump(s.topFrame(pi), succs[0].Index) // f is shared with other now
}

// stepOver moves f past a quiet branch region to its meeting block j,
// whose phis get volatile symbols (see skippable).
func (e *Explorer) stepOver(s *state, pi int, f *frame, j int) bool {
	from := f.block
	if !e.jump(f, j) {
		return false
	}
	f.pred = -1
	for _, instr := range f.fn.Blocks[j].Instrs {
		phi, ok := instr.(*ssa.Phi)
		if !ok {
			break
		}
		f.set(phi, symV{joinKey("~phi", pi, ":", phi, ":", from, ":", f.visits[j])})
		f.pc++
	}
	return true
}

// countedBound returns the constant an If compares with, where the other
// operand is an integer: the bound of a counted loop.
func countedBound(in *ssa.If) (int64, bool) {
	b, ok := in.Cond.(*ssa.BinOp)
	if !ok {
		return 0, false
	}
	for _, v := range []ssa.Value{b.X, b.Y} {
		if c, ok := v.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() == constant.Int {
			return intOf(c.Value)
		}
	}
	return 0, false
}

// reaches reports whether block to is reachable from block from.
func reaches(from, to *ssa.BasicBlock) bool {
	seen := map[*ssa.BasicBlock]bool{from: true}
	work := []*ssa.BasicBlock{from}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if b == to {
			return true
		}
		for _, s := range b.Succs {
			if !seen[s] {
				seen[s] = true
				work = append(work, s)
			}
		}
	}
	return false
}

// store writes x at the address addr.
func (e *Explorer) store(s *state, addr, x value) {
	r, ok := addr.(refV)
	if !ok || s.objs[r.obj].kind != cellObj {
		s.escape(x) // memory the model does not see
		return
	}
	o := s.mobj(r.obj)
	steps := pathSteps(r.path)
	if _, ok := lookupPath(o.v, steps); r.path != "" && steps == nil || !ok {
		s.escape(x) // into a part of it the model does not follow (the fields of a struct an unseen call made)
		return
	}
	o.v = setPath(o.v, steps, x)
	if o.escaped {
		s.escape(x)
	}
}

// load reads the value at addr.
func (e *Explorer) load(s *state, pi int, f *frame, in *ssa.UnOp, addr value) value {
	switch a := addr.(type) {
	case refV:
		o := s.objs[a.obj]
		if o.kind != cellObj {
			return top
		}
		v := getPath(o.v, pathSteps(a.path))
		if o.escaped && !hasRefs(v) {
			return symV{"~ld:" + keyOf(a)} // others may have written it
		}
		return v
	case symV:
		v := symV{"*" + a.key}
		if g, ok := in.X.(*ssa.Global); ok && types.Identical(g.Type().(*types.Pointer).Elem(), errorType) {
			assume(s, compare(token.EQL, v, nilVal), false) // a sentinel error: errors.New in its declaration
		}
		return v
	}
	return fresh(s, pi, f, in)
}

var errorType = types.Universe.Lookup("error").Type()

// compute evaluates a value-producing instruction that is not a call; false
// when the path cannot go on (a failed type assertion panics).
func (e *Explorer) compute(s *state, pi int, f *frame, in ssa.Value) bool {
	var r value
	switch in := in.(type) {
	case *ssa.Alloc:
		id := s.newObj(&object{kind: cellObj, site: in, v: zero(in.Type().Underlying().(*types.Pointer).Elem()), done: -1, timerProc: -1})
		r = refV{obj: id}
	case *ssa.MakeChan:
		c := -1
		if k, ok := e.eval(f, in.Size).(constV); ok {
			if n, exact := constant.Int64Val(constant.ToInt(k.c)); exact {
				c = int(n)
			}
		}
		r = refV{obj: s.newObj(&object{kind: chanObj, site: in, cap: c, done: -1, timerProc: -1})}
	case *ssa.Phi:
		r = top
		for i, p := range f.fn.Blocks[f.block].Preds {
			if p.Index == f.pred {
				r = e.eval(f, in.Edges[i])
			}
		}
	case *ssa.UnOp:
		x := e.eval(f, in.X)
		switch in.Op {
		case token.MUL:
			r = e.load(s, pi, f, in, x)
		case token.NOT:
			r = not(x)
		default:
			r = unop(in.Op, x)
		}
	case *ssa.BinOp:
		r = binop(in.Op, e.eval(f, in.X), e.eval(f, in.Y))
	case *ssa.MakeClosure:
		binds := make([]value, len(in.Bindings))
		for i, b := range in.Bindings {
			binds[i] = e.eval(f, b)
		}
		r = closV{fn: in.Fn.(*ssa.Function), binds: binds}
	case *ssa.MakeInterface:
		r = ifaceV{typ: in.X.Type(), v: e.eval(f, in.X)}
	case *ssa.ChangeInterface:
		r = e.eval(f, in.X)
	case *ssa.ChangeType:
		r = e.eval(f, in.X)
	case *ssa.Convert:
		r = e.eval(f, in.X)
		if _, ok := r.(constV); ok && !(isInteger(in.X.Type()) && isInteger(in.Type())) {
			r = fresh(s, pi, f, in) // a conversion may change the constant
		}
	case *ssa.Extract:
		if t, ok := e.eval(f, in.Tuple).(tupV); ok && in.Index < len(t.elems) {
			r = t.elems[in.Index]
		} else {
			r = fresh(s, pi, f, in)
		}
	case *ssa.FieldAddr:
		r = fieldAddr(e.eval(f, in.X), in.Field)
	case *ssa.Field:
		x := e.eval(f, in.X)
		if a, ok := x.(aggV); ok && in.Field < len(a.elems) {
			r = a.elems[in.Field]
		} else if sv, ok := x.(symV); ok {
			r = symV{joinKey(sv.key, ".", in.Field)}
		} else {
			r = top
		}
	case *ssa.IndexAddr:
		r = indexAddr(e.eval(f, in.X), e.eval(f, in.Index))
	case *ssa.TypeAssert:
		return e.typeAssert(s, pi, f, in)
	case *ssa.Slice:
		r = e.slice(s, pi, f, in)
	case *ssa.MakeSlice:
		r = fresh(s, pi, f, in)
		if n, ok := e.eval(f, in.Len).(constV); ok {
			if k, exact := intOf(constant.ToInt(n.c)); exact && k >= 0 && k <= maxSlice {
				elems := make([]value, k)
				for i := range elems {
					elems[i] = zero(in.Type().Underlying().(*types.Slice).Elem())
				}
				r = refV{obj: s.newObj(&object{kind: cellObj, site: in, v: aggV{elems}, done: -1, timerProc: -1})}
			} else if exact && k > maxSlice {
				// Too long to keep element by element, but its length is
				// known (see sliceOfLength).
				s.bounds.set("len:"+r.(symV).key, [2]int64{k, k})
			}
		}
	case *ssa.Index:
		r = fresh(s, pi, f, in)
		if a, ok := e.eval(f, in.X).(aggV); ok {
			if k, ok := e.eval(f, in.Index).(constV); ok {
				if n, exact := intOf(constant.ToInt(k.c)); exact && n >= 0 && int(n) < len(a.elems) {
					r = a.elems[n]
				}
			}
		}
	case *ssa.MakeMap:
		r = refV{obj: s.newObj(&object{kind: mapObj, site: in, done: -1, timerProc: -1, entries: make(map[string]value)})}
	case *ssa.Lookup:
		r = e.lookup(s, pi, f, in)
	case *ssa.Range:
		if m := e.eval(f, in.X); mapObjOf(s, m) != nil {
			r = tupV{[]value{m, falseV, nilVal}} // see mapNext
		} else {
			r = fresh(s, pi, f, in)
		}
	case *ssa.Next:
		r = e.mapNext(s, pi, f, in)
	default:
		r = fresh(s, pi, f, in)
	}
	f.set(in, r)
	return true
}

func fieldAddr(x value, field int) value {
	switch x := x.(type) {
	case refV:
		return refV{obj: x.obj, path: joinKey(x.path, ".", field)}
	case symV:
		return symV{joinKey(x.key, ".", field)}
	}
	return top
}

func indexAddr(x, i value) value {
	if r, ok := x.(refV); ok {
		if k, ok := i.(constV); ok {
			if n, exact := constant.Int64Val(constant.ToInt(k.c)); exact {
				return refV{obj: r.obj, path: joinKey(r.path, "[", n, "]")}
			}
		}
	}
	if sv, ok := x.(symV); ok {
		return symV{sv.key + "[" + keyOf(i) + "]"}
	}
	return top // a slice's elements: not modelled, stores escape
}

// typeAssert evaluates in; a failed assertion without comma-ok panics.
func (e *Explorer) typeAssert(s *state, pi int, f *frame, in *ssa.TypeAssert) bool {
	x := e.eval(f, in.X)
	iv, ok := x.(ifaceV)
	var r value
	switch {
	case !ok:
		r = fresh(s, pi, f, in)
		if in.CommaOk {
			r = tupV{[]value{fresh(s, pi, f, in), symV{keyOf(r) + ".ok"}}}
		}
	default:
		var match bool
		if types.IsInterface(in.AssertedType) {
			match = types.AssertableTo(in.AssertedType.Underlying().(*types.Interface), iv.typ) && types.Implements(iv.typ, in.AssertedType.Underlying().(*types.Interface))
			if match {
				r = iv
			}
		} else if match = types.Identical(iv.typ, in.AssertedType); match {
			r = iv.v
		}
		if in.CommaOk {
			if !match {
				r = zero(in.AssertedType)
			}
			r = tupV{[]value{r, constV{constant.MakeBool(match)}}}
		} else if !match {
			return false
		}
	}
	f.set(in, r)
	return true
}

func isInteger(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}
