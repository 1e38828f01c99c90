package chanblock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/engine"
	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkEngine reports the operations the engine finds blocked forever
// that no rule reported on the same line.
func (s *checker) checkEngine() {
	e := engine.New(s.Pkg.Prog, s.Funcs, engine.DefaultLimits)
	e.Unevaluated = func(in ssa.Instruction) bool { return !s.Evaluated(in.Pos()) }
	for _, fn := range s.Funcs {
		if !isRoot(fn) {
			continue
		}
		for _, f := range e.Explore(fn) {
			s.reportFinding(f)
		}
	}
}

// isRoot reports whether the engine searches fn: it starts a goroutine or
// makes a channel, itself or in a function of the package it calls.
func isRoot(fn *ssa.Function) bool {
	return startsOrMakes(fn, 2)
}

func startsOrMakes(fn *ssa.Function, depth int) bool {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Go, *ssa.MakeChan:
				return true
			case *ssa.Call:
				if callee := in.Call.StaticCallee(); depth > 0 && callee != nil && callee.Pkg == fn.Pkg && startsOrMakes(callee, depth-1) {
					return true
				}
			}
		}
	}
	return false
}

// reportFinding reports an engine finding unless a rule reported its line
// or it blocks on purpose (main.main, <-make(chan T)).
func (s *checker) reportFinding(f engine.Finding) {
	pos := f.Op.Pos()
	if call, ok := f.Op.(*ssa.Call); ok {
		pos = s.CallStart(call)
	}
	if s.reported[s.line(pos)] || f.Start == nil && s.blocksOnPurpose(f.Op) || !pos.IsValid() {
		return
	}
	if f.Start != nil && s.blocked.Starts[f.Start] || slices.ContainsFunc(f.Funcs, func(fn *ssa.Function) bool { return s.blocked.Funcs[fn] }) {
		return // this goroutine is reported already, by a rule or at another operation
	}
	if f.NilChan {
		return // the nil-channel rules and gostop name the cause
	}
	for _, ev := range f.Witness[:f.Calls] {
		if s.reported[s.line(ev.Pos)] {
			return // reported at its start or at a call on its stack
		}
	}
	d := analysis.Diagnostic{Pos: pos, Message: s.findingMessage(f, pos)}
	for _, ev := range f.Witness {
		if ev.Pos.IsValid() {
			d.Related = append(d.Related, lifecycle.Related(ev.Pos, ev.What))
		}
	}
	if f.Start != nil {
		s.blocked.Starts[f.Start] = true
	} else {
		s.blocked.Funcs[f.Op.Parent()] = true
	}
	s.report(d)
}

// findingMessage says what blocks, on what, and the remedy.
func (s *checker) findingMessage(f engine.Finding, pos token.Pos) string {
	x := s.operandName(f, pos)
	switch f.What {
	case "send":
		return fmt.Sprintf("send on %s blocks forever: no goroutine is left to receive it; give %s a buffer for every send, or select on a done channel around the send", x, x)
	case "receive":
		return fmt.Sprintf("receive from %s blocks forever: no goroutine is left to send on %s or close it; send or close on every path", x, x)
	case "range":
		return fmt.Sprintf("range over %s never ends: %s is not closed once the last send is done; close %s after the last send", x, x, x)
	case "select":
		return "select blocks forever: none of its channels is ever ready; add a case on a done channel"
	case "lock", "rlock":
		return fmt.Sprintf("%s.Lock blocks forever: the lock is held by a goroutine that never releases it; take locks in one order and unlock on every path", x)
	case "wait":
		return fmt.Sprintf("%s.Wait blocks forever: a goroutine it waits for never calls Done; call Done in a defer", x)
	case "condwait":
		return fmt.Sprintf("%s.Wait blocks forever: nothing signals it after it waits; wait in a loop on the condition and signal after changing it", x)
	}
	return "operation blocks forever"
}

// operandName names the channel or the lock as the source writes it.
func (s *checker) operandName(f engine.Finding, pos token.Pos) string {
	for _, n := range s.Enclosing(pos) {
		var e ast.Expr
		switch n := n.(type) {
		case *ast.SendStmt:
			e = n.Chan
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				e = n.X
			}
		case *ast.RangeStmt:
			e = n.X
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
				e = sel.X
			}
		}
		if e != nil {
			return types.ExprString(e)
		}
	}
	return "the channel"
}

// line names pos's line, the unit a rule's report and the engine's share.
func (s *checker) line(pos token.Pos) string {
	p := s.Pass.Fset.Position(pos)
	return fmt.Sprintf("%s:%d", p.Filename, p.Line)
}

// report reports d for chanblock and remembers its line.
func (s *checker) report(d analysis.Diagnostic) {
	s.reported[s.line(d.Pos)] = true
	s.Report("chanblock", d)
}
