package lifecycle

import (
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/ssa"
)

// walkHolders visits each use in of each value v that holds on to one of
// the seeds (see holders), until visit returns true.
func (s *State) WalkHolders(seeds []ssa.Value, visit func(in ssa.Instruction, v ssa.Value) bool) {
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
func (s *State) resultsKeeping(p *ssa.Parameter) []int {
	var results []int
	s.WalkHolders([]ssa.Value{p}, func(in ssa.Instruction, v ssa.Value) bool {
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
func (s *State) holders(in ssa.Instruction, v ssa.Value) []ssa.Value {
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
func (s *State) keptBy(callee *ssa.Function, obj *types.Func, i int) []int {
	if known := s.Know.keptBy(obj, i); known != nil {
		return known
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	var results []int
	for _, k := range s.Sums.Of(callee).Keeps {
		if k[1] == i {
			results = append(results, k[0])
		}
	}
	return results
}

// qualifier writes other packages' types with their package name, as
// source code does: *http.Response.
func (s *State) Qualifier(p *types.Package) string {
	if p == s.Pass.Pkg {
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
