package analyzer

import (
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// A premature cancel: the function defers the cancel, so the context is
// cancelled when it returns, yet what it returns keeps the context (an
// *http.Response whose body is still to be read, *sql.Rows still to be
// scanned, a struct holding it). The caller then finds it cancelled:
// "context canceled" on the first read. No peer reports this.

// keptUntilReturn returns the return instruction through which something
// holding the context that call returns (its context.Context results) leaves
// the function, and a description of what holds it; nil if
// nothing does, and where a value holding it was last stored (a result
// variable, when the function defers: its return has no position). What
// holds a context: the context itself, the results of
// calls that the knowledge table says keep an argument (keeps entries:
// http.NewRequestWithContext, (*http.Client).Do...), structs and closures
// it is stored in, interfaces it is converted to.
func (s *state) keptUntilReturn(call *ssa.Call, r int) (*ssa.Return, string, token.Pos) {
	var seeds []ssa.Value
	for _, ref := range *call.Referrers() {
		if ex, ok := ref.(*ssa.Extract); ok && ex.Index != r && isContext(ex.Type()) {
			seeds = append(seeds, ex)
		}
	}
	var ret *ssa.Return
	var what string
	var stored token.Pos // the last store into a variable: a result's, with a defer
	s.walkHolders(seeds, func(in ssa.Instruction, v ssa.Value) bool {
		switch in := in.(type) {
		case *ssa.Return:
			ret, what = in, types.TypeString(v.Type(), s.qualifier)
			return true
		case *ssa.Store:
			if in.Pos().IsValid() {
				stored = in.Pos()
			}
		}
		return false
	})
	return ret, what, stored
}

// walkHolders visits each use in of each value v that holds on to one of
// the seeds (see holders), until visit returns true.
func (s *state) walkHolders(seeds []ssa.Value, visit func(in ssa.Instruction, v ssa.Value) bool) {
	work := seeds
	seen := make(map[ssa.Value]bool)
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[v] || v.Referrers() == nil {
			continue
		}
		seen[v] = true
		for _, ref := range *v.Referrers() {
			if visit(ref, v) {
				return
			}
			work = append(work, s.holders(ref, v)...)
		}
	}
}

// resultsKeeping returns the results of fn that hold on to its parameter
// p (see holders): fn's fact keeps[R:P].
func (s *state) resultsKeeping(p *ssa.Parameter) []int {
	var results []int
	s.walkHolders([]ssa.Value{p}, func(in ssa.Instruction, v ssa.Value) bool {
		if ret, ok := in.(*ssa.Return); ok {
			for i, res := range ret.Results {
				if res == v && !slices.Contains(results, i) {
					results = append(results, i)
				}
			}
		}
		return false
	})
	slices.Sort(results)
	return results
}

// holders returns the values that hold on to v through the instruction
// in, which uses v.
func (s *state) holders(in ssa.Instruction, v ssa.Value) []ssa.Value {
	switch in := in.(type) {
	case *ssa.Phi, *ssa.ChangeType, *ssa.MakeInterface, *ssa.MakeClosure:
		return []ssa.Value{in.(ssa.Value)}
	case *ssa.UnOp:
		if in.Op == token.MUL && mayHoldContext(in.Type(), 0) {
			return []ssa.Value{in} // loaded from a variable (or a field) that holds it
		}
	case *ssa.FieldAddr:
		return []ssa.Value{in} // &resp.Body: its value is loaded next
	case *ssa.Field:
		if mayHoldContext(in.Type(), 0) {
			return []ssa.Value{in}
		}
	case *ssa.Store:
		if in.Val != v {
			return nil
		}
		switch addr := in.Addr.(type) {
		case *ssa.Alloc:
			return []ssa.Value{addr} // a local variable (a result, with a defer)
		case *ssa.FieldAddr:
			if alloc, ok := addr.X.(*ssa.Alloc); ok {
				return []ssa.Value{alloc} // &T{ctx: ctx}
			}
		}
	case *ssa.Call:
		callee := in.Call.StaticCallee()
		if callee == nil {
			return nil
		}
		obj, ok := callee.Object().(*types.Func)
		if !ok {
			return nil
		}
		var held []ssa.Value
		for i, arg := range in.Call.Args {
			if arg != v {
				continue
			}
			for _, res := range s.keptBy(callee, obj, i) {
				if rv := obligation.ResultValue(in, res); rv != nil {
					held = append(held, rv)
				}
			}
		}
		return held
	}
	return nil
}

// keptBy returns the results of callee (obj) that keep its argument i:
// by the knowledge table, else by callee's keeps facts.
func (s *state) keptBy(callee *ssa.Function, obj *types.Func, i int) []int {
	if known := s.know.keptBy(obj, i); known != nil {
		return known
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	var results []int
	for _, k := range s.sums.of(callee).Keeps {
		if k[1] == i {
			results = append(results, k[0])
		}
	}
	return results
}

// checkPremature reports a cancel that a defer calls when fn returns while
// what fn returns keeps the context.
func (s *state) checkPremature(fn *ssa.Function, call *ssa.Call, site *cancelSite, fl *obligation.Flow) bool {
	at := fl.DeferredCall()
	if !at.IsValid() {
		return false
	}
	ret, what, stored := s.keptUntilReturn(call, site.r)
	if ret == nil {
		return false
	}
	leaves := protocol.ReturnPos(ret)
	if !ret.Pos().IsValid() && stored.IsValid() {
		leaves = stored // the return statement stored its results for the defer
	}
	d := site.diagnostic("is deferred, so the context ends when %s returns, yet the %s it returns still uses it; hand the cancel to the caller (call it when the result is closed) or finish with the result here", funcNoun(fn), what)
	d.Related = append(d.Related,
		related(at, "cancelled here, when the function returns"),
		related(leaves, "the context leaves here, still in use"))
	s.report("ctxcancel", d)
	return true
}

// qualifier writes other packages' types with their package name, as
// source code does: *http.Response.
func (s *state) qualifier(p *types.Package) string {
	if p == s.pass.Pkg {
		return ""
	}
	return p.Name()
}

// mayHoldContext reports whether a value of type t can hold on to a
// context: an interface, a function, or something that contains one (a
// response's Body does, its Header or StatusCode does not).
func mayHoldContext(t types.Type, depth int) bool {
	if depth > 6 {
		return true
	}
	switch t := t.Underlying().(type) {
	case *types.Basic:
		return false
	case *types.Pointer:
		return mayHoldContext(t.Elem(), depth+1)
	case *types.Slice:
		return mayHoldContext(t.Elem(), depth+1)
	case *types.Array:
		return mayHoldContext(t.Elem(), depth+1)
	case *types.Chan:
		return mayHoldContext(t.Elem(), depth+1)
	case *types.Map:
		return mayHoldContext(t.Key(), depth+1) || mayHoldContext(t.Elem(), depth+1)
	case *types.Struct:
		for i := range t.NumFields() {
			if mayHoldContext(t.Field(i).Type(), depth+1) {
				return true
			}
		}
		return false
	}
	return true // interfaces, functions, type parameters
}
