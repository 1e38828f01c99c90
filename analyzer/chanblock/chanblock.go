package chanblock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// runChanblock reports channel operations that can never complete: on
// channels made in a function whose every use it can see (its own body,
// the closures and goroutines it starts, callees by their summaries), and
// on nil channels.
func runChanblock(s *checker) {
	s.checkFieldChans()
	s.checkStreams()
	s.checkLocalMakers()
	s.checkTimerDrains()
	s.checkLocks()
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				if !s.Evaluated(in.Pos()) {
					continue
				}
				switch in := in.(type) {
				case *ssa.MakeChan:
					s.checkChan(in)
				case *ssa.Send:
					if lifecycle.IsNilChan(in.Chan) {
						s.reportNilOp(in, "send on a nil channel blocks forever; make the channel before sending on it")
					}
				case *ssa.UnOp:
					if in.Op == token.ARROW && lifecycle.IsNilChan(in.X) {
						s.reportNilOp(in, "receive from a nil channel blocks forever; make the channel before receiving from it")
					}
				}
			}
		}
	}
	if runEngine {
		s.checkEngine()
	}
}

// opPos is where a finding about op is reported: the operation itself, or
// the call that performs it.
func (s *checker) opPos(op protocol.Op) token.Pos {
	if call, ok := op.Instr.(*ssa.Call); ok {
		return s.CallStart(call)
	}
	return op.Instr.Pos()
}

// A tracked channel and what is known of its uses.
type chanInfo struct {
	make *ssa.MakeChan
	// at is where the channel becomes its owner's: the make, or the call
	// of a local closure that makes and returns it (see localMakers).
	at               ssa.Instruction
	name             string // "ch", or "the channel"
	buf              int    // the buffer size, -1 if not a constant
	ops              []protocol.Op
	send, recv, clos bool
	// until, if set, returns the contexts once any of which is done a
	// receive in ops stops for good (see lifecycle's UntilDone).
	until func(protocol.Op) []ssa.Value
}

// checkChan reports the operations on the channel mk makes that can
// never complete, if every use of the channel is in sight.
func (s *checker) checkChan(mk *ssa.MakeChan) {
	w := lifecycle.NewChanWalk(&s.Sums)
	w.Value(mk, lifecycle.WalkCtx{})
	if w.Escapes {
		return
	}
	s.checkOps(&chanInfo{make: mk, at: mk, name: s.chanName(mk), buf: s.BufSize(mk), ops: w.Ops, until: w.UntilDone})
}

// checkOps reports the operations on a channel that can never complete.
func (s *checker) checkOps(ch *chanInfo) {
	mk := ch.make
	for _, op := range ch.ops {
		switch op.Kind {
		case protocol.Send:
			ch.send = true
		case protocol.Recv:
			ch.recv = true
		case protocol.Close:
			ch.clos = true
		}
	}
	made := lifecycle.Related(mk.Pos(), ch.name+" is made here")
	s.checkLockWaits(ch.ops, ch.name, ch.buf == 0)
	if op, ok := selfClosedRange(s.goBodyOps(ch)); ok {
		s.reportChanOp(op, fmt.Sprintf("range over %s never ends: the only close of %s runs in this goroutine, after the range; close %s after the last send", ch.name, ch.name, ch.name), made, s.lastSend(ch))
		return
	}
	switch {
	case !ch.send && !ch.clos:
		for _, op := range ch.ops {
			if op.Kind == protocol.Recv && !op.Optional && !s.exempt(op) {
				s.reportChanOp(op, fmt.Sprintf("%s blocks forever: nothing sends on %s or closes it", s.opWhat(op, ch), ch.name), made)
			}
		}
		return
	case !ch.recv && !ch.clos && ch.buf == 0: // a send on a closed channel panics
		for _, op := range ch.ops {
			if op.Kind == protocol.Send && !op.Optional && !s.exempt(op) {
				s.reportChanOp(op, fmt.Sprintf("%s blocks forever: nothing receives from %s", s.opWhat(op, ch), ch.name), made)
			}
		}
		return
	case !ch.clos:
		reported := false
		for _, op := range ch.ops {
			if op.Drains {
				s.reportChanOp(op, fmt.Sprintf("%s never ends: nothing closes %s; close it after the last send", s.opWhat(op, ch), ch.name), made, s.lastSend(ch))
				reported = true
			}
		}
		if reported {
			return
		}
	}
	if s.checkPoolFeeders(ch) {
		return
	}
	if ch.buf >= 0 && !s.checkLoopStarts(ch) && !s.checkLocalStream(ch) {
		s.checkReceivers(ch)
	}
}

// goBodyOps returns the channel's operations with those of `go f(ch)`, f
// in this package, followed into f's body instead of f's summary, so that
// a range and a close in f are seen as such (a worker method that defers
// the close of the channel it ranges over).
func (s *checker) goBodyOps(ch *chanInfo) []protocol.Op {
	var ops []protocol.Op
	followed := make(map[*ssa.Go]bool)
	for _, op := range ch.ops {
		g, ok := op.Instr.(*ssa.Go)
		if !ok || op.Callee == nil || op.Callee.Pkg != s.Pkg {
			ops = append(ops, op)
			continue
		}
		if followed[g] {
			continue // its other summarized ops: the body has them all
		}
		inner := s.madeChanOps(g, op.Callee, ch.make)
		if inner == nil {
			ops = append(ops, op)
			continue
		}
		followed[g] = true
		ops = append(ops, inner...)
	}
	return ops
}

// madeChanOps follows the arguments of `go f(...)` that are the channel mk
// makes into f's body (see goCalleeOps).
func (s *checker) madeChanOps(g *ssa.Go, body *ssa.Function, mk *ssa.MakeChan) []protocol.Op {
	chans := make(map[ssa.Value]bool)
	for _, a := range g.Call.Args {
		if lifecycle.MadeChan(lifecycle.OuterValue(a)) == mk {
			chans[a] = true
		}
	}
	return s.GoCalleeOps(g, body, chans)
}

// exempt reports whether op blocks main.main itself, which may wait
// forever by design (the process ends when another goroutine exits it).
func (s *checker) exempt(op protocol.Op) bool {
	fn := op.Instr.Parent()
	return op.Start == nil && (lifecycle.IsMainMain(fn) || s.blocksOnPurpose(op.Instr) && !s.OnlyGoStarted(fn))
}

// blocksOnPurpose reports whether in is `<-make(chan T)` in the source:
// a receive from a channel made for it alone, which nothing else can
// ever name. Like `select {}`, it is written to block forever (a
// command's subcommand that waits for ^C); in a goroutine's own body it
// is a leak all the same.
func (s *checker) blocksOnPurpose(in ssa.Instruction) bool {
	recv, ok := in.(*ssa.UnOp)
	if !ok || recv.Op != token.ARROW {
		return false
	}
	for _, n := range s.Enclosing(recv.Pos()) {
		if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			call, ok := ast.Unparen(u.X).(*ast.CallExpr)
			if !ok {
				return false
			}
			id, ok := ast.Unparen(call.Fun).(*ast.Ident)
			return ok && id.Name == "make"
		}
	}
	return false
}

// lastSend points at the last send on the channel, if any.
func (s *checker) lastSend(ch *chanInfo) analysis.RelatedInformation {
	var last protocol.Op
	for _, op := range ch.ops {
		if op.Kind == protocol.Send && (last.Instr == nil || op.Instr.Pos() > last.Instr.Pos()) {
			last = op
		}
	}
	if last.Instr == nil {
		return analysis.RelatedInformation{}
	}
	return lifecycle.Related(s.opPos(last), "the last send")
}

// opWhat describes op for a message: "send on ch", "range over ch",
// "worker's receive from ch".
func (s *checker) opWhat(op protocol.Op, ch *chanInfo) string {
	var what string
	switch {
	case op.Kind == protocol.Send:
		what = "send on " + ch.name
	case op.Drains:
		what = "range over " + ch.name
	default:
		what = "receive from " + ch.name
	}
	if op.Callee != nil {
		return s.FuncName(op.Callee) + "'s " + what
	}
	return what
}

// checkReceivers reports the sends of goroutines that the channel's maker
// does not receive: it returns early (the timeout leak), or receives once
// from goroutines started in a loop (the N-cast leak), or fewer times than
// a goroutine sends.
func (s *checker) checkReceivers(ch *chanInfo) {
	owner := ch.at.Parent()
	// The maker must be the only receiver, receiving in its own body,
	// neither in a loop nor until the channel is closed; nobody but the
	// senders may close it.
	senders := make(map[ssa.Instruction][]protocol.Op)
	var recvs []protocol.Op
	looped := false // a receive in a `for {}` loop: left only by its cases
	for _, op := range ch.ops {
		switch {
		case op.Kind == protocol.Send && op.Start != nil:
			senders[op.Start] = append(senders[op.Start], op)
		case op.Kind == protocol.Recv && op.Start == nil && !op.Sync && op.Callee == nil && !op.CommaOk:
			if protocol.InLoop(op.Instr.Block(), ch.at.Block()) {
				if !s.onlyBareLoops(op.Instr) {
					return // a loop that may end before receiving: we cannot count
				}
				looped = true
			}
			recvs = append(recvs, op)
		case op.Kind == protocol.Close && op.Start != nil:
		default:
			return
		}
	}
	if len(recvs) == 0 {
		return
	}
	reported := false
	for start, sends := range senders {
		if slices.ContainsFunc(ch.ops, func(op protocol.Op) bool {
			return op.Start == start && op.Kind != protocol.Send && op.Kind != protocol.Close
		}) {
			continue // the goroutine also receives
		}
		if slices.ContainsFunc(sends, func(op protocol.Op) bool { return op.Optional || op.Sync }) {
			continue // it can give up sending, or sends we cannot count
		}
		if start.Block() == nil || start.Parent() != owner {
			continue
		}
		n := s.sendsOnAPath(start, sends)
		last := sends[0]
		for _, op := range sends {
			if op.Instr.Pos() > last.Instr.Pos() {
				last = op
			}
		}
		started := lifecycle.Related(start.Pos(), "the goroutine starts here")
		if protocol.InLoop(start.Block(), ch.at.Block()) {
			// Each goroutine sends on every path, the maker receives once.
			if ch.buf != 0 || len(recvs) != 1 || looped || !s.sendsOnEveryPath(start, sends) {
				continue // some goroutines may send nothing: we cannot count
			}
			msg := fmt.Sprintf("%s blocks forever: goroutines started in a loop send more values than %s receives; give %s a buffer for every goroutine",
				s.opWhat(last, ch), s.FuncName(owner), ch.name)
			s.reportChanOp(last, msg, lifecycle.Related(start.Pos(), "the goroutines start here, in a loop"), lifecycle.Related(recvs[0].Instr.Pos(), "the only receive"))
			reported = true
			continue
		}
		if n >= protocol.Many {
			continue
		}
		stopped, deferred := s.timerStopped(start)
		if deferred {
			continue
		}
		got, ret := protocol.Fewest(owner, start, recvs, stopped)
		if ret == nil || got+ch.buf >= n {
			continue
		}
		what := "without receiving"
		if got > 0 {
			what = fmt.Sprintf("after receiving %d of %d values", got, n)
		}
		returns := lifecycle.Related(protocol.ReturnPos(ret), fmt.Sprintf("%s returns here %s", s.FuncName(owner), what))
		d := analysis.Diagnostic{
			Pos: s.opPos(last),
			Message: fmt.Sprintf("%s blocks forever if %s returns %s; %s",
				s.opWhat(last, ch), s.FuncName(owner), what, s.bufferRemedy(ch, n, len(senders))),
			Related: []analysis.RelatedInformation{returns, started, lifecycle.Related(ch.make.Pos(), ch.name+" is made here")},
		}
		if len(senders) == 1 {
			d.SuggestedFixes = s.bufferFix(ch, n)
		}
		s.reportOpDiag(last, d)
		reported = true
	}
	if !reported {
		s.checkSenders(ch, senders, recvs, looped)
	}
}

// timerStopped returns, for a callback started by a launcher that may
// never run it (time.AfterFunc), the edges into the blocks that stop its
// timer (after which the callback does not run), and whether a deferred
// Stop does on every path.
func (s *checker) timerStopped(start ssa.Instruction) (map[protocol.Edge]bool, bool) {
	call, ok := start.(*ssa.Call)
	if !ok || !s.Sums.MayNotRun(&call.Call) {
		return nil, false
	}
	stopped := make(map[protocol.Edge]bool)
	for _, stop := range methodCalls(call.Parent(), call, "Stop") {
		if _, ok := stop.(*ssa.Defer); ok {
			return nil, true
		}
		protocol.CutInto(stopped, stop.Block())
	}
	return stopped, false
}

// sendsOnEveryPath reports whether the goroutine started by start sends
// on every path of its body: counted in its body, or for `go f(ch)` with
// f in this package, in f's.
func (s *checker) sendsOnEveryPath(start ssa.Instruction, sends []protocol.Op) bool {
	if sends[0].Instr == start {
		g, ok := start.(*ssa.Go)
		body := g.Call.StaticCallee()
		if !ok || body == nil || body.Pkg != s.Pkg {
			return false
		}
		chans := make(map[ssa.Value]bool)
		for _, a := range g.Call.Args {
			if _, ok := a.Type().Underlying().(*types.Chan); ok {
				chans[a] = true
			}
		}
		if sends = s.GoCalleeOps(g, body, chans); len(sends) == 0 || slices.ContainsFunc(sends, func(op protocol.Op) bool { return op.Kind != protocol.Send || op.Optional }) {
			return false
		}
	}
	sent, _ := protocol.FewestOps(sends[0].Instr.Parent(), nil, sends)
	return sent > 0
}

// onlyBareLoops reports whether every loop around in, in its function, is
// a bare `for { ... }`: one left only by a return, a break or a goto, not
// by a condition the analysis would have to evaluate.
func (s *checker) onlyBareLoops(in ssa.Instruction) bool {
	path := s.Enclosing(in.Pos())
	if len(path) == 0 {
		return false
	}
	for _, n := range path {
		switch n := n.(type) {
		case *ast.ForStmt:
			if n.Init != nil || n.Cond != nil || n.Post != nil {
				return false
			}
		case *ast.RangeStmt:
			return false
		case *ast.FuncLit, *ast.FuncDecl:
			return true
		}
	}
	return true
}

// bufferRemedy names the fix: a buffer with room for every send, or a
// select on ctx.Done() around the send.
func (s *checker) bufferRemedy(ch *chanInfo, n, goroutines int) string {
	if goroutines == 1 {
		return fmt.Sprintf("make %s with a buffer of %d", ch.name, n)
	}
	return "give " + ch.name + " a buffer for every send, or select on ctx.Done() around the send"
}

// bufferFix rewrites the make of the channel to give it a buffer of n.
func (s *checker) bufferFix(ch *chanInfo, n int) []analysis.SuggestedFix {
	path := s.Enclosing(ch.make.Pos())
	if len(path) == 0 {
		return nil
	}
	call, ok := path[0].(*ast.CallExpr)
	if !ok || call.Lparen != ch.make.Pos() {
		return nil
	}
	var edit analysis.TextEdit
	switch len(call.Args) {
	case 1:
		edit = analysis.TextEdit{Pos: call.Args[0].End(), End: call.Args[0].End(), NewText: fmt.Appendf(nil, ", %d", n)}
	case 2:
		edit = analysis.TextEdit{Pos: call.Args[1].Pos(), End: call.Args[1].End(), NewText: fmt.Appendf(nil, "%d", n)}
	default:
		return nil
	}
	return []analysis.SuggestedFix{{
		Message:   fmt.Sprintf("give %s a buffer of %d", ch.name, n),
		TextEdits: []analysis.TextEdit{edit},
	}}
}

// sendsOnAPath returns the most values the goroutine started by start
// sends on one path: counted in its body, or, for `go f(ch)`, by f's
// summary.
func (s *checker) sendsOnAPath(start ssa.Instruction, sends []protocol.Op) int {
	if sends[0].Instr == start {
		return min(sends[0].Weight, protocol.Many) // all of f's sends are one op
	}
	weights := make(map[*ssa.BasicBlock]int)
	body := sends[0].Instr.Parent()
	for _, op := range sends {
		if op.Instr.Parent() != body {
			return protocol.Many
		}
		weights[op.Instr.Block()] += op.Weight
	}
	return protocol.MostOnAPath(body, weights)
}

// chanName names the channel a make creates: the variable it is assigned
// to, or "the channel".
func (s *checker) chanName(mk *ssa.MakeChan) string {
	for _, ref := range *mk.Referrers() {
		if st, ok := ref.(*ssa.Store); ok {
			if alloc, ok := st.Addr.(*ssa.Alloc); ok && alloc.Comment != "" {
				return alloc.Comment
			}
		}
	}
	if name := s.AssignedTo(mk.Pos()); name != "" {
		return name
	}
	return "the channel"
}

func (s *checker) reportChanOp(op protocol.Op, msg string, rel ...analysis.RelatedInformation) {
	d := analysis.Diagnostic{Pos: s.opPos(op), Message: msg}
	for _, r := range rel {
		if r.Pos.IsValid() {
			d.Related = append(d.Related, r)
		}
	}
	if op.Start != nil && !slices.ContainsFunc(d.Related, func(r analysis.RelatedInformation) bool { return r.Pos == op.Start.Pos() }) {
		d.Related = append(d.Related, lifecycle.Related(op.Start.Pos(), "the goroutine starts here"))
	}
	s.reportOpDiag(op, d)
}

// reportOpDiag reports d about op and remembers the goroutine it blocks,
// which gostop then does not report again.
func (s *checker) reportOpDiag(op protocol.Op, d analysis.Diagnostic) {
	if op.Start != nil {
		s.blocked.Starts[op.Start] = true
	} else {
		s.blocked.Funcs[op.Instr.Parent()] = true
	}
	s.report(d)
}

// reportNilOp reports an operation on a nil channel.
func (s *checker) reportNilOp(in ssa.Instruction, msg string) {
	s.reportOpDiag(protocol.Op{Instr: in}, analysis.Diagnostic{Pos: in.Pos(), Message: msg})
}
