package obligation

import (
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// Leak searches the control-flow graph, from def onwards, for a path on
// which the value is never called nor handed on. It returns the return
// instruction that such a path reaches, and whether such a path comes back
// to def (a loop that replaces the value before calling it) without
// passing through a block of done, where the value's context is done and
// its cancel has nothing left to release. Calls that never return end
// their block in a panic, so they end paths too.
func (fl *Flow) Leak(def ssa.Instruction, done Done) (exit *ssa.Return, again bool, piled *ssa.Defer) {
	seen := make(map[leakNode]bool)
	var deferredAt *ssa.Defer // the defer that a path in deferred mode passed
	var visit func(b *ssa.BasicBlock, from int, p leakPath) *ssa.Return
	visit = func(b *ssa.BasicBlock, from int, p leakPath) *ssa.Return {
		p.done = p.done || done.Blocks[b]
		succs := b.Succs
		caseDone := false // the true edge takes a select case on ctx.Done()
		for _, in := range b.Instrs[from:] {
			if in == def {
				switch {
				case p.done, p.armed && !p.stopAtExit:
				case p.deferred:
					piled = deferredAt
				default:
					again = true
				}
				return nil
			}
			if p.lost && fl.via[in] != nil {
				continue // through a phi that holds another value on this path
			}
			if v := fl.onErr[in]; v != nil && !p.deferred {
				p.errVar = v // released at a return only if the error is set
				continue
			}
			if op, ok := fl.timers[in]; ok {
				p.timer(in, op)
				continue
			}
			if d, ok := in.(*ssa.Defer); ok && fl.Released[in] != 0 {
				// Released when the function returns, not now: a path
				// that comes back to def piles one up per iteration.
				p.deferred, deferredAt = true, d
				continue
			}
			if _, ok := fl.Released[in]; ok {
				return nil
			}
			switch in := in.(type) {
			case *ssa.Return:
				if p.deferred || p.armed && !p.stopAtExit || p.errVar != nil && !returnsNil(in, p.errVar) {
					return nil
				}
				fl.Reassigned, fl.StoppedAt = p.lost, p.stoppedAt
				return in
			case *ssa.If:
				if succ := fl.nonNilBranch(in); succ != nil {
					succs = []*ssa.BasicBlock{succ}
				}
				caseDone = done.Cases[in]
			}
		}
		for i, succ := range succs {
			q := p
			q.done = p.done || (caseDone && i == 0)
			q.lost = p.lost || fl.loses(b, succ)
			if n := q.node(succ); !seen[n] {
				seen[n] = true
				if ret := visit(succ, 0, q); ret != nil {
					return ret
				}
			}
		}
		return nil
	}
	b := def.Block()
	for i, in := range b.Instrs {
		if in == def {
			exit = visit(b, i+1, leakPath{})
			break
		}
	}
	return exit, again, piled
}

// A leakPath is what Leak knows on a path: the context is done; a
// release is deferred; a phi replaced the value (lost); a deferred
// closure releases only if the named error result errVar is set; the
// value is with a timer that will call it (armed), unless a deferred
// Stop takes it back at the returns (stopAtExit); stoppedAt is the last
// Stop that took it back.
type leakPath struct {
	done, deferred, lost bool
	armed, stopAtExit    bool
	errVar               *ssa.Alloc
	stoppedAt            ssa.Instruction
}

// A leakNode is a block with the facts of a path into it (all but the
// evidence, stoppedAt): Leak visits each at most once.
type leakNode struct {
	b *ssa.BasicBlock
	p leakPath
}

func (p leakPath) node(b *ssa.BasicBlock) leakNode {
	p.stoppedAt = nil
	return leakNode{b, p}
}

// timer applies in, an instruction of a revocable hand-off, to the path.
func (p *leakPath) timer(in ssa.Instruction, op timerOp) {
	switch op {
	case arm:
		p.armed = true
	case disarm:
		if p.armed {
			p.armed, p.stoppedAt = false, in
		}
	case disarmAtExit:
		if p.armed {
			p.stopAtExit, p.stoppedAt = true, in
		}
	}
}

// Done says where the context returned by a call is done: from the
// successors of a receive from ctx.Done(), and along the edge that takes a
// select case receiving from it (an edge: cases with empty bodies share
// their target block with the other cases).
type Done struct {
	Blocks map[*ssa.BasicBlock]bool
	Cases  map[*ssa.If]bool // the if whose true edge takes the case
}

// nonNilBranch returns the successor of an `if cancel != nil` (or ==), or
// of an `if err != nil` on the call's error when the cancel is nil with it
// (see Flow.ErrVal), that a path holding the (non-nil) value takes, or nil
// for other conditions.
func (fl *Flow) nonNilBranch(in *ssa.If) *ssa.BasicBlock {
	cond, ok := in.Cond.(*ssa.BinOp)
	if !ok || (cond.Op != token.EQL && cond.Op != token.NEQ) {
		return nil
	}
	if succ := ErrBranch(in.Block(), fl.ErrVal); succ != nil {
		return succ // where err != nil the cancel is nil: nothing is owed
	}
	if !(fl.seen[cond.X] && IsNil(cond.Y) || fl.seen[cond.Y] && IsNil(cond.X)) {
		return nil
	}
	if cond.Op == token.NEQ {
		return in.Block().Succs[0]
	}
	return in.Block().Succs[1]
}

// returnsNil reports whether ret returns a nil error in the named result
// variable errVar: the last store into it in ret's block is nil.
func returnsNil(ret *ssa.Return, errVar *ssa.Alloc) bool {
	var last ssa.Value
	for _, in := range ret.Block().Instrs {
		if st, ok := in.(*ssa.Store); ok && st.Addr == errVar {
			last = st.Val
		}
	}
	return last != nil && IsNil(last)
}
