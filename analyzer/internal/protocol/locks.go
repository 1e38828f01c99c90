package protocol

import (
	"go/constant"
	"go/token"
	"maps"
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

	unreached // Holding's mark for a block no path reaches
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
	fn *ssa.Function
	// ops are the operations not deferred, ordered by block index (see
	// opsIn): blocks with none leave the state as they find it, and are
	// not scanned.
	ops []LockOp
	// in is the state at each block's entry, by block index; unreached
	// for a block no path reaches. A slice, not a map: a package holds
	// one Holding per function and mutex it locks, and nats-server's
	// maps came to 80 MB.
	in []LockState
	// defers are the deferred operations (`defer mu.Unlock()`), which
	// act at the returns their defer statements reach.
	defers []LockOp
}

// Hold runs the must analysis of the mutex whose operations in fn are ops.
func Hold(fn *ssa.Function, ops []LockOp) *Holding {
	h := &Holding{fn: fn}
	for _, op := range ops {
		if op.Deferred {
			h.defers = append(h.defers, op)
		} else {
			h.ops = append(h.ops, op)
		}
	}
	slices.SortStableFunc(h.ops, func(a, b LockOp) int { return a.Instr.Block().Index - b.Instr.Block().Index })
	if len(fn.Blocks) == 0 {
		return h
	}
	h.in = make([]LockState, len(fn.Blocks))
	for i := range h.in {
		h.in[i] = unreached
	}
	h.in[0] = Entry
	for changed := true; changed; {
		changed = false
		for _, b := range fn.Blocks {
			st, ok := h.entry(b)
			if !ok {
				continue
			}
			out := h.through(b, st, nil)
			for _, succ := range liveSuccs(b, nil) {
				old, seen := h.entry(succ)
				next := out
				if seen && old != out {
					next = Mixed
				}
				if !seen || next != old {
					h.in[succ.Index] = next
					changed = true
				}
			}
		}
	}
	return h
}

// entry returns the state at b's entry, and false if no path reaches b.
func (h *Holding) entry(b *ssa.BasicBlock) (LockState, bool) {
	st := h.in[b.Index]
	return st, st != unreached
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
	for _, in := range h.instrsWithOps(b) {
		if op, ok := h.opAt(in); ok {
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
	st, ok := h.entry(b)
	if !ok {
		return Mixed, false
	}
	for _, in := range h.instrsWithOps(b) {
		if in == at {
			break
		}
		if op, ok := h.opAt(in); ok {
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
			rets[ret] = h.atReturn(ret, st)
		}
	}
	return rets
}

// atReturn is the state the deferred operations leave at ret from st:
// those whose defer statement runs on every path to ret act; one that
// runs on some paths only leaves the state unknown.
func (h *Holding) atReturn(ret *ssa.Return, st LockState) LockState {
	for _, d := range h.defers {
		switch {
		case d.Instr.Block().Dominates(ret.Block()):
			st = apply(d, st)
		case Reaches(d.Instr, ret):
			st = Mixed
		}
	}
	return st
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

// ReleasesFirst reports whether the function unlocks the mutex before
// it locks it on every path that uses it (opaque uses, such as starting
// a goroutine given it, aside), and on one at least: it releases a lock
// it was handed.
func (h *Holding) ReleasesFirst() bool {
	if len(h.fn.Blocks) == 0 {
		return false
	}
	released := false
	seen := make(map[*ssa.BasicBlock]bool)
	stack := []*ssa.BasicBlock{h.fn.Blocks[0]}
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[b] {
			continue
		}
		seen[b] = true
		met := false
		for _, in := range h.instrsWithOps(b) {
			op, ok := h.opAt(in)
			if !ok || op.Kind == Opaque {
				continue
			}
			if op.Kind != Release && !(op.Kind == Call && op.Effect.First == 0 && op.Effect.Exit == Released) {
				return false
			}
			released, met = true, true
			break
		}
		if !met {
			stack = append(stack, liveSuccs(b, nil)...)
		}
	}
	return released
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
		if st, ok := h.entry(b); ok {
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

// blocks reports whether locking the way k does blocks the goroutine
// that holds the mutex in state st.
func (m Mutex) blocks(k LockKind, st LockState) bool {
	return Conflicts(k, st) || m.WriterWaits && k == RAcquire && st == RHeld
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
	// Read says Op is an RLock of a read-held RWMutex, which blocks
	// only behind a waiting Lock (see Mutex.WriterWaits).
	Read bool
}

// What a mutex is, for DoubleLocks.
type Mutex struct {
	// Made is the block that makes the mutex, if the function does: a
	// loop around it makes a fresh one each time round.
	Made *ssa.BasicBlock
	// Varies says its identity may change round a loop (it is reached
	// through pointer fields): the loop rules do not apply.
	Varies bool
	// WriterWaits says some goroutine may Lock the RWMutex: an RLock
	// while the goroutine read-holds it then blocks behind that Lock,
	// which waits for the first RLock (sync.RWMutex prohibits recursive
	// read locking).
	WriterWaits bool
}

// DoubleLocks returns the locks of the mutex m that block because the
// goroutine holds it: on every path to them; or on a path round a loop
// that brings a lock back to itself unreleased (a continue that skips
// the Unlock); or on entering a loop that every way in enters holding
// it.
func (h *Holding) DoubleLocks(m Mutex) []DoubleLock {
	var out []DoubleLock
	seen := make(map[ssa.Instruction]bool)
	add := func(op LockOp, st LockState, via *ssa.BasicBlock) {
		if k := op.Acquires(); k != 0 && !seen[op.Instr] && m.blocks(k, st) {
			out = append(out, DoubleLock{Op: op, Via: via, Read: !Conflicts(k, st)})
			seen[op.Instr] = true
		}
	}
	h.each(func(op LockOp, st LockState) { add(op, st, nil) })
	if m.Varies {
		return out
	}
	h.each(func(op LockOp, st LockState) {
		if op.Acquires() == 0 || !InLoop(op.Instr.Block(), m.Made) {
			return
		}
		if via := h.backToItself(op); via != nil {
			add(op, apply(op, st), via)
		}
	})
	for _, b := range h.fn.Blocks {
		if via, st, ok := h.enteredHolding(b); ok && (m.Made == nil || !b.Dominates(m.Made)) {
			for _, op := range h.reachable(b) {
				add(op, st, via)
			}
		}
	}
	return out
}

// backToItself returns the block whose back edge takes a path from op,
// meeting no other operation, back round the loop to op itself, if one
// does.
func (h *Holding) backToItself(op LockOp) *ssa.BasicBlock {
	b := op.Instr.Block()
	rest := b.Instrs[slices.Index(b.Instrs, op.Instr)+1:]
	if slices.ContainsFunc(rest, h.isOp) {
		return nil
	}
	var via *ssa.BasicBlock
	h.walk(b, func(from, x *ssa.BasicBlock) bool {
		if first, ok := h.firstOp(x); ok {
			if first.Instr == op.Instr && via == nil {
				via = from
			}
			return false
		}
		return true
	}, true)
	return via
}

// enteredHolding reports whether b is a loop's header that every edge
// from outside the loop enters with the mutex held, and returns one such
// predecessor and the state.
func (h *Holding) enteredHolding(b *ssa.BasicBlock) (*ssa.BasicBlock, LockState, bool) {
	if !header(b) {
		return nil, 0, false
	}
	var via *ssa.BasicBlock
	var st LockState
	for _, p := range b.Preds {
		if b.Dominates(p) {
			continue // a back edge
		}
		in, ok := h.entry(p)
		if !ok {
			continue
		}
		end := h.through(p, in, nil)
		if end != Held && end != RHeld || via != nil && end != st {
			return nil, 0, false
		}
		via, st = p, end
	}
	return via, st, via != nil
}

// reachable returns the operations paths from the start of loop header b
// meet first, without going round the loop.
func (h *Holding) reachable(b *ssa.BasicBlock) []LockOp {
	var ops []LockOp
	visit := func(_, x *ssa.BasicBlock) bool {
		if x.Dominates(b) && x != b {
			return false
		}
		if op, ok := h.firstOp(x); ok {
			ops = append(ops, op)
			return false
		}
		return true
	}
	if visit(nil, b) {
		h.walk(b, func(from, x *ssa.BasicBlock) bool {
			if x == b {
				return false // round the loop
			}
			return visit(from, x)
		}, false)
	}
	return ops
}

// walk visits the blocks after b along live edges, depth first, each
// once; visit says whether to go on past x (reached from from). With
// back set, only paths that take a back edge reach visit. Along each
// path it keeps the constant a boolean phi takes on the edge taken, so
// that a flag set on the way (`if !locked { mu.Lock(); locked = true }`)
// decides the tests after it.
func (h *Holding) walk(b *ssa.BasicBlock, visit func(from, x *ssa.BasicBlock) bool, back bool) {
	type step struct {
		from, x *ssa.BasicBlock
		looped  bool
		env     flags
	}
	type key struct {
		x      *ssa.BasicBlock
		looped bool
	}
	seen := make(map[key]bool)
	var stack []step
	push := func(from *ssa.BasicBlock, looped bool, env flags) {
		for _, x := range liveSuccs(from, env) {
			stack = append(stack, step{from, x, looped || x.Dominates(from), env.enter(from, x)})
		}
	}
	push(b, false, nil)
	for len(stack) > 0 {
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[key{st.x, st.looped}] {
			continue
		}
		seen[key{st.x, st.looped}] = true
		if back && !st.looped {
			if _, ok := h.firstOp(st.x); !ok {
				push(st.x, false, st.env)
			}
			continue
		}
		if visit(st.from, st.x) {
			push(st.x, st.looped, st.env)
		}
	}
}

// flags holds the boolean values known along one path: the conditions
// of the branches taken (a parameter tested twice is the same both
// times), and the constants boolean phis take on the edges taken.
type flags map[ssa.Value]bool

// enter returns the flags after the edge from -> x.
func (f flags) enter(from, x *ssa.BasicBlock) flags {
	out, copied := f, false
	set := func(v ssa.Value, b bool) {
		if !copied {
			out, copied = maps.Clone(f), true
			if out == nil {
				out = make(flags)
			}
		}
		out[v] = b
	}
	if iff, ok := from.Instrs[len(from.Instrs)-1].(*ssa.If); ok {
		cond, b := iff.Cond, x == from.Succs[0]
		if not, ok := cond.(*ssa.UnOp); ok && not.Op == token.NOT {
			cond, b = not.X, !b
		}
		if _, known := f.value(cond); !known {
			set(cond, b)
		}
	}
	i := slices.Index(x.Preds, from)
	for _, in := range x.Instrs {
		phi, ok := in.(*ssa.Phi)
		if !ok {
			break
		}
		if v, ok := f.value(phi.Edges[i]); ok {
			set(phi, v)
		}
	}
	return out
}

// value returns v's constant boolean value on this path, if known.
func (f flags) value(v ssa.Value) (bool, bool) {
	switch v := v.(type) {
	case *ssa.Const:
		if v.Value != nil && v.Value.Kind() == constant.Bool {
			return constant.BoolVal(v.Value), true
		}
	case *ssa.UnOp:
		if v.Op == token.NOT {
			b, ok := f.value(v.X)
			return !b, ok
		}
	}
	b, ok := f[v]
	return b, ok
}

// firstOp returns the first operation in b, in instruction order.
func (h *Holding) firstOp(b *ssa.BasicBlock) (LockOp, bool) {
	for _, in := range h.instrsWithOps(b) {
		if op, ok := h.opAt(in); ok {
			return op, true
		}
	}
	return LockOp{}, false
}

// instrsWithOps returns b's instructions if b has an operation, else
// none.
func (h *Holding) instrsWithOps(b *ssa.BasicBlock) []ssa.Instruction {
	if len(h.opsIn(b)) == 0 {
		return nil
	}
	return b.Instrs
}

// opsIn returns the operations in block b.
func (h *Holding) opsIn(b *ssa.BasicBlock) []LockOp {
	i, _ := slices.BinarySearchFunc(h.ops, b.Index, func(op LockOp, index int) int { return op.Instr.Block().Index - index })
	j := i
	for j < len(h.ops) && h.ops[j].Instr.Block() == b {
		j++
	}
	return h.ops[i:j]
}

// opAt returns the operation that instruction in performs, if any.
func (h *Holding) opAt(in ssa.Instruction) (LockOp, bool) {
	for _, op := range h.opsIn(in.Block()) {
		if op.Instr == in {
			return op, true
		}
	}
	return LockOp{}, false
}

// isOp reports whether instruction in performs an operation.
func (h *Holding) isOp(in ssa.Instruction) bool {
	_, ok := h.opAt(in)
	return ok
}

// liveSuccs returns b's successors, less the one a condition known on
// this path (a constant, `if false`; a flag in f) never takes.
func liveSuccs(b *ssa.BasicBlock, f flags) []*ssa.BasicBlock {
	if len(b.Instrs) == 0 {
		return b.Succs
	}
	if iff, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If); ok {
		if v, ok := f.value(iff.Cond); ok {
			if v {
				return b.Succs[:1]
			}
			return b.Succs[1:]
		}
	}
	return b.Succs
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
		if op, ok := h.firstOp(x); ok {
			ops = append(ops, op)
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
