package ctxcancel

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// boundedLoop reports whether the innermost loop enclosing pos runs a
// number of times fixed before it starts: a range over an array, over a
// slice, map or string the function builds itself, or over a constant
// integer, or a counted loop `for i := ...; i < N; ...` with a constant N. A defer in such a loop keeps a bounded number
// of contexts until the function returns (a test's table of cases); a
// defer in a loop that runs until something happens (`for {}`, `for
// cond`, `for range ch`, `i < b.N`) can pile them up without end, and is
// what ctxcancel reports.
func (s *checker) boundedLoop(pos token.Pos) bool {
	for _, n := range s.Enclosing(pos) {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.RangeStmt:
			return s.boundedRange(n)
		case *ast.ForStmt:
			return s.constantBound(n)
		}
	}
	return false
}

// boundedRange reports whether a range statement ranges over a collection
// or a constant count.
func (s *checker) boundedRange(n *ast.RangeStmt) bool {
	tv, ok := s.Pass.TypesInfo.Types[n.X]
	if !ok {
		return false
	}
	if tv.Value != nil {
		return true // range 10
	}
	switch t := tv.Type.Underlying().(type) {
	case *types.Slice, *types.Map:
		return s.localCollection(n.X)
	case *types.Array:
		return true
	case *types.Basic:
		return t.Info()&types.IsString != 0 && s.localCollection(n.X)
	case *types.Pointer:
		_, isArray := t.Elem().Underlying().(*types.Array)
		return isArray
	}
	return false
}

// localCollection reports whether e is a collection whose size its author
// sees: a composite literal, a local variable other than a parameter, or a
// package-level variable declared with a composite literal (a test's table
// of cases); a parameter, a field, another global or a call's result may
// hold any number of elements.
func (s *checker) localCollection(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		return true
	case *ast.Ident:
		v, ok := s.Pass.TypesInfo.Uses[e].(*types.Var)
		if !ok || v.Parent() == nil {
			return false
		}
		if v.Parent() == s.Pass.Pkg.Scope() {
			return s.literalGlobal(v)
		}
		return !s.isParam(v)
	}
	return false
}

// literalGlobal reports whether v, a package-level variable, is declared
// with a composite literal: a table of cases written out in the source.
func (s *checker) literalGlobal(v *types.Var) bool {
	for _, n := range s.Enclosing(v.Pos()) {
		spec, ok := n.(*ast.ValueSpec)
		if !ok {
			continue
		}
		for i, name := range spec.Names {
			if name.Pos() == v.Pos() && i < len(spec.Values) {
				_, lit := ast.Unparen(spec.Values[i]).(*ast.CompositeLit)
				return lit
			}
		}
		return false
	}
	return false
}

// isParam reports whether v is a parameter or result of a function.
func (s *checker) isParam(v *types.Var) bool {
	for _, n := range s.Enclosing(v.Pos()) {
		switch n.(type) {
		case *ast.FieldList:
			return true
		case *ast.BlockStmt, *ast.FuncDecl:
			return false
		}
	}
	return false
}

// constantBound reports whether a for statement is a counted loop with a
// constant bound: `i < N`, `i <= N`, `i > N`, `i >= N` with N constant.
func (s *checker) constantBound(n *ast.ForStmt) bool {
	cond, ok := n.Cond.(*ast.BinaryExpr)
	if !ok || n.Post == nil {
		return false
	}
	switch cond.Op {
	case token.LSS, token.LEQ, token.GTR, token.GEQ:
	default:
		return false
	}
	return s.isConstant(cond.Y) || s.isConstant(cond.X)
}

func (s *checker) isConstant(e ast.Expr) bool {
	tv, ok := s.Pass.TypesInfo.Types[e]
	return ok && tv.Value != nil
}

// oneShotCase reports whether in runs only in a select case on the channel
// of a time.Timer made before it, with no path from in back to the
// timer's making, and never reset: the timer fires once, so however often
// the loop around the select turns, that case runs at most once (net's
// dialParallel starts its fallback racer so).
func oneShotCase(in ssa.Instruction) bool {
	for _, b := range in.Parent().Blocks {
		for _, x := range b.Instrs {
			sel, ok := x.(*ssa.Select)
			if !ok {
				continue
			}
			for i, st := range sel.States {
				timer := timerOf(st.Chan)
				if st.Dir != types.RecvOnly || timer == nil || lifecycle.Reaches(in, timer) || isReset(timer) {
					continue
				}
				if c := protocol.SelectCaseIf(sel, i); c != nil && c.Block().Succs[0].Dominates(in.Block()) {
					return true
				}
			}
		}
	}
	return false
}

// timerOf returns the call of time.NewTimer whose channel C ch is, or nil.
func timerOf(ch ssa.Value) *ssa.Call {
	fa := obligation.FieldLoad(ch)
	if fa == nil || obligation.FieldOf(fa) == nil || obligation.FieldOf(fa).Name() != "C" {
		return nil
	}
	call, ok := fa.X.(*ssa.Call)
	if !ok {
		return nil
	}
	if obj := lifecycle.CalledFunc(call); obj == nil || !lifecycle.NamedIn(obj, "time", "", "NewTimer") {
		return nil
	}
	return call
}

// isReset reports whether the timer may fire again: its Reset method is
// called other than after a Stop that found it running (`if t.Stop() {
// t.Reset(0) }`: it had not fired yet), or the timer goes anywhere else
// than its own channel, Stop and Reset.
func isReset(timer *ssa.Call) bool {
	for _, ref := range *timer.Referrers() {
		switch ref := ref.(type) {
		case *ssa.FieldAddr, *ssa.DebugRef:
		case ssa.CallInstruction:
			switch callee := ref.Common().StaticCallee(); {
			case callee == nil:
				return true
			case callee.Name() == "Reset" && afterStopped(ref, timer):
			case callee.Name() != "Stop":
				return true
			}
		default:
			return true
		}
	}
	return false
}

// afterStopped reports whether in runs only on the true branch of `if
// timer.Stop()`.
func afterStopped(in ssa.Instruction, timer *ssa.Call) bool {
	for _, d := range in.Parent().Blocks {
		if len(d.Instrs) == 0 || !d.Dominates(in.Block()) {
			continue
		}
		ifi, ok := d.Instrs[len(d.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		stop, ok := ifi.Cond.(*ssa.Call)
		if ok && len(stop.Call.Args) == 1 && stop.Call.Args[0] == timer && stop.Call.StaticCallee() != nil &&
			stop.Call.StaticCallee().Name() == "Stop" && d.Succs[0].Dominates(in.Block()) {
			return true
		}
	}
	return false
}

// keepsNothingPending reports whether the context call makes keeps nothing
// alive while its cancel is pending but its own memory: a WithCancel or
// WithCancelCause of a parent that is never canceled (Background, TODO,
// WithoutCancel, a WithValue of one), which holds no timer and registers
// with no parent, and whose context goes nowhere a goroutine could wait on
// it (see usedInPlace). Deferring its cancel in a loop piles up nothing a
// user would notice (golifecheck issue 25, item 9); a context handed to a
// function that starts a goroutine waiting on it piles up goroutines.
func keepsNothingPending(call *ssa.Call) bool {
	obj := lifecycle.CalledFunc(call)
	return obj != nil && lifecycle.NamedIn(obj, "context", "", "WithCancel", "WithCancelCause") &&
		neverCanceled(call.Call.Args[0]) && usedInPlace(call)
}

// usedInPlace reports whether the context that call returns (its result
// 0) is used only by calls of its own methods in the function (Err, Value,
// Deadline, Done), or not at all: never passed, stored, captured or
// returned.
func usedInPlace(call *ssa.Call) bool {
	for _, r := range *call.Referrers() {
		ex, ok := r.(*ssa.Extract)
		if !ok || ex.Index != 0 {
			continue
		}
		for _, u := range *ex.Referrers() {
			switch u := u.(type) {
			case *ssa.DebugRef:
			case *ssa.Call:
				if !u.Call.IsInvoke() || u.Call.Value != ex || slices.Contains(u.Call.Args, ssa.Value(ex)) {
					return false
				}
			default:
				return false
			}
		}
	}
	return true
}

// neverCanceled reports whether the context v is one no cancel reaches:
// context.Background(), context.TODO(), context.WithoutCancel(...), or a
// context.WithValue of one.
func neverCanceled(v ssa.Value) bool {
	obj := lifecycle.CalledFunc(v)
	switch {
	case obj == nil:
		return false
	case lifecycle.NamedIn(obj, "context", "", "Background", "TODO", "WithoutCancel"):
		return true
	case lifecycle.NamedIn(obj, "context", "", "WithValue"):
		return neverCanceled(v.(*ssa.Call).Call.Args[0])
	}
	return false
}
