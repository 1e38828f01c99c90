package analyzer

import (
	"fmt"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// funcFact is the lifecycle summary of a function that other packages
// need: it is computed once, on the function's SSA form, and exported as
// an analysis fact so that go vet (one package at a time) and the
// standalone checker (whole program) report the same findings.
type funcFact struct {
	// Cancels lists the results that carry a fresh cancel function the
	// caller must call (a helper returning context.WithCancel's cancel).
	Cancels []int
	// Drops lists the func-typed parameters (SSA numbering: the receiver,
	// if any, is parameter 0) that the function neither calls nor hands
	// on: a cancel passed there is never called.
	Drops []int
}

func (*funcFact) AFact() {}

func (f *funcFact) String() string {
	var parts []string
	if len(f.Cancels) > 0 {
		parts = append(parts, fmt.Sprintf("returnsCancel%v", f.Cancels))
	}
	if len(f.Drops) > 0 {
		parts = append(parts, fmt.Sprintf("dropsParam%v", f.Drops))
	}
	return strings.Join(parts, " ")
}

func (f *funcFact) empty() bool { return len(f.Cancels) == 0 && len(f.Drops) == 0 }

// summaries computes funcFacts for the functions of the package being
// analyzed, on demand and once each, and imports those of other packages.
type summaries struct {
	s    *state
	memo map[*ssa.Function]*funcFact
	busy map[*ssa.Function]bool
	// fieldCalled caches whether something in the package calls or hands
	// on the value of a func-typed field (see fieldReleased).
	fieldCalled map[*types.Var]bool
	fieldReads  map[*types.Var][]ssa.Value
}

func (m *summaries) init(s *state) {
	m.s = s
	m.memo = make(map[*ssa.Function]*funcFact)
	m.busy = make(map[*ssa.Function]bool)
	m.fieldCalled = make(map[*types.Var]bool)
}

// export computes the summary of every function declared in the package
// and exports the non-empty ones as facts.
func (m *summaries) export() {
	for _, fn := range m.s.funcs {
		obj, ok := fn.Object().(*types.Func)
		if !ok || obj.Pkg() != m.s.pass.Pkg {
			continue // closures have no object; they are summarized on demand
		}
		if f := m.of(fn); !f.empty() {
			m.s.pass.ExportObjectFact(obj, f)
		}
	}
}

// of returns the summary of fn: computed from its body when the body is in
// this package (or synthesized, like wrappers), imported otherwise. It never
// returns nil; an unknown function has the empty summary, which the checks
// read as "may do anything", so they stay silent.
func (m *summaries) of(fn *ssa.Function) *funcFact {
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if f, ok := m.memo[fn]; ok {
		return f
	}
	f := new(funcFact)
	switch {
	case m.busy[fn]:
		return f // recursion: assume nothing
	case fn.Blocks != nil && (fn.Pkg == m.s.pkg || fn.Synthetic != ""):
		m.busy[fn] = true
		m.compute(fn, f)
		delete(m.busy, fn)
	default:
		if obj, ok := fn.Object().(*types.Func); ok {
			m.s.pass.ImportObjectFact(obj, f)
		}
	}
	m.memo[fn] = f
	return f
}

func (m *summaries) compute(fn *ssa.Function, f *funcFact) {
	// Results carrying a fresh cancel.
	results := fn.Signature.Results()
	for r := range results.Len() {
		if !isCancelType(results.At(r).Type()) {
			continue
		}
		for _, b := range fn.Blocks {
			ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
			if ok && r < len(ret.Results) && m.carriesCancel(ret.Results[r], make(map[ssa.Value]bool)) {
				f.Cancels = append(f.Cancels, r)
				break
			}
		}
	}
	// Func-typed parameters never called nor handed on.
	for i, p := range fn.Params {
		if !isCancelType(p.Type()) {
			continue
		}
		if !m.s.flowOf(p).releases() {
			f.Drops = append(f.Drops, i)
		}
	}
}

// isCancelType reports whether t can hold a cancel function: a func with no
// results taking nothing (context.CancelFunc) or one error
// (context.CancelCauseFunc).
func isCancelType(t types.Type) bool {
	sig, ok := t.Underlying().(*types.Signature)
	if !ok || sig.Results().Len() != 0 || sig.Variadic() {
		return false
	}
	switch sig.Params().Len() {
	case 0:
		return true
	case 1:
		return types.Identical(sig.Params().At(0).Type(), types.Universe.Lookup("error").Type())
	}
	return false
}

// cancelResults returns the results of the call that carry a fresh cancel
// the caller must call, according to the knowledge table or the callee's
// summary.
func (m *summaries) cancelResults(call *ssa.CallCommon) []int {
	callee := call.StaticCallee()
	if callee == nil {
		return nil
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	if obj, ok := callee.Object().(*types.Func); ok {
		if rs := m.s.know.cancelResults(obj); rs != nil {
			return rs
		}
	}
	return m.of(callee).Cancels
}

// carriesCancel reports whether v, returned by its function, is a fresh
// cancel obtained in that function (directly, or wrapped in a closure that
// calls it), whose ownership moves to the caller.
func (m *summaries) carriesCancel(v ssa.Value, seen map[ssa.Value]bool) bool {
	if seen[v] {
		return false
	}
	seen[v] = true
	switch v := v.(type) {
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok && contains(m.cancelResults(call.Common()), v.Index) {
			return m.onlyToCaller(v)
		}
	case *ssa.Call:
		if contains(m.cancelResults(v.Common()), 0) {
			return m.onlyToCaller(v)
		}
	case *ssa.Phi:
		for _, e := range v.Edges {
			if m.carriesCancel(e, seen) {
				return true
			}
		}
	case *ssa.ChangeType:
		return m.carriesCancel(v.X, seen)
	case *ssa.MakeClosure:
		fn := v.Fn.(*ssa.Function)
		for i, b := range v.Bindings {
			for _, c := range storedValues(b) {
				if m.carriesCancel(c, seen) && m.s.flowOf(fn.FreeVars[i]).releases() {
					return true
				}
			}
		}
	}
	return false
}

// onlyToCaller reports whether a cancel is handed on to nobody but the
// caller: calling it (on error paths) and returning it are fine, storing
// it or passing it elsewhere means someone else owns it.
func (m *summaries) onlyToCaller(cancel ssa.Value) bool {
	for in, how := range m.s.flowOf(cancel).released {
		if _, ok := in.(*ssa.Return); !ok && how != called {
			return false
		}
	}
	return true
}

// storedValues returns v itself, or, when v is a variable's address (an
// Alloc captured by a closure), the values stored into it.
func storedValues(v ssa.Value) []ssa.Value {
	alloc, ok := v.(*ssa.Alloc)
	if !ok {
		return []ssa.Value{v}
	}
	var vals []ssa.Value
	for _, in := range *alloc.Referrers() {
		if st, ok := in.(*ssa.Store); ok && st.Addr == alloc {
			vals = append(vals, st.Val)
		}
	}
	return vals
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
