package chanblock

import (
	"fmt"
	"go/constant"
	"go/token"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkLoopStarts reports the sends of goroutines started in a loop whose
// values the channel's owner does not all receive: it leaves through
// another case of the select it waits in before receiving (the last of N
// goroutines counting down, a timeout), or it leaves early a receive loop
// that counts to the same number as the loop that started them (a range
// over the same slice: the first error returns). It reports whether it
// found anything.
func (s *checker) checkLoopStarts(ch *chanInfo) bool {
	owner := ch.at.Parent()
	var start ssa.Instruction
	var sends, recvs []protocol.Op
	for _, op := range ch.ops {
		switch {
		case op.Kind == protocol.Send && op.Start != nil && !op.Optional && !op.Sync && (start == nil || op.Start == start):
			start = op.Start
			sends = append(sends, op)
		case op.Kind == protocol.Recv && op.Start == nil && !op.Sync && op.Callee == nil:
			recvs = append(recvs, op)
		default:
			return false
		}
	}
	if start == nil || len(recvs) == 0 || ch.buf < 0 || start.Block() == nil || start.Parent() != owner || !protocol.InLoop(start.Block(), ch.at.Block()) {
		return false
	}
	if ret, ok := s.leftBySelect(owner, start, recvs); ok && ch.buf == 0 {
		s.reportLoopStart(ch, start, sends, ret, "without receiving")
		return true
	}
	if s.sendsOnAPath(start, sends) != 1 {
		return false
	}
	_, count := protocol.LoopExit(start.Block())
	exit, recvCount := protocol.LoopExit(recvs[0].Instr.Block())
	if count == nil || recvCount == nil {
		return false
	}
	avoid := map[protocol.Edge]bool{exit: true}
	if guard, ok := protocol.LoopGuard(recvs[0].Instr.Block(), recvCount); ok {
		avoid[guard] = true // the rotated loop's first test: no goroutine started either
	}
	got, ret := protocol.Fewest(owner, start, recvs, avoid)
	k, known := lifecycle.IntConst(count)
	switch kr, constRecv := lifecycle.IntConst(recvCount); {
	case sameCount(count, recvCount):
	case known && constRecv && kr < k: // a quorum: fewer receives than goroutines
		if ret == nil || got > kr {
			got, ret = kr, exitReturn(owner, exit)
		}
	default:
		return false
	}
	if ret == nil || (ch.buf > 0 && (!known || k-got <= ch.buf)) {
		return false
	}
	s.reportLoopStart(ch, start, sends, ret, fmt.Sprintf("after receiving %d of their values", got))
	return true
}

// leftBySelect returns where the owner returns without receiving, if every
// receive is a case of a select outside loops and every path from start
// to a return passes one: it left by another case.
func (s *checker) leftBySelect(owner *ssa.Function, start ssa.Instruction, recvs []protocol.Op) (*ssa.Return, bool) {
	avoid := make(map[protocol.Edge]bool)
	for _, r := range recvs {
		if _, ok := r.Instr.(*ssa.Select); !ok || !r.Optional || protocol.InLoop(r.Instr.Block(), nil) {
			return nil, false
		}
		protocol.CutInto(avoid, r.Instr.Block())
	}
	if _, ret := protocol.Fewest(owner, start, nil, avoid); ret != nil {
		return nil, false // a path to a return that never waits
	}
	got, ret := protocol.FewestOps(owner, start, recvs)
	return ret, ret != nil && got == 0
}

// exitReturn returns a return reached from the loop exit edge e.
func exitReturn(fn *ssa.Function, e protocol.Edge) *ssa.Return {
	_, ret := protocol.FewestOps(fn, e.From.Succs[e.Succ].Instrs[0], nil)
	return ret
}

// sameCount reports whether two loop bounds count to the same number: the
// same value, the same variable, or equal constants.
func sameCount(a, b ssa.Value) bool {
	if sameVar(a, b) {
		return true
	}
	ca, ok1 := a.(*ssa.Const)
	cb, ok2 := b.(*ssa.Const)
	return ok1 && ok2 && ca.Value != nil && cb.Value != nil && constant.Compare(ca.Value, token.EQL, cb.Value)
}

// reportLoopStart reports the last send of goroutines started in a loop
// that the owner leaves (how: "without receiving").
func (s *checker) reportLoopStart(ch *chanInfo, start ssa.Instruction, sends []protocol.Op, ret *ssa.Return, how string) {
	owner := ch.at.Parent()
	last := sends[0]
	for _, op := range sends {
		if op.Instr.Pos() > last.Instr.Pos() {
			last = op
		}
	}
	d := analysis.Diagnostic{
		Pos: s.opPos(last),
		Message: fmt.Sprintf("%s blocks forever if %s returns %s: goroutines started in a loop send on %s; receive from every goroutine, or give %s a buffer for every goroutine",
			s.opWhat(last, ch), s.FuncName(owner), how, ch.name, ch.name),
		Related: []analysis.RelatedInformation{
			lifecycle.Related(protocol.ReturnPos(ret), fmt.Sprintf("%s returns here %s", s.FuncName(owner), how)),
			lifecycle.Related(start.Pos(), "the goroutines start here, in a loop"),
			lifecycle.Related(ch.make.Pos(), ch.name+" is made here"),
		},
	}
	s.reportOpDiag(last, d)
}
