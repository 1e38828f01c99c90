package gostop

import (
	"fmt"
	"go/token"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkSharedContext reports the goroutine started at pos, by start in a
// function called once per iteration of a loop, to run fn with args or
// target's bindings, if it is handed something of the call and its only
// way out is the Done of a context parameter that every call is given the
// same (a server's context, made before its accept loop): that context
// outlives the call, so one goroutine per call piles up until it ends
// (katsubushi's per-connection closer waits on the listener's context).
// It reports whether it did.
func (s *checker) checkSharedContext(start ssa.Instruction, pos token.Pos, target ssa.Value, fn *ssa.Function, args []ssa.Value) bool {
	caller := start.Parent()
	top := topFunc(caller)
	if fn.Blocks == nil || fn.Pkg != s.Pkg || top.Object() == nil || top.Object().Exported() {
		return false // callers elsewhere may give each call its own context
	}
	// The tests on fn and its start come first; those that walk the
	// package (its calls, its uses of top as a value) last, for the few
	// goroutines that pass the others.
	for i, p := range top.Params {
		if !lifecycle.IsContext(p.Type()) {
			continue
		}
		v := liftInto(caller, p)
		if v == nil {
			continue
		}
		inG, perCallData := ownerInCallee(v, fn, target, args)
		if len(inG) == 0 || !perCallData {
			continue
		}
		shared := func(ch ssa.Value) bool { return doneOf(ch, inG) }
		if !s.waitsOnlyFor(fn, shared) {
			continue
		}
		loop, ok := s.sharedAtEveryCall(top, i)
		if !ok || !s.onlyCalled(top) {
			continue
		}
		wait := firstOwnedWait(fn, shared)
		msg := fmt.Sprintf("goroutine piles up, one per call of %s: its only way out is %s.Done(), and every call is given the same %s, which outlives the call; derive a context for the call (context.WithCancel(%s)) and cancel it when the call ends, or use context.AfterFunc",
			s.FuncName(top), p.Name(), p.Name(), p.Name())
		s.Report("gostop", analysis.Diagnostic{Pos: pos, Message: msg, Related: []analysis.RelatedInformation{
			lifecycle.Related(wait.pos, "the goroutine waits here for "+p.Name()+" to end"),
			lifecycle.Related(loop, s.FuncName(top)+" is called once per iteration of a loop here, with the same "+p.Name()),
		}})
		return true
	}
	return false
}

// sharedAtEveryCall returns a call of fn in a loop, if fn is called (or
// started) in the package and every call gives its parameter i a value
// that outlives the loop around the call (see outlivesLoops): the same
// context for every iteration.
func (s *checker) sharedAtEveryCall(fn *ssa.Function, i int) (token.Pos, bool) {
	var inLoop token.Pos
	for _, f := range s.Funcs {
		for _, b := range f.Blocks {
			for _, in := range b.Instrs {
				call, ok := in.(ssa.CallInstruction)
				if !ok || call.Common().StaticCallee() != fn {
					continue
				}
				if i >= len(call.Common().Args) || !outlivesLoops(call.Common().Args[i], 0) {
					return token.NoPos, false
				}
				if !inLoop.IsValid() && protocol.InLoop(b, nil) {
					inLoop = call.Pos()
				}
			}
		}
	}
	return inLoop, inLoop.IsValid()
}

// onlyCalled reports whether fn is only called or started by the
// package's code, not handed on as a function or method value (whose
// callers would be unknown).
func (s *checker) onlyCalled(fn *ssa.Function) bool {
	if s.methodValue(fn).IsValid() {
		return false
	}
	var ops []*ssa.Value
	for _, f := range s.Funcs {
		for _, b := range f.Blocks {
			for _, in := range b.Instrs {
				var callee ssa.Value
				if call, ok := in.(ssa.CallInstruction); ok {
					callee = call.Common().Value
				}
				for _, op := range in.Operands(ops[:0]) {
					if *op == fn && *op != callee {
						return false
					}
				}
			}
		}
	}
	return true
}

// outlivesLoops reports whether v is made outside every loop of its
// function: a parameter, a free variable, a global, a constant, a value
// made in a block no loop runs again, or a variable only such values are
// stored in.
func outlivesLoops(v ssa.Value, depth int) bool {
	switch v := v.(type) {
	case *ssa.Parameter, *ssa.FreeVar, *ssa.Global, *ssa.Const, *ssa.Function:
		return true
	case *ssa.UnOp:
		if alloc, ok := v.X.(*ssa.Alloc); ok && v.Op == token.MUL && depth < 4 {
			for _, stored := range lifecycle.StoredValues(alloc) {
				if !outlivesLoops(stored, depth+1) {
					return false
				}
			}
			return true
		}
	}
	in, ok := v.(ssa.Instruction)
	return ok && !protocol.InLoop(in.Block(), nil)
}

// doneOf reports whether ch is the Done of one of ctxs (or of a variable
// that holds it).
func doneOf(ch ssa.Value, ctxs []ssa.Value) bool {
	call, ok := lifecycle.Unconverted(ch).(*ssa.Call)
	if !ok || !call.Call.IsInvoke() || call.Call.Method.Name() != "Done" {
		return false
	}
	for _, c := range ctxs {
		if lifecycle.IsDoneOf(call, c) {
			return true
		}
	}
	return false
}
