package obligation

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// A Flow records where a function value that must be called (a cancel)
// goes inside the function that holds it: the instructions that call it or
// hand it on to another owner, and the evidence where it is handed to code
// that provably never calls it.
//
// The rules put precision first: whatever the model cannot follow (an
// unknown callee, an escaping address, a conversion to an interface) counts
// as handing the value on, so no finding is made.
type Flow struct {
	m    *Model
	seen map[ssa.Value]bool
	// Released maps the instructions of the value's function where it is
	// called, or handed on (returned, sent, stored, passed), to which.
	Released map[ssa.Instruction]ReleaseKind
	// Anytime are releases that do not depend on the path taken after
	// them: defer statements (they run at every exit) and closures that
	// capture the variable holding the value and are called or handed on
	// (they call whatever the variable holds when they run).
	Anytime []ssa.Instruction
	// Drops is the evidence of hand-overs that never call the value, or
	// that call it only on some paths (an owning field whose release
	// method skips it).
	Drops []Drop
	// phiEdges holds the phis the value flows into, with the indices of
	// the incoming edges along which it is theirs; via maps the releases
	// found through a phi to it, and curPhi is the phi being followed. On
	// a path that enters a phi's block along another edge, the variable
	// was reassigned: releases through the phi do not release this value.
	phiEdges map[*ssa.Phi][]int
	via      map[ssa.Instruction]*ssa.Phi
	curPhi   *ssa.Phi
	// Reassigned says that the leaking path Leak found is one on which
	// the variable was reassigned (a phi took another value).
	Reassigned bool
	// onErr maps the defers of closures that call the value only when a
	// named error result is set (`defer func() { if err != nil { cancel()
	// } }()`) to that result's variable: a path that returns a nil error
	// through them is not released.
	onErr map[ssa.Instruction]*ssa.Alloc
	// ErrVal, if set, is the error result of the call that returned the
	// value, which is nil whenever ErrVal is not (see NilOnErr): a path on
	// which ErrVal != nil owes nothing.
	ErrVal ssa.Value
	// timers maps the instructions of revocable hand-offs (the value
	// handed to time.AfterFunc, the timer's Stop and Reset) to what they
	// do; StoppedAt is the Stop on the leaking path Leak found, if it
	// took such a hand-off back.
	timers    map[ssa.Instruction]timerOp
	StoppedAt ssa.Instruction
	// skips are the stores into fields that only a method other than
	// their type's release methods calls (see OnlySkipped).
	skips []Drop
}

// ReleaseKind says how an instruction releases a value.
type ReleaseKind int

const (
	// Called: the value is called (or deferred).
	Called ReleaseKind = iota + 1
	// HandedOn: the value moves to another owner.
	HandedOn
)

// A Drop is a hand-over to something that never calls the value, or
// calls it only on some paths.
type Drop struct {
	At     ssa.Instruction
	Callee *ssa.Function // passed to Callee, whose summary says it drops it
	Field  *types.Var    // stored in Field, which nothing in the package calls
	Label  string        // the field as the package writes it: "server.cancel"
	// Partial, for a field, says which release method calls it only on
	// some paths.
	Partial *Partial
	// Skipped, for a field, says that its type's release methods never
	// call it.
	Skipped *Skipped
}

// isClosure reports whether v is a closure (one that carries the value: a
// hook kept in a field, called in the course of the work, not a cancel).
func isClosure(v ssa.Value) bool {
	_, ok := v.(*ssa.MakeClosure)
	return ok
}

// OnlySkipped returns the store into a field that its type's release
// methods never call, when such stores are the only releases of the
// value (each is recorded in Released too), or nil.
func (fl *Flow) OnlySkipped() *Drop {
	if len(fl.skips) == 0 || len(fl.Released) != len(fl.skips) {
		return nil
	}
	return &fl.skips[0]
}

// Follow follows v, a function value (or a variable holding one, for
// free variables of closures), within its function. A nil v has an empty
// flow.
func (m *Model) Follow(v ssa.Value) *Flow {
	fl := &Flow{m: m, seen: make(map[ssa.Value]bool), Released: make(map[ssa.Instruction]ReleaseKind)}
	if v == nil {
		return fl
	}
	if isPointer(v) {
		fl.pointer(v)
	} else {
		fl.value(v)
	}
	return fl
}

// ReleasedBefore reports whether a path-independent release comes before
// def on every path to it: a defer, or a releasing closure that captured
// the variable def assigns (as in `var cancel func(); f := func() {
// cancel() }; ...; _, cancel = context.WithCancel(ctx)`).
func (fl *Flow) ReleasedBefore(def ssa.Instruction) bool {
	for _, in := range fl.Anytime {
		ib, b := in.Block(), def.Block()
		if ib != b && ib.Dominates(b) {
			return true
		}
		if ib == b {
			for _, x := range b.Instrs {
				if x == in {
					return true
				}
				if x == def {
					break
				}
			}
		}
	}
	return false
}

// Releases reports whether the value is called or handed on somewhere.
func (fl *Flow) Releases() bool { return len(fl.Released) > 0 }

// phi follows v into phi, which holds v only when control arrives along
// the edges whose incoming value is v; releases found through it are
// recorded as depending on it (see flow.via).
func (fl *Flow) phi(phi *ssa.Phi, v ssa.Value) {
	if fl.phiEdges == nil {
		fl.phiEdges = make(map[*ssa.Phi][]int)
		fl.via = make(map[ssa.Instruction]*ssa.Phi)
	}
	for i, e := range phi.Edges {
		if e == v {
			fl.phiEdges[phi] = append(fl.phiEdges[phi], i)
		}
	}
	outer := fl.curPhi
	if outer == nil {
		fl.curPhi = phi
	}
	fl.value(phi)
	fl.curPhi = outer
}

// loses reports whether arriving in block succ from pred replaces the
// value in a phi it flows into: the phi takes another value on that edge.
func (fl *Flow) loses(pred, succ *ssa.BasicBlock) bool {
	for _, in := range succ.Instrs {
		phi, ok := in.(*ssa.Phi)
		if !ok {
			break
		}
		edges, followed := fl.phiEdges[phi]
		if !followed {
			continue
		}
		for i, p := range succ.Preds {
			if p == pred && !slices.Contains(edges, i) {
				return true
			}
		}
	}
	return false
}

// ReassignedAt returns where another value is assigned to a variable
// that held this one: the call that made a value a phi takes instead.
func (fl *Flow) ReassignedAt() token.Pos {
	for phi, edges := range fl.phiEdges {
		for i, e := range phi.Edges {
			if slices.Contains(edges, i) {
				continue
			}
			if ex, ok := e.(*ssa.Extract); ok {
				e = ex.Tuple
			}
			if e.Pos().IsValid() {
				return e.Pos()
			}
		}
	}
	return token.NoPos
}

func (fl *Flow) release(in ssa.Instruction, how ReleaseKind) {
	if fl.curPhi != nil {
		fl.via[in] = fl.curPhi
	}
	if _, ok := in.(*ssa.Defer); ok {
		fl.Anytime = append(fl.Anytime, in)
	}
	fl.Released[in] = how
}

func (fl *Flow) value(v ssa.Value) {
	if fl.seen[v] {
		return
	}
	fl.seen[v] = true
	refs := v.Referrers()
	if refs == nil {
		return
	}
	for _, in := range *refs {
		switch in := in.(type) {
		case *ssa.DebugRef, *ssa.BinOp:
			// A comparison with nil is not a call.
		case *ssa.Phi:
			fl.phi(in, v)
		case *ssa.ChangeType:
			fl.value(in)
		case ssa.CallInstruction:
			fl.call(in, v)
		case *ssa.Store:
			if in.Val == v {
				fl.store(in)
			}
		case *ssa.MakeClosure:
			fl.closure(in, v)
		default:
			// Returned, sent, put in a map or an interface...
			fl.release(in, HandedOn)
		}
	}
}

// pointer follows a variable's address: values loaded from it hold the
// value; any other use of the address lets it escape.
func (fl *Flow) pointer(p ssa.Value) {
	if fl.seen[p] {
		return
	}
	fl.seen[p] = true
	for _, in := range *p.Referrers() {
		switch in := in.(type) {
		case *ssa.DebugRef:
		case *ssa.Store:
			if in.Addr != p {
				fl.release(in, HandedOn) // the address itself is stored
			}
		case *ssa.UnOp:
			if in.Op == token.MUL {
				fl.value(in)
			} else {
				fl.release(in, HandedOn)
			}
		case *ssa.MakeClosure:
			fl.closure(in, p)
		default:
			fl.release(in, HandedOn)
		}
	}
}

func (fl *Flow) call(in ssa.CallInstruction, v ssa.Value) {
	c := in.Common()
	if c.Value == v && !c.IsInvoke() {
		fl.release(in, Called)
		return
	}
	callee := c.StaticCallee()
	if callee == nil {
		fl.release(in, HandedOn) // unknown callee, builtin (append) or interface method
		return
	}
	for i, a := range c.Args {
		if a != v {
			continue
		}
		call, isCall := in.(*ssa.Call)
		switch {
		case fl.m.oracle.Drops(callee, i):
			fl.Drops = append(fl.Drops, Drop{At: in, Callee: callee})
		case isCall && fl.m.oracle.Revocable(callee, i) && fl.revocable(call):
		default:
			fl.release(in, HandedOn)
		}
	}
}

func (fl *Flow) store(st *ssa.Store) {
	switch addr := st.Addr.(type) {
	case *ssa.Alloc:
		fl.pointer(addr) // a local variable, possibly captured
	case *ssa.FieldAddr:
		f := FieldOf(addr)
		switch own := fl.m.Field(f); {
		case own.Partial != nil:
			fl.Drops = append(fl.Drops, Drop{At: st, Field: f, Label: FieldLabel(addr, f), Partial: own.Partial})
		case own.Skipped != nil && !isClosure(st.Val):
			// Released for summaries (a callback kept in a field is
			// called), but evidence for a cancel: see OnlySkipped.
			fl.release(st, HandedOn)
			fl.skips = append(fl.skips, Drop{At: st, Field: f, Label: FieldLabel(addr, f), Skipped: own.Skipped})
		case own.Released:
			fl.release(st, HandedOn)
		default:
			fl.Drops = append(fl.Drops, Drop{At: st, Field: f, Label: FieldLabel(addr, f)})
		}
	default:
		fl.release(st, HandedOn) // a global, a slice element, an outer variable
	}
}

// closure follows v into the closure that captures it: if the closure
// calls or hands on v, the closure carries v and is followed in its turn.
func (fl *Flow) closure(mc *ssa.MakeClosure, v ssa.Value) {
	fn := mc.Fn.(*ssa.Function)
	for i, b := range mc.Bindings {
		if b != v {
			continue
		}
		inner := fl.m.Follow(fn.FreeVars[i])
		if !inner.Releases() {
			fl.Drops = append(fl.Drops, inner.Drops...)
			continue
		}
		n := len(fl.Released)
		fl.value(mc)
		if isPointer(v) && len(fl.Released) > n {
			fl.Anytime = append(fl.Anytime, mc)
		}
		if errVar := inner.onlyOnError(fn, mc); errVar != nil {
			for _, ref := range *mc.Referrers() {
				if d, ok := ref.(*ssa.Defer); ok && d.Call.Value == mc {
					if fl.onErr == nil {
						fl.onErr = make(map[ssa.Instruction]*ssa.Alloc)
					}
					fl.onErr[d] = errVar
				}
			}
		}
	}
}

// onlyOnError returns the variable of the enclosing function's named
// error result when fn, a closure made by mc that releases the value
// (inner is the value's flow in it), skips the release on a path where
// that error is nil: `func() { if err != nil { cancel() } }`.
func (inner *Flow) onlyOnError(fn *ssa.Function, mc *ssa.MakeClosure) *ssa.Alloc {
	for i, fv := range fn.FreeVars {
		alloc, ok := mc.Bindings[i].(*ssa.Alloc)
		ptr, isPtr := fv.Type().Underlying().(*types.Pointer)
		if !ok || !isPtr || !IsErrorType(ptr.Elem()) {
			continue
		}
		if inner.skipsWhenNil(fn, fv) {
			return alloc
		}
	}
	return nil
}

// skipsWhenNil reports whether a path from fn's entry reaches a return
// without releasing the value, taking at each test of the variable fv
// against nil the branch where it is nil.
func (inner *Flow) skipsWhenNil(fn *ssa.Function, fv *ssa.FreeVar) bool {
	seen := make(map[*ssa.BasicBlock]bool)
	var walk func(b *ssa.BasicBlock) bool
	walk = func(b *ssa.BasicBlock) bool {
		succs := b.Succs
		for _, in := range b.Instrs {
			if _, ok := inner.Released[in]; ok {
				return false
			}
			switch in := in.(type) {
			case *ssa.Return:
				return true
			case *ssa.If:
				if succ := nilBranch(in, fv); succ != nil {
					succs = []*ssa.BasicBlock{succ}
				}
			}
		}
		for _, succ := range succs {
			if !seen[succ] {
				seen[succ] = true
				if walk(succ) {
					return true
				}
			}
		}
		return false
	}
	return walk(fn.Blocks[0])
}

// nilBranch returns the successor of `if *fv != nil` (or ==) on which the
// variable fv holds nil, or nil for other conditions.
func nilBranch(in *ssa.If, fv ssa.Value) *ssa.BasicBlock {
	cond, ok := in.Cond.(*ssa.BinOp)
	if !ok || (cond.Op != token.EQL && cond.Op != token.NEQ) {
		return nil
	}
	loadOf := func(v ssa.Value) bool {
		load, ok := v.(*ssa.UnOp)
		return ok && load.Op == token.MUL && load.X == fv
	}
	if !(loadOf(cond.X) && IsNil(cond.Y) || loadOf(cond.Y) && IsNil(cond.X)) {
		return nil
	}
	if cond.Op == token.NEQ {
		return in.Block().Succs[1]
	}
	return in.Block().Succs[0]
}

// DeferredCall returns the position of a `defer cancel()` that calls
// the cancel itself, if any: it runs when the function returns, whatever
// the return. A deferred closure may call it only on some paths (grpc's
// `defer func() { if err != nil { cancel() } }()`): it does not count.
func (fl *Flow) DeferredCall() token.Pos {
	for _, in := range fl.Anytime {
		d, ok := in.(*ssa.Defer)
		if !ok || fl.via[in] != nil {
			continue
		}
		switch d.Call.Value.(type) {
		case *ssa.MakeClosure, *ssa.Function:
			// defer func() { if err != nil { cancel() } }(): it may
			// cancel only on failure, when nothing is returned.
		default:
			return d.Pos() // defer cancel()
		}
	}
	return token.NoPos
}

// ThroughPhi reports whether the release at in holds the value only on
// some paths: it releases a phi the value flows into (a variable that may
// hold another value by then).
func (fl *Flow) ThroughPhi(in ssa.Instruction) bool { return fl.via[in] != nil }
