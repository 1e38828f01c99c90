package obligation

import (
	"slices"

	"golang.org/x/tools/go/ssa"
)

// A timerOp is what an instruction does to a revocable hand-off: a value
// handed to time.AfterFunc is called when the timer fires, unless the
// timer is stopped first.
type timerOp int

const (
	// arm: the call that hands the value to the timer, or a Reset of it.
	arm timerOp = iota + 1
	// disarm: a Stop whose result is discarded; the value is owed again.
	disarm
	// disarmAtExit: a deferred Stop; the value is owed again at the
	// function's returns.
	disarmAtExit
)

// revocable records call, which hands the value to a callee that runs it
// later unless the handle call returns is stopped, as a hand-off that a
// Stop of the handle takes back (see Leak). It returns false, and records
// nothing, when the model cannot see every use of the handle: it is
// stored, captured, passed on, or its Stop's result is tested (`if
// t.Stop() { cancel() }` knows whether the timer fired); the call is then
// an ordinary hand-off.
func (fl *Flow) revocable(call *ssa.Call) bool {
	ops := map[ssa.Instruction]timerOp{call: arm}
	for _, ref := range *call.Referrers() {
		switch ref := ref.(type) {
		case *ssa.DebugRef, *ssa.BinOp:
		case *ssa.Call:
			op, ok := timerMethod(ref, call)
			if !ok {
				return false
			}
			ops[ref] = op
		case *ssa.Defer:
			if op, ok := timerMethod(ref, call); !ok || op != disarm {
				return false
			}
			ops[ref] = disarmAtExit
		default:
			return false
		}
	}
	if fl.timers == nil {
		fl.timers = make(map[ssa.Instruction]timerOp)
	}
	for in, op := range ops {
		fl.timers[in] = op
	}
	fl.release(call, HandedOn)
	return true
}

// timerMethod returns what in, a call, does to the timer handle h: a
// Stop whose result is unused disarms it, a Reset arms it again. Any
// other use is one the model does not follow.
func timerMethod(in ssa.CallInstruction, h ssa.Value) (timerOp, bool) {
	c := in.Common()
	callee := c.StaticCallee()
	if callee == nil || callee.Signature.Recv() == nil || len(c.Args) == 0 || c.Args[0] != h || slices.Contains(c.Args[1:], h) {
		return 0, false
	}
	switch callee.Name() {
	case "Stop":
		if v := in.Value(); v != nil && hasUses(v) {
			return 0, false
		}
		return disarm, true
	case "Reset":
		return arm, true
	}
	return 0, false
}

// hasUses reports whether v is used by anything but debug information.
func hasUses(v ssa.Value) bool {
	for _, ref := range *v.Referrers() {
		if _, ok := ref.(*ssa.DebugRef); !ok {
			return true
		}
	}
	return false
}
