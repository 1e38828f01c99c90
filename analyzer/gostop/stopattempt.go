package gostop

import (
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// stopNames are the methods whose call on a goroutine's receiver tries
// to stop it.
var stopNames = []string{"Close", "Stop", "Shutdown", "Cancel"}

// maxAliases bounds the values followed as one (see firstUse).
const maxAliases = 64

// stopAttempt returns where the program tries to stop the goroutine that
// runs fn, the function of target, with args: the cancel of a context it is
// given (or a closure captures) is called, a channel it is given is
// closed, or a Close, Stop, Shutdown or Cancel method of its receiver's
// type is called (a call deferred in main.main, which runs as the process
// exits, does not count; see atExit). A goroutine started once per process
// is exempt from gostop only while the program does not try to stop it
// (../shared/guide/checks.md): then it must stop like any other.
func (s *checker) stopAttempt(fn *ssa.Function, target ssa.Value, args []ssa.Value) (analysis.RelatedInformation, bool) {
	given := slices.Clone(args)
	var recv ssa.Value
	if fn.Signature.Recv() != nil && len(args) > 0 {
		recv = args[0]
	}
	if mc, ok := target.(*ssa.MakeClosure); ok {
		given = append(given, mc.Bindings...)
		if strings.HasSuffix(mc.Fn.Name(), "$bound") {
			recv = mc.Bindings[0] // go t.loop, a method value
		}
	}
	for _, v := range given {
		for _, held := range heldValues(v) {
			if at, ok := s.cancelCalled(held); ok {
				return lifecycle.Related(at, "its context is cancelled here, but the goroutine does not stop"), true
			}
			if at, ok := s.closedAt(held); ok {
				return lifecycle.Related(at, "the channel it is given is closed here, but the goroutine does not stop"), true
			}
		}
	}
	if recv != nil {
		if at, name, ok := s.releaseCalled(recv.Type()); ok {
			return lifecycle.Related(at, name+" is called here, but the goroutine does not stop"), true
		}
	}
	return analysis.RelatedInformation{}, false
}

// heldValues returns the values v may be: what a variable (captured by a
// closure, so kept in an Alloc) holds when v is it or a load of it.
func heldValues(v ssa.Value) []ssa.Value {
	v = lifecycle.Unconverted(v)
	if load, ok := v.(*ssa.UnOp); ok && load.Op == token.MUL {
		if alloc, ok := load.X.(*ssa.Alloc); ok {
			v = alloc
		}
	}
	return lifecycle.StoredValues(v)
}

// cancelCalled returns where the cancel of ctx is called, if ctx is the
// context result of a call whose cancel the caller gets
// (context.WithCancel, a wrapper by its fact).
func (s *checker) cancelCalled(ctx ssa.Value) (token.Pos, bool) {
	ex, ok := ctx.(*ssa.Extract)
	if !ok || !lifecycle.IsContext(ex.Type()) {
		return token.NoPos, false
	}
	call, ok := ex.Tuple.(*ssa.Call)
	if !ok {
		return token.NoPos, false
	}
	cancels := s.Sums.CancelResults(call.Common())
	for _, ref := range *call.Referrers() {
		if cancel, ok := ref.(*ssa.Extract); ok && slices.Contains(cancels, cancel.Index) {
			if at := firstUse(cancel, calls); at.IsValid() {
				return at, true
			}
		}
	}
	return token.NoPos, false
}

// closedAt returns where the channel ch, made in the package, is closed;
// or, for a field's channel, where that field's channel is.
func (s *checker) closedAt(ch ssa.Value) (token.Pos, bool) {
	ch = lifecycle.Unconverted(ch)
	if fa := obligation.FieldLoad(ch); fa != nil {
		return s.fieldClosedAt(obligation.FieldOf(fa))
	}
	if _, ok := ch.(*ssa.MakeChan); !ok {
		return token.NoPos, false
	}
	at := firstUse(ch, closes)
	return at, at.IsValid()
}

// fieldClosedAt returns where a channel loaded from field f is closed.
func (s *checker) fieldClosedAt(f *types.Var) (token.Pos, bool) {
	for _, in := range s.fieldSignals(f) {
		if call, ok := in.(ssa.CallInstruction); ok && !atExit(call) {
			return call.Pos(), true
		}
	}
	return token.NoPos, false
}

// fieldSignals returns the closes of, and sends on, a channel loaded from
// field f (seen through conversions), found through the package's index
// of f's addresses (lifecycle.State.FieldAddrs) rather than a walk of
// every instruction.
func (s *checker) fieldSignals(f *types.Var) []ssa.Instruction {
	if f == nil {
		return nil
	}
	var out []ssa.Instruction
	var uses func(ch ssa.Value)
	uses = func(ch ssa.Value) {
		for _, ref := range *ch.Referrers() {
			switch ref := ref.(type) {
			case *ssa.ChangeType:
				uses(ref)
			case *ssa.Send:
				if ref.Chan == ch {
					out = append(out, ref)
				}
			case ssa.CallInstruction:
				if isClose(ref) && ref.Common().Args[0] == ch {
					out = append(out, ref)
				}
			}
		}
	}
	for _, fa := range s.FieldAddrs(f) {
		for _, ref := range *fa.Referrers() {
			if load, ok := ref.(*ssa.UnOp); ok && load.Op == token.MUL {
				uses(load)
			}
		}
	}
	return out
}

// releaseCalled returns where the package calls a stop method (stopNames)
// of t's named type, and its name.
func (s *checker) releaseCalled(t types.Type) (token.Pos, string, bool) {
	named := recvNamed(t)
	if named == nil {
		return token.NoPos, "", false
	}
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				call, ok := in.(ssa.CallInstruction)
				if !ok || atExit(call) {
					continue
				}
				callee := call.Common().StaticCallee()
				if callee == nil || callee.Signature.Recv() == nil || !slices.Contains(stopNames, callee.Name()) {
					continue
				}
				if recvNamed(callee.Signature.Recv().Type()) == named {
					return call.Pos(), s.FuncName(callee), true
				}
			}
		}
	}
	return token.NoPos, "", false
}

// atExit reports whether call runs only as the process exits: deferred
// in main.main, it runs when main returns, which ends every goroutine
// anyway (lostcancel exempts main.main for the same reason). It is no
// attempt to stop a goroutine during the process's life.
func atExit(call ssa.CallInstruction) bool {
	_, deferred := call.(*ssa.Defer)
	return deferred && lifecycle.IsMainMain(call.Parent())
}

// recvNamed returns the named type of a receiver type T or *T, or nil.
func recvNamed(t types.Type) *types.Named {
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, _ := types.Unalias(t).(*types.Named)
	return named
}

// calls reports whether call calls the function value itself.
func calls(call ssa.CallInstruction, vals []ssa.Value) bool {
	return slices.Contains(vals, call.Common().Value)
}

// closes reports whether call is close(v) for one of vals.
func closes(call ssa.CallInstruction, vals []ssa.Value) bool {
	return isClose(call) && slices.Contains(vals, lifecycle.Unconverted(call.Common().Args[0]))
}

// isClose reports whether call calls the builtin close.
func isClose(call ssa.CallInstruction) bool {
	b, ok := call.Common().Value.(*ssa.Builtin)
	return ok && b.Name() == "close" && len(call.Common().Args) == 1
}

// firstUse returns the position of a call instruction that uses v, or a
// variable or closure that holds it, as use says (calls it, closes it);
// NoPos if none does. It follows v into local variables (stores and their
// loads) and into closures (their bindings' free variables).
func firstUse(v ssa.Value, use func(ssa.CallInstruction, []ssa.Value) bool) token.Pos {
	vals := []ssa.Value{v}
	for i := 0; i < len(vals) && len(vals) < maxAliases; i++ {
		refs := vals[i].Referrers()
		if refs == nil {
			continue
		}
		for _, ref := range *refs {
			switch ref := ref.(type) {
			case ssa.CallInstruction:
				if use(ref, vals) && !atExit(ref) {
					return ref.Pos()
				}
			case *ssa.Store:
				if alloc, ok := ref.Addr.(*ssa.Alloc); ok && ref.Val == vals[i] {
					vals = append(vals, alloc)
				}
			case *ssa.UnOp:
				if ref.Op == token.MUL {
					vals = append(vals, ref)
				}
			case *ssa.ChangeType:
				vals = append(vals, ref)
			case *ssa.MakeClosure:
				for j, b := range ref.Bindings {
					if b == vals[i] {
						vals = append(vals, ref.Fn.(*ssa.Function).FreeVars[j])
					}
				}
			}
		}
	}
	return token.NoPos
}
