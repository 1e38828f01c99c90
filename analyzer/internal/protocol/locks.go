package protocol

import (
	"slices"

	"golang.org/x/tools/go/ssa"
)

// Mutexes are modeled as GCatch models them (Liu et al., ASPLOS 2021,
// section 3): a sync.Mutex is a channel with one slot, Lock a send into
// it and Unlock a receive, so a Lock blocks while the slot is full. A
// Lock on a path where the same goroutine already holds the mutex never
// completes, and neither does a channel operation made while holding a
// mutex that every party able to complete it must lock first.
//
// Holding follows one mutex through one function as a must analysis over
// its blocks: at each point, whether every path there leaves it held,
// released, or as the function found it. Where paths disagree (a lock
// taken on one branch only), it knows nothing, and reports nothing.

// A LockKind is what an operation does to a mutex.
type LockKind uint8

const (
	Acquire  LockKind = iota + 1 // Lock
	RAcquire                     // RLock
	Release                      // Unlock or RUnlock
	Call                         // a call whose callee's Effect says what it does
	Opaque                       // anything else: TryLock, a callee the analysis cannot see given the mutex
)

// A LockOp is an operation on one mutex.
type LockOp struct {
	Kind     LockKind
	Instr    ssa.Instruction // the call that performs it
	Deferred bool            // a defer statement: it runs at return
	Effect   Effect          // the callee's, for a Call
}

// A LockState is what every path to a point has left a mutex in.
type LockState uint8

const (
	Entry    LockState = iota // as the function found it
	Held                      // locked
	RHeld                     // read-locked
	Released                  // unlocked
	Mixed                     // paths disagree, or unknown
)

// Effect summarizes what a function does with a mutex it is given.
type Effect struct {
	// First is Acquire (or RAcquire) when every path through the
	// function locks (read-locks) the mutex before any other use of it
	// and before returning: the function needs it free.
	First LockKind
	// Exit is the mutex's state at every return (Entry: unchanged).
	Exit LockState
}

// Holding is the must analysis of one mutex in one function.
type Holding struct {
	fn  *ssa.Function
	ops map[ssa.Instruction]LockOp
	in  map[*ssa.BasicBlock]LockState // at block entry; absent: unreachable
	// deferred is the state a deferred operation leaves at return, if
	// there is one (Released for `defer mu.Unlock()`).
	deferred LockState
	hasDefer bool
}

// Hold runs the must analysis of the mutex whose operations in fn are ops.
func Hold(fn *ssa.Function, ops []LockOp) *Holding {
	h := &Holding{fn: fn, ops: make(map[ssa.Instruction]LockOp), in: make(map[*ssa.BasicBlock]LockState)}
	for _, op := range ops {
		if op.Deferred {
			st := apply(op, Entry)
			if h.hasDefer && st != h.deferred {
				st = Mixed
			}
			h.deferred, h.hasDefer = st, true
			continue
		}
		h.ops[op.Instr] = op
	}
	if len(fn.Blocks) == 0 {
		return h
	}
	h.in[fn.Blocks[0]] = Entry
	for changed := true; changed; {
		changed = false
		for _, b := range fn.Blocks {
			st, ok := h.in[b]
			if !ok {
				continue
			}
			out := h.through(b, st, nil)
			for _, succ := range b.Succs {
				old, seen := h.in[succ]
				next := out
				if seen && old != out {
					next = Mixed
				}
				if !seen || next != old {
					h.in[succ] = next
					changed = true
				}
			}
		}
	}
	return h
}

// apply is the state after op, from st.
func apply(op LockOp, st LockState) LockState {
	switch op.Kind {
	case Acquire:
		return Held
	case RAcquire:
		return RHeld
	case Release:
		return Released
	case Call:
		if op.Effect.Exit == Entry {
			return st
		}
		return op.Effect.Exit
	}
	return Mixed
}

// through replays block b from state st, calling visit (if set) with
// each operation and the state before it, and returns the state at its
// end.
func (h *Holding) through(b *ssa.BasicBlock, st LockState, visit func(LockOp, LockState)) LockState {
	for _, in := range b.Instrs {
		if op, ok := h.ops[in]; ok {
			if visit != nil {
				visit(op, st)
			}
			st = apply(op, st)
		}
	}
	return st
}

// Before returns the state just before the instruction at, and false if
// at is unreachable.
func (h *Holding) Before(at ssa.Instruction) (LockState, bool) {
	b := at.Block()
	st, ok := h.in[b]
	if !ok {
		return Mixed, false
	}
	for _, in := range b.Instrs {
		if in == at {
			break
		}
		if op, ok := h.ops[in]; ok {
			st = apply(op, st)
		}
	}
	return st, true
}

// Returns returns fn's reachable returns with the state each leaves the
// mutex in, deferred operations included.
func (h *Holding) Returns() map[*ssa.Return]LockState {
	rets := make(map[*ssa.Return]LockState)
	for _, b := range h.fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		if st, ok := h.Before(ret); ok {
			if h.hasDefer {
				st = h.deferred
			}
			rets[ret] = st
		}
	}
	return rets
}

// Effect summarizes the function for its callers.
func (h *Holding) Effect() Effect {
	var e Effect
	if len(h.fn.Blocks) > 0 {
		e.First = h.first()
	}
	e.Exit = Entry
	n := 0
	for _, st := range h.Returns() {
		if n == 0 {
			e.Exit = st
		} else if st != e.Exit {
			e.Exit = Mixed
		}
		n++
	}
	return e
}

// first is how every path from the entry locks the mutex before any
// other use of it and before returning, if it does.
func (h *Holding) first() LockKind {
	ops, returns := h.firstOps(h.fn.Blocks[0])
	if returns {
		return 0
	}
	var first LockKind
	for _, op := range ops {
		switch k := op.Acquires(); {
		case k == 0:
			return 0
		case first == 0 || first == k:
			first = k
		default:
			first = RAcquire
		}
	}
	return first
}

// each calls visit with every reachable operation and the state before it.
func (h *Holding) each(visit func(LockOp, LockState)) {
	for _, b := range h.fn.Blocks {
		if st, ok := h.in[b]; ok {
			h.through(b, st, visit)
		}
	}
}

// Conflicts reports whether locking the mutex the way k does blocks in
// state st: a Lock while it is held or read-held, an RLock while it is
// held.
func Conflicts(k LockKind, st LockState) bool {
	return (k == Acquire && (st == Held || st == RHeld)) || (k == RAcquire && st == Held)
}

// Acquires is how op locks the mutex when it finds it free, if it does.
func (op LockOp) Acquires() LockKind {
	if op.Kind == Call {
		return op.Effect.First
	}
	if op.Kind == Acquire || op.Kind == RAcquire {
		return op.Kind
	}
	return 0
}

// A DoubleLock is a lock of a mutex the goroutine already holds: it
// never completes.
type DoubleLock struct {
	Op LockOp
	// Via is the block that ends the path holding the mutex back round a
	// loop (a continue that skips the Unlock), nil when it is held on
	// every path to Op.
	Via *ssa.BasicBlock
}

// DoubleLocks returns the locks that block because the mutex is held on
// every path to them, or on every path round a loop that comes back to
// them without touching it. made is the block that makes the mutex, if
// fn does: a loop around it makes a fresh one each time round.
func (h *Holding) DoubleLocks(made *ssa.BasicBlock) []DoubleLock {
	var out []DoubleLock
	seen := make(map[ssa.Instruction]bool)
	h.each(func(op LockOp, st LockState) {
		if k := op.Acquires(); k != 0 && Conflicts(k, st) {
			out = append(out, DoubleLock{Op: op})
			seen[op.Instr] = true
		}
	})
	for _, b := range h.fn.Blocks {
		st, ok := h.in[b]
		if !ok {
			continue
		}
		end := h.through(b, st, nil)
		if end != Held && end != RHeld {
			continue
		}
		for _, op := range h.roundTheLoop(b, made) {
			if k := op.Acquires(); k != 0 && !seen[op.Instr] && Conflicts(k, end) {
				out = append(out, DoubleLock{Op: op, Via: b})
				seen[op.Instr] = true
			}
		}
	}
	return out
}

// roundTheLoop returns the operations that paths from the end of b meet
// first after entering a loop or going back round one (by an edge to a
// block that dominates its source), where the must analysis merges the
// held path with the others; made, if not nil, is the block making the
// mutex: a loop around it makes a fresh one each time round.
func (h *Holding) roundTheLoop(b, made *ssa.BasicBlock) []LockOp {
	type visit struct {
		b      *ssa.BasicBlock
		looped bool
	}
	var ops []LockOp
	seen := make(map[visit]bool)
	var stack []visit
	push := func(from *ssa.BasicBlock, looped bool) {
		for _, succ := range from.Succs {
			fresh := made != nil && succ.Dominates(made) && made.Dominates(from)
			back := succ.Dominates(from) && !fresh
			stack = append(stack, visit{succ, looped || back || header(succ) && !fresh})
		}
	}
	push(b, false)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[v] {
			continue
		}
		seen[v] = true
		if i := slices.IndexFunc(v.b.Instrs, func(in ssa.Instruction) bool { _, ok := h.ops[in]; return ok }); i >= 0 {
			if v.looped {
				ops = append(ops, h.ops[v.b.Instrs[i]])
			}
			continue
		}
		push(v.b, v.looped)
	}
	return ops
}

// header reports whether b is a loop's header: it dominates one of its
// predecessors.
func header(b *ssa.BasicBlock) bool {
	return slices.ContainsFunc(b.Preds, b.Dominates)
}

// firstOps returns the operations that paths from the start of b meet
// first, and whether some path returns before meeting one.
func (h *Holding) firstOps(b *ssa.BasicBlock) ([]LockOp, bool) {
	var ops []LockOp
	returns := false
	seen := make(map[*ssa.BasicBlock]bool)
	stack := []*ssa.BasicBlock{b}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[x] {
			continue
		}
		seen[x] = true
		if i := slices.IndexFunc(x.Instrs, func(in ssa.Instruction) bool { _, ok := h.ops[in]; return ok }); i >= 0 {
			ops = append(ops, h.ops[x.Instrs[i]])
			continue
		}
		if _, ok := x.Instrs[len(x.Instrs)-1].(*ssa.Return); ok {
			returns = true
		}
		stack = append(stack, x.Succs...)
	}
	return ops, returns
}

// Reaches reports whether some path runs from one instruction to another
// (from a point before to, when both are in one block), or, with a nil
// from, from the function's entry.
func Reaches(from, to ssa.Instruction) bool {
	if from == nil {
		return true
	}
	fb, tb := from.Block(), to.Block()
	if fb == tb && slices.Index(fb.Instrs, from) < slices.Index(fb.Instrs, to) {
		return true
	}
	return Reach(fb, func(b *ssa.BasicBlock) []*ssa.BasicBlock { return b.Succs })[tb]
}

// Precedes reports whether a path from the function's entry meets a
// before y and goes on to y: the party can stand at a while y has not
// yet run.
func Precedes(a, y ssa.Instruction) bool {
	ab, yb := a.Block(), y.Block()
	if ab == yb {
		return slices.Index(ab.Instrs, a) < slices.Index(ab.Instrs, y)
	}
	entry := a.Parent().Blocks[0]
	if entry != ab && (entry == yb || !Reach(entry, func(b *ssa.BasicBlock) []*ssa.BasicBlock {
		if b == yb {
			return nil
		}
		return b.Succs
	})[ab]) {
		return false
	}
	return Reaches(a, y)
}
