package protocol

import (
	"go/token"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// MostOnAPath returns the largest sum of block weights on a path from fn's
// entry, capped at Many (which a weighted block in a loop reaches).
func MostOnAPath(fn *ssa.Function, weights map[*ssa.BasicBlock]int) int {
	if len(weights) == 0 {
		return 0
	}
	best := make(map[*ssa.BasicBlock]int)
	for changed := true; changed; {
		changed = false
		for i := len(fn.Blocks) - 1; i >= 0; i-- {
			b := fn.Blocks[i]
			next := 0
			for _, succ := range b.Succs {
				next = max(next, best[succ])
			}
			if v := min(weights[b]+next, Many); v > best[b] {
				best[b], changed = v, true
			}
		}
	}
	return best[fn.Blocks[0]]
}

// DrainsUntilClosed reports whether the receive recv, with its ok result,
// ends a loop that nothing else ends: a range over a channel (or a
// `v, ok := <-ch; if !ok { return }` loop) with no break, return or
// goto out of it. Panics are no way out.
func DrainsUntilClosed(recv *ssa.UnOp) bool {
	exit, ok := ClosedExit(recv)
	if !ok {
		return false
	}
	loop := CycleOf(recv.Block())
	if !loop[exit.From] {
		return false
	}
	for b := range loop {
		for i, succ := range b.Succs {
			if loop[succ] || (Edge{b, i}) == exit || Panics(succ) {
				continue
			}
			return false
		}
	}
	return true
}

// ClosedExit returns the edge a comma-ok receive's `if ok` (or `if !ok`)
// takes when the channel is closed: a range's exit. recv is the receive,
// or a select whose receive case tests its ok.
func ClosedExit(recv ssa.Value) (Edge, bool) {
	for _, ref := range *recv.Referrers() {
		if ex, ok := ref.(*ssa.Extract); ok && ex.Index == 1 {
			for _, use := range *ex.Referrers() {
				if cond, ok := use.(*ssa.If); ok {
					return Edge{cond.Block(), 1}, true
				}
			}
		}
	}
	return Edge{}, false
}

// CycleOf returns the blocks on a cycle through b (its strongly connected
// component), or nil if b is on none.
func CycleOf(b *ssa.BasicBlock) map[*ssa.BasicBlock]bool {
	fwd := Reach(b, func(x *ssa.BasicBlock) []*ssa.BasicBlock { return x.Succs })
	if !fwd[b] {
		return nil
	}
	back := Reach(b, func(x *ssa.BasicBlock) []*ssa.BasicBlock { return x.Preds })
	scc := make(map[*ssa.BasicBlock]bool)
	for x := range fwd {
		if back[x] {
			scc[x] = true
		}
	}
	return scc
}

// Reach returns the blocks reachable from b's neighbours (b itself only
// if it is on a cycle).
func Reach(b *ssa.BasicBlock, next func(*ssa.BasicBlock) []*ssa.BasicBlock) map[*ssa.BasicBlock]bool {
	seen := make(map[*ssa.BasicBlock]bool)
	stack := slices.Clone(next(b))
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[x] {
			continue
		}
		seen[x] = true
		stack = append(stack, next(x)...)
	}
	return seen
}

// InLoop reports whether b is on a cycle that does not pass through avoid
// (the block that makes the channel: a loop that makes a fresh channel
// each time round does not repeat operations on one channel).
func InLoop(b, avoid *ssa.BasicBlock) bool {
	if b == avoid {
		return false
	}
	seen := map[*ssa.BasicBlock]bool{avoid: true}
	stack := slices.Clone(b.Succs)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == b {
			return true
		}
		if seen[x] {
			continue
		}
		seen[x] = true
		stack = append(stack, x.Succs...)
	}
	return false
}

// Panics reports whether b ends in a panic(x): no way out of a loop.
func Panics(b *ssa.BasicBlock) bool {
	if len(b.Instrs) == 0 {
		return false
	}
	p, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Panic)
	return ok && p.Pos().IsValid()
}

// FewestOps returns the fewest of ops (receives, or sends) on a path from
// just after from (from the entry if from is nil) to a return of fn, and
// that return (nil if no return is reachable). A select case counts on the
// edge that takes it.
func FewestOps(fn *ssa.Function, from ssa.Instruction, ops []Op) (int, *ssa.Return) {
	return Fewest(fn, from, ops, nil)
}

// An Edge is the i-th edge out of a block.
type Edge struct {
	From *ssa.BasicBlock
	Succ int
}

// Fewest is FewestOps over the paths that take none of the edges in
// avoid: a consumer's paths that do not leave its loop because the
// channel was closed, or do not pass a call that stops the producer.
func Fewest(fn *ssa.Function, from ssa.Instruction, ops []Op, avoid map[Edge]bool) (int, *ssa.Return) {
	const inf = 1 << 30
	weights := make(map[*ssa.BasicBlock]int) // ops in the block
	taken := make(map[*ssa.If]int)           // ops on the if's true edge
	after := 0                               // ops in from's block after it
	first, fromIndex := fn.Blocks[0], -1
	if from != nil {
		first, fromIndex = from.Block(), slices.Index(from.Block().Instrs, from)
	}
	for _, op := range ops {
		if sel, ok := op.Instr.(*ssa.Select); ok && op.Optional {
			if c := SelectCaseIf(sel, op.SelIndex); c != nil {
				taken[c] += op.Weight
			}
			continue
		}
		b := op.Instr.Block()
		weights[b] += op.Weight
		if b == first && slices.Index(b.Instrs, op.Instr) > fromIndex {
			after += op.Weight
		}
	}
	dist := make(map[*ssa.BasicBlock]int)
	ret := make(map[*ssa.BasicBlock]*ssa.Return)
	for _, b := range fn.Blocks {
		dist[b] = inf
	}
	// rest is the fewest ops after b's own.
	rest := func(b *ssa.BasicBlock) (int, *ssa.Return) {
		last := b.Instrs[len(b.Instrs)-1]
		if r, ok := last.(*ssa.Return); ok {
			return 0, r
		}
		best, at := inf, (*ssa.Return)(nil)
		for i, succ := range b.Succs {
			if avoid[Edge{b, i}] {
				continue
			}
			n := dist[succ]
			if cond, ok := last.(*ssa.If); ok && i == 0 {
				n += taken[cond]
			}
			if n < best {
				best, at = n, ret[succ]
			}
		}
		return best, at
	}
	for changed := true; changed; {
		changed = false
		for _, b := range fn.Blocks {
			n, r := rest(b)
			if n < inf && weights[b]+n < dist[b] {
				dist[b], ret[b], changed = weights[b]+n, r, true
			}
		}
	}
	n, r := rest(first)
	if n >= inf {
		return 0, nil
	}
	return after + n, r
}

// SelectCaseIf returns the `if index == i` whose true edge takes case i
// of sel.
func SelectCaseIf(sel *ssa.Select, i int) *ssa.If {
	for _, ref := range *sel.Referrers() {
		ex, ok := ref.(*ssa.Extract)
		if !ok || ex.Index != 0 {
			continue
		}
		for _, use := range *ex.Referrers() {
			cmp, ok := use.(*ssa.BinOp)
			if !ok || cmp.Op != token.EQL {
				continue
			}
			if c, ok := cmp.Y.(*ssa.Const); !ok || c.Int64() != int64(i) {
				continue
			}
			for _, r := range *cmp.Referrers() {
				if cond, ok := r.(*ssa.If); ok {
					return cond
				}
			}
		}
	}
	return nil
}

// MostExcess returns the largest sum of weights on a path from fn's entry
// to a return, and that return (nil if none is reachable): a block's
// weight counts when the path passes it, an edge's when it takes it. With
// values a goroutine start adds and receives take away, it is the most
// values left unreceived when the function returns. Weighted blocks and
// edges must lie on no cycle (a cycle's weight would be unbounded).
func MostExcess(fn *ssa.Function, blocks map[*ssa.BasicBlock]int, edges map[Edge]int) (int, *ssa.Return) {
	const none = -1 << 30
	best := make(map[*ssa.BasicBlock]int, len(fn.Blocks)) // from the block's start to a return
	ret := make(map[*ssa.BasicBlock]*ssa.Return, len(fn.Blocks))
	for _, b := range fn.Blocks {
		best[b] = none
	}
	for range len(fn.Blocks) + 1 {
		changed := false
		for _, b := range fn.Blocks {
			n, r := none, (*ssa.Return)(nil)
			if last, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok {
				n, r = 0, last
			}
			for i, succ := range b.Succs {
				if best[succ] > none && best[succ]+edges[Edge{b, i}] > n {
					n, r = best[succ]+edges[Edge{b, i}], ret[succ]
				}
			}
			if n > none && n+blocks[b] > best[b] {
				best[b], ret[b], changed = n+blocks[b], r, true
			}
		}
		if !changed {
			break
		}
	}
	entry := fn.Blocks[0]
	if best[entry] == none {
		return 0, nil
	}
	return best[entry], ret[entry]
}

// CaseEdge returns the edge that takes case i of the select sel, if its
// index test is found.
func CaseEdge(sel *ssa.Select, i int) (Edge, bool) {
	if c := SelectCaseIf(sel, i); c != nil {
		return Edge{c.Block(), 0}, true
	}
	return Edge{}, false
}

// LoopExit returns the edge that leaves the loop around b by its count
// (the `i < n` of a counted loop or a range over a slice) and the value it
// counts to: n, or the slice whose length it is. A loop with another loop
// nested in it, or counting down, has no count it knows.
func LoopExit(b *ssa.BasicBlock) (Edge, ssa.Value) {
	loop := CycleOf(b)
	if nested(loop) {
		return Edge{}, nil
	}
	for _, x := range b.Parent().Blocks { // in order: the same answer every run
		if !loop[x] {
			continue
		}
		cond, ok := x.Instrs[len(x.Instrs)-1].(*ssa.If)
		if !ok || loop[x.Succs[0]] == loop[x.Succs[1]] {
			continue
		}
		var bound ssa.Value
		LoopBound(cond, func(v ssa.Value) int { bound = v; return 0 })
		if bound == nil {
			continue
		}
		if loop[x.Succs[0]] {
			return Edge{x, 1}, bound
		}
		return Edge{x, 0}, bound
	}
	return Edge{}, nil
}

// LoopGuard returns the edge by which the test before the loop around b
// skips it (a range over an int or a slice, rotated: `if 0 < n` first),
// when that test counts to bound too.
func LoopGuard(b *ssa.BasicBlock, bound ssa.Value) (Edge, bool) {
	loop := CycleOf(b)
	for x := range loop {
		for _, p := range x.Preds {
			cond, ok := p.Instrs[len(p.Instrs)-1].(*ssa.If)
			if loop[p] || !ok {
				continue
			}
			if !compares(cond, bound) {
				continue
			}
			for i, succ := range p.Succs {
				if !loop[succ] {
					return Edge{p, i}, true
				}
			}
		}
	}
	return Edge{}, false
}

// compares reports whether cond compares with bound, or with its length.
func compares(cond *ssa.If, bound ssa.Value) bool {
	cmp, ok := cond.Cond.(*ssa.BinOp)
	if !ok {
		return false
	}
	for _, v := range []ssa.Value{cmp.X, cmp.Y} {
		v = counted(v)
		if v == bound {
			return true
		}
	}
	return false
}

// nested reports whether the cycle holds a loop inside its outer one: a
// back edge to a block other than the cycle's header.
func nested(loop map[*ssa.BasicBlock]bool) bool {
	headers := 0
	for x := range loop {
		for _, succ := range x.Succs {
			if loop[succ] && succ.Dominates(x) {
				headers++
				break
			}
		}
	}
	return headers > 1
}

// CutInto adds to avoid the edges into b: no path avoiding them passes b.
func CutInto(avoid map[Edge]bool, b *ssa.BasicBlock) {
	for _, p := range b.Preds {
		for i, succ := range p.Succs {
			if succ == b {
				avoid[Edge{p, i}] = true
			}
		}
	}
}
