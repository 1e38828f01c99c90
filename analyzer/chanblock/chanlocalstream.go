package chanblock

import (
	"fmt"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkLocalStream composes a channel's one producer goroutine with its
// owner, the consumer, as checkConsumer does across functions: a producer
// that sends in a loop while the owner can stop receiving early, or that
// leaves the channel open on some paths while the owner ranges over it
// (cockroach#18101: eight sends, a buffer of six, a range left when the
// context is done). It reports whether it found anything.
func (s *checker) checkLocalStream(ch *chanInfo) bool {
	var start ssa.Instruction
	var prod, cons []protocol.Op
	for _, op := range ch.ops {
		switch {
		case op.Start == nil && op.Kind == protocol.Recv && !op.Sync && (op.Callee == nil || op.Drains):
			cons = append(cons, op)
		case op.Start != nil && op.Kind != protocol.Recv && (start == nil || op.Start == start):
			start = op.Start
			prod = append(prod, op)
		default:
			return false
		}
	}
	g, ok := start.(*ssa.Go)
	if !ok || len(cons) == 0 || g.Parent() != ch.at.Parent() || protocol.InLoop(g.Block(), ch.at.Block()) {
		return false
	}
	body := g.Call.StaticCallee()
	if body == nil {
		return false
	}
	outer := lifecycle.OuterValue
	if body.Parent() == nil { // go f(ch): f's body, its parameters bound to the call's arguments
		if prod = s.madeChanOps(g, body, ch.make); prod == nil {
			return false
		}
		outer = func(v ssa.Value) ssa.Value {
			if p, ok := v.(*ssa.Parameter); ok {
				if i := slices.Index(body.Params, p); i >= 0 && i < len(g.Call.Args) {
					return lifecycle.OuterValue(g.Call.Args[i])
				}
			}
			return lifecycle.OuterValue(v)
		}
	}
	p := protocol.Producer{Body: body, Ops: prod, Buffer: ch.buf, BufferBound: -1, Param: func(ssa.Value) int { return -1 }, Outer: outer}
	st, ok := p.Summarize(s.Pass.Fset)
	if !ok || (st.Sends < protocol.Many && st.Closes == protocol.ClosesEvery) {
		return false // a few sends: checkReceivers counts them
	}
	c := protocol.Consumer{Call: ch.at, Ops: cons, Same: func(a, b ssa.Value) bool { return sameCount(lifecycle.OuterValue(a), lifecycle.OuterValue(b)) }}
	v := c.Check(&st)
	switch {
	case v.Unclosed != nil:
		d := analysis.Diagnostic{
			Pos:     s.opPos(*v.Unclosed),
			Message: fmt.Sprintf("range over %s never ends if the goroutine returns without closing it; close %s on every path (defer close)", ch.name, ch.name),
			Related: []analysis.RelatedInformation{lifecycle.Related(st.LeavePos(), "the goroutine returns here with "+ch.name+" open"), lifecycle.Related(g.Pos(), "the goroutine starts here")},
		}
		s.reportOpDiag(*v.Unclosed, d)
	case v.Return != nil && st.Sends >= protocol.Many && st.SendPos().IsValid():
		owner := ch.at.Parent()
		s.blocked.Starts[g] = true
		s.report(analysis.Diagnostic{
			Pos: st.SendPos(),
			Message: fmt.Sprintf("send on %s blocks forever if %s returns before draining it; drain %s, or give the goroutine a done channel that %s closes",
				ch.name, s.FuncName(owner), ch.name, s.FuncName(owner)),
			Related: []analysis.RelatedInformation{
				lifecycle.Related(protocol.ReturnPos(v.Return), fmt.Sprintf("%s returns here before draining %s", s.FuncName(owner), ch.name)),
				lifecycle.Related(g.Pos(), "the goroutine starts here"),
				lifecycle.Related(ch.make.Pos(), ch.name+" is made here"),
			},
		})
	default:
		return false
	}
	return true
}
