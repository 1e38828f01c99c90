package engine

import (
	"slices"

	"golang.org/x/tools/go/ssa"
)

// fnInfo numbers a function's values: each parameter, free variable and
// value-producing instruction has a register.
type fnInfo struct {
	slot     map[ssa.Value]int
	n        int
	liveOut  []regSet          // see computeLive
	liveMemo map[[2]int]regSet // see liveAt
	skip     []int             // per block: see skippable
	// unevaluated are the instructions the search steps over (see
	// Explorer.unevaluated): asked at every step, so kept.
	unevaluated map[ssa.Instruction]bool
}

func (e *Explorer) info(fn *ssa.Function) *fnInfo {
	if in := e.infos[fn]; in != nil {
		return in
	}
	in := &fnInfo{slot: make(map[ssa.Value]int)}
	add := func(v ssa.Value) { in.slot[v] = in.n; in.n++ }
	for _, p := range fn.Params {
		add(p)
	}
	for _, fv := range fn.FreeVars {
		add(fv)
	}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if v, ok := instr.(ssa.Value); ok {
				add(v)
			}
		}
	}
	in.computeLive(fn)
	in.unevaluated = e.unevaluated(fn)
	in.liveMemo = make(map[[2]int]regSet)
	e.infos[fn] = in
	return in
}

// newFrame returns a frame entering fn with the given arguments (the
// receiver first) and free-variable bindings.
func (e *Explorer) newFrame(fn *ssa.Function, args, binds []value) *frame {
	in := e.info(fn)
	f := &frame{fn: fn, info: in, regs: newRegFile(in.n), pred: -1, visits: make([]uint8, len(fn.Blocks))}
	for i, p := range fn.Params {
		if i < len(args) {
			f.regs.set(in.slot[p], args[i])
		} else {
			f.regs.set(in.slot[p], top)
		}
	}
	for i, fv := range fn.FreeVars {
		if i < len(binds) {
			f.regs.set(in.slot[fv], binds[i])
		} else {
			f.regs.set(in.slot[fv], top)
		}
	}
	if len(fn.Blocks) > 0 {
		f.visits[0] = 1
	}
	return f
}

// computeLive computes liveOut: per block of fn, the registers live on
// leaving it, used later on some path before they are defined again (the
// registers a state keeps: a dead one cannot tell two states apart).
func (in *fnInfo) computeLive(fn *ssa.Function) {
	n := len(fn.Blocks)
	in.liveOut = make([]regSet, n)
	liveIn := make([]regSet, n)
	for i := range n {
		in.liveOut[i], liveIn[i] = newRegSet(in.n), newRegSet(in.n)
	}
	var rands []*ssa.Value
	for changed := true; changed; {
		changed = false
		for i := n - 1; i >= 0; i-- {
			b := fn.Blocks[i]
			out := in.liveOut[i]
			for _, s := range b.Succs {
				changed = out.union(liveIn[s.Index]) || changed
				for _, instr := range s.Instrs {
					phi, ok := instr.(*ssa.Phi)
					if !ok {
						break
					}
					for j, p := range s.Preds {
						if k, ok := in.slot[phi.Edges[j]]; ok && p == b && !out.has(k) {
							out.add(k)
							changed = true
						}
					}
				}
			}
			live := out.clone()
			for j := len(b.Instrs) - 1; j >= 0; j-- {
				instr := b.Instrs[j]
				if v, ok := instr.(ssa.Value); ok {
					live.del(in.slot[v])
				}
				if _, ok := instr.(*ssa.Phi); ok {
					continue
				}
				rands = in.markUses(instr, live, rands)
			}
			if !live.equal(liveIn[i]) {
				liveIn[i], changed = live, true
			}
		}
	}
}

// liveAt returns the registers live at instruction pc of block b,
// computed once per place.
func (in *fnInfo) liveAt(fn *ssa.Function, b, pc int) regSet {
	if live, ok := in.liveMemo[[2]int{b, pc}]; ok {
		return live
	}
	live := in.liveOut[b].clone()
	var rands []*ssa.Value
	for _, instr := range fn.Blocks[b].Instrs[pc:] {
		rands = in.markUses(instr, live, rands)
	}
	in.liveMemo[[2]int{b, pc}] = live
	return live
}

// markUses marks live the registers instr uses; rands is scratch space for
// its operands, returned for reuse.
func (in *fnInfo) markUses(instr ssa.Instruction, live regSet, rands []*ssa.Value) []*ssa.Value {
	rands = instr.Operands(rands[:0])
	for _, r := range rands {
		if r != nil {
			if k, ok := in.slot[*r]; ok {
				live.add(k)
			}
		}
	}
	return rands
}

// A regSet is a set of a function's registers, one bit each: a function's
// liveness keeps one per block and per place the search stopped at, and
// maps of them held much of the search's memory on large test functions.
type regSet []uint64

func newRegSet(n int) regSet         { return make(regSet, (n+63)/64) }
func (r regSet) has(k int) bool      { return r[k/64]&(1<<(k%64)) != 0 }
func (r regSet) add(k int)           { r[k/64] |= 1 << (k % 64) }
func (r regSet) del(k int)           { r[k/64] &^= 1 << (k % 64) }
func (r regSet) clone() regSet       { return slices.Clone(r) }
func (r regSet) equal(o regSet) bool { return slices.Equal(r, o) }

// union adds o's registers to r and reports whether r changed.
func (r regSet) union(o regSet) bool {
	changed := false
	for i, w := range o {
		if r[i]|w != r[i] {
			r[i] |= w
			changed = true
		}
	}
	return changed
}
