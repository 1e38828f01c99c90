package analyzer

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// computeStreams summarizes the channel results of fn that a goroutine fn
// starts feeds (generators, pipeline stages, asynchronous results,
// iterators): the fact's stream[R] entries.
func (m *summaries) computeStreams(fn *ssa.Function, f *funcFact) {
	results := fn.Signature.Results()
	for r := range results.Len() {
		if _, ok := results.At(r).Type().Underlying().(*types.Chan); !ok {
			continue
		}
		var st protocol.Stream
		var ok bool
		if mk := returnedMake(fn, r); mk != nil {
			st, ok = m.s.streamOf(fn, mk)
		} else if f := returnedField(fn, r); f != nil {
			st, ok = m.s.fieldStream(f)
		}
		if ok {
			st.Result = r
			f.Streams = append(f.Streams, st)
		}
	}
}

// returnedMake returns the channel that fn makes and returns as result r
// on every return, or nil.
func returnedMake(fn *ssa.Function, r int) *ssa.MakeChan {
	var mk *ssa.MakeChan
	for _, v := range returnedValues(fn, r) {
		made, ok := madeChan(v).(*ssa.MakeChan)
		if !ok || (mk != nil && made != mk) {
			return nil
		}
		mk = made
	}
	return mk
}

// returnedValues returns the values fn's returns give as result r, seen
// through a change of channel direction.
func returnedValues(fn *ssa.Function, r int) []ssa.Value {
	var vals []ssa.Value
	for _, b := range fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		v := ret.Results[r]
		if ct, ok := v.(*ssa.ChangeType); ok {
			v = ct.X
		}
		vals = append(vals, v)
	}
	return vals
}

// streamOf summarizes the goroutine that feeds the channel mk, which fn
// returns: it must be the channel's only other party, started once.
func (s *state) streamOf(fn *ssa.Function, mk *ssa.MakeChan) (protocol.Stream, bool) {
	w := newChanWalk(&s.sums)
	w.result = true
	w.value(mk, walkCtx{})
	if w.escapes || len(w.ops) == 0 {
		return protocol.Stream{}, false
	}
	start := w.ops[0].Start
	g, ok := start.(*ssa.Go)
	if !ok || start.Parent() != fn || protocol.InLoop(start.Block(), nil) {
		return protocol.Stream{}, false
	}
	body := g.Call.StaticCallee()
	if body == nil || slices.ContainsFunc(w.ops, func(op protocol.Op) bool { return op.Start != start }) {
		return protocol.Stream{}, false // fn's own operations, or a second goroutine
	}
	ops := w.ops
	if body.Parent() == nil { // go f(ch): follow ch into f's body, not its summary
		if ops = s.goCalleeOps(g, body, w.seen); ops == nil {
			return protocol.Stream{}, false
		}
	}
	p := protocol.Producer{
		Body: body, Ops: ops, Buffer: s.bufSize(mk), BufferBound: -1,
		Param:    func(v ssa.Value) int { return paramOf(fn, g, v) },
		StopCase: func(sel *ssa.Select, i int) string { return s.stopCase(recvBase(fn), sel.States[i].Chan) },
	}
	if call, ok := mk.Size.(*ssa.Call); ok && isBuiltin(call.Call.Value, "len") {
		p.BufferBound = slices.Index(fn.Params, asParam(outerValue(call.Call.Args[0])))
	}
	return p.Summarize(s.pass.Fset)
}

// goCalleeOps follows the channel (the values in chans) into the body of
// the function that `go f(...)` runs, or returns nil if it escapes there.
func (s *state) goCalleeOps(g *ssa.Go, body *ssa.Function, chans map[ssa.Value]bool) []protocol.Op {
	if body.Blocks == nil {
		return nil
	}
	w := newChanWalk(&s.sums)
	for i, a := range g.Call.Args {
		if chans[a] && i < len(body.Params) {
			w.value(body.Params[i], walkCtx{start: g})
		}
	}
	if w.escapes || len(w.ops) == 0 {
		return nil
	}
	return w.ops
}

// paramOf returns which parameter of fn the value v of the goroutine
// started by g is (a captured variable, or an argument of `go f(...)`),
// or -1.
func paramOf(fn *ssa.Function, g *ssa.Go, v ssa.Value) int {
	switch v := outerValue(v).(type) {
	case *ssa.Parameter:
		if v.Parent() == fn {
			return slices.Index(fn.Params, v)
		}
		if i := slices.Index(v.Parent().Params, v); i >= 0 && i < len(g.Call.Args) && g.Call.StaticCallee() == v.Parent() {
			return slices.Index(fn.Params, asParam(g.Call.Args[i]))
		}
	}
	return -1
}

// outerValue returns the value of the enclosing function that v, a value
// of a closure, is: what a free variable is bound to, and what a variable
// assigned once holds (a captured parameter is such a variable).
func outerValue(v ssa.Value) ssa.Value {
	for steps := 0; ; steps++ {
		if steps > maxOuterSteps {
			return v // a cycle: x = *x
		}
		switch x := v.(type) {
		case *ssa.FreeVar:
			if v = binding(x); v == nil {
				return nil
			}
		case *ssa.UnOp:
			if x.Op != token.MUL {
				return v
			}
			addr := x.X
			if fv, ok := addr.(*ssa.FreeVar); ok {
				addr = outerValue(fv)
			}
			alloc, ok := addr.(*ssa.Alloc)
			if !ok {
				return v
			}
			vals := storedValues(alloc)
			if len(vals) != 1 {
				return v
			}
			v = vals[0]
		default:
			return v
		}
	}
}

// maxOuterSteps bounds outerValue's walk: a variable assigned its own
// value (v := *x; *x = v) would send it round forever.
const maxOuterSteps = 16

// asParam returns v as a parameter, or nil.
func asParam(v ssa.Value) *ssa.Parameter {
	p, _ := v.(*ssa.Parameter)
	return p
}

func isBuiltin(v ssa.Value, name string) bool {
	b, ok := v.(*ssa.Builtin)
	return ok && b.Name() == name
}

// stopCase names the method of the struct type base that closes the
// field a select case receives from (c.stop, closed by Stop), or "".
func (s *state) stopCase(base types.Type, ch ssa.Value) string {
	load, ok := ch.(*ssa.UnOp)
	if !ok || load.Op != token.MUL || base == nil {
		return ""
	}
	fa, ok := load.X.(*ssa.FieldAddr)
	if !ok || !types.Identical(fa.X.Type().(*types.Pointer).Elem(), base) {
		return ""
	}
	for _, addr := range s.fieldAddrs(obligation.FieldOf(fa)) {
		for _, ref := range *addr.Referrers() {
			l, ok := ref.(*ssa.UnOp)
			if !ok || l.Op != token.MUL {
				continue
			}
			for _, use := range *l.Referrers() {
				call, ok := use.(*ssa.Call)
				if ok && isBuiltin(call.Call.Value, "close") {
					if m := enclosingMethod(call.Parent()); m != nil && types.Identical(recvBase(m), base) {
						return m.Name()
					}
				}
			}
		}
	}
	return ""
}

// enclosingMethod returns the declared method a function (or closure) is
// part of, or nil.
func enclosingMethod(fn *ssa.Function) *ssa.Function {
	for fn.Parent() != nil {
		fn = fn.Parent()
	}
	if fn.Signature.Recv() == nil {
		return nil
	}
	return fn
}

// recvBase returns the base type of a method's receiver (T for *T), or
// nil for a function.
func recvBase(fn *ssa.Function) types.Type {
	recv := fn.Signature.Recv()
	if recv == nil {
		return nil
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return t
}

// checkStreams composes every call of a stream's producer in the package
// with what the caller does with the channel: it reports a producer left
// blocked on its send when the caller can stop receiving early, and a
// range the producer leaves open on some paths.
func (s *state) checkStreams() {
	for _, fn := range s.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				call, ok := in.(*ssa.Call)
				if !ok || !s.evaluated(call.Pos()) {
					continue
				}
				callee := call.Call.StaticCallee()
				if callee == nil {
					continue
				}
				for _, st := range s.sums.of(callee).Streams {
					s.checkConsumer(call, callee, &st)
				}
			}
		}
	}
}

// checkConsumer checks the caller of one stream.
func (s *state) checkConsumer(call *ssa.Call, producer *ssa.Function, st *protocol.Stream) {
	ch := resultValue(call, st.Result)
	if ch == nil {
		return
	}
	w := newChanWalk(&s.sums)
	w.value(ch, walkCtx{})
	if w.escapes || slices.ContainsFunc(w.ops, func(op protocol.Op) bool { return op.Start != nil || op.Sync }) {
		return // handed on, or used by another goroutine or closure
	}
	c := protocol.Consumer{Call: call, Ops: w.ops, Args: call.Call.Args, Same: sameVar}
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
func (s *state) reportEarly(call *ssa.Call, producer *ssa.Function, st *protocol.Stream, v protocol.Verdict) {
	consumer := call.Parent()
	how := "before draining the channel"
	remedy := fmt.Sprintf("drain it, or give %s a done channel that %s closes", s.funcName(producer), s.funcName(consumer))
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
	returns := related(protocol.ReturnPos(v.Return), fmt.Sprintf("%s returns here %s", s.funcName(consumer), how))
	if pos := st.SendPos(); pos.IsValid() && producer.Pkg == s.pkg {
		s.blockedFuncs[st.SendIn()] = true // gostop does not report it again
		s.report("chanblock", analysis.Diagnostic{
			Pos:     pos,
			Message: fmt.Sprintf("send blocks forever if %s returns %s; %s", s.funcName(consumer), how, remedy),
			Related: []analysis.RelatedInformation{returns, related(s.callStart(call), "the channel comes from this call")},
		})
		return
	}
	s.report("chanblock", analysis.Diagnostic{
		Pos: s.callStart(call),
		Message: fmt.Sprintf("%s's goroutine blocks forever on its send (%s) if %s returns %s; %s",
			s.funcName(producer), st.SendAt, s.funcName(consumer), how, remedy),
		Related: []analysis.RelatedInformation{returns},
	})
}

// reportUnclosed reports a consumer's range over a stream that the
// producer leaves open on some paths.
func (s *state) reportUnclosed(call *ssa.Call, producer *ssa.Function, st *protocol.Stream, op protocol.Op) {
	what := fmt.Sprintf("if its goroutine returns at %s without closing it; close the channel on every path (defer close)", st.LeaveAt)
	if st.Closes == protocol.NeverCloses {
		what = ": its goroutine never closes it; close the channel after the last send (defer close)"
	}
	d := analysis.Diagnostic{
		Pos:     s.opPos(op),
		Message: fmt.Sprintf("range over %s's channel never ends %s", s.funcName(producer), what),
	}
	if pos := st.LeavePos(); pos.IsValid() && producer.Pkg == s.pkg {
		d.Related = append(d.Related, related(pos, "the goroutine returns here with the channel open"))
	}
	s.reportOpDiag(op, d)
}
