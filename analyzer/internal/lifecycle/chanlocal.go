package lifecycle

import (
	"golang.org/x/tools/go/ssa"
)

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
