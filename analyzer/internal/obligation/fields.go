package obligation

import (
	"go/token"
	"go/types"
	"slices"

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
		method := readFromReceiver(v)
		switch {
		case p != nil:
			if partial == nil {
				partial = p
			}
		case fl.onlyCalled() && method != nil:
			callers = append(callers, method)
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

// readFromReceiver returns the method from whose receiver's field v is
// loaded (c.cancel in a method of c's type, or in a closure that runs
// within it: see receiverMethod); nil if v is loaded otherwise.
func readFromReceiver(v ssa.Value) *ssa.Function {
	load, ok := v.(*ssa.UnOp)
	if !ok {
		return nil
	}
	fa, ok := load.X.(*ssa.FieldAddr)
	if !ok {
		return nil
	}
	return receiverMethod(fa.X)
}

// receiverMethod returns the method whose receiver x is: the method's
// receiver parameter, or a closure's load of the variable it captured
// that holds it (see capturedCell), where the closure runs within the
// method or a goroutine it starts (see runsWithin) and, with the method,
// waits for nothing, so that a call the closure makes is the method's (a
// pool's Go whose goroutine cancels on an error). nil otherwise: a
// closure kept or handed on runs when its holder decides, and one that
// receives or selects, or is deferred or started in a method that does,
// may be woken by a release method (a watcher that cancels once Close
// closes its channel; a server's run loop whose deferred cleanup cancels
// once Stop has told it to return).
func receiverMethod(x ssa.Value) *ssa.Function {
	switch x := x.(type) {
	case *ssa.Parameter:
		if fn := x.Parent(); receiver(fn) == x {
			return fn
		}
	case *ssa.UnOp:
		// A captured variable: the closures share its cell (an Alloc of the
		// method) through their free variables.
		fv, ok := x.X.(*ssa.FreeVar)
		if !ok || x.Op != token.MUL {
			return nil
		}
		if cell := capturedCell(fv); cell != nil {
			if v := onlyStore(cell); v != nil {
				if m := receiverMethod(v); m != nil && !waits(m) {
					return m
				}
			}
		}
	}
	return nil
}

// capturedCell returns the Alloc that fv, a free variable, is bound to
// through the closures that enclose it, each of which must run within its
// parent and wait for nothing; nil otherwise.
func capturedCell(fv *ssa.FreeVar) *ssa.Alloc {
	for {
		fn := fv.Parent()
		mc := makeClosureOf(fn)
		if mc == nil || !runsWithin(mc) || waits(fn) {
			return nil
		}
		switch b := mc.Bindings[slices.Index(fn.FreeVars, fv)].(type) {
		case *ssa.FreeVar:
			fv = b
		case *ssa.Alloc:
			return b
		default:
			return nil
		}
	}
}

// onlyStore returns the value stored in cell if it is stored once and
// never otherwise handed out but to closures; nil otherwise.
func onlyStore(cell *ssa.Alloc) ssa.Value {
	var v ssa.Value
	for _, in := range *cell.Referrers() {
		switch in := in.(type) {
		case *ssa.Store:
			if v != nil || in.Addr != cell {
				return nil
			}
			v = in.Val
		case *ssa.MakeClosure, *ssa.UnOp, *ssa.DebugRef:
		default:
			return nil
		}
	}
	return v
}

// waits reports whether fn receives from a channel or selects.
func waits(fn *ssa.Function) bool {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Select:
				return true
			case *ssa.UnOp:
				if in.Op == token.ARROW {
					return true
				}
			}
		}
	}
	return false
}

// makeClosureOf returns the one MakeClosure of the anonymous function fn
// (among its referrers, which ssa keeps for anonymous functions), or nil.
func makeClosureOf(fn *ssa.Function) *ssa.MakeClosure {
	refs := fn.Referrers()
	if refs == nil {
		return nil // not an anonymous function
	}
	var found *ssa.MakeClosure
	for _, in := range *refs {
		if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == fn {
			if found != nil {
				return nil
			}
			found = mc
		}
	}
	return found
}

// runsWithin reports whether every use of the closure mc runs it within
// the function that makes it: called, deferred, started as a goroutine,
// or passed to (*sync.Once).Do.
func runsWithin(mc *ssa.MakeClosure) bool {
	for _, in := range *mc.Referrers() {
		switch in := in.(type) {
		case *ssa.DebugRef:
		case ssa.CallInstruction:
			com := in.Common()
			if com.Value != mc && !(isOnceDo(com) && len(com.Args) == 2 && com.Args[1] == mc && com.Args[0] != mc) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// isOnceDo reports whether com calls (*sync.Once).Do.
func isOnceDo(com *ssa.CallCommon) bool {
	callee := com.StaticCallee()
	if callee == nil || callee.Name() != "Do" {
		return false
	}
	named := recvNamed(callee)
	return named != nil && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "sync" && named.Obj().Name() == "Once"
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
