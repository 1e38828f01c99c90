package analyzer

import (
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// A localMaker is a function literal that makes a channel and returns it,
// perhaps with closures that send on it (opentelemetry-go#6368's
// `stopFunc := func(s sink) (<-chan error, func()) { done := make(chan
// error); return done, func() { done <- s.Close(ctx) } }`): its caller
// owns the channel, and the returned closures are its parties.
type localMaker struct {
	fn     *ssa.Function
	mk     *ssa.MakeChan
	result int // the result carrying the channel
	// senders are the returned closures that capture the channel: result
	// index, and the free variable that holds it (isVar: its variable).
	senders []localSender
}

type localSender struct {
	result int
	fv     *ssa.FreeVar
	isVar  bool
}

// checkLocalMakers checks, at each call of a function literal that makes
// and returns a channel, the channel's operations as its caller's own.
func (s *state) checkLocalMakers() {
	for _, fn := range s.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				call, ok := in.(*ssa.Call)
				if !ok {
					continue
				}
				callee := call.Call.StaticCallee()
				if callee == nil || callee.Parent() == nil || len(s.callsOf(callee)) != 1 {
					continue // not a function literal called once
				}
				if lm := localMakerOf(callee); lm != nil {
					s.checkMadeBy(call, lm)
				}
			}
		}
	}
}

// localMakerOf returns fn as a local maker, or nil: the channel it makes
// must only be returned and captured by the closures it returns.
func localMakerOf(fn *ssa.Function) *localMaker {
	results := fn.Signature.Results()
	for r := range results.Len() {
		mk := returnedMake(fn, r)
		if mk == nil {
			continue
		}
		lm := &localMaker{fn: fn, mk: mk, result: r}
		if lm.capturedOnlyByResults() {
			return lm
		}
	}
	return nil
}

// capturedOnlyByResults collects the returned closures that capture the
// channel (or the variable holding it), and reports whether the channel
// has no other use in the maker.
func (lm *localMaker) capturedOnlyByResults() bool {
	vals := []ssa.Value{lm.mk}
	for _, ref := range *lm.mk.Referrers() {
		if st, ok := ref.(*ssa.Store); ok {
			if alloc, ok := st.Addr.(*ssa.Alloc); ok && st.Val == lm.mk {
				vals = append(vals, alloc)
			}
		}
	}
	for _, v := range vals {
		_, isVar := v.(*ssa.Alloc)
		for _, ref := range *v.Referrers() {
			switch ref := ref.(type) {
			case *ssa.Return, *ssa.DebugRef, *ssa.ChangeType:
			case *ssa.Store:
				if ref.Val != lm.mk {
					return false
				}
			case *ssa.UnOp:
				if ref.Op != token.MUL || !onlyReturned(ref) {
					return false
				}
			case *ssa.MakeClosure:
				r := returnedAs(ref)
				if r < 0 {
					return false
				}
				for i, b := range ref.Bindings {
					if b == v {
						lm.senders = append(lm.senders, localSender{r, ref.Fn.(*ssa.Function).FreeVars[i], isVar})
					}
				}
			default:
				return false
			}
		}
	}
	return true
}

// onlyReturned reports whether v is only returned (or converted and
// returned).
func onlyReturned(v ssa.Value) bool {
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Return, *ssa.DebugRef:
		case *ssa.ChangeType:
			if !onlyReturned(ref) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// returnedAs returns the result index a closure is returned as, or -1 if
// it has another use.
func returnedAs(mc *ssa.MakeClosure) int {
	r := -1
	for _, ref := range *mc.Referrers() {
		ret, ok := ref.(*ssa.Return)
		if !ok {
			return -1
		}
		for i, v := range ret.Results {
			if v == mc {
				r = i
			}
		}
	}
	return r
}

// checkMadeBy follows the channel from the call of its local maker: the
// result in the caller, and each returned sender wherever the caller runs
// it.
func (s *state) checkMadeBy(call *ssa.Call, lm *localMaker) {
	w := newChanWalk(&s.sums)
	if v := resultValue(call, lm.result); v != nil {
		w.value(v, walkCtx{})
	}
	for _, snd := range lm.senders {
		if v := resultValue(call, snd.result); v != nil {
			w.funcValue(v, snd, walkCtx{})
		}
	}
	if w.escapes || len(w.ops) == 0 {
		return
	}
	s.checkOps(&chanInfo{make: lm.mk, at: call, name: s.chanName(lm.mk), buf: s.bufSize(lm.mk), ops: w.ops})
}

// funcValue follows a value that is a sender closure: through variables
// and closures that capture it, to where it is run.
func (w *chanWalk) funcValue(v ssa.Value, snd localSender, c walkCtx) {
	if w.escapes || w.seen[v] {
		return
	}
	w.seen[v] = true
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Store:
			alloc, ok := ref.Addr.(*ssa.Alloc)
			if !ok || ref.Val != v {
				w.escapes = true
				return
			}
			w.funcVar(alloc, snd, c)
		case *ssa.MakeClosure:
			w.capturedSender(ref, v, snd, c)
		case *ssa.DebugRef:
		default:
			run, ok := w.runOf(ref, v, c)
			if !ok {
				w.escapes = true
				return
			}
			w.runSender(snd, run)
		}
	}
}

// funcVar follows a variable holding a sender closure.
func (w *chanWalk) funcVar(addr ssa.Value, snd localSender, c walkCtx) {
	if w.seen[addr] {
		return
	}
	w.seen[addr] = true
	for _, ref := range *addr.Referrers() {
		switch ref := ref.(type) {
		case *ssa.UnOp:
			w.funcValue(ref, snd, c)
		case *ssa.MakeClosure:
			w.capturedSender(ref, addr, snd, c)
		case *ssa.Store, *ssa.DebugRef:
		default:
			w.escapes = true
		}
	}
}

// capturedSender follows a sender closure (or its variable) into a
// closure that captures it, where that closure runs.
func (w *chanWalk) capturedSender(mc *ssa.MakeClosure, bound ssa.Value, snd localSender, c walkCtx) {
	runs := w.runsOf(mc, c)
	if len(runs) != 1 {
		w.escapes = w.escapes || len(runs) > 1
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
			w.funcValue(fv, snd, runs[0])
		}
	}
}

// runSender walks the sender's body as run by run: a sender the goroutine
// calls once, first thing on every path, sends as the goroutine's body
// would; elsewhere its sends are not counted (sync).
func (w *chanWalk) runSender(snd localSender, run walkCtx) {
	if run.call != nil && run.start != nil && run.call.Block().Index == 0 && goBody(run.start) == run.call.Parent() {
		run.sync = false
	}
	w.freeVar(snd.fv, snd.isVar, walkCtx{start: run.start, sync: run.sync})
}

// goBody returns the function a go statement runs, or nil.
func goBody(start ssa.Instruction) *ssa.Function {
	if g, ok := start.(*ssa.Go); ok {
		return g.Call.StaticCallee()
	}
	return nil
}
