package engine

import (
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// A branch region is what an If decides between: the blocks from its
// successors up to its immediate post-dominator (where the paths meet
// again). When nothing in it synchronizes, writes memory, leaves the
// function or calls code that might, the search does not fork on the
// If: it goes straight to the meeting point, whose phis then hold values
// the model does not know (volatile: a later branch on them is not
// trusted). What the branch tested is not assumed either way, so a later
// test of it still forks consistently.

// maxRegionBlocks bounds the functions whose quiet regions are computed
// (postDominators is cubic in the blocks).
const maxRegionBlocks = 150

// skippable returns the meeting block of the If ending block b, if the
// search may step over its region; -1 otherwise.
func (e *Explorer) skippable(fn *ssa.Function, b int) int {
	in := e.info(fn)
	if in.skip == nil {
		in.skip = e.computeSkips(fn)
	}
	return in.skip[b]
}

func (e *Explorer) computeSkips(fn *ssa.Function) []int {
	n := len(fn.Blocks)
	skip := make([]int, n)
	if n > maxRegionBlocks {
		for i := range skip {
			skip[i] = -1 // too large to compute post-dominators cheaply: fork
		}
		return skip
	}
	ipdom := postDominators(fn)
	for i, b := range fn.Blocks {
		skip[i] = -1
		if _, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If); !ok || ipdom[i] < 0 {
			continue
		}
		if e.quietRegion(fn, b, fn.Blocks[ipdom[i]]) {
			skip[i] = ipdom[i]
		}
	}
	return skip
}

// quietRegion reports whether the blocks between b and its meeting block j
// hold nothing that matters to synchronization.
func (e *Explorer) quietRegion(fn *ssa.Function, b, j *ssa.BasicBlock) bool {
	seen := map[*ssa.BasicBlock]bool{j: true}
	work := append([]*ssa.BasicBlock(nil), b.Succs...)
	for len(work) > 0 {
		x := work[len(work)-1]
		work = work[:len(work)-1]
		if x == b {
			return false // a loop back to the If: its trips count
		}
		if seen[x] {
			continue
		}
		seen[x] = true
		if len(x.Succs) == 0 || len(seen) > 64 {
			return false // it returns or panics, or is large
		}
		for _, instr := range x.Instrs {
			if !e.quietInstr(fn, instr) {
				return false
			}
		}
		work = append(work, x.Succs...)
	}
	return true
}

func (e *Explorer) quietInstr(fn *ssa.Function, instr ssa.Instruction) bool {
	switch in := instr.(type) {
	case *ssa.Go, *ssa.Defer, *ssa.Send, *ssa.Select, *ssa.MakeChan, *ssa.Store, *ssa.MapUpdate,
		*ssa.MakeClosure, *ssa.Alloc, *ssa.RunDefers, *ssa.Panic, *ssa.Return:
		return false
	case *ssa.UnOp:
		return in.Op != token.ARROW
	case *ssa.Call:
		return e.freeCall(&in.Call, 3) && !returnsCodeCall(&in.Call)
	}
	return true
}

// quietLoop reports whether nothing in the loop headed by h synchronizes:
// no goroutine started, no channel or library operation, no call of the
// package's code that might (time.Sleep and runtime.Gosched are quiet).
func (e *Explorer) quietLoop(fn *ssa.Function, h *ssa.BasicBlock) bool {
	q, ok := e.quietLoops[h]
	if !ok {
		q = e.computeQuietLoop(fn, h)
		e.quietLoops[h] = q
	}
	return q
}

func (e *Explorer) computeQuietLoop(fn *ssa.Function, h *ssa.BasicBlock) bool {
	for _, b := range fn.Blocks {
		if !reaches(h, b) || !reaches(b, h) {
			continue // not in the loop
		}
		for _, instr := range b.Instrs {
			switch in := instr.(type) {
			case *ssa.Go, *ssa.Defer, *ssa.Send, *ssa.Select, *ssa.MakeChan:
				return false
			case *ssa.UnOp:
				if in.Op == token.ARROW {
					return false
				}
			case *ssa.Call:
				if callee := in.Call.StaticCallee(); callee == nil || isLibrary(callee) && e.name(callee) != "time.Sleep" || callee.Pkg == fn.Pkg && !e.syncFree(callee, 3) {
					if callee == nil || e.name(callee) != "runtime.Gosched" {
						return false
					}
				}
			}
		}
	}
	return true
}

// returnsCodeCall reports whether a call's results hold references.
func returnsCodeCall(c *ssa.CallCommon) bool {
	res := c.Signature().Results()
	for i := 0; i < res.Len(); i++ {
		if holdsRefs(res.At(i).Type(), 0) {
			return true
		}
	}
	return false
}

// postDominators returns each block's immediate post-dominator (-1 for
// none: the block leaves the function, or its paths never meet).
func postDominators(fn *ssa.Function) []int {
	n := len(fn.Blocks)
	exit := n // a virtual exit after every block without successors
	all := make([]bool, n+1)
	for i := range all {
		all[i] = true
	}
	pdom := make([][]bool, n+1)
	for i := range n {
		pdom[i] = append([]bool(nil), all...)
	}
	pdom[exit] = make([]bool, n+1)
	pdom[exit][exit] = true
	for changed := true; changed; {
		changed = false
		for i := n - 1; i >= 0; i-- {
			b := fn.Blocks[i]
			nw := append([]bool(nil), all...)
			succs := []int{}
			for _, s := range b.Succs {
				succs = append(succs, s.Index)
			}
			if len(succs) == 0 {
				succs = []int{exit}
			}
			for _, s := range succs {
				for k := range nw {
					nw[k] = nw[k] && pdom[s][k]
				}
			}
			nw[i] = true
			for k := range nw {
				if nw[k] != pdom[i][k] {
					pdom[i], changed = nw, true
					break
				}
			}
		}
	}
	ipdom := make([]int, n)
	for i := range n {
		ipdom[i] = -1
		// The immediate post-dominator: the strict post-dominator that
		// every other strict post-dominator post-dominates.
		for c := range n {
			if c == i || !pdom[i][c] {
				continue
			}
			imm := true
			for d := range n {
				if d != i && d != c && pdom[i][d] && !pdom[c][d] {
					imm = false
					break
				}
			}
			if imm {
				ipdom[i] = c
				break
			}
		}
	}
	return ipdom
}
