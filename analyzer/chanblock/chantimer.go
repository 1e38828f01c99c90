package chanblock

import (
	"fmt"
	"go/token"
	"go/types"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// checkTimerDrains reports the drain `if !t.Stop() { <-t.C }` where it
// can run after the function already received the timer's value, with no
// Reset in between (istio#18454): the timer has fired, so Stop returns
// false, and its channel is empty, so the receive blocks forever. Since Go
// 1.23 a stopped or reset timer delivers no stale value: the drain is not
// needed at all.
func (s *checker) checkTimerDrains() {
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				recv, ok := in.(*ssa.UnOp)
				if !ok || recv.Op != token.ARROW || recv.CommaOk || !s.Evaluated(recv.Pos()) {
					continue
				}
				key := timerChanKey(recv.X)
				if key == nil || !stopGuarded(recv, key) {
					continue
				}
				if prior := receivedBefore(fn, recv, key); prior.IsValid() {
					s.reportChanOp(protocol.Op{Instr: recv}, fmt.Sprintf("receive from the timer's channel blocks forever if its value was already received (line %d): Stop then returns false and the channel is empty; drop the drain (since Go 1.23 Stop and Reset leave no stale value)",
						s.Pass.Fset.Position(prior).Line),
						lifecycle.Related(prior, "the timer's value is received here, and the timer is not reset before the drain"))
				}
			}
		}
	}
}

// timerChanKey names the timer whose channel ch is (t.C): the variable or
// field that holds the timer, or nil.
func timerChanKey(ch ssa.Value) any {
	fa := obligation.FieldLoad(ch)
	if fa == nil || obligation.FieldOf(fa) == nil || obligation.FieldOf(fa).Name() != "C" || !isTimer(fa.X.Type()) {
		return nil
	}
	return timerKey(fa.X)
}

// timerKey names the timer value t: the field it is loaded from, the local
// variable, or the value itself.
func timerKey(t ssa.Value) any {
	if load, ok := t.(*ssa.UnOp); ok && load.Op == token.MUL {
		if fa, ok := load.X.(*ssa.FieldAddr); ok {
			return obligation.FieldOf(fa)
		}
		return lifecycle.OuterValue(load.X)
	}
	return lifecycle.OuterValue(t)
}

// isTimer reports whether t is *time.Timer.
func isTimer(t types.Type) bool {
	p, ok := t.(*types.Pointer)
	return ok && lifecycle.IsNamed(p.Elem(), "time", "Timer")
}

// stopGuarded reports whether recv runs only when a Stop of the same timer
// returned false: it lies in the false branch of `if t.Stop()`.
func stopGuarded(recv *ssa.UnOp, key any) bool {
	for d := recv.Block().Idom(); d != nil; d = d.Idom() {
		cond, ok := d.Instrs[len(d.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		if timerCall(cond.Cond, "Stop", key) && d.Succs[1].Dominates(recv.Block()) && !d.Succs[0].Dominates(recv.Block()) {
			return true
		}
	}
	return false
}

// timerCall reports whether v is a call of the method name on the timer
// key.
func timerCall(v ssa.Value, name string, key any) bool {
	call, ok := v.(ssa.CallInstruction)
	if !ok {
		return false
	}
	callee := call.Common().StaticCallee()
	return callee != nil && callee.Name() == name && len(call.Common().Args) >= 1 && isTimer(call.Common().Args[0].Type()) && timerKey(call.Common().Args[0]) == key
}

// receivedBefore returns the position of another receive of fn from the
// same timer's channel from which the drain can be reached with no Reset
// (nor a new timer) of it in between, or token.NoPos.
func receivedBefore(fn *ssa.Function, drain *ssa.UnOp, key any) token.Pos {
	resets := make(map[*ssa.BasicBlock]bool)
	if made, ok := key.(ssa.Instruction); ok && made.Block() != nil {
		resets[made.Block()] = true // t := time.NewTimer(d) in a loop: a new timer each turn
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if v, ok := in.(ssa.Value); ok && timerCall(v, "Reset", key) {
				resets[b] = true
			}
			if st, ok := in.(*ssa.Store); ok && timerKey(st.Addr) == key {
				resets[b] = true // a new timer
			}
		}
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.UnOp:
				if in != drain && in.Op == token.ARROW && timerChanKey(in.X) == key && reachesAvoiding(in.Block(), drain.Block(), resets) {
					return in.Pos()
				}
			case *ssa.Select:
				for i, st := range in.States {
					if st.Dir != types.RecvOnly || timerChanKey(st.Chan) != key {
						continue
					}
					if e, ok := protocol.CaseEdge(in, i); ok && reachesAvoiding(e.From.Succs[e.Succ], drain.Block(), resets) {
						return st.Pos
					}
				}
			}
		}
	}
	return token.NoPos
}

// reachesAvoiding reports whether a path from b (after it) reaches target
// without passing a block in avoid.
func reachesAvoiding(b, target *ssa.BasicBlock, avoid map[*ssa.BasicBlock]bool) bool {
	if avoid[b] {
		return false
	}
	next := func(x *ssa.BasicBlock) []*ssa.BasicBlock {
		if x != b && x != target && avoid[x] {
			return nil // a path that passes a reset goes no further
		}
		return x.Succs
	}
	return protocol.Reach(b, next)[target]
}
