package lifecycle

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// chanField reports whether f is an unexported field of a channel type of
// a struct of this package: only the package can reach it.
func (s *State) ChanField(f *types.Var) bool {
	if f == nil || f.Exported() || f.Pkg() != s.Pass.Pkg {
		return false
	}
	_, ok := f.Type().Underlying().(*types.Chan)
	return ok
}

// returned follows a channel that fn returns: into the results of its
// static calls in the package when only the package can call fn (an
// unexported function), and, when fn returns it receive-only, to anyone:
// outside code can then only receive. It reports whether it could.
func (w *chanWalk) returned(ret *ssa.Return, v ssa.Value) bool {
	fn := ret.Parent()
	if fn.Signature.Results().Len() != 1 || fn.Parent() != nil || fn.Object() == nil {
		return false
	}
	if ch, ok := fn.Signature.Results().At(0).Type().Underlying().(*types.Chan); ok && ch.Dir() == types.RecvOnly {
		w.OutRecv = true
	} else if fn.Object().Exported() || fn.Signature.Recv() != nil {
		return false // callers outside the package, or through an interface
	}
	for _, call := range w.Accessors.CallsOf(fn) {
		w.Value(call, WalkCtx{})
	}
	return true
}

// callsOf returns the static calls of fn in the package.
func (s *State) CallsOf(fn *ssa.Function) []*ssa.Call {
	if s.calls == nil {
		s.calls = make(map[*ssa.Function][]*ssa.Call)
		for _, f := range s.Funcs {
			for _, b := range f.Blocks {
				for _, in := range b.Instrs {
					if call, ok := in.(*ssa.Call); ok {
						if callee := call.Call.StaticCallee(); callee != nil {
							s.calls[callee] = append(s.calls[callee], call)
						}
					}
				}
			}
		}
	}
	return s.calls[fn]
}

// madeChan returns the channel a stored value is, seen through a change of
// direction (chan<- T) and a local variable (captured by a closure) that
// holds only that made channel; otherwise v.
func MadeChan(v ssa.Value) ssa.Value {
	if ct, ok := v.(*ssa.ChangeType); ok {
		v = ct.X
	}
	if load, ok := v.(*ssa.UnOp); ok && load.Op == token.MUL {
		if alloc, ok := load.X.(*ssa.Alloc); ok {
			if vals := StoredValues(alloc); len(vals) == 1 {
				if mk, ok := vals[0].(*ssa.MakeChan); ok {
					return mk
				}
			}
		}
	}
	return v
}
