package lifecycle

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/ssa"
)

// paramVar returns parameter i of fn in SSA numbering (a method's
// receiver is 0), from its signature, so that it works for functions of
// other packages, which have no SSA parameters; nil if out of range.
func ParamVar(fn *ssa.Function, i int) *types.Var {
	sig := fn.Signature
	if recv := sig.Recv(); recv != nil {
		if i == 0 {
			return recv
		}
		i--
	}
	if i < 0 || i >= sig.Params().Len() {
		return nil
	}
	return sig.Params().At(i)
}

// calledFunc returns the declared function that v, a call's result (or a
// result of it), is the result of, or nil.
func CalledFunc(v ssa.Value) *types.Func {
	if ex, ok := v.(*ssa.Extract); ok {
		v = ex.Tuple
	}
	call, ok := v.(*ssa.Call)
	if !ok {
		return nil
	}
	callee := call.Call.StaticCallee()
	if callee == nil {
		return nil
	}
	obj, _ := callee.Object().(*types.Func)
	return obj
}

// funcOf returns the function a function value denotes, if it is static.
func FuncOf(v ssa.Value) *ssa.Function {
	switch v := v.(type) {
	case *ssa.Function:
		return v
	case *ssa.MakeClosure:
		return v.Fn.(*ssa.Function)
	}
	return nil
}

// callStart returns the start of the call expression of call.
func (s *State) CallStart(call *ssa.Call) token.Pos {
	if path := s.Enclosing(call.Pos()); len(path) > 0 {
		if ce, ok := path[0].(*ast.CallExpr); ok {
			return ce.Pos()
		}
	}
	return call.Pos()
}

// neverClosedBranch returns, for the `if ok` that ends a range over a
// channel nobody closes (a time.Ticker's C, time.Tick's result), the branch
// into the loop body: the other one is never taken.
func (s *State) neverClosedBranch(in *ssa.If) *ssa.BasicBlock {
	ex, ok := in.Cond.(*ssa.Extract)
	if !ok || ex.Index != 1 {
		return nil
	}
	recv, ok := ex.Tuple.(*ssa.UnOp)
	if !ok || recv.Op != token.ARROW || !s.neverClosed(recv.X) {
		return nil
	}
	return in.Block().Succs[0]
}

// neverClosed reports whether the channel ch is one the knowledge table
// says nobody closes: a field like time.Ticker.C or a function's result
// like time.Tick's.
func (s *State) neverClosed(ch ssa.Value) bool {
	switch ch := ch.(type) {
	case *ssa.UnOp: // a load of a field
		if fa, ok := ch.X.(*ssa.FieldAddr); ok && ch.Op == token.MUL {
			if f := obligation.FieldOf(fa); f != nil {
				return s.Know.neverClosed[fieldKey(fa, f)]
			}
		}
	case *ssa.Call:
		if callee := ch.Call.StaticCallee(); callee != nil {
			if obj, ok := callee.Object().(*types.Func); ok {
				return s.Know.neverClosed[s.Know.Name(obj)]
			}
		}
	case *ssa.ChangeType:
		return s.neverClosed(ch.X)
	}
	return false
}

// fieldKey names a field for the knowledge table: "time.Ticker.C".
func fieldKey(fa *ssa.FieldAddr, f *types.Var) string {
	if ptr, ok := fa.X.Type().Underlying().(*types.Pointer); ok {
		if named, ok := types.Unalias(ptr.Elem()).(*types.Named); ok && named.Obj().Pkg() != nil {
			return named.Obj().Pkg().Path() + "." + named.Obj().Name() + "." + f.Name()
		}
	}
	return ""
}

// OnceField reports whether fa addresses a field whose function, by the
// knowledge table's once entries, runs at most once per process
// (cobra.Command's RunE: a command line runs one command).
func (s *State) OnceField(fa *ssa.FieldAddr) bool {
	f := obligation.FieldOf(fa)
	return f != nil && s.Know.Once[fieldKey(fa, f)]
}

// NeverSignalled reports whether ch is read from an unexported struct
// field of a chan type that nothing in the package closes or sends on, and
// whose value does not leave the package's sight, or that nothing in the
// package ever assigns (it is nil in every value: a close of it panics), or
// is the stop signal of a value kept in such a field that nothing stops
// (see neverStopped): a receive from it never completes, so a stop channel
// kept there stops nothing.
func (s *State) NeverSignalled(ch ssa.Value) bool {
	if s.neverStopped(ch) {
		return true
	}
	f := s.chanFieldOf(ch)
	return f != nil && !s.signalled[f]
}

// UnassignedField returns the unexported chan field ch is read from if no
// code of the package assigns it (a struct literal that omits it, new, no
// store, no escaping address): it is nil in every value. It returns nil
// otherwise, and for a package variant without its in-package tests (see
// HasAllTests), which may assign it. (NeverAssigned is its twin for local
// variables.)
func (s *State) UnassignedField(ch ssa.Value) *types.Var {
	if f := s.chanFieldOf(ch); f != nil && s.unassigned[f] {
		return f
	}
	return nil
}

// chanFieldOf returns the unexported field of the package's structs that
// ch is loaded from, or nil, and computes what the package does with such
// fields (signalledFields) on first use.
func (s *State) chanFieldOf(ch ssa.Value) *types.Var {
	load, ok := Unconverted(ch).(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return nil
	}
	fa, ok := load.X.(*ssa.FieldAddr)
	if !ok {
		return nil
	}
	f := obligation.FieldOf(fa)
	if f == nil || f.Exported() || f.Pkg() != s.Pass.Pkg {
		return nil
	}
	if s.signalled == nil {
		s.signalled = s.signalledFields()
	}
	return f
}

// signalledFields returns the chan-typed fields of the package's structs
// that may be closed or sent on: the value read from (or stored into) them
// is closed, sent on, or used otherwise than by receives and comparisons.
// A field that nothing assigns holds nil, which no close or send signals:
// it is left out, and recorded in s.unassigned (when the package has all
// its tests).
func (s *State) signalledFields() map[*types.Var]bool {
	signalled := make(map[*types.Var]bool)
	assigned := make(map[*types.Var]bool)
	seen := make(map[*types.Var]bool)
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				fa, ok := in.(*ssa.FieldAddr)
				if !ok {
					continue
				}
				f := obligation.FieldOf(fa)
				if f == nil {
					continue
				}
				if _, isChan := f.Type().Underlying().(*types.Chan); !isChan {
					continue
				}
				seen[f] = true
				fieldSignals(fa, f, signalled, assigned)
			}
		}
	}
	s.unassigned = make(map[*types.Var]bool)
	if !s.HasAllTests() {
		return signalled
	}
	for f := range seen {
		if !assigned[f] {
			delete(signalled, f)
			s.unassigned[f] = true
		}
	}
	return signalled
}

// fieldSignals records what the uses of fa, the address of chan field f,
// do: signal it (a close, a send, a use the model cannot follow, a store
// of a channel made elsewhere) or assign it (any store, an escaping
// address).
func fieldSignals(fa *ssa.FieldAddr, f *types.Var, signalled, assigned map[*types.Var]bool) {
	for _, ref := range *fa.Referrers() {
		switch ref := ref.(type) {
		case *ssa.UnOp:
			if ref.Op != token.MUL || MayBeSignalled(ref) {
				signalled[f] = true
			}
		case *ssa.Store:
			assigned[f] = true // or the address escapes
			if ref.Addr != fa || !isMake(ref.Val) {
				signalled[f] = true // assigned a channel made elsewhere
			}
		case *ssa.DebugRef:
		default:
			signalled[f], assigned[f] = true, true // &x.f escapes
		}
	}
}

// unconverted returns v without the conversions of a channel's direction.
func Unconverted(v ssa.Value) ssa.Value {
	for {
		ct, ok := v.(*ssa.ChangeType)
		if !ok {
			return v
		}
		v = ct.X
	}
}

// mayBeSignalled reports whether the channel value ch may be closed or sent
// on: it is, or it goes where the analysis does not follow. Passing it to
// a function that can only receive from it (see receivesOnly) is neither.
func MayBeSignalled(ch ssa.Value) bool { return signals(ch, 0) }

// signals is mayBeSignalled, following ch at most a few calls deep.
func signals(ch ssa.Value, depth int) bool {
	for _, ref := range *ch.Referrers() {
		switch ref := ref.(type) {
		case *ssa.UnOp:
			if ref.Op != token.ARROW {
				return true
			}
		case *ssa.Select:
			for _, st := range ref.States {
				if st.Chan == ch && st.Dir != types.RecvOnly {
					return true
				}
			}
		case *ssa.BinOp, *ssa.DebugRef:
		case *ssa.ChangeType: // chan T to <-chan T
			if signals(ref, depth) {
				return true
			}
		case ssa.CallInstruction:
			if depth > 3 || !receivesOnly(ref.Common(), ch, depth) {
				return true
			}
		default:
			return true // close(ch), ch <- v, stored, returned...
		}
	}
	return false
}

// receivesOnly reports whether the call can only receive from ch, an
// argument: the static callee takes it as a receive-only channel (<-chan
// T), which the type system keeps from being closed or sent on, or, in
// this package, does nothing with the parameter that signals it.
func receivesOnly(call *ssa.CallCommon, ch ssa.Value, depth int) bool {
	callee := call.StaticCallee()
	if callee == nil || call.Value == ch {
		return false
	}
	for i, arg := range call.Args { // a static method's receiver is both's first
		if arg != ch {
			continue
		}
		v := ParamVar(callee, i)
		if v == nil {
			return false
		}
		if c, ok := v.Type().Underlying().(*types.Chan); ok && c.Dir() == types.RecvOnly {
			continue
		}
		if callee.Blocks == nil || i >= len(callee.Params) || signals(callee.Params[i], depth+1) {
			return false
		}
	}
	return true
}

// isMake reports whether v is a channel made only to be stored here.
func isMake(v ssa.Value) bool {
	mk, ok := v.(*ssa.MakeChan)
	if !ok {
		return false
	}
	stores := 0
	for _, ref := range *mk.Referrers() {
		switch ref.(type) {
		case *ssa.Store:
			stores++
		case *ssa.DebugRef:
		default:
			return false
		}
	}
	return stores == 1
}

// bindings returns the values that the function literals of fv's function
// were made with for fv.
func Bindings(fv *ssa.FreeVar) []ssa.Value {
	closure := fv.Parent()
	idx := slices.Index(closure.FreeVars, fv)
	parent := closure.Parent()
	if parent == nil {
		return nil
	}
	var vals []ssa.Value
	for _, b := range parent.Blocks {
		for _, in := range b.Instrs {
			if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == closure && idx < len(mc.Bindings) {
				vals = append(vals, mc.Bindings[idx])
			}
		}
	}
	return vals
}

// binding returns the value the only closure made of fv's function binds
// to fv, or nil.
func Binding(fv *ssa.FreeVar) ssa.Value {
	if vals := Bindings(fv); len(vals) == 1 {
		return vals[0]
	}
	return nil
}

// neverStopped reports whether ch is the channel a method like
// runtime.Stopper.Stopping returns (the knowledge table's closedby) for a
// value kept in an unexported field of the package, on which nothing in
// the package calls a method that closes it, and whose address does not
// leave the package's sight otherwise than as the receiver of its methods.
func (s *State) neverStopped(ch ssa.Value) bool {
	_, _, ok := s.NeverStoppedBy(ch)
	return ok
}

// NeverStoppedBy reports whether ch is never closed, as neverStopped says,
// and then returns the field that keeps the value and the methods of which
// one would close the channel (runtime.Stopper's Stop, StopAndWait).
func (s *State) NeverStoppedBy(ch ssa.Value) (*types.Var, []string, bool) {
	call, ok := Unconverted(ch).(*ssa.Call)
	if !ok || call.Call.IsInvoke() || len(call.Call.Args) == 0 {
		return nil, nil, false
	}
	obj := CalledFunc(call)
	if obj == nil {
		return nil, nil, false
	}
	stops, ok := s.Know.closedBy[s.Know.Name(obj)]
	if !ok {
		return nil, nil, false
	}
	fa := fieldAddrOf(call.Call.Args[0])
	if fa == nil {
		return nil, nil, false
	}
	f := obligation.FieldOf(fa)
	if f == nil || f.Exported() || f.Pkg() != s.Pass.Pkg {
		return nil, nil, false
	}
	if s.fieldStopped(f, stops) {
		return nil, nil, false
	}
	return f, stops, true
}

// fieldAddrOf returns the field address a method receiver comes from: the
// address itself (a value field) or the pointer loaded from it.
func fieldAddrOf(recv ssa.Value) *ssa.FieldAddr {
	if load, ok := recv.(*ssa.UnOp); ok && load.Op == token.MUL {
		recv = load.X
	}
	fa, _ := recv.(*ssa.FieldAddr)
	return fa
}

// fieldStopped reports whether something in the package may call one of
// the methods stops (full names) on the value kept in field f: a call of
// one, or any use of the field's address other than as the receiver of a
// static call.
func (s *State) fieldStopped(f *types.Var, stops []string) bool {
	for _, fa := range s.FieldAddrs(f) {
		if receiverUsesStop(fa, stops) {
			return true
		}
	}
	return false
}

// receiverUsesStop reports whether the value at fa (or the pointer loaded
// from it) is used otherwise than as the receiver of static calls of
// methods not among stops.
func receiverUsesStop(fa *ssa.FieldAddr, stops []string) bool {
	uses := *fa.Referrers()
	if _, isPtr := types.Unalias(fa.Type().(*types.Pointer).Elem()).Underlying().(*types.Pointer); isPtr {
		uses = nil
		for _, ref := range *fa.Referrers() {
			switch ref := ref.(type) {
			case *ssa.UnOp:
				uses = append(uses, *ref.Referrers()...)
			case *ssa.DebugRef:
			default:
				return true // stored into: a Stopper from elsewhere
			}
		}
	}
	for _, ref := range uses {
		switch ref := ref.(type) {
		case *ssa.DebugRef:
		case ssa.CallInstruction:
			callee := ref.Common().StaticCallee()
			if callee == nil || callee.Object() == nil || slices.Contains(stops, callee.Object().(*types.Func).FullName()) {
				return true
			}
		default:
			return true
		}
	}
	return false
}
