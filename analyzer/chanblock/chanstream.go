package chanblock

import (
	"fmt"
	"go/token"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkStreams composes every call of a stream's producer in the package
// with what the caller does with the channel: it reports a producer left
// blocked on its send when the caller can stop receiving early, and a
// range the producer leaves open on some paths.
func (s *checker) checkStreams() {
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				call, ok := in.(*ssa.Call)
				if !ok || !s.Evaluated(call.Pos()) {
					continue
				}
				callee := call.Call.StaticCallee()
				if callee == nil {
					continue
				}
				for _, st := range s.Sums.Of(callee).Streams {
					s.checkConsumer(call, callee, &st)
				}
			}
		}
	}
}

// checkConsumer checks the caller of one stream.
func (s *checker) checkConsumer(call *ssa.Call, producer *ssa.Function, st *protocol.Stream) {
	ch := resultValue(call, st.Result)
	if ch == nil {
		return
	}
	w := lifecycle.NewChanWalk(&s.Sums)
	w.Value(ch, lifecycle.WalkCtx{})
	if w.Escapes || slices.ContainsFunc(w.Ops, func(op protocol.Op) bool { return op.Start != nil || op.Sync }) {
		return // handed on, or used by another goroutine or closure
	}
	c := protocol.Consumer{Call: call, Ops: w.Ops, Args: call.Call.Args, Same: sameVar}
	if st.Stop != "" && len(c.Args) > 0 {
		c.Stops = methodCalls(call.Parent(), c.Args[0], st.Stop)
	}
	v := c.Check(st)
	switch {
	case v.Unclosed != nil:
		s.reportUnclosed(call, producer, st, *v.Unclosed)
	case v.Return != nil:
		s.reportEarly(call, producer, st, v)
	}
}

// resultValue returns the value of result r of call, or nil if unused.
func resultValue(call *ssa.Call, r int) ssa.Value {
	if call.Call.Signature().Results().Len() == 1 {
		return call
	}
	for _, ref := range *call.Referrers() {
		if ex, ok := ref.(*ssa.Extract); ok && ex.Index == r {
			return ex
		}
	}
	return nil
}

// sameVar reports whether a and b are the same value, or loads of the
// same local variable.
func sameVar(a, b ssa.Value) bool {
	if a == b {
		return true
	}
	la, ok1 := a.(*ssa.UnOp)
	lb, ok2 := b.(*ssa.UnOp)
	if !ok1 || !ok2 || la.Op != token.MUL || lb.Op != token.MUL {
		return false
	}
	_, local := la.X.(*ssa.Alloc)
	return local && la.X == lb.X
}

// methodCalls returns the calls and defers in fn of the method name on
// the receiver value recv.
func methodCalls(fn *ssa.Function, recv ssa.Value, name string) []ssa.Instruction {
	var calls []ssa.Instruction
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			ci, ok := in.(ssa.CallInstruction)
			if !ok {
				continue
			}
			callee := ci.Common().StaticCallee()
			if callee != nil && callee.Name() == name && callee.Signature.Recv() != nil && len(ci.Common().Args) > 0 && sameVar(ci.Common().Args[0], recv) {
				calls = append(calls, in)
			}
		}
	}
	return calls
}

// reportEarly reports a producer's send that blocks once its consumer
// returns early: at the send when the producer is in this package, else
// at the call.
func (s *checker) reportEarly(call *ssa.Call, producer *ssa.Function, st *protocol.Stream, v protocol.Verdict) {
	consumer := call.Parent()
	how := "before draining the channel"
	remedy := fmt.Sprintf("drain it, or give %s a done channel that %s closes", s.FuncName(producer), s.FuncName(consumer))
	switch {
	case st.Stop != "":
		how, remedy = "without calling "+st.Stop, "defer its "+st.Stop
	case st.Sends < protocol.Many:
		how = "without receiving"
		if v.Got > 0 {
			how = fmt.Sprintf("after receiving %d of %d values", v.Got, st.Sends)
		}
		remedy = fmt.Sprintf("make the channel with a buffer of %d", st.Sends)
	}
	returns := lifecycle.Related(protocol.ReturnPos(v.Return), fmt.Sprintf("%s returns here %s", s.FuncName(consumer), how))
	if pos := st.SendPos(); pos.IsValid() && producer.Pkg == s.Pkg {
		s.blocked.Funcs[st.SendIn()] = true // gostop does not report it again
		s.report(analysis.Diagnostic{
			Pos:     pos,
			Message: fmt.Sprintf("send blocks forever if %s returns %s; %s", s.FuncName(consumer), how, remedy),
			Related: []analysis.RelatedInformation{returns, lifecycle.Related(s.CallStart(call), "the channel comes from this call")},
		})
		return
	}
	s.report(analysis.Diagnostic{
		Pos: s.CallStart(call),
		Message: fmt.Sprintf("%s's goroutine blocks forever on its send (%s) if %s returns %s; %s",
			s.FuncName(producer), st.SendAt, s.FuncName(consumer), how, remedy),
		Related: []analysis.RelatedInformation{returns},
	})
}

// reportUnclosed reports a consumer's range over a stream that the
// producer leaves open on some paths.
func (s *checker) reportUnclosed(call *ssa.Call, producer *ssa.Function, st *protocol.Stream, op protocol.Op) {
	what := fmt.Sprintf("if its goroutine returns at %s without closing it; close the channel on every path (defer close)", st.LeaveAt)
	if st.Closes == protocol.NeverCloses {
		what = ": its goroutine never closes it; close the channel after the last send (defer close)"
	}
	d := analysis.Diagnostic{
		Pos:     s.opPos(op),
		Message: fmt.Sprintf("range over %s's channel never ends %s", s.FuncName(producer), what),
	}
	if pos := st.LeavePos(); pos.IsValid() && producer.Pkg == s.Pkg {
		d.Related = append(d.Related, lifecycle.Related(pos, "the goroutine returns here with the channel open"))
	}
	s.reportOpDiag(op, d)
}
