package chanblock

import (
	"go/token"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

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
	senders []lifecycle.LocalSender
}

// checkLocalMakers checks, at each call of a function literal that makes
// and returns a channel, the channel's operations as its caller's own.
func (s *checker) checkLocalMakers() {
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				call, ok := in.(*ssa.Call)
				if !ok {
					continue
				}
				callee := call.Call.StaticCallee()
				if callee == nil || callee.Parent() == nil || len(s.CallsOf(callee)) != 1 {
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
		mk := lifecycle.ReturnedMake(fn, r)
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
				if ref.Op != token.MUL || !lifecycle.OnlyReturned(ref) {
					return false
				}
			case *ssa.MakeClosure:
				r := returnedAs(ref)
				if r < 0 {
					return false
				}
				for i, b := range ref.Bindings {
					if b == v {
						lm.senders = append(lm.senders, lifecycle.LocalSender{Result: r, FV: ref.Fn.(*ssa.Function).FreeVars[i], IsVar: isVar})
					}
				}
			default:
				return false
			}
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
func (s *checker) checkMadeBy(call *ssa.Call, lm *localMaker) {
	w := lifecycle.NewChanWalk(&s.Sums)
	if v := resultValue(call, lm.result); v != nil {
		w.Value(v, lifecycle.WalkCtx{})
	}
	for _, snd := range lm.senders {
		if v := resultValue(call, snd.Result); v != nil {
			w.FuncValue(v, snd, lifecycle.WalkCtx{})
		}
	}
	if w.Escapes || len(w.Ops) == 0 {
		return
	}
	s.checkOps(&chanInfo{make: lm.mk, at: call, name: s.chanName(lm.mk), buf: s.BufSize(lm.mk), ops: w.Ops})
}
