package analyzer

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// A flow records where a function value that must be called (a cancel)
// goes inside the function that holds it: the instructions that call it or
// hand it on to another owner, and the evidence where it is handed to code
// that provably never calls it.
//
// The rules put precision first: whatever the analysis cannot follow (an
// unknown callee, an escaping address, a conversion to an interface) counts
// as handing the value on, so no finding is made.
type flow struct {
	s    *state
	seen map[ssa.Value]bool
	// released maps the instructions of the value's function where it is
	// called, or handed on (returned, sent, stored, passed), to which.
	released map[ssa.Instruction]releaseKind
	// anytime are releases that do not depend on the path taken after
	// them: defer statements (they run at every exit) and closures that
	// capture the variable holding the value and are called or handed on
	// (they call whatever the variable holds when they run).
	anytime []ssa.Instruction
	// drops is the evidence of hand-overs that never call the value.
	drops []drop
	// phiEdges holds the phis the value flows into, with the indices of
	// the incoming edges along which it is theirs; via maps the releases
	// found through a phi to it, and curPhi is the phi being followed. On
	// a path that enters a phi's block along another edge, the variable
	// was reassigned: releases through the phi do not release this value.
	phiEdges map[*ssa.Phi][]int
	via      map[ssa.Instruction]*ssa.Phi
	curPhi   *ssa.Phi
	// reassigned says that the leaking path leak found is one on which
	// the variable was reassigned (a phi took another value).
	reassigned bool
	// errVal, if set, is the error result of the call that returned the
	// value, which is nil whenever errVal is not (see funcFact.NilOnErr):
	// a path on which errVal != nil owes nothing.
	errVal ssa.Value
}

type releaseKind int

const (
	called releaseKind = iota + 1
	handedOn
)

// A drop is a hand-over to something that never calls the value.
type drop struct {
	at     ssa.Instruction
	callee *ssa.Function // passed to callee, whose summary says it drops it
	field  *types.Var    // stored in a field that nothing in the package calls
	label  string        // the field as the package writes it: "server.cancel"
}

// flowOf follows v, a function value (or a variable holding one, for
// free variables of closures), within its function. A nil v has an empty
// flow.
func (s *state) flowOf(v ssa.Value) *flow {
	fl := &flow{s: s, seen: make(map[ssa.Value]bool), released: make(map[ssa.Instruction]releaseKind)}
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

// releasedBefore reports whether a path-independent release comes before
// def on every path to it: a defer, or a releasing closure that captured
// the variable def assigns (as in `var cancel func(); f := func() {
// cancel() }; ...; _, cancel = context.WithCancel(ctx)`).
func (fl *flow) releasedBefore(def ssa.Instruction) bool {
	for _, in := range fl.anytime {
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

// releases reports whether the value is called or handed on somewhere.
func (fl *flow) releases() bool { return len(fl.released) > 0 }

// phi follows v into phi, which holds v only when control arrives along
// the edges whose incoming value is v; releases found through it are
// recorded as depending on it (see flow.via).
func (fl *flow) phi(phi *ssa.Phi, v ssa.Value) {
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
func (fl *flow) loses(pred, succ *ssa.BasicBlock) bool {
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

// reassignedAt returns where another value is assigned to a variable
// that held this one: the call that made a value a phi takes instead.
func (fl *flow) reassignedAt() token.Pos {
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

func (fl *flow) release(in ssa.Instruction, how releaseKind) {
	if fl.curPhi != nil {
		fl.via[in] = fl.curPhi
	}
	if _, ok := in.(*ssa.Defer); ok {
		fl.anytime = append(fl.anytime, in)
	}
	fl.released[in] = how
}

func (fl *flow) value(v ssa.Value) {
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
			fl.release(in, handedOn)
		}
	}
}

// pointer follows a variable's address: values loaded from it hold the
// value; any other use of the address lets it escape.
func (fl *flow) pointer(p ssa.Value) {
	if fl.seen[p] {
		return
	}
	fl.seen[p] = true
	for _, in := range *p.Referrers() {
		switch in := in.(type) {
		case *ssa.DebugRef:
		case *ssa.Store:
			if in.Addr != p {
				fl.release(in, handedOn) // the address itself is stored
			}
		case *ssa.UnOp:
			if in.Op == token.MUL {
				fl.value(in)
			} else {
				fl.release(in, handedOn)
			}
		case *ssa.MakeClosure:
			fl.closure(in, p)
		default:
			fl.release(in, handedOn)
		}
	}
}

func (fl *flow) call(in ssa.CallInstruction, v ssa.Value) {
	c := in.Common()
	if c.Value == v && !c.IsInvoke() {
		fl.release(in, called)
		return
	}
	callee := c.StaticCallee()
	if callee == nil {
		fl.release(in, handedOn) // unknown callee, builtin (append) or interface method
		return
	}
	drops := fl.s.sums.of(callee).Drops
	for i, a := range c.Args {
		if a != v {
			continue
		}
		if contains(drops, i) {
			fl.drops = append(fl.drops, drop{at: in, callee: callee})
		} else {
			fl.release(in, handedOn)
		}
	}
}

func (fl *flow) store(st *ssa.Store) {
	switch addr := st.Addr.(type) {
	case *ssa.Alloc:
		fl.pointer(addr) // a local variable, possibly captured
	case *ssa.FieldAddr:
		if f := fieldOf(addr); fl.s.sums.fieldReleased(f) {
			fl.release(st, handedOn)
		} else {
			fl.drops = append(fl.drops, drop{at: st, field: f, label: fieldLabel(addr, f)})
		}
	default:
		fl.release(st, handedOn) // a global, a slice element, an outer variable
	}
}

// closure follows v into the closure that captures it: if the closure
// calls or hands on v, the closure carries v and is followed in its turn.
func (fl *flow) closure(mc *ssa.MakeClosure, v ssa.Value) {
	fn := mc.Fn.(*ssa.Function)
	for i, b := range mc.Bindings {
		if b != v {
			continue
		}
		inner := fl.s.flowOf(fn.FreeVars[i])
		if !inner.releases() {
			fl.drops = append(fl.drops, inner.drops...)
			continue
		}
		n := len(fl.released)
		fl.value(mc)
		if isPointer(v) && len(fl.released) > n {
			fl.anytime = append(fl.anytime, mc)
		}
	}
}

func isFunc(t types.Type) bool {
	_, ok := t.Underlying().(*types.Signature)
	return ok
}

func isPointer(v ssa.Value) bool {
	_, ok := v.Type().Underlying().(*types.Pointer)
	return ok
}

// fieldOf returns the field that a FieldAddr selects, in its generic form.
func fieldOf(fa *ssa.FieldAddr) *types.Var {
	ptr, ok := fa.X.Type().Underlying().(*types.Pointer)
	if !ok {
		return nil
	}
	st, ok := ptr.Elem().Underlying().(*types.Struct)
	if !ok || fa.Field >= st.NumFields() {
		return nil
	}
	return st.Field(fa.Field).Origin()
}

// fieldLabel names a field with its struct type when it has a name.
func fieldLabel(fa *ssa.FieldAddr, f *types.Var) string {
	if ptr, ok := fa.X.Type().Underlying().(*types.Pointer); ok {
		if named, ok := types.Unalias(ptr.Elem()).(*types.Named); ok {
			return named.Obj().Name() + "." + f.Name()
		}
	}
	return f.Name()
}

// fieldReleased reports whether the value of a func-typed field may be
// called or handed on: always for fields other packages can reach,
// otherwise when some function of the package does so with a value it
// reads from the field.
func (m *summaries) fieldReleased(f *types.Var) bool {
	if f == nil || f.Exported() || f.Pkg() != m.s.pass.Pkg {
		return true
	}
	if m.fieldReads == nil {
		m.indexFields()
	}
	if r, ok := m.fieldCalled[f]; ok {
		return r
	}
	m.fieldCalled[f] = true // while we look: recursion assumes the best
	r := false
	for _, v := range m.fieldReads[f] {
		if m.s.flowOf(v).releases() {
			r = true
			break
		}
	}
	m.fieldCalled[f] = r
	return r
}

// indexFields records, for each func-typed field of the package, the
// values read from it; a field whose address escapes is marked called.
func (m *summaries) indexFields() {
	m.fieldReads = make(map[*types.Var][]ssa.Value)
	for _, fn := range m.s.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				var f *types.Var
				switch in := in.(type) {
				case *ssa.FieldAddr:
					if f = fieldOf(in); f == nil || !isFunc(f.Type()) {
						continue
					}
					for _, ref := range *in.Referrers() {
						switch ref := ref.(type) {
						case *ssa.UnOp:
							m.fieldReads[f] = append(m.fieldReads[f], ref)
						case *ssa.Store:
							if ref.Addr != in {
								m.fieldCalled[f] = true
							}
						case *ssa.DebugRef:
						default:
							m.fieldCalled[f] = true // &x.f escapes
						}
					}
				case *ssa.Field:
					st, ok := in.X.Type().Underlying().(*types.Struct)
					if !ok {
						continue
					}
					if f = st.Field(in.Field).Origin(); isFunc(f.Type()) {
						m.fieldReads[f] = append(m.fieldReads[f], in)
					}
				}
			}
		}
	}
}
