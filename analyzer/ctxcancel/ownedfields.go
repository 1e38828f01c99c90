package ctxcancel

import (
	"fmt"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkReplaced reports the stores of a fresh cancel into an owning field
// of a method's receiver that may still hold an uncalled cancel: a
// SetDeadline that replaces the pair its constructor set without calling
// the old cancel (see obligation.Model.Replaces).
func (s *checker) checkReplaced(fn *ssa.Function, fl *obligation.Flow) {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			st, ok := in.(*ssa.Store)
			if !ok || fl.Released[st] != obligation.HandedOn {
				continue
			}
			other := s.Own.Replaces(st)
			if other == nil {
				continue
			}
			fa := st.Addr.(*ssa.FieldAddr)
			f := obligation.FieldOf(fa)
			old := fn.Params[0].Name() + "." + f.Name()
			d := analysis.Diagnostic{Pos: st.Pos(), Message: fmt.Sprintf("%s replaces the cancel function in %s without calling it, so the earlier context is never cancelled; call %s() before storing a new one", lifecycle.FuncNoun(fn), obligation.FieldLabel(fa, f), old)}
			d.Related = append(d.Related, lifecycle.Related(other.Pos(), "the field is also set here"))
			s.Report("ctxcancel", d)
		}
	}
}

// checkDeleted reports a delete from a map of cancel functions kept in a
// field that drops the entry's cancel uncalled (see
// obligation.Model.DeleteLoses).
func (s *checker) checkDeleted(fn *ssa.Function, call *ssa.Call) {
	if !isBuiltin(call, "delete") {
		return
	}
	f := cancelsIn(call.Call.Args[0])
	if f == nil {
		return // the cheap tests first: the model's walk the whole package
	}
	label, ok := s.Own.DeleteLoses(call)
	if !ok || !s.storesCancels(f) {
		return
	}
	s.Report("ctxcancel", analysis.Diagnostic{Pos: call.Pos(), Message: fmt.Sprintf("%s deletes an entry of %s without calling its cancel function, so that context is never cancelled; call it before deleting", lifecycle.FuncNoun(fn), label)})
}

// checkOverwritten reports an entry of a map of cancel functions kept in
// a field overwritten with something else than a cancel (nil, a no-op) by
// a method that stores none and calls none of the entries first (see
// obligation.Model.OverwriteLoses): the entry's cancel is lost.
func (s *checker) checkOverwritten(fn *ssa.Function, mu *ssa.MapUpdate) {
	f := cancelsIn(mu.Map)
	if f == nil || !obligation.IsNil(mu.Value) && s.isCancel(mu.Value) {
		return // no map of cancels, or a method that stores cancels, not another one
	}
	label, ok := s.Own.OverwriteLoses(mu)
	if !ok || !s.storesCancels(f) {
		return
	}
	s.Report("ctxcancel", analysis.Diagnostic{Pos: mu.Pos(), Message: fmt.Sprintf("%s overwrites an entry of %s without calling its cancel function, so that context is never cancelled; call it before overwriting", lifecycle.FuncNoun(fn), label)})
}

// checkEmptied reports a map or slice of cancel functions kept in a field
// emptied (cleared, set to nil or cut to [:0], or made again after its
// constructor made it) by a method that calls none of its cancels first
// (see obligation.Model.EmptyLoses).
func (s *checker) checkEmptied(fn *ssa.Function, in ssa.Instruction) {
	var f *types.Var
	switch in := in.(type) {
	case *ssa.Call:
		if isBuiltin(in, "clear") {
			f = cancelsIn(in.Call.Args[0])
		}
	case *ssa.Store:
		if fa, ok := in.Addr.(*ssa.FieldAddr); ok {
			f = cancelsField(obligation.FieldOf(fa))
		}
	}
	if f == nil {
		return // the cheap tests first: the model's walk the whole package
	}
	label, ok := s.Own.EmptyLoses(in)
	if !ok || !s.storesCancels(f) {
		return
	}
	s.Report("ctxcancel", analysis.Diagnostic{Pos: in.Pos(), Message: fmt.Sprintf("%s empties %s without calling the cancel functions it holds, so those contexts are never cancelled; call each before emptying it", lifecycle.FuncNoun(fn), label)})
}

// cancelsIn returns the field x.f that v loads, if it holds a map or slice
// of cancel-shaped functions; nil otherwise.
func cancelsIn(v ssa.Value) *types.Var {
	if fa := obligation.FieldLoad(v); fa != nil {
		return cancelsField(obligation.FieldOf(fa))
	}
	return nil
}

// cancelsField returns f if it holds a map or slice of cancel-shaped
// functions; nil otherwise.
func cancelsField(f *types.Var) *types.Var {
	if f == nil {
		return nil
	}
	switch u := f.Type().Underlying().(type) {
	case *types.Map:
		if lifecycle.IsCancelType(u.Elem()) {
			return f
		}
	case *types.Slice:
		if lifecycle.IsCancelType(u.Elem()) {
			return f
		}
	}
	return nil
}

// isBuiltin reports whether call calls the builtin name with one or more
// arguments.
func isBuiltin(call *ssa.Call, name string) bool {
	b, ok := call.Call.Value.(*ssa.Builtin)
	return ok && b.Name() == name && len(call.Call.Args) > 0
}

// storesCancels reports whether the package stores a cancel function into
// the map or slice kept in field f (m[k] = cancel, append(s, cancel)): a
// cancel a call returns (context.WithCancel, a helper whose summary says
// so) or a value of the context package's cancel types. A map of func() or
// func(error) callbacks (go-redis's re-auth functions) has a cancel's
// shape, not its obligation.
func (s *checker) storesCancels(f *types.Var) bool {
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				switch in := in.(type) {
				case *ssa.MapUpdate:
					if fa := obligation.FieldLoad(in.Map); fa != nil && obligation.FieldOf(fa) == f && s.isCancel(in.Value) {
						return true
					}
				case *ssa.Store:
					if s.isCancel(in.Val) && appendedTo(in.Addr, f) {
						return true
					}
				}
			}
		}
	}
	return false
}

// appendedTo reports whether addr is an element of the array of an
// append's variadic arguments whose slice is the one kept in field f:
// append(x.f, v) stores v there.
func appendedTo(addr ssa.Value, f *types.Var) bool {
	ia, ok := addr.(*ssa.IndexAddr)
	if !ok {
		return false
	}
	for _, ref := range *ia.X.Referrers() {
		sl, ok := ref.(*ssa.Slice)
		if !ok {
			continue
		}
		for _, use := range *sl.Referrers() {
			call, ok := use.(*ssa.Call)
			if !ok {
				continue
			}
			if isBuiltin(call, "append") {
				if fa := obligation.FieldLoad(call.Call.Args[0]); fa != nil && obligation.FieldOf(fa) == f {
					return true
				}
			}
		}
	}
	return false
}

// isCancel reports whether v is a cancel function: a result a call's
// summary or the knowledge table says is a fresh cancel, or a value of
// type context.CancelFunc or context.CancelCauseFunc.
func (s *checker) isCancel(v ssa.Value) bool {
	v = lifecycle.Unconverted(v)
	if lifecycle.IsNamed(v.Type(), "context", "CancelFunc") || lifecycle.IsNamed(v.Type(), "context", "CancelCauseFunc") {
		return true
	}
	ex, ok := v.(*ssa.Extract)
	if !ok {
		return false
	}
	call, ok := ex.Tuple.(*ssa.Call)
	return ok && slices.Contains(s.Sums.CancelResults(call.Common()), ex.Index)
}
