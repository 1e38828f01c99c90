package gostop

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkPerCall reports the goroutine started at pos, by start in a method
// of an owner (a server, a client) that runs once per call (see perCall),
// to run fn with args or target's bindings, if it is handed something of
// the call and its only ways out are signals of the owner: a channel field
// (s.quit) or the Done of a context field (s.ctx.Done()). The owner
// outlives the call, so one goroutine per call piles up until it stops.
// It reports whether it did.
func (s *checker) checkPerCall(start ssa.Instruction, pos token.Pos, target ssa.Value, fn *ssa.Function, args []ssa.Value) bool {
	caller := start.Parent()
	owner := ownerIn(caller)
	if owner == nil || fn.Blocks == nil || fn.Pkg != s.Pkg {
		return false
	}
	inG, perCallData := ownerInCallee(owner, fn, target, args)
	if len(inG) == 0 || !perCallData {
		return false
	}
	isOwned := func(ch ssa.Value) bool { return ownerSignal(ch, inG) && s.stopSignal(ch) }
	if !s.waitsOnlyFor(fn, isOwned) {
		return false
	}
	why, ok := s.perCall(start, caller)
	if !ok {
		return false
	}
	wait := firstOwnedWait(fn, isOwned)
	msg := fmt.Sprintf("goroutine piles up, one per call of %s: its only way out is %s of the longer-lived %s; also return when the call's work is done (%s)",
		s.FuncName(topFunc(caller)), describeSignal(wait.ch), types.TypeString(owner.Type(), types.RelativeTo(s.Pass.Pkg)), remedyFor(caller))
	d := analysis.Diagnostic{Pos: pos, Message: msg, Related: []analysis.RelatedInformation{
		lifecycle.Related(wait.pos, "the goroutine waits here for its owner to stop"),
		why,
	}}
	s.Report("gostop", d)
	return true
}

// waitsOnlyFor reports whether fn can return, but not once the signals
// that only says of never fire: they are its only ways out. A function
// with no way out at all is the other rules' finding.
func (s *checker) waitsOnlyFor(fn *ssa.Function, only func(ssa.Value) bool) bool {
	if desc, _ := s.Sums.RunsForever(fn, func(ssa.Value) bool { return false }); desc != "" {
		return false
	}
	desc, _ := s.Sums.RunsForever(fn, only)
	return desc != ""
}

// ownerIn returns the receiver of the method fn is, or is a closure in,
// as a value of fn (a parameter, or the free variable that captures it);
// nil if fn is not in a method.
func ownerIn(fn *ssa.Function) ssa.Value {
	top := topFunc(fn)
	if top.Signature.Recv() == nil || len(top.Params) == 0 {
		return nil
	}
	return liftInto(fn, top.Params[0])
}

// liftInto returns x, a value of the declared function fn is (or is a
// closure in), as a value of fn: x itself, or the free variable of each
// closure down to fn that captures it; nil if one does not.
func liftInto(fn *ssa.Function, x ssa.Value) ssa.Value {
	if fn.Parent() == nil {
		return x
	}
	outer := liftInto(fn.Parent(), x)
	if outer == nil {
		return nil
	}
	for _, b := range fn.Parent().Blocks {
		for _, in := range b.Instrs {
			if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == fn {
				for i, v := range mc.Bindings {
					if holdsOnly(v, outer) {
						return fn.FreeVars[i]
					}
				}
			}
		}
	}
	return nil
}

// holdsOnly reports whether v is x, or a variable only ever assigned x.
func holdsOnly(v, x ssa.Value) bool {
	vals := lifecycle.StoredValues(v)
	return len(vals) == 1 && vals[0] == x
}

// ownerInCallee returns the values of fn, the goroutine's function, that
// are owner (its receiver, or a captured receiver), and whether it is also
// handed anything else: a value of the call.
func ownerInCallee(owner ssa.Value, fn *ssa.Function, target ssa.Value, args []ssa.Value) ([]ssa.Value, bool) {
	var in []ssa.Value
	other := false
	for i, a := range args {
		if holdsOnly(a, owner) && i < len(fn.Params) {
			in = append(in, fn.Params[i])
		} else if _, isConst := a.(*ssa.Const); !isConst {
			other = true
		}
	}
	if mc, ok := target.(*ssa.MakeClosure); ok {
		for i, b := range mc.Bindings {
			if holdsOnly(b, owner) {
				in = append(in, fn.FreeVars[i])
			} else {
				other = true
			}
		}
	}
	return in, other
}

// ownerSignal reports whether ch is a signal the owner keeps: a channel
// field of one of owner (s.quit, also through a captured variable), or
// the Done of a context field (s.ctx.Done()).
func ownerSignal(ch ssa.Value, owner []ssa.Value) bool {
	ch = lifecycle.Unconverted(ch)
	if call, ok := ch.(*ssa.Call); ok && call.Call.IsInvoke() && call.Call.Method.Name() == "Done" {
		ch = call.Call.Value
	}
	fa := obligation.FieldLoad(ch)
	if fa == nil {
		return false
	}
	x := fa.X
	if l, ok := x.(*ssa.UnOp); ok && l.Op == token.MUL {
		if _, captured := l.X.(*ssa.FreeVar); captured {
			x = l.X // a receiver captured as a variable
		}
	}
	for _, o := range owner {
		if x == o {
			return true
		}
	}
	return false
}

// stopSignal reports whether ch, an owner's signal, fires when the owner
// stops: a context's Done, or a channel field that a method ending the
// owner's life (Close, Stop, Shutdown, Cancel... by obligation.EndsLife)
// closes or sends on. A channel closed when the owner starts (a Run that
// opens a gate every call waits at) is no stop signal: the goroutines
// waiting there go on once it fires.
func (s *checker) stopSignal(ch ssa.Value) bool {
	ch = lifecycle.Unconverted(ch)
	if _, isCall := ch.(*ssa.Call); isCall {
		return true // ctx.Done()
	}
	fa := obligation.FieldLoad(ch)
	if fa == nil {
		return false
	}
	for _, in := range s.fieldSignals(obligation.FieldOf(fa)) {
		switch in.(type) {
		case *ssa.Call, *ssa.Send: // a close or a send (a deferred close is not counted)
			if obligation.EndsLife(topFunc(in.Parent()).Name()) {
				return true
			}
		}
	}
	return false
}

// ownedWait is where a goroutine waits for its owner's signal.
type ownedWait struct {
	pos token.Pos
	ch  ssa.Value
}

// firstOwnedWait returns the first receive of fn, alone or in a select,
// from a signal owned says is its owner's.
func firstOwnedWait(fn *ssa.Function, owned func(ssa.Value) bool) ownedWait {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.UnOp:
				if in.Op == token.ARROW && owned(in.X) {
					return ownedWait{in.Pos(), in.X}
				}
			case *ssa.Select:
				for _, st := range in.States {
					if st.Dir == types.RecvOnly && owned(st.Chan) {
						return ownedWait{in.Pos(), st.Chan}
					}
				}
			}
		}
	}
	return ownedWait{}
}

// describeSignal names an owner's signal: "field quit", "ctx.Done() of
// field ctx".
func describeSignal(ch ssa.Value) string {
	ch = lifecycle.Unconverted(ch)
	done := false
	if call, ok := ch.(*ssa.Call); ok {
		ch, done = call.Call.Value, true
	}
	name := "a field"
	if fa := obligation.FieldLoad(ch); fa != nil {
		name = "field " + obligation.FieldOf(fa).Name()
	}
	if done {
		return "Done() of " + name
	}
	return name
}

// remedyFor names what a goroutine started in fn should also wait for:
// fn's context, if it has one.
func remedyFor(fn *ssa.Function) string {
	for _, p := range fn.Params {
		if lifecycle.IsContext(p.Type()) {
			return "select on " + p.Name() + ".Done() too"
		}
	}
	return "select on a channel closed when it ends too, or use context.AfterFunc"
}

// topFunc returns the declared function fn is, or is a closure in.
func topFunc(fn *ssa.Function) *ssa.Function {
	for fn.Parent() != nil {
		fn = fn.Parent()
	}
	return fn
}

// perCall returns why start, in caller, runs once per call of an
// operation rather than once per owner: the go statement is in a loop
// that serves (a for with no condition, a range over a channel), or the
// method it is in is called or started in a loop, or handed on as a method
// value (a handler), or takes a request or a connection.
func (s *checker) perCall(start ssa.Instruction, caller *ssa.Function) (analysis.RelatedInformation, bool) {
	if s.oncePerProcess(start.Block()) {
		return analysis.RelatedInformation{}, false
	}
	if loop := s.servingLoop(start.Pos()); loop.IsValid() {
		return lifecycle.Related(loop, "the goroutine starts once per iteration of this loop"), true
	}
	top := topFunc(caller)
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				if call, ok := in.(ssa.CallInstruction); ok && call.Common().StaticCallee() == top && protocol.InLoop(b, nil) {
					return lifecycle.Related(call.Pos(), s.FuncName(top)+" is called once per iteration of a loop here"), true
				}
			}
		}
	}
	if at := s.methodValue(top); at.IsValid() {
		return lifecycle.Related(at, s.FuncName(top)+" is handed on here as a function value (a handler, a callback): it runs once per call"), true
	}
	if takesRequest(caller) {
		return lifecycle.Related(top.Pos(), s.FuncName(top)+" runs once per request it handles"), true
	}
	return analysis.RelatedInformation{}, false
}

// methodValue returns where a method value of m (s.handle) is made and
// handed on, not started with a go statement; NoPos if none is.
func (s *checker) methodValue(m *ssa.Function) token.Pos {
	if m.Signature.Recv() == nil || m.Object() == nil {
		return token.NoPos
	}
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				mc, ok := in.(*ssa.MakeClosure)
				if !ok || mc.Fn.(*ssa.Function).Object() != m.Object() {
					continue
				}
				for _, ref := range *mc.Referrers() {
					if g, ok := ref.(*ssa.Go); !ok || g.Call.Value != mc {
						return mc.Pos()
					}
				}
			}
		}
	}
	return token.NoPos
}

// servingLoop returns the innermost loop of the function around pos if it
// runs until something stops it (a for with no condition) or once per
// value received (a range over a channel); NoPos otherwise.
func (s *checker) servingLoop(pos token.Pos) token.Pos {
	for _, n := range s.Enclosing(pos) {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return token.NoPos
		case *ast.ForStmt:
			if n.Cond == nil {
				return n.Pos()
			}
			return token.NoPos
		case *ast.RangeStmt:
			if _, ok := s.Pass.TypesInfo.TypeOf(n.X).Underlying().(*types.Chan); ok {
				return n.Pos()
			}
			return token.NoPos
		}
	}
	return token.NoPos
}

// takesRequest reports whether fn has a parameter that is a request or a
// connection: *net/http.Request, net.Conn.
func takesRequest(fn *ssa.Function) bool {
	for _, p := range fn.Params {
		t := p.Type()
		if ptr, ok := t.(*types.Pointer); ok && lifecycle.IsNamed(ptr.Elem(), "net/http", "Request") || lifecycle.IsNamed(t, "net", "Conn") {
			return true
		}
	}
	return false
}
