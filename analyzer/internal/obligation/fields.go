package obligation

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// Ownership says how the package discharges the value kept in a
// func-typed field.
type Ownership struct {
	// Released: something may call the field's value or hand it on
	// (always, for a field other packages can reach or whose address
	// escapes).
	Released bool
	// Partial, if set, is a release method of the field's type that calls
	// the value only on some paths, and nothing else calls it or hands it
	// on: a value stored there is not released when the method returns by
	// Partial.Skip.
	Partial *Partial
	// Skipped, if set, says that the type's release methods never call
	// the value: only another method does (on an error, say).
	Skipped *Skipped
}

// A Partial is a release method that skips its call on some path.
type Partial struct {
	Method *ssa.Function
	Call   ssa.Instruction // where it calls the value
	Skip   *ssa.Return     // a return reached without calling it
}

// Field returns how the package discharges the value of field f.
func (m *Model) Field(f *types.Var) Ownership {
	if f == nil || f.Exported() || f.Pkg() != m.pkg {
		return Ownership{Released: true}
	}
	if m.reads == nil {
		m.index()
	}
	if m.escaped[f] {
		return Ownership{Released: true}
	}
	if o, ok := m.owners[f]; ok {
		return *o
	}
	m.owners[f] = &Ownership{Released: true} // while we look: recursion assumes the best
	o := m.fieldOwnership(f)
	m.owners[f] = &o
	return o
}

func (m *Model) fieldOwnership(f *types.Var) Ownership {
	var partial *Partial
	var callers []*ssa.Function // the methods that call it on every path
	released := false
	for _, v := range m.reads[f] {
		fl := m.Follow(v)
		if !fl.Releases() {
			continue
		}
		p := fl.releaseMethod(v)
		switch {
		case p != nil:
			if partial == nil {
				partial = p
			}
		case fl.onlyCalled() && readFromReceiver(v):
			callers = append(callers, v.Parent())
		default:
			released = true // handed on: whoever gets it may call it
		}
	}
	switch {
	case !released && partial == nil && len(callers) > 0:
		return Ownership{Released: true, Skipped: m.skippedRelease(f, callers)}
	case released || len(callers) > 0:
		return Ownership{Released: true}
	case partial == nil:
		return Ownership{}
	}
	return Ownership{Released: true, Partial: partial}
}

// readFromReceiver reports whether v is loaded from a field of its
// method's own receiver (c.cancel in a method of c's type).
func readFromReceiver(v ssa.Value) bool {
	load, ok := v.(*ssa.UnOp)
	if !ok {
		return false
	}
	fa, ok := load.X.(*ssa.FieldAddr)
	recv := receiver(v.Parent())
	return ok && recv != nil && fa.X == recv
}

// onlyCalled reports whether the value is called, never handed on.
func (fl *Flow) onlyCalled() bool {
	for _, how := range fl.Released {
		if how != Called {
			return false
		}
	}
	return true
}

// releaseMethod returns nil when the value read at v is handed on, or is
// called by something other than a method reading it from its receiver,
// or on every path of that method that no guard excuses; otherwise the
// method and a path that skips the call.
func (fl *Flow) releaseMethod(v ssa.Value) *Partial {
	fn := v.Parent()
	recv := receiver(fn)
	load, ok := v.(*ssa.UnOp)
	if !ok || recv == nil {
		return nil
	}
	if fa, ok := load.X.(*ssa.FieldAddr); !ok || fa.X != recv {
		return nil
	}
	var call ssa.Instruction
	for in, how := range fl.Released {
		if how != Called {
			return nil
		}
		call = in
	}
	skip := fl.skip(fn, recv)
	if skip == nil {
		return nil
	}
	return &Partial{Method: fn, Call: call, Skip: skip}
}

// receiver returns the receiver of a method, or nil for other functions.
func receiver(fn *ssa.Function) *ssa.Parameter {
	if fn.Signature.Recv() == nil || len(fn.Params) == 0 {
		return nil
	}
	return fn.Params[0]
}

// A guard is what a branch of a release method tests. excused: a path
// that skips the call through it owes nothing (a parameter chose, the
// context is already done); otherwise flag is the receiver's field tested
// (an idempotence flag), which excuses a skipping path that does not set
// it: an earlier call did the work.
type guard struct {
	excused bool
	flag    *types.Var
	tested  bool
}

// skip returns a return of fn that a path from its entry reaches without
// calling the value, through no excusing guard, or nil.
func (fl *Flow) skip(fn *ssa.Function, recv *ssa.Parameter) *ssa.Return {
	type node struct {
		b     *ssa.BasicBlock
		g     guard
		store bool
	}
	seen := make(map[node]bool)
	var visit func(n node) *ssa.Return
	visit = func(n node) *ssa.Return {
		succs := n.b.Succs
		for _, in := range n.b.Instrs {
			if _, ok := fl.Released[in]; ok {
				return nil
			}
			switch in := in.(type) {
			case *ssa.Store:
				if fa, ok := in.Addr.(*ssa.FieldAddr); ok && n.g.flag != nil && fa.X == recv && FieldOf(fa) == n.g.flag {
					n.store = true
				}
			case *ssa.Return:
				if n.g.excused || n.g.tested && !n.store {
					return nil
				}
				return in
			case *ssa.If:
				if succ := fl.nonNilBranch(in); succ != nil {
					succs = []*ssa.BasicBlock{succ}
				} else if g, ok := guardOf(in.Cond, recv, 5); ok && !n.g.excused && !n.g.tested {
					n.g = g
				}
			}
		}
		for _, succ := range succs {
			next := node{succ, n.g, n.store}
			if !seen[next] {
				seen[next] = true
				if ret := visit(next); ret != nil {
					return ret
				}
			}
		}
		return nil
	}
	return visit(node{b: fn.Blocks[0]})
}

// guardOf says whether a branch condition tests the receiver's own state
// (a field, an atomic or a method of it, a select on its channel), a
// parameter, or whether a context is done; depth bounds the operands
// followed.
func guardOf(v ssa.Value, recv *ssa.Parameter, depth int) (guard, bool) {
	if depth == 0 {
		return guard{}, false
	}
	switch v := v.(type) {
	case *ssa.Parameter:
		return guard{excused: true}, v != recv
	case *ssa.FieldAddr:
		if v.X == recv {
			return guard{flag: FieldOf(v), tested: true}, true
		}
	case *ssa.UnOp:
		if v.Op == token.MUL || v.Op == token.NOT || v.Op == token.ARROW {
			return guardOf(v.X, recv, depth-1)
		}
	case *ssa.BinOp:
		if g, ok := guardOf(v.X, recv, depth-1); ok {
			return g, true
		}
		return guardOf(v.Y, recv, depth-1)
	case *ssa.Extract:
		return guardOf(v.Tuple, recv, depth-1)
	case *ssa.Select:
		for _, st := range v.States {
			if g, ok := guardOf(st.Chan, recv, depth-1); ok {
				return g, true
			}
		}
	case *ssa.Call:
		return callGuard(v.Common(), recv, depth)
	}
	return guard{}, false
}

// callGuard: a method of the receiver or of one of its fields (an atomic
// flag, a sync.Once-like helper) tests its state; ctx.Err() tests whether
// a context is done, when there is nothing left to cancel.
func callGuard(c *ssa.CallCommon, recv *ssa.Parameter, depth int) (guard, bool) {
	if c.IsInvoke() {
		if c.Method.Name() == "Err" && isContext(c.Value.Type()) {
			return guard{excused: true}, true
		}
		return guard{}, false
	}
	if res := c.Signature().Results(); res.Len() != 1 || !isBasic(res.At(0).Type()) {
		return guard{}, false // an action that may fail (f.Close()), not a test of state
	}
	for _, a := range c.Args {
		if a == recv {
			return guard{tested: true}, true
		}
		if fa, ok := a.(*ssa.FieldAddr); ok && fa.X == recv {
			return guardOf(fa, recv, depth-1) // c.closed.Load()
		}
		if fa := FieldLoad(a); fa != nil && fa.X == recv {
			return guardOf(fa, recv, depth-1) // c.done.HasFired(), done a pointer
		}
	}
	return guard{}, false
}

func isContext(t types.Type) bool {
	named, ok := types.Unalias(t).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "context" && named.Obj().Name() == "Context"
}

func isBasic(t types.Type) bool {
	_, ok := t.Underlying().(*types.Basic)
	return ok
}
