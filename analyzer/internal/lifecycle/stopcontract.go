package lifecycle

import (
	"cmp"
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/ssa"
)

// A stopContract describes a method that starts a goroutine whose only way
// out is a stop channel kept in a field of the receiver, which only other
// methods of the type (its stop methods) close or send on, or the Done of
// a context kept in a field whose cancel, kept in another, only they call:
// a caller that starts the goroutine must call one of them.
type StopContract struct {
	Field    *types.Var      // the stop channel, or the context
	Start    token.Pos       // the go statement
	Waits    token.Pos       // where the goroutine waits for the field
	Stoppers []*ssa.Function // the methods that close it or send on it
}

// contractOf returns m's stop contract, or nil.
func (s *State) ContractOf(m *ssa.Function) *StopContract {
	if c, ok := s.contracts[m]; ok {
		return c
	}
	s.contracts[m] = nil // recursion
	var c *StopContract
	if recv := m.Signature.Recv(); recv != nil && m.Pkg == s.Pkg && m.Blocks != nil {
		c = s.computeContract(m, recv.Type())
	}
	s.contracts[m] = c
	return c
}

func (s *State) computeContract(m *ssa.Function, recv types.Type) *StopContract {
	st := structOf(recv)
	if st == nil {
		return nil
	}
	var fields []*types.Var
	for i := range st.NumFields() {
		fields = append(fields, st.Field(i))
	}
	for _, b := range m.Blocks {
		for _, in := range b.Instrs {
			if g, ok := in.(*ssa.Go); ok {
				if c := s.goContract(g, recv, fields); c != nil {
					return c
				}
			}
		}
	}
	return nil
}

// goContract returns the contract of the goroutine g starts, if its only
// way out is one of fields (of a value of type recv) and only stop methods
// of recv signal it.
func (s *State) goContract(g *ssa.Go, recv types.Type, fields []*types.Var) *StopContract {
	fn := FuncOf(g.Call.Value)
	if fn == nil || fn.Blocks == nil || fn.Pkg != s.Pkg {
		return nil
	}
	if sig := fn.Signature.Recv(); sig != nil {
		recv = sig.Type() // go v.loop(): loop's receiver
	}
	if desc, _ := s.Sums.RunsForever(fn, s.NeverSignalled); desc != "" {
		return nil // it never stops anyway: gostop reports it
	}
	for _, f := range fields {
		isCtx := s.ctxField(f)
		if !s.ChanField(f) && !isCtx {
			continue
		}
		waits := func(ch ssa.Value) bool { return isFieldLoad(ch, f) || isFieldDone(ch, f) || s.NeverSignalled(ch) }
		desc, at := s.Sums.RunsForever(fn, waits)
		if desc == "" {
			continue
		}
		stoppers := s.stoppersOf(f, recv)
		if isCtx {
			stoppers = s.cancelersOf(f, recv)
		}
		if len(stoppers) > 0 && s.receiverStaysHome(recv) {
			return &StopContract{Field: f, Start: g.Pos(), Waits: at, Stoppers: stoppers}
		}
	}
	return nil
}

// ctxField reports whether f is an unexported context.Context field of a
// struct of this package: its Done is a stop signal only the package's
// code can fire, by calling the cancel kept beside it (see cancelersOf).
func (s *State) ctxField(f *types.Var) bool {
	return f != nil && !f.Exported() && f.Pkg() == s.Pass.Pkg && IsContext(f.Type())
}

// isFieldDone reports whether ch is the Done() of the context read from
// field f.
func isFieldDone(ch ssa.Value, f *types.Var) bool {
	call, ok := ch.(*ssa.Call)
	return ok && call.Call.IsInvoke() && call.Call.Method.Name() == "Done" && isFieldLoad(call.Call.Value, f)
}

// structOf returns the struct type that t, or what t points to, names.
func structOf(t types.Type) *types.Struct {
	if ptr, ok := t.Underlying().(*types.Pointer); ok {
		t = ptr.Elem()
	}
	st, _ := t.Underlying().(*types.Struct)
	return st
}

// isFieldLoad reports whether ch is read from field f.
func isFieldLoad(ch ssa.Value, f *types.Var) bool {
	switch ch := ch.(type) {
	case *ssa.UnOp:
		fa, ok := ch.X.(*ssa.FieldAddr)
		return ok && ch.Op == token.MUL && obligation.FieldOf(fa) == f
	case *ssa.Field:
		st, ok := ch.X.Type().Underlying().(*types.Struct)
		return ok && st.Field(ch.Field).Origin() == f
	case *ssa.ChangeType:
		return isFieldLoad(ch.X, f)
	}
	return false
}

// stoppersOf returns the methods of recv's type that close or send on
// field f of their receiver, or nil if anything else in the package may
// (or the field's channel goes where the analysis does not follow).
func (s *State) stoppersOf(f *types.Var, recv types.Type) []*ssa.Function {
	return s.methodsUsing(f, recv, MayBeSignalled, signalsOnly)
}

// methodsUsing returns the methods of recv's type that load field f from
// their receiver where counts says the load matters, with the methods
// that call them (withCallers); nil if such a load is used otherwise than
// only allows, or is made elsewhere than on a receiver of recv's type.
func (s *State) methodsUsing(f *types.Var, recv types.Type, counts, only func(ssa.Value) bool) []*ssa.Function {
	var found []*ssa.Function
	for _, fa := range s.FieldAddrs(f) {
		fn := fa.Parent()
		for _, ref := range *fa.Referrers() {
			load, ok := ref.(*ssa.UnOp)
			if !ok || load.Op != token.MUL || !counts(load) {
				continue // the field assigned, or a load that does not matter
			}
			if !only(load) || !onReceiver(fn, fa.X) || !types.Identical(fn.Signature.Recv().Type(), recv) {
				return nil
			}
			if !slices.Contains(found, fn) {
				found = append(found, fn)
			}
		}
	}
	return s.withCallers(found, recv)
}

// withCallers returns stoppers, methods of recv's type, with the methods
// of the type that call one of them on their receiver (Stop calling
// stop), an exported one first (the one callers can call); nil if
// stoppers is empty.
func (s *State) withCallers(stoppers []*ssa.Function, recv types.Type) []*ssa.Function {
	if len(stoppers) == 0 {
		return nil
	}
	// A method that calls a stop method on its receiver stops too
	// (Stop calling stop).
	for grown := true; grown; {
		grown = false
		for _, fn := range s.Funcs {
			if slices.Contains(stoppers, fn) || fn.Signature.Recv() == nil || !types.Identical(fn.Signature.Recv().Type(), recv) {
				continue
			}
			if callsOnReceiver(fn, stoppers) {
				stoppers = append(stoppers, fn)
				grown = true
			}
		}
	}
	// Name an exported one first: it is the one callers can call.
	slices.SortStableFunc(stoppers, func(a, b *ssa.Function) int {
		ea, eb := token.IsExported(a.Name()), token.IsExported(b.Name())
		switch {
		case ea && !eb:
			return -1
		case eb && !ea:
			return 1
		}
		return 0
	})
	return stoppers
}

// cancelersOf returns the methods of recv's type that call the cancel of
// the context kept in field f (stored beside it, in the field pairedCancel
// finds), or nil if anything else in the package may call it or the
// cancel goes where the analysis does not follow.
func (s *State) cancelersOf(f *types.Var, recv types.Type) []*ssa.Function {
	g := s.pairedCancel(f)
	if g == nil {
		return nil
	}
	return s.methodsUsing(g, recv, func(ssa.Value) bool { return true }, callsOnly)
}

// pairedCancel returns the field that keeps the cancel of the contexts
// stored in field f (v.ctx, v.cancel = context.WithCancel(parent)), or
// nil if there is no one such field.
func (s *State) pairedCancel(f *types.Var) *types.Var {
	var g *types.Var
	for _, fa := range s.FieldAddrs(f) {
		for _, ref := range *fa.Referrers() {
			st, ok := ref.(*ssa.Store)
			if !ok || st.Addr != fa {
				continue
			}
			call, fresh := s.freshContext(st.Val)
			if !fresh {
				return nil // a context from elsewhere: its canceller is unknown
			}
			cancels := s.Sums.CancelResults(call.Common())
			for _, cref := range *call.Referrers() {
				ex, ok := cref.(*ssa.Extract)
				if !ok || !slices.Contains(cancels, ex.Index) {
					continue
				}
				for _, eref := range *ex.Referrers() {
					if ct, ok := eref.(*ssa.ChangeType); ok && len(*ct.Referrers()) == 1 {
						eref = (*ct.Referrers())[0] // a CancelFunc kept as a func()
					}
					est, ok := eref.(*ssa.Store)
					if !ok {
						return nil // the cancel kept elsewhere too
					}
					efa, ok := est.Addr.(*ssa.FieldAddr)
					if !ok || g != nil && obligation.FieldOf(efa) != g {
						return nil
					}
					g = obligation.FieldOf(efa)
				}
			}
		}
	}
	return g
}

// freshContext returns the call whose context result v is, if the call
// also returns a cancel the caller must call (context.WithCancel).
func (s *State) freshContext(v ssa.Value) (*ssa.Call, bool) {
	ex, ok := v.(*ssa.Extract)
	if !ok || !IsContext(ex.Type()) {
		return nil, false
	}
	call, ok := ex.Tuple.(*ssa.Call)
	return call, ok && len(s.Sums.CancelResults(call.Common())) > 0
}

// callsOnly reports whether the function value fn is only called or
// compared (with nil): it goes nowhere else.
func callsOnly(fn ssa.Value) bool {
	for _, ref := range *fn.Referrers() {
		switch ref := ref.(type) {
		case ssa.CallInstruction:
			if ref.Common().Value != fn || slices.Contains(ref.Common().Args, fn) {
				return false
			}
		case *ssa.BinOp, *ssa.DebugRef:
		default:
			return false
		}
	}
	return true
}

// callsOnReceiver reports whether fn calls one of funcs on its receiver.
func callsOnReceiver(fn *ssa.Function, funcs []*ssa.Function) bool {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			call, ok := in.(ssa.CallInstruction)
			if !ok || call.Common().StaticCallee() == nil || len(call.Common().Args) == 0 {
				continue
			}
			if slices.Contains(funcs, call.Common().StaticCallee()) && onReceiver(fn, call.Common().Args[0]) {
				return true
			}
		}
	}
	return false
}

// signalsOnly reports whether the channel ch is only closed, sent on,
// received from or compared: it goes nowhere else.
func signalsOnly(ch ssa.Value) bool {
	for _, ref := range *ch.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Send:
			if ref.X == ch {
				return false
			}
		case *ssa.UnOp:
			if ref.Op != token.ARROW {
				return false
			}
		case *ssa.Call:
			if b, ok := ref.Call.Value.(*ssa.Builtin); !ok || b.Name() != "close" {
				return false
			}
		case *ssa.Select, *ssa.BinOp, *ssa.DebugRef:
		default:
			return false
		}
	}
	return true
}

// onReceiver reports whether x is fn's receiver (or, for a value
// receiver, the address of its copy).
func onReceiver(fn *ssa.Function, x ssa.Value) bool {
	if fn.Signature.Recv() == nil || len(fn.Params) == 0 {
		return false
	}
	if x == fn.Params[0] {
		return true
	}
	alloc, ok := x.(*ssa.Alloc)
	if !ok {
		return false
	}
	for _, v := range StoredValues(alloc) {
		if v == fn.Params[0] {
			return true
		}
	}
	return false
}

// copiesLiteral reports whether v is a load of a composite literal that
// is used for nothing else, and records in u the fields it assigns
// channels made here, or other values.
func (s *State) copiesLiteral(v ssa.Value, u *valueUses) bool {
	load, ok := v.(*ssa.UnOp)
	if !ok || load.Op != token.MUL || len(*load.Referrers()) != 1 {
		return false
	}
	lit, ok := load.X.(*ssa.Alloc)
	if !ok {
		return false
	}
	for _, ref := range *lit.Referrers() {
		switch ref := ref.(type) {
		case *ssa.FieldAddr:
			for _, fref := range *ref.Referrers() {
				st, ok := fref.(*ssa.Store)
				if !ok || st.Addr != ref {
					return false
				}
				if s.madeHere(st.Val) {
					u.Made[obligation.FieldOf(ref)] = true
				} else {
					u.Given[obligation.FieldOf(ref)] = true
				}
			}
		case *ssa.UnOp:
			if ref != load {
				return false
			}
		case *ssa.DebugRef:
		default:
			return false
		}
	}
	return true
}

// ctorContract returns, for a function that makes a value, starts its
// goroutine and returns it (a constructor, NewPoller), the contract its
// callers inherit: the names of the stop methods they must call on the
// result. It returns nil if fn is no such function.
func (s *State) CtorContract(fn *ssa.Function) *StopContract {
	if c, ok := s.ctors[fn]; ok {
		return c
	}
	s.ctors[fn] = nil // recursion
	c := s.computeCtorContract(fn)
	s.ctors[fn] = c
	return c
}

func (s *State) computeCtorContract(fn *ssa.Function) *StopContract {
	if fn.Blocks == nil || fn.Pkg != s.Pkg || fn.Parent() != nil {
		return nil
	}
	res := fn.Signature.Results()
	if res.Len() == 0 || res.Len() > 2 || (res.Len() == 2 && !types.Identical(res.At(1).Type(), types.Universe.Lookup("error").Type())) {
		return nil
	}
	ptr, ok := res.At(0).Type().(*types.Pointer)
	if !ok || structOf(ptr) == nil {
		return nil
	}
	// Every return hands back the same fresh value, or nil.
	var made *ssa.Alloc
	for _, b := range fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		switch v := ret.Results[0].(type) {
		case *ssa.Alloc:
			if made != nil && made != v {
				return nil
			}
			made = v
		case *ssa.Const: // nil, on an error path
		default:
			return nil
		}
	}
	if made == nil || !made.Heap {
		return nil
	}
	u := s.ValueUses(made, true)
	if !u.Ok {
		return nil
	}
	c := s.StartedContract(u) // go v.loop()
	for _, call := range u.Calls {
		if c == nil {
			c = s.ContractOf(call.Common().StaticCallee()) // v.Start()
		}
	}
	if c == nil || !u.Made[c.Field] || u.Read[c.Field] {
		return nil
	}
	for _, call := range u.Calls {
		if c.StoppedBy(call) {
			return nil // it stops the value itself
		}
	}
	return c
}

// startedContract returns the contract of a goroutine that a function
// starts itself, with a go statement, on a value it makes (see
// valueUses), if any.
func (s *State) StartedContract(u *valueUses) *StopContract {
	var fields []*types.Var
	for f := range u.Made {
		if !u.Read[f] {
			fields = append(fields, f)
		}
	}
	slices.SortFunc(fields, func(a, b *types.Var) int { return cmp.Compare(a.Pos(), b.Pos()) })
	for _, g := range u.starts {
		if c := s.goContract(g, u.typ, fields); c != nil {
			return c
		}
	}
	return nil
}

// madeHere reports whether v, stored in a field, is a stop signal made
// where it is stored: a channel made there, or a context whose cancel the
// same call returns.
func (s *State) madeHere(v ssa.Value) bool {
	if _, ok := v.(*ssa.MakeChan); ok {
		return true
	}
	_, fresh := s.freshContext(v)
	return fresh
}

// valueUses describes how a function uses a value of a struct type (or a
// pointer to one): the methods called on it, the goroutines started with
// it, the fields assigned a channel made there and the fields read.
type valueUses struct {
	Ok         bool       // no other use: the value goes nowhere else
	typ        types.Type // the value's type (a pointer, for an address)
	Calls      []ssa.CallInstruction
	starts     []*ssa.Go
	Made, Read map[*types.Var]bool
	// given holds the fields assigned a value not made here (a channel
	// from elsewhere: someone else may close it).
	Given map[*types.Var]bool
}

// stoppedBy reports whether call calls one of c's stop methods.
func (c *StopContract) StoppedBy(call ssa.CallInstruction) bool {
	callee := call.Common().StaticCallee()
	if callee == nil {
		return false
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	for _, stop := range c.Stoppers {
		if callee == stop {
			return true
		}
	}
	return false
}

// valueUses follows v (the value, or a composite literal's address when
// returned is set: its function may return it).
func (s *State) ValueUses(v ssa.Value, returned bool) *valueUses {
	u := &valueUses{Ok: true, typ: v.Type(), Made: make(map[*types.Var]bool), Read: make(map[*types.Var]bool), Given: make(map[*types.Var]bool)}
	s.addUses(u, v, returned)
	return u
}

func (s *State) addUses(u *valueUses, v ssa.Value, returned bool) {
	_, isVar := v.(*ssa.Alloc)
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Field:
			if st, ok := ref.X.Type().Underlying().(*types.Struct); ok {
				u.Read[st.Field(ref.Field).Origin()] = true
			}
		case *ssa.UnOp:
			// A copy of a variable's value: its uses count as the
			// variable's (the copies share the channels).
			if ref.Op != token.MUL || !isVar {
				u.Ok = false
				continue
			}
			s.addUses(u, ref, false)
		case *ssa.Store:
			// v := T{...}: the variable is assigned a copy of a
			// composite literal, whose fields count as its own.
			if !isVar || ref.Addr != v || !s.copiesLiteral(ref.Val, u) {
				u.Ok = false
			}
		case *ssa.FieldAddr:
			for _, fref := range *ref.Referrers() {
				if st, ok := fref.(*ssa.Store); ok && st.Addr == ref {
					if s.madeHere(st.Val) {
						u.Made[obligation.FieldOf(ref)] = true
					} else {
						u.Given[obligation.FieldOf(ref)] = true
					}
					continue
				}
				u.Read[obligation.FieldOf(ref)] = true
			}
		case *ssa.Go:
			if len(ref.Call.Args) > 0 && ref.Call.Args[0] == v && FuncOf(ref.Call.Value) != nil && FuncOf(ref.Call.Value).Signature.Recv() != nil {
				u.starts = append(u.starts, ref)
				continue
			}
			u.Ok = false
		case *ssa.Call, *ssa.Defer:
			common := ref.(ssa.CallInstruction).Common()
			callee := common.StaticCallee()
			if callee == nil || callee.Signature.Recv() == nil || len(common.Args) == 0 || common.Args[0] != v || slices.Contains(common.Args[1:], v) {
				u.Ok = false
				continue
			}
			u.Calls = append(u.Calls, ref.(ssa.CallInstruction))
		case *ssa.MakeClosure:
			// A closure capturing the value: fine if it is the goroutine.
			var g *ssa.Go
			for _, r := range *ref.Referrers() {
				if gg, ok := r.(*ssa.Go); ok && gg.Call.Value == ref {
					g = gg
				}
			}
			if g == nil || len(*ref.Referrers()) != 1 {
				u.Ok = false
				continue
			}
			u.starts = append(u.starts, g)
		case *ssa.Return:
			if !returned {
				u.Ok = false
			}
		case *ssa.BinOp, *ssa.DebugRef:
		default:
			u.Ok = false // stored, handed on, converted
		}
	}
}

// receiverStaysHome reports whether no method of the type recv (of the
// package) lets its receiver go anywhere but its own fields, calls of the
// type's methods and the closures it runs: then whoever holds the value is
// the only one who can stop it.
func (s *State) receiverStaysHome(recv types.Type) bool {
	for _, fn := range s.Funcs {
		sig := fn.Signature.Recv()
		if sig == nil || len(fn.Params) == 0 || !types.Identical(sig.Type(), recv) {
			continue
		}
		if !staysHome(fn.Params[0], recv, false) {
			return false
		}
	}
	return true
}

// staysHome checks the uses of v: the receiver, or (isAddr) the address
// of a variable holding it (a receiver captured by a closure).
func staysHome(v ssa.Value, recv types.Type, isAddr bool) bool {
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.FieldAddr, *ssa.Field, *ssa.BinOp, *ssa.DebugRef:
		case *ssa.UnOp:
			// A load of the variable is the receiver again; a load
			// through the receiver copies the value out.
			if ref.Op != token.MUL || !isAddr || !staysHome(ref, recv, false) {
				return false
			}
		case *ssa.Store:
			switch {
			case isAddr && ref.Addr == v: // the variable assigned
			case !isAddr && ref.Val == v:
				alloc, ok := ref.Addr.(*ssa.Alloc)
				if !ok || !staysHome(alloc, recv, true) {
					return false
				}
			default:
				return false
			}
		case ssa.CallInstruction:
			common := ref.Common()
			callee := common.StaticCallee()
			if isAddr || callee == nil || callee.Signature.Recv() == nil || !types.Identical(callee.Signature.Recv().Type(), recv) ||
				len(common.Args) == 0 || common.Args[0] != v || slices.Contains(common.Args[1:], v) {
				return false
			}
		case *ssa.MakeClosure:
			fn := ref.Fn.(*ssa.Function)
			for i, b := range ref.Bindings {
				if b == v && !staysHome(fn.FreeVars[i], recv, isAddr) {
					return false
				}
			}
		default:
			return false // stored elsewhere, passed, returned, converted
		}
	}
	return true
}
