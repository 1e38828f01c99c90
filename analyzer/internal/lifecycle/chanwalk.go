package lifecycle

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
	"golang.org/x/tools/go/ssa"
)

// isNilChan reports whether v is a nil channel: the constant, or a load of
// a variable (perhaps captured by a closure) that is never assigned.
func IsNilChan(v ssa.Value) bool {
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
		if addr = Binding(fv); addr == nil {
			return false
		}
	}
	alloc, ok := addr.(*ssa.Alloc)
	return ok && NeverAssigned(alloc)
}

// neverAssigned reports whether the variable alloc, and every closure's
// capture of it, is only ever read.
func NeverAssigned(addr ssa.Value) bool {
	for _, ref := range *addr.Referrers() {
		switch ref := ref.(type) {
		case *ssa.UnOp:
			if ref.Op != token.MUL {
				return false
			}
		case *ssa.MakeClosure:
			fn := ref.Fn.(*ssa.Function)
			for i, b := range ref.Bindings {
				if b == addr && !NeverAssigned(fn.FreeVars[i]) {
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

// A chanWalk collects the operations on one channel by following its
// value: through local variables, closures (run in place, deferred or in a
// goroutine), conversions, and calls whose callees' summaries describe the
// parameter. Anything else (a store to a field or global, a return, an
// interface, an unknown callee) is an escape: the channel may be used by
// code the analysis does not see.
type chanWalk struct {
	m       *summaries
	Ops     []protocol.Op
	Escapes bool
	seen    map[ssa.Value]bool
	// accessors, if set, lets the channel be returned by an accessor whose
	// callers the package holds (see returned); outRecv then records that
	// code outside the package may receive from it.
	Accessors *State
	OutRecv   bool
	// result lets the channel be returned: the walk summarizes the
	// goroutine feeding a stream (see streamOf).
	result bool
	// field, if set, is the struct field being followed: storing the
	// channel there is no escape.
	Field *types.Var
	// until holds, for the calls whose callees' summaries say their
	// receives stop for good once a context parameter is done, those
	// contexts' arguments (see UntilDone).
	until map[ssa.Instruction][]ssa.Value
}

// UntilDone returns the contexts, as values of the function that holds
// op (or of the closures it runs), once any of which is done the receive
// op stops receiving for good: a select case beside `<-ctx.Done()` whose
// branch never comes back to the receive, or a call of a function whose
// summary says so of its channel parameter (chanParam.Until).
func (w *chanWalk) UntilDone(op protocol.Op) []ssa.Value {
	if op.Kind != protocol.Recv {
		return nil
	}
	if op.Callee == nil {
		return doneStops(op.Instr) // computed when asked: most walks never ask
	}
	return w.until[op.Instr]
}

// setUntil records the contexts handed to the call in that stop its
// callee's receives (see UntilDone).
func (w *chanWalk) setUntil(in ssa.Instruction, ctxs []ssa.Value) {
	if len(ctxs) == 0 {
		return
	}
	if w.until == nil {
		w.until = make(map[ssa.Instruction][]ssa.Value)
	}
	w.until[in] = ctxs
}

// walkCtx says where the values being followed are used: in which
// goroutine, and whether in its own body.
type WalkCtx struct {
	start ssa.Instruction
	sync  bool
	// call, for a closure run in place, is the call that runs it.
	call ssa.Instruction
}

func NewChanWalk(m *summaries) *chanWalk {
	return &chanWalk{m: m, seen: make(map[ssa.Value]bool)}
}

func (w *chanWalk) add(op protocol.Op, c WalkCtx) {
	if !w.m.s.Evaluated(op.Instr.Pos()) {
		return
	}
	op.Start = c.start
	op.Sync = op.Sync || c.sync
	w.Ops = append(w.Ops, op)
}

// value follows a value that is the channel.
func (w *chanWalk) Value(v ssa.Value, c WalkCtx) {
	if w.Escapes || w.seen[v] {
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
				w.Escapes = true // sent to someone else
				return
			}
			w.add(protocol.Op{Kind: protocol.Send, Instr: in, Weight: 1}, c)
		case *ssa.UnOp:
			if in.Op != token.ARROW {
				w.Escapes = true
				return
			}
			w.add(protocol.Op{Kind: protocol.Recv, Instr: in, Weight: 1, CommaOk: in.CommaOk, Drains: in.CommaOk && protocol.DrainsUntilClosed(in)}, c)
		case *ssa.Select:
			optional := !in.Blocking || len(in.States) > 1
			for i, st := range in.States {
				if st.Send == v {
					w.Escapes = true
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
			if fa, ok := in.Addr.(*ssa.FieldAddr); ok && in.Val == v && w.Field != nil && obligation.FieldOf(fa) == w.Field {
				continue // into the field being followed: its loads are followed too
			}
			alloc, ok := in.Addr.(*ssa.Alloc)
			if !ok || in.Val != v {
				w.Escapes = true
				return
			}
			w.variable(alloc, c)
		case *ssa.ChangeType:
			w.Value(in, c)
		case *ssa.Return:
			if w.result {
				continue // the stream being summarized
			}
			if w.Accessors == nil || !w.returned(in, v) {
				w.Escapes = true
				return
			}
		case *ssa.BinOp, *ssa.DebugRef:
			// comparisons (ch != nil) use nothing
		default:
			w.Escapes = true
			return
		}
	}
}

// variable follows a local variable (or a closure's captured one) that
// holds the channel and nothing else.
func (w *chanWalk) variable(addr ssa.Value, c WalkCtx) {
	if w.Escapes || w.seen[addr] {
		return
	}
	w.seen[addr] = true
	for _, in := range *addr.Referrers() {
		switch in := in.(type) {
		case *ssa.Store:
			if in.Addr != addr || !w.seen[in.Val] {
				w.Escapes = true // assigned another channel, or &ch stored
				return
			}
		case *ssa.UnOp:
			if in.Op != token.MUL {
				w.Escapes = true
				return
			}
			w.Value(in, c)
		case *ssa.MakeClosure:
			w.closure(in, addr, true, c)
		case *ssa.DebugRef:
		default:
			w.Escapes = true // &ch handed on
			return
		}
	}
}

// closure follows the channel (or the variable holding it, if isVar) into
// a closure that captures it, according to how the closure is run.
func (w *chanWalk) closure(mc *ssa.MakeClosure, bound ssa.Value, isVar bool, c WalkCtx) {
	runs := w.runsOf(mc, c)
	if len(runs) != 1 {
		w.Escapes = w.Escapes || len(runs) > 1
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
func (w *chanWalk) freeVar(fv *ssa.FreeVar, isVar bool, c WalkCtx) {
	if isVar {
		w.variable(fv, c)
	} else {
		w.Value(fv, c)
	}
}

// runsOf returns how the function value fv (a closure) is run: in place
// (sync), or in a goroutine its go statement or a launcher starts; it sets
// w.escapes when fv may be run by code the walk does not see.
func (w *chanWalk) runsOf(fv ssa.Value, c WalkCtx) []WalkCtx {
	var runs []WalkCtx
	for _, in := range *fv.Referrers() {
		if _, ok := in.(*ssa.DebugRef); ok {
			continue
		}
		run, ok := w.runOf(in, fv, c)
		if !ok {
			w.Escapes = true // stored or handed to code that may run it anywhere
			return nil
		}
		runs = append(runs, run)
	}
	return runs
}

// runOf says how the instruction in runs the function value fv, if it
// does.
func (w *chanWalk) runOf(in ssa.Instruction, fv ssa.Value, c WalkCtx) (WalkCtx, bool) {
	switch in := in.(type) {
	case *ssa.Go:
		return WalkCtx{start: in}, in.Call.Value == fv
	case *ssa.Call, *ssa.Defer:
		common := in.(ssa.CallInstruction).Common()
		switch {
		case common.Value == fv:
			return WalkCtx{start: c.start, sync: true, call: in}, true
		case w.m.launchedBy(common, fv):
			// time.AfterFunc's too: the paths that stop the timer first
			// are told apart by timerStopped.
			return WalkCtx{start: in}, true
		case w.m.passedToInvoker(common, fv):
			return WalkCtx{start: c.start, sync: true}, true
		}
	}
	return WalkCtx{}, false
}

// launchedBy reports whether the call hands fn to a parameter that its
// callee runs in a new goroutine.
func (m *summaries) launchedBy(common *ssa.CallCommon, fn ssa.Value) bool {
	callee := common.StaticCallee()
	if callee == nil {
		return false
	}
	params := m.LauncherParams(callee)
	for i, a := range common.Args {
		if a == fn && contains(params, i) {
			return true
		}
	}
	return false
}

// mayNotRun reports whether the launcher the call hands a function to may
// never run it (time.AfterFunc's timer can be stopped first).
func (m *summaries) MayNotRun(common *ssa.CallCommon) bool {
	callee := common.StaticCallee()
	if callee == nil {
		return false
	}
	obj, ok := callee.Object().(*types.Func)
	return ok && m.s.Know.mayNotRun(obj)
}

// call follows the channel into a call: close, len and cap use it in
// place; a function literal's parameter is followed into its body; any
// other static callee's summary says what it does with the parameter.
func (w *chanWalk) call(in ssa.CallInstruction, v ssa.Value, c WalkCtx) {
	common := in.Common()
	if b, ok := common.Value.(*ssa.Builtin); ok {
		switch b.Name() {
		case "close":
			w.add(protocol.Op{Kind: protocol.Close, Instr: in}, c)
		case "len", "cap":
		default:
			w.Escapes = true
		}
		return
	}
	callee := common.StaticCallee()
	if callee == nil || common.Value == v {
		w.Escapes = true
		return
	}
	// A function literal's body runs in place (or later, deferred): sync.
	// A summarized callee's operations are the call's own.
	inner, summarized := WalkCtx{start: c.start, sync: true}, c
	if g, ok := in.(*ssa.Go); ok {
		inner, summarized = WalkCtx{start: g}, WalkCtx{start: g}
	}
	for i, a := range common.Args {
		if a != v {
			continue
		}
		if callee.Parent() != nil && callee.Blocks != nil && i < len(callee.Params) {
			w.Value(callee.Params[i], inner) // a function literal: follow it
			continue
		}
		cp := w.m.chanParam(callee, i)
		if cp == nil {
			w.Escapes = true
			return
		}
		op := protocol.Op{Instr: in, Callee: callee}
		if cp.Sends > 0 || cp.Send {
			op.Kind, op.Weight, op.Optional = protocol.Send, cp.Sends, cp.Sends == 0
			w.add(op, summarized)
		}
		if cp.Recv {
			op.Kind, op.Weight, op.Optional, op.CommaOk, op.Drains = protocol.Recv, 0, !cp.BlockRecv, cp.Drains, cp.Drains
			at := summarized
			if cp.Async {
				at = WalkCtx{start: in} // in goroutines the call starts
			}
			w.add(op, at)
			var ctxs []ssa.Value
			for _, k := range cp.Until {
				if k < len(common.Args) {
					ctxs = append(ctxs, common.Args[k])
				}
			}
			w.setUntil(in, ctxs)
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
	// Until lists the context parameters (SSA numbering) once any of
	// which is done, every receive from the channel stops for good (see
	// doneStops): after it, nothing receives what a sender still has.
	Until []int
	// Async says the receives run in goroutines that the function starts
	// (runtime.Pool's workers), and go on after it returns. Such a summary
	// is made only for a channel the function (and they) only receive
	// from, until a context is done (Until is not empty).
	Async bool
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
	if cp.Async {
		parts = append(parts, "async")
	}
	if len(cp.Until) > 0 {
		parts = append(parts, fmt.Sprintf("until%v", cp.Until))
	}
	return fmt.Sprintf("chan[%d](%s)", cp.Param, strings.Join(parts, ","))
}

// chanParam returns the summary of callee's parameter i, or nil if the
// channel may escape there (or callee is unknown).
func (m *summaries) chanParam(callee *ssa.Function, i int) *chanParam {
	for _, cp := range m.Of(callee).Chans {
		if cp.Param == i {
			return &cp
		}
	}
	return nil
}

// computeChans summarizes fn's channel parameters that do not escape it
// nor reach another goroutine.
func (m *summaries) computeChans(fn *ssa.Function, f *FuncFact) {
	for i, p := range fn.Params {
		if _, ok := p.Type().Underlying().(*types.Chan); !ok {
			continue
		}
		w := NewChanWalk(m)
		w.Value(p, WalkCtx{})
		if w.Escapes {
			continue
		}
		cp := chanParam{Param: i, Until: m.until(fn, w)}
		weights := make(map[*ssa.BasicBlock]int)
		async := false
		for _, op := range w.Ops {
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
			// Used by another goroutine: callers cannot count, but they
			// can know that its receivers stop once a context is done.
			if cp.Recv && !cp.Send && !cp.Close && len(cp.Until) > 0 {
				f.Chans = append(f.Chans, chanParam{Param: i, Recv: true, Async: true, Until: cp.Until})
			}
			continue
		}
		cp.Sends = protocol.MostOnAPath(fn, weights)
		f.Chans = append(f.Chans, cp)
	}
}

// until returns the context parameters of fn once any of which is done
// every receive the walk w found stops for good (see chanParam.Until), or
// nil if there is none (or no receive).
func (m *summaries) until(fn *ssa.Function, w *chanWalk) []int {
	if !slices.ContainsFunc(fn.Params, func(p *ssa.Parameter) bool { return IsContext(p.Type()) }) {
		return nil
	}
	var common []int
	first := true
	for _, op := range w.Ops {
		if op.Kind != protocol.Recv {
			continue
		}
		var params []int
		for _, ctx := range w.UntilDone(op) {
			if p, ok := OuterValue(ctx).(*ssa.Parameter); ok && p.Parent() == fn && IsContext(p.Type()) {
				if i := slices.Index(fn.Params, p); !contains(params, i) {
					params = append(params, i)
				}
			}
		}
		if first {
			common, first = params, false
			continue
		}
		common = slices.DeleteFunc(common, func(i int) bool { return !contains(params, i) })
	}
	slices.Sort(common)
	return common
}

// doneStops returns the contexts once any of which is done the receive in
// (a receive, or a select with a receive case) is never reached again: a
// select in the loop around it (or in itself) has a case on ctx.Done()
// whose branch never comes back to it (`case <-ctx.Done(): return`). The
// contexts are values of in's function.
func doneStops(in ssa.Instruction) []ssa.Value {
	b := in.Block()
	loop := protocol.CycleOf(b)
	if loop == nil {
		loop = map[*ssa.BasicBlock]bool{b: true}
	}
	succs := func(x *ssa.BasicBlock) []*ssa.BasicBlock { return x.Succs }
	var ctxs []ssa.Value
	for _, x := range b.Parent().Blocks { // in order: the same answer every run
		if !loop[x] {
			continue
		}
		for _, instr := range x.Instrs {
			sel, ok := instr.(*ssa.Select)
			if !ok {
				continue
			}
			for i, st := range sel.States {
				ctx := doneOf(st.Chan)
				if st.Dir != types.RecvOnly || ctx == nil {
					continue
				}
				e, ok := protocol.CaseEdge(sel, i)
				if !ok {
					continue
				}
				if target := e.From.Succs[e.Succ]; target != b && !protocol.Reach(target, succs)[b] {
					ctxs = append(ctxs, ctx)
				}
			}
		}
	}
	return ctxs
}

// doneOf returns ctx if ch is ctx.Done() for a context ctx, or nil.
func doneOf(ch ssa.Value) ssa.Value {
	call, ok := ch.(*ssa.Call)
	if !ok || !call.Call.IsInvoke() || call.Call.Method.Name() != "Done" || !IsContext(call.Call.Value.Type()) {
		return nil
	}
	return call.Call.Value
}

// bufSize is the constant buffer size of a make, or -1. A size that is a
// parameter of an unexported function counts as constant when every call
// of the function (all in this package, none through a function value)
// passes the same constant.
func (s *State) BufSize(mk *ssa.MakeChan) int {
	if n, ok := IntConst(mk.Size); ok {
		return n
	}
	p, ok := mk.Size.(*ssa.Parameter)
	if !ok {
		return -1
	}
	fn := p.Parent()
	obj, ok := fn.Object().(*types.Func)
	if !ok || obj.Exported() || fn.Signature.Recv() != nil || s.UsedAsValue(fn) {
		return -1
	}
	i := slices.Index(fn.Params, p)
	size := -1
	calls := s.CallsOf(fn)
	for _, call := range calls {
		n, ok := IntConst(call.Call.Args[i])
		if !ok || (size >= 0 && n != size) {
			return -1
		}
		size = n
	}
	return size
}

// intConst returns the value of an integer constant.
func IntConst(v ssa.Value) (int, bool) {
	if c, ok := v.(*ssa.Const); ok && c.Value != nil && c.Value.Kind() == constant.Int {
		if n, ok := constant.Int64Val(c.Value); ok {
			return int(n), true
		}
	}
	return 0, false
}

// usedAsValue reports whether fn is used otherwise than called: as a
// function value, which may be called from anywhere.
func (s *State) UsedAsValue(fn *ssa.Function) bool {
	if s.funcValues == nil {
		s.funcValues = make(map[*ssa.Function]bool)
		var ops []*ssa.Value
		for _, f := range s.Funcs {
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

// assignedTo returns the variable that the expression at pos is assigned
// to (by := , = or var), or "".
func (s *State) AssignedTo(pos token.Pos) string {
	path := s.Enclosing(pos)
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

// chanField reports whether f is an unexported field of a channel type of
// a struct of this package: only the package can reach it.
func (s *State) ChanField(f *types.Var) bool {
	if f == nil || f.Exported() || f.Pkg() != s.Pass.Pkg {
		return false
	}
	_, ok := f.Type().Underlying().(*types.Chan)
	return ok
}

// returned follows a channel that fn returns: into the results of its
// static calls in the package when only the package can call fn (an
// unexported function), and, when fn returns it receive-only, to anyone:
// outside code can then only receive. It reports whether it could.
func (w *chanWalk) returned(ret *ssa.Return, v ssa.Value) bool {
	fn := ret.Parent()
	if fn.Signature.Results().Len() != 1 || fn.Parent() != nil || fn.Object() == nil {
		return false
	}
	if ch, ok := fn.Signature.Results().At(0).Type().Underlying().(*types.Chan); ok && ch.Dir() == types.RecvOnly {
		w.OutRecv = true
	} else if fn.Object().Exported() || fn.Signature.Recv() != nil {
		return false // callers outside the package, or through an interface
	}
	for _, call := range w.Accessors.CallsOf(fn) {
		w.Value(call, WalkCtx{})
	}
	return true
}

// callsOf returns the static calls of fn in the package.
func (s *State) CallsOf(fn *ssa.Function) []*ssa.Call {
	if s.calls == nil {
		s.calls = make(map[*ssa.Function][]*ssa.Call)
		for _, f := range s.Funcs {
			for _, b := range f.Blocks {
				for _, in := range b.Instrs {
					if call, ok := in.(*ssa.Call); ok {
						if callee := call.Call.StaticCallee(); callee != nil {
							s.calls[callee] = append(s.calls[callee], call)
						}
					}
				}
			}
		}
	}
	return s.calls[fn]
}

// madeChan returns the channel a stored value is, seen through a change of
// direction (chan<- T) and a local variable (captured by a closure) that
// holds only that made channel; otherwise v.
func MadeChan(v ssa.Value) ssa.Value {
	if ct, ok := v.(*ssa.ChangeType); ok {
		v = ct.X
	}
	if load, ok := v.(*ssa.UnOp); ok && load.Op == token.MUL {
		if alloc, ok := load.X.(*ssa.Alloc); ok {
			if vals := StoredValues(alloc); len(vals) == 1 {
				if mk, ok := vals[0].(*ssa.MakeChan); ok {
					return mk
				}
			}
		}
	}
	return v
}

// onlyReturned reports whether v is only returned (or converted and
// returned).
func OnlyReturned(v ssa.Value) bool {
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Return, *ssa.DebugRef:
		case *ssa.ChangeType:
			if !OnlyReturned(ref) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// funcValue follows a value that is a sender closure: through variables
// and closures that capture it, to where it is run.
func (w *chanWalk) FuncValue(v ssa.Value, snd LocalSender, c WalkCtx) {
	if w.Escapes || w.seen[v] {
		return
	}
	w.seen[v] = true
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Store:
			alloc, ok := ref.Addr.(*ssa.Alloc)
			if !ok || ref.Val != v {
				w.Escapes = true
				return
			}
			w.funcVar(alloc, snd, c)
		case *ssa.MakeClosure:
			w.capturedSender(ref, v, snd, c)
		case *ssa.DebugRef:
		default:
			run, ok := w.runOf(ref, v, c)
			if !ok {
				w.Escapes = true
				return
			}
			w.runSender(snd, run)
		}
	}
}

// funcVar follows a variable holding a sender closure.
func (w *chanWalk) funcVar(addr ssa.Value, snd LocalSender, c WalkCtx) {
	if w.seen[addr] {
		return
	}
	w.seen[addr] = true
	for _, ref := range *addr.Referrers() {
		switch ref := ref.(type) {
		case *ssa.UnOp:
			w.FuncValue(ref, snd, c)
		case *ssa.MakeClosure:
			w.capturedSender(ref, addr, snd, c)
		case *ssa.Store, *ssa.DebugRef:
		default:
			w.Escapes = true
		}
	}
}

// capturedSender follows a sender closure (or its variable) into a
// closure that captures it, where that closure runs.
func (w *chanWalk) capturedSender(mc *ssa.MakeClosure, bound ssa.Value, snd LocalSender, c WalkCtx) {
	runs := w.runsOf(mc, c)
	if len(runs) != 1 {
		w.Escapes = w.Escapes || len(runs) > 1
		return
	}
	for i, b := range mc.Bindings {
		if b != bound {
			continue
		}
		fv := mc.Fn.(*ssa.Function).FreeVars[i]
		if _, isVar := bound.(*ssa.Alloc); isVar {
			w.funcVar(fv, snd, runs[0])
		} else {
			w.FuncValue(fv, snd, runs[0])
		}
	}
}

// runSender walks the sender's body as run by run: a sender the goroutine
// calls once, first thing on every path, sends as the goroutine's body
// would; elsewhere its sends are not counted (sync).
func (w *chanWalk) runSender(snd LocalSender, run WalkCtx) {
	if run.call != nil && run.start != nil && run.call.Block().Index == 0 && GoBody(run.start) == run.call.Parent() {
		run.sync = false
	}
	w.freeVar(snd.FV, snd.IsVar, WalkCtx{start: run.start, sync: run.sync})
}

type LocalSender struct {
	Result int
	FV     *ssa.FreeVar
	IsVar  bool
}

// GoBody returns the function a go statement runs, or nil.
func GoBody(start ssa.Instruction) *ssa.Function {
	if g, ok := start.(*ssa.Go); ok {
		return g.Call.StaticCallee()
	}
	return nil
}
