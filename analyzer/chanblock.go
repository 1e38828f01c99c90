package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// runChanblock reports channel operations that can never complete: on
// channels made in a function whose every use it can see (its own body,
// the closures and goroutines it starts, callees by their summaries), and
// on nil channels.
func runChanblock(s *state) {
	s.checkFieldChans()
	s.checkStreams()
	s.checkLocalMakers()
	s.checkTimerDrains()
	s.checkLocks()
	for _, fn := range s.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				if !s.evaluated(in.Pos()) {
					continue
				}
				switch in := in.(type) {
				case *ssa.MakeChan:
					s.checkChan(in)
				case *ssa.Send:
					if isNilChan(in.Chan) {
						s.reportNilOp(in, "send on a nil channel blocks forever; make the channel before sending on it")
					}
				case *ssa.UnOp:
					if in.Op == token.ARROW && isNilChan(in.X) {
						s.reportNilOp(in, "receive from a nil channel blocks forever; make the channel before receiving from it")
					}
				}
			}
		}
	}
}

// isNilChan reports whether v is a nil channel: the constant, or a load of
// a variable (perhaps captured by a closure) that is never assigned.
func isNilChan(v ssa.Value) bool {
	if ct, ok := v.(*ssa.ChangeType); ok {
		v = ct.X
	}
	load, ok := v.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return obligation.IsNil(v)
	}
	addr := load.X
	for {
		fv, ok := addr.(*ssa.FreeVar)
		if !ok {
			break
		}
		if addr = binding(fv); addr == nil {
			return false
		}
	}
	alloc, ok := addr.(*ssa.Alloc)
	return ok && neverAssigned(alloc)
}

// neverAssigned reports whether the variable alloc, and every closure's
// capture of it, is only ever read.
func neverAssigned(addr ssa.Value) bool {
	for _, ref := range *addr.Referrers() {
		switch ref := ref.(type) {
		case *ssa.UnOp:
			if ref.Op != token.MUL {
				return false
			}
		case *ssa.MakeClosure:
			fn := ref.Fn.(*ssa.Function)
			for i, b := range ref.Bindings {
				if b == addr && !neverAssigned(fn.FreeVars[i]) {
					return false
				}
			}
		case *ssa.DebugRef:
		default:
			return false // assigned, or its address handed on
		}
	}
	return true
}

// opPos is where a finding about op is reported: the operation itself, or
// the call that performs it.
func (s *state) opPos(op protocol.Op) token.Pos {
	if call, ok := op.Instr.(*ssa.Call); ok {
		return s.callStart(call)
	}
	return op.Instr.Pos()
}

// A chanWalk collects the operations on one channel by following its
// value: through local variables, closures (run in place, deferred or in a
// goroutine), conversions, and calls whose callees' summaries describe the
// parameter. Anything else (a store to a field or global, a return, an
// interface, an unknown callee) is an escape: the channel may be used by
// code the analysis does not see.
type chanWalk struct {
	m       *summaries
	ops     []protocol.Op
	escapes bool
	seen    map[ssa.Value]bool
	// accessors, if set, lets the channel be returned by an accessor whose
	// callers the package holds (see returned); outRecv then records that
	// code outside the package may receive from it.
	accessors *state
	outRecv   bool
	// result lets the channel be returned: the walk summarizes the
	// goroutine feeding a stream (see streamOf).
	result bool
	// field, if set, is the struct field being followed: storing the
	// channel there is no escape.
	field *types.Var
}

// walkCtx says where the values being followed are used: in which
// goroutine, and whether in its own body.
type walkCtx struct {
	start ssa.Instruction
	sync  bool
	// call, for a closure run in place, is the call that runs it.
	call ssa.Instruction
}

func newChanWalk(m *summaries) *chanWalk {
	return &chanWalk{m: m, seen: make(map[ssa.Value]bool)}
}

func (w *chanWalk) add(op protocol.Op, c walkCtx) {
	if !w.m.s.evaluated(op.Instr.Pos()) {
		return
	}
	op.Start = c.start
	op.Sync = op.Sync || c.sync
	w.ops = append(w.ops, op)
}

// value follows a value that is the channel.
func (w *chanWalk) value(v ssa.Value, c walkCtx) {
	if w.escapes || w.seen[v] {
		return
	}
	w.seen[v] = true
	refs := v.Referrers()
	if refs == nil {
		return
	}
	for _, in := range *refs {
		switch in := in.(type) {
		case *ssa.Send:
			if in.X == v {
				w.escapes = true // sent to someone else
				return
			}
			w.add(protocol.Op{Kind: protocol.Send, Instr: in, Weight: 1}, c)
		case *ssa.UnOp:
			if in.Op != token.ARROW {
				w.escapes = true
				return
			}
			w.add(protocol.Op{Kind: protocol.Recv, Instr: in, Weight: 1, CommaOk: in.CommaOk, Drains: in.CommaOk && protocol.DrainsUntilClosed(in)}, c)
		case *ssa.Select:
			optional := !in.Blocking || len(in.States) > 1
			for i, st := range in.States {
				if st.Send == v {
					w.escapes = true
					return
				}
				if st.Chan != v {
					continue
				}
				kind := protocol.Recv
				if st.Dir == types.SendOnly {
					kind = protocol.Send
				}
				w.add(protocol.Op{Kind: kind, Instr: in, Weight: 1, Optional: optional, SelIndex: i}, c)
			}
		case ssa.CallInstruction:
			w.call(in, v, c)
		case *ssa.MakeClosure:
			w.closure(in, v, false, c)
		case *ssa.Store:
			if fa, ok := in.Addr.(*ssa.FieldAddr); ok && in.Val == v && w.field != nil && obligation.FieldOf(fa) == w.field {
				continue // into the field being followed: its loads are followed too
			}
			alloc, ok := in.Addr.(*ssa.Alloc)
			if !ok || in.Val != v {
				w.escapes = true
				return
			}
			w.variable(alloc, c)
		case *ssa.ChangeType:
			w.value(in, c)
		case *ssa.Return:
			if w.result {
				continue // the stream being summarized
			}
			if w.accessors == nil || !w.returned(in, v) {
				w.escapes = true
				return
			}
		case *ssa.BinOp, *ssa.DebugRef:
			// comparisons (ch != nil) use nothing
		default:
			w.escapes = true
			return
		}
	}
}

// variable follows a local variable (or a closure's captured one) that
// holds the channel and nothing else.
func (w *chanWalk) variable(addr ssa.Value, c walkCtx) {
	if w.escapes || w.seen[addr] {
		return
	}
	w.seen[addr] = true
	for _, in := range *addr.Referrers() {
		switch in := in.(type) {
		case *ssa.Store:
			if in.Addr != addr || !w.seen[in.Val] {
				w.escapes = true // assigned another channel, or &ch stored
				return
			}
		case *ssa.UnOp:
			if in.Op != token.MUL {
				w.escapes = true
				return
			}
			w.value(in, c)
		case *ssa.MakeClosure:
			w.closure(in, addr, true, c)
		case *ssa.DebugRef:
		default:
			w.escapes = true // &ch handed on
			return
		}
	}
}

// closure follows the channel (or the variable holding it, if isVar) into
// a closure that captures it, according to how the closure is run.
func (w *chanWalk) closure(mc *ssa.MakeClosure, bound ssa.Value, isVar bool, c walkCtx) {
	runs := w.runsOf(mc, c)
	if len(runs) != 1 {
		w.escapes = w.escapes || len(runs) > 1
		return
	}
	for i, b := range mc.Bindings {
		if b == bound {
			w.freeVar(mc.Fn.(*ssa.Function).FreeVars[i], isVar, runs[0])
		}
	}
}

// freeVar follows a closure's free variable: the channel, or (isVar) the
// variable holding it.
func (w *chanWalk) freeVar(fv *ssa.FreeVar, isVar bool, c walkCtx) {
	if isVar {
		w.variable(fv, c)
	} else {
		w.value(fv, c)
	}
}

// runsOf returns how the function value fv (a closure) is run: in place
// (sync), or in a goroutine its go statement or a launcher starts; it sets
// w.escapes when fv may be run by code the walk does not see.
func (w *chanWalk) runsOf(fv ssa.Value, c walkCtx) []walkCtx {
	var runs []walkCtx
	for _, in := range *fv.Referrers() {
		if _, ok := in.(*ssa.DebugRef); ok {
			continue
		}
		run, ok := w.runOf(in, fv, c)
		if !ok {
			w.escapes = true // stored or handed to code that may run it anywhere
			return nil
		}
		runs = append(runs, run)
	}
	return runs
}

// runOf says how the instruction in runs the function value fv, if it
// does.
func (w *chanWalk) runOf(in ssa.Instruction, fv ssa.Value, c walkCtx) (walkCtx, bool) {
	switch in := in.(type) {
	case *ssa.Go:
		return walkCtx{start: in}, in.Call.Value == fv
	case *ssa.Call, *ssa.Defer:
		common := in.(ssa.CallInstruction).Common()
		switch {
		case common.Value == fv:
			return walkCtx{start: c.start, sync: true, call: in}, true
		case w.m.launchedBy(common, fv):
			// time.AfterFunc's too: the paths that stop the timer first
			// are told apart by timerStopped.
			return walkCtx{start: in}, true
		case w.m.passedToInvoker(common, fv):
			return walkCtx{start: c.start, sync: true}, true
		}
	}
	return walkCtx{}, false
}

// launchedBy reports whether the call hands fn to a parameter that its
// callee runs in a new goroutine.
func (m *summaries) launchedBy(common *ssa.CallCommon, fn ssa.Value) bool {
	callee := common.StaticCallee()
	if callee == nil {
		return false
	}
	params := m.launcherParams(callee)
	for i, a := range common.Args {
		if a == fn && contains(params, i) {
			return true
		}
	}
	return false
}

// mayNotRun reports whether the launcher the call hands a function to may
// never run it (time.AfterFunc's timer can be stopped first).
func (m *summaries) mayNotRun(common *ssa.CallCommon) bool {
	callee := common.StaticCallee()
	if callee == nil {
		return false
	}
	obj, ok := callee.Object().(*types.Func)
	return ok && m.s.know.mayNotRun(obj)
}

// call follows the channel into a call: close, len and cap use it in
// place; a function literal's parameter is followed into its body; any
// other static callee's summary says what it does with the parameter.
func (w *chanWalk) call(in ssa.CallInstruction, v ssa.Value, c walkCtx) {
	common := in.Common()
	if b, ok := common.Value.(*ssa.Builtin); ok {
		switch b.Name() {
		case "close":
			w.add(protocol.Op{Kind: protocol.Close, Instr: in}, c)
		case "len", "cap":
		default:
			w.escapes = true
		}
		return
	}
	callee := common.StaticCallee()
	if callee == nil || common.Value == v {
		w.escapes = true
		return
	}
	// A function literal's body runs in place (or later, deferred): sync.
	// A summarized callee's operations are the call's own.
	inner, summarized := walkCtx{start: c.start, sync: true}, c
	if g, ok := in.(*ssa.Go); ok {
		inner, summarized = walkCtx{start: g}, walkCtx{start: g}
	}
	for i, a := range common.Args {
		if a != v {
			continue
		}
		if callee.Parent() != nil && callee.Blocks != nil && i < len(callee.Params) {
			w.value(callee.Params[i], inner) // a function literal: follow it
			continue
		}
		cp := w.m.chanParam(callee, i)
		if cp == nil {
			w.escapes = true
			return
		}
		op := protocol.Op{Instr: in, Callee: callee}
		if cp.Sends > 0 || cp.Send {
			op.Kind, op.Weight, op.Optional = protocol.Send, cp.Sends, cp.Sends == 0
			w.add(op, summarized)
		}
		if cp.Recv {
			op.Kind, op.Weight, op.Optional, op.CommaOk, op.Drains = protocol.Recv, 0, !cp.BlockRecv, cp.Drains, cp.Drains
			w.add(op, summarized)
		}
		if cp.Close {
			w.add(protocol.Op{Kind: protocol.Close, Instr: in, Callee: callee}, summarized)
		}
	}
}

// A chanParam summarizes what a function does with a channel parameter
// that does not escape it (SSA numbering: the receiver is parameter 0).
type chanParam struct {
	Param int
	// Sends is the most blocking sends on one path (protocol.Many: in a loop).
	Sends int
	// Send: it may send (in a select, too); Recv: it may receive;
	// BlockRecv: with a receive outside any select; Drains: it ranges over
	// it until it is closed; Close: it may close it.
	Send, Recv, BlockRecv, Drains, Close bool
}

func (cp chanParam) String() string {
	var parts []string
	if cp.Sends > 0 {
		parts = append(parts, fmt.Sprintf("sends=%d", cp.Sends))
	} else if cp.Send {
		parts = append(parts, "sends?")
	}
	if cp.Drains {
		parts = append(parts, "drains")
	} else if cp.BlockRecv {
		parts = append(parts, "recv")
	} else if cp.Recv {
		parts = append(parts, "recv?")
	}
	if cp.Close {
		parts = append(parts, "close")
	}
	return fmt.Sprintf("chan[%d](%s)", cp.Param, strings.Join(parts, ","))
}

// chanParam returns the summary of callee's parameter i, or nil if the
// channel may escape there (or callee is unknown).
func (m *summaries) chanParam(callee *ssa.Function, i int) *chanParam {
	for _, cp := range m.of(callee).Chans {
		if cp.Param == i {
			return &cp
		}
	}
	return nil
}

// computeChans summarizes fn's channel parameters that do not escape it
// nor reach another goroutine.
func (m *summaries) computeChans(fn *ssa.Function, f *funcFact) {
	for i, p := range fn.Params {
		if _, ok := p.Type().Underlying().(*types.Chan); !ok {
			continue
		}
		w := newChanWalk(m)
		w.value(p, walkCtx{})
		if w.escapes {
			continue
		}
		cp := chanParam{Param: i}
		weights := make(map[*ssa.BasicBlock]int)
		async := false
		for _, op := range w.ops {
			async = async || op.Start != nil
			switch op.Kind {
			case protocol.Send:
				cp.Send = true
				if !op.Optional {
					if op.Sync || op.Weight >= protocol.Many {
						weights[fn.Blocks[0]] += protocol.Many
					} else {
						weights[op.Instr.Block()] += op.Weight
					}
				}
			case protocol.Recv:
				cp.Recv = true
				cp.BlockRecv = cp.BlockRecv || !op.Optional
				cp.Drains = cp.Drains || (op.Drains && !op.Sync)
			case protocol.Close:
				cp.Close = true
			}
		}
		if async {
			continue // used by another goroutine: callers cannot count
		}
		cp.Sends = protocol.MostOnAPath(fn, weights)
		f.Chans = append(f.Chans, cp)
	}
}

// bufSize is the constant buffer size of a make, or -1. A size that is a
// parameter of an unexported function counts as constant when every call
// of the function (all in this package, none through a function value)
// passes the same constant.
func (s *state) bufSize(mk *ssa.MakeChan) int {
	if n, ok := intConst(mk.Size); ok {
		return n
	}
	p, ok := mk.Size.(*ssa.Parameter)
	if !ok {
		return -1
	}
	fn := p.Parent()
	obj, ok := fn.Object().(*types.Func)
	if !ok || obj.Exported() || fn.Signature.Recv() != nil || s.usedAsValue(fn) {
		return -1
	}
	i := slices.Index(fn.Params, p)
	size := -1
	calls := s.callsOf(fn)
	for _, call := range calls {
		n, ok := intConst(call.Call.Args[i])
		if !ok || (size >= 0 && n != size) {
			return -1
		}
		size = n
	}
	return size
}

// intConst returns the value of an integer constant.
func intConst(v ssa.Value) (int, bool) {
	if c, ok := v.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() == constant.Int {
		if n, ok := constant.Int64Val(c.Value); ok {
			return int(n), true
		}
	}
	return 0, false
}

// usedAsValue reports whether fn is used otherwise than called: as a
// function value, which may be called from anywhere.
func (s *state) usedAsValue(fn *ssa.Function) bool {
	if s.funcValues == nil {
		s.funcValues = make(map[*ssa.Function]bool)
		var ops []*ssa.Value
		for _, f := range s.funcs {
			for _, b := range f.Blocks {
				for _, in := range b.Instrs {
					var callee ssa.Value // go and defer count as uses as values
					if call, ok := in.(*ssa.Call); ok {
						callee = call.Call.Value
					}
					for _, op := range in.Operands(ops[:0]) {
						if g, ok := (*op).(*ssa.Function); ok && *op != callee {
							s.funcValues[g] = true
						}
					}
				}
			}
		}
	}
	return s.funcValues[fn]
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
}

// checkChan reports the operations on the channel mk makes that can
// never complete, if every use of the channel is in sight.
func (s *state) checkChan(mk *ssa.MakeChan) {
	w := newChanWalk(&s.sums)
	w.value(mk, walkCtx{})
	if w.escapes {
		return
	}
	s.checkOps(&chanInfo{make: mk, at: mk, name: s.chanName(mk), buf: s.bufSize(mk), ops: w.ops})
}

// checkOps reports the operations on a channel that can never complete.
func (s *state) checkOps(ch *chanInfo) {
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
	made := related(mk.Pos(), ch.name+" is made here")
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
	if ch.buf >= 0 && !s.checkLoopStarts(ch) && !s.checkLocalStream(ch) {
		s.checkReceivers(ch)
	}
}

// goBodyOps returns the channel's operations with those of `go f(ch)`, f
// in this package, followed into f's body instead of f's summary, so that
// a range and a close in f are seen as such (a worker method that defers
// the close of the channel it ranges over).
func (s *state) goBodyOps(ch *chanInfo) []protocol.Op {
	var ops []protocol.Op
	followed := make(map[*ssa.Go]bool)
	for _, op := range ch.ops {
		g, ok := op.Instr.(*ssa.Go)
		if !ok || op.Callee == nil || op.Callee.Pkg != s.pkg {
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
func (s *state) madeChanOps(g *ssa.Go, body *ssa.Function, mk *ssa.MakeChan) []protocol.Op {
	chans := make(map[ssa.Value]bool)
	for _, a := range g.Call.Args {
		if madeChan(outerValue(a)) == mk {
			chans[a] = true
		}
	}
	return s.goCalleeOps(g, body, chans)
}

// exempt reports whether op blocks main.main itself, which may wait
// forever by design (the process ends when another goroutine exits it).
func (s *state) exempt(op protocol.Op) bool {
	fn := op.Instr.Parent()
	return op.Start == nil && (isMainMain(fn) || s.blocksOnPurpose(op.Instr) && !s.onlyGoStarted(fn))
}

// blocksOnPurpose reports whether in is `<-make(chan T)` in the source:
// a receive from a channel made for it alone, which nothing else can
// ever name. Like `select {}`, it is written to block forever (a
// command's subcommand that waits for ^C); in a goroutine's own body it
// is a leak all the same.
func (s *state) blocksOnPurpose(in ssa.Instruction) bool {
	recv, ok := in.(*ssa.UnOp)
	if !ok || recv.Op != token.ARROW {
		return false
	}
	for _, n := range s.enclosing(recv.Pos()) {
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
func (s *state) lastSend(ch *chanInfo) analysis.RelatedInformation {
	var last protocol.Op
	for _, op := range ch.ops {
		if op.Kind == protocol.Send && (last.Instr == nil || op.Instr.Pos() > last.Instr.Pos()) {
			last = op
		}
	}
	if last.Instr == nil {
		return analysis.RelatedInformation{}
	}
	return related(s.opPos(last), "the last send")
}

// opWhat describes op for a message: "send on ch", "range over ch",
// "worker's receive from ch".
func (s *state) opWhat(op protocol.Op, ch *chanInfo) string {
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
		return s.funcName(op.Callee) + "'s " + what
	}
	return what
}

// checkReceivers reports the sends of goroutines that the channel's maker
// does not receive: it returns early (the timeout leak), or receives once
// from goroutines started in a loop (the N-cast leak), or fewer times than
// a goroutine sends.
func (s *state) checkReceivers(ch *chanInfo) {
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
		started := related(start.Pos(), "the goroutine starts here")
		if protocol.InLoop(start.Block(), ch.at.Block()) {
			// Each goroutine sends on every path, the maker receives once.
			if ch.buf != 0 || len(recvs) != 1 || looped || !s.sendsOnEveryPath(start, sends) {
				continue // some goroutines may send nothing: we cannot count
			}
			msg := fmt.Sprintf("%s blocks forever: goroutines started in a loop send more values than %s receives; give %s a buffer for every goroutine",
				s.opWhat(last, ch), s.funcName(owner), ch.name)
			s.reportChanOp(last, msg, related(start.Pos(), "the goroutines start here, in a loop"), related(recvs[0].Instr.Pos(), "the only receive"))
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
		returns := related(protocol.ReturnPos(ret), fmt.Sprintf("%s returns here %s", s.funcName(owner), what))
		d := analysis.Diagnostic{
			Pos: s.opPos(last),
			Message: fmt.Sprintf("%s blocks forever if %s returns %s; %s",
				s.opWhat(last, ch), s.funcName(owner), what, s.bufferRemedy(ch, n, len(senders))),
			Related: []analysis.RelatedInformation{returns, started, related(ch.make.Pos(), ch.name+" is made here")},
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
func (s *state) timerStopped(start ssa.Instruction) (map[protocol.Edge]bool, bool) {
	call, ok := start.(*ssa.Call)
	if !ok || !s.sums.mayNotRun(&call.Call) {
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
func (s *state) sendsOnEveryPath(start ssa.Instruction, sends []protocol.Op) bool {
	if sends[0].Instr == start {
		g, ok := start.(*ssa.Go)
		body := g.Call.StaticCallee()
		if !ok || body == nil || body.Pkg != s.pkg {
			return false
		}
		chans := make(map[ssa.Value]bool)
		for _, a := range g.Call.Args {
			if _, ok := a.Type().Underlying().(*types.Chan); ok {
				chans[a] = true
			}
		}
		if sends = s.goCalleeOps(g, body, chans); len(sends) == 0 || slices.ContainsFunc(sends, func(op protocol.Op) bool { return op.Kind != protocol.Send || op.Optional }) {
			return false
		}
	}
	sent, _ := protocol.FewestOps(sends[0].Instr.Parent(), nil, sends)
	return sent > 0
}

// onlyBareLoops reports whether every loop around in, in its function, is
// a bare `for { ... }`: one left only by a return, a break or a goto, not
// by a condition the analysis would have to evaluate.
func (s *state) onlyBareLoops(in ssa.Instruction) bool {
	path := s.enclosing(in.Pos())
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
func (s *state) bufferRemedy(ch *chanInfo, n, goroutines int) string {
	if goroutines == 1 {
		return fmt.Sprintf("make %s with a buffer of %d", ch.name, n)
	}
	return "give " + ch.name + " a buffer for every send, or select on ctx.Done() around the send"
}

// bufferFix rewrites the make of the channel to give it a buffer of n.
func (s *state) bufferFix(ch *chanInfo, n int) []analysis.SuggestedFix {
	path := s.enclosing(ch.make.Pos())
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
func (s *state) sendsOnAPath(start ssa.Instruction, sends []protocol.Op) int {
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
func (s *state) chanName(mk *ssa.MakeChan) string {
	for _, ref := range *mk.Referrers() {
		if st, ok := ref.(*ssa.Store); ok {
			if alloc, ok := st.Addr.(*ssa.Alloc); ok && alloc.Comment != "" {
				return alloc.Comment
			}
		}
	}
	if name := s.assignedTo(mk.Pos()); name != "" {
		return name
	}
	return "the channel"
}

// assignedTo returns the variable that the expression at pos is assigned
// to (by := , = or var), or "".
func (s *state) assignedTo(pos token.Pos) string {
	path := s.enclosing(pos)
	for i, n := range path {
		if i == 0 {
			continue
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 && n.Rhs[0] == path[i-1] && len(n.Lhs) > 1 {
				n = &ast.AssignStmt{Lhs: n.Lhs[:1], Rhs: n.Rhs} // v, err := f(): the first result
			}
			if len(n.Lhs) != len(n.Rhs) {
				return ""
			}
			for j, r := range n.Rhs {
				if r == path[i-1] {
					if id, ok := n.Lhs[j].(*ast.Ident); ok && id.Name != "_" {
						return id.Name
					}
				}
			}
			return ""
		case *ast.ValueSpec:
			if len(n.Names) != len(n.Values) {
				return ""
			}
			for j, r := range n.Values {
				if r == path[i-1] {
					return n.Names[j].Name
				}
			}
			return ""
		case *ast.UnaryExpr, *ast.ParenExpr, *ast.CompositeLit, *ast.CallExpr:
			// &T{...}, (x), T{...}, make(...): look further out
		default:
			return ""
		}
	}
	return ""
}

func (s *state) reportChanOp(op protocol.Op, msg string, rel ...analysis.RelatedInformation) {
	d := analysis.Diagnostic{Pos: s.opPos(op), Message: msg}
	for _, r := range rel {
		if r.Pos.IsValid() {
			d.Related = append(d.Related, r)
		}
	}
	if op.Start != nil && !slices.ContainsFunc(d.Related, func(r analysis.RelatedInformation) bool { return r.Pos == op.Start.Pos() }) {
		d.Related = append(d.Related, related(op.Start.Pos(), "the goroutine starts here"))
	}
	s.reportOpDiag(op, d)
}

// reportOpDiag reports d about op and remembers the goroutine it blocks,
// which gostop then does not report again.
func (s *state) reportOpDiag(op protocol.Op, d analysis.Diagnostic) {
	if op.Start != nil {
		s.blockedStarts[op.Start] = true
	} else {
		s.blockedFuncs[op.Instr.Parent()] = true
	}
	s.report("chanblock", d)
}

// reportNilOp reports an operation on a nil channel.
func (s *state) reportNilOp(in ssa.Instruction, msg string) {
	s.reportOpDiag(protocol.Op{Instr: in}, analysis.Diagnostic{Pos: in.Pos(), Message: msg})
}
