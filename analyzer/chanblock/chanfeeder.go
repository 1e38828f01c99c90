package chanblock

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// poolWithSeq names the pools whose values can be given as a sequence
// instead of a hand-written feeder: the remedy the message offers beside
// the select (runtime/pool.go: PoolSeq's feeder stops when ctx is done).
var poolWithSeq = map[string]string{
	"github.com/golifecheck/golifecheck/runtime.Pool": "runtime.PoolSeq",
}

// A cancelPoint is where a function cancels a context it made: a call of
// the cancel function, or a defer of it (or of a closure that calls it).
type cancelPoint struct {
	at       ssa.Instruction // the *ssa.Call or *ssa.Defer
	deferred bool
}

// checkPoolFeeders reports the sends of a goroutine that feeds a pool and
// can be left blocked when the pool stops first (issue 23): the
// goroutine's sends are unconditional (no select with a way out), the
// channel's only receiver is a call whose callee's summary says its
// goroutines receive from it until a context it is given is done
// (chanParam.Until, runtime.Pool's workers), and the channel's owner
// cancels that context (the cancel function of the context.WithCancel or
// helper that made it, called or deferred) on a path from the call that
// does not first read the callee's results until they are closed: an
// early return from the loop over the results, with `defer cancel()`.
// Once the context is done the pool receives nothing more, and the next
// send blocks forever. The channel must be unbuffered, or buffered for
// fewer values than a feeder sends. It reports whether it found anything.
func (s *checker) checkPoolFeeders(ch *chanInfo) bool {
	if ch.until == nil || ch.buf < 0 {
		return false
	}
	owner := ch.at.Parent()
	var call *ssa.Call
	var ctxs []ssa.Value
	var starts []ssa.Instruction
	sends := make(map[ssa.Instruction][]protocol.Op)
	for _, op := range ch.ops {
		switch {
		case op.Kind == protocol.Recv && op.Callee != nil && op.Start == op.Instr:
			c, ok := op.Instr.(*ssa.Call)
			if !ok || (call != nil && call != c) || c.Parent() != owner {
				return false
			}
			call, ctxs = c, ch.until(op)
		case op.Kind == protocol.Send && op.Start != nil && op.Start.Parent() == owner:
			if _, ok := sends[op.Start]; !ok {
				starts = append(starts, op.Start)
			}
			sends[op.Start] = append(sends[op.Start], op)
		case op.Kind == protocol.Close:
		default:
			return false // another receiver, or a send of the owner's
		}
	}
	if call == nil || len(ctxs) == 0 || len(starts) == 0 {
		return false
	}
	avoid, ok := resultsReadUntilClosed(call)
	if !ok {
		return false // the results are handed on: their reading is out of sight
	}
	var ctxName string
	var cancel cancelPoint
	var ret *ssa.Return
	for _, ctx := range ctxs {
		if cancel, ret, ctxName = s.earlyCancel(call, ctx, avoid); cancel.at != nil {
			break
		}
	}
	if cancel.at == nil {
		return false
	}
	body := s.goBodyOps(ch)
	reported := false
	for _, start := range starts {
		if n := s.sendsOnAPath(start, sends[start]); ch.buf > 0 && n < protocol.Many && n <= ch.buf {
			continue // a buffer for every value
		}
		var last *protocol.Op
		for i, op := range body {
			if op.Kind == protocol.Send && op.Start == start && !op.Optional && (last == nil || op.Instr.Pos() > last.Instr.Pos()) {
				last = &body[i]
			}
		}
		if last == nil {
			continue // it gives up sending when it must
		}
		s.reportFeeder(ch, *last, call, ctxName, cancel, ret)
		reported = true
	}
	return reported
}

// reportFeeder reports the send op of a feeder that blocks forever once
// the pool that call starts stops receiving.
func (s *checker) reportFeeder(ch *chanInfo, op protocol.Op, call *ssa.Call, ctxName string, cancel cancelPoint, ret *ssa.Return) {
	owner := call.Parent()
	pool := s.FuncName(call.Call.StaticCallee())
	why := s.FuncName(owner) + " cancels it"
	if cancel.deferred {
		why += " when it returns"
	}
	done := ctxName + ".Done()"
	if ctxName == "the context" {
		done = "the context's Done()"
	}
	remedy := "select on " + done + " beside the send"
	if obj, ok := call.Call.StaticCallee().Object().(*types.Func); ok {
		if seq, ok := poolWithSeq[obj.Origin().FullName()]; ok {
			remedy += ", or give the values to " + seq
		}
	}
	d := analysis.Diagnostic{
		Pos:     s.opPos(op),
		Message: fmt.Sprintf("%s blocks forever once %s stops receiving, when %s is done (%s); %s", s.opWhat(op, ch), pool, ctxName, why, remedy),
		Related: []analysis.RelatedInformation{
			lifecycle.Related(op.Start.Pos(), "the goroutine starts here"),
			lifecycle.Related(s.CallStart(call), fmt.Sprintf("%s is handed %s here, and stops receiving once %s is done", pool, ch.name, ctxName)),
			lifecycle.Related(cancel.at.Pos(), ctxName+" is cancelled here"),
		},
	}
	if ret != nil {
		d.Related = append(d.Related, lifecycle.Related(protocol.ReturnPos(ret), fmt.Sprintf("%s returns here before %s's results are all read", s.FuncName(owner), pool)))
	}
	s.reportOpDiag(op, d)
}

// resultsReadUntilClosed returns the edges by which the function that
// makes call leaves a receive loop on the channel call returns because
// it is closed (a range's exit), or by its count (a loop to len(xs) may
// receive a result for every value sent): past them, the sends may be
// over. It reports false if the call returns no channel, or if the
// channel is used otherwise than by receives in that function.
func resultsReadUntilClosed(call *ssa.Call) (map[protocol.Edge]bool, bool) {
	if !isChan(call) {
		return nil, false
	}
	avoid := make(map[protocol.Edge]bool)
	var follow func(v ssa.Value) bool
	follow = func(v ssa.Value) bool {
		for _, ref := range *v.Referrers() {
			switch ref := ref.(type) {
			case *ssa.UnOp:
				if ref.Op != token.ARROW {
					return false
				}
				if e, ok := protocol.ClosedExit(ref); ok && ref.CommaOk {
					avoid[e] = true
				}
				// A loop that counts its receives (to len(xs), one
				// result per value sent) may have read them all too.
				if e, bound := protocol.LoopExit(ref.Block()); bound != nil {
					avoid[e] = true
					if guard, ok := protocol.LoopGuard(ref.Block(), bound); ok {
						avoid[guard] = true
					}
				}
			case *ssa.ChangeType:
				if !follow(ref) {
					return false
				}
			case *ssa.DebugRef:
			default:
				return false
			}
		}
		return true
	}
	return avoid, follow(call)
}

func isChan(v ssa.Value) bool {
	return lifecycle.IsRecvChan(v.Type())
}

// earlyCancel returns, for the context ctx handed to call, a point where
// call's function cancels it that a path from call reaches without
// taking an edge in avoid (and, for a deferred cancel, the return it
// runs at), and the context's name. The context must be one that
// function made with a cancel function (context.WithCancel, or a helper
// whose summary says it returns one).
func (s *checker) earlyCancel(call *ssa.Call, ctx ssa.Value, avoid map[protocol.Edge]bool) (cancelPoint, *ssa.Return, string) {
	ex, ok := lifecycle.OuterValue(ctx).(*ssa.Extract)
	if !ok || !lifecycle.IsContext(ex.Type()) {
		return cancelPoint{}, nil, ""
	}
	made, ok := ex.Tuple.(*ssa.Call)
	if !ok || made.Parent() != call.Parent() {
		return cancelPoint{}, nil, ""
	}
	name := s.AssignedTo(made.Pos())
	if name == "" {
		name = "the context"
	}
	for _, i := range s.Sums.CancelResults(&made.Call) {
		for _, ref := range *made.Referrers() {
			cancel, ok := ref.(*ssa.Extract)
			if !ok || cancel.Index != i {
				continue
			}
			points := cancelPoints(cancel)
			slices.SortFunc(points, func(a, b cancelPoint) int { return int(a.at.Pos() - b.at.Pos()) })
			for _, p := range points {
				if p.at.Parent() != call.Parent() {
					continue
				}
				if !p.deferred {
					if reached(call, avoid, func(in ssa.Instruction) bool { return in == p.at }) != nil {
						return p, nil, name
					}
					continue
				}
				if !runsBefore(p.at, call) {
					continue
				}
				isRet := func(in ssa.Instruction) bool { _, ok := in.(*ssa.Return); return ok }
				if r := reached(call, avoid, isRet); r != nil {
					return p, r.(*ssa.Return), name
				}
			}
		}
	}
	return cancelPoint{}, nil, ""
}

// cancelPoints returns the calls and defers of the cancel function, in
// its function: of the value itself, of loads of the variable it is
// stored in, and of closures that call it (`defer func() { cancel() }()`).
func cancelPoints(cancel ssa.Value) []cancelPoint {
	var points []cancelPoint
	var value func(v ssa.Value)
	value = func(v ssa.Value) {
		for _, ref := range *v.Referrers() {
			switch ref := ref.(type) {
			case *ssa.Call:
				if ref.Call.Value == v {
					points = append(points, cancelPoint{at: ref})
				}
			case *ssa.Defer:
				if ref.Call.Value == v {
					points = append(points, cancelPoint{at: ref, deferred: true})
				}
			case *ssa.Store:
				alloc, ok := ref.Addr.(*ssa.Alloc)
				if !ok || ref.Val != v {
					continue
				}
				for _, use := range *alloc.Referrers() {
					switch use := use.(type) {
					case *ssa.UnOp:
						if use.Op == token.MUL {
							value(use)
						}
					case *ssa.MakeClosure:
						if callsBound(use, alloc) {
							points = append(points, runsOfClosure(use)...)
						}
					}
				}
			}
		}
	}
	value(cancel)
	return points
}

// callsBound reports whether the closure mc calls the function held in
// the variable addr it captures.
func callsBound(mc *ssa.MakeClosure, addr ssa.Value) bool {
	fn := mc.Fn.(*ssa.Function)
	for i, b := range mc.Bindings {
		if b != addr {
			continue
		}
		for _, use := range *fn.FreeVars[i].Referrers() {
			load, ok := use.(*ssa.UnOp)
			if !ok || load.Op != token.MUL {
				continue
			}
			for _, r := range *load.Referrers() {
				if c, ok := r.(ssa.CallInstruction); ok && c.Common().Value == load {
					return true
				}
			}
		}
	}
	return false
}

// runsOfClosure returns the calls and defers that run the closure mc in
// place.
func runsOfClosure(mc *ssa.MakeClosure) []cancelPoint {
	var points []cancelPoint
	for _, ref := range *mc.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Call:
			if ref.Call.Value == mc {
				points = append(points, cancelPoint{at: ref})
			}
		case *ssa.Defer:
			if ref.Call.Value == mc {
				points = append(points, cancelPoint{at: ref, deferred: true})
			}
		}
	}
	return points
}

// reached returns the first instruction for which want holds on the
// paths from just after from, in its function, that take no edge in
// avoid (breadth first, in block order), or nil.
func reached(from ssa.Instruction, avoid map[protocol.Edge]bool, want func(ssa.Instruction) bool) ssa.Instruction {
	b := from.Block()
	for _, in := range b.Instrs[slices.Index(b.Instrs, from)+1:] {
		if want(in) {
			return in
		}
	}
	seen := make(map[*ssa.BasicBlock]bool)
	next := func(x *ssa.BasicBlock) []*ssa.BasicBlock {
		var out []*ssa.BasicBlock
		for i, succ := range x.Succs {
			if !avoid[protocol.Edge{From: x, Succ: i}] && !seen[succ] {
				seen[succ] = true
				out = append(out, succ)
			}
		}
		return out
	}
	queue := next(b)
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, in := range x.Instrs {
			if want(in) {
				return in
			}
		}
		queue = append(queue, next(x)...)
	}
	return nil
}
