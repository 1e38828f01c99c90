package chanblock

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkLockWaits reports the blocking operations on a channel that wait
// while holding a mutex which every party able to complete them must
// lock first: the holder waits for them, they wait for the mutex
// (GCatch's blocking bugs through a mutex; kubernetes#10182, grpc#1460,
// etcd#6873). ops are all the channel's operations. On a buffered
// channel either side may complete without the other there (a value
// sent before the receiver took the lock), so only unbuffered ones are
// checked.
func (s *checker) checkLockWaits(ops []protocol.Op, name string, unbuffered bool) {
	if !unbuffered {
		return
	}
	for _, x := range ops {
		if x.Optional || x.Callee != nil || x.Kind == protocol.Close {
			continue
		}
		f := x.Instr.Parent()
		root := chanRoot(x)
		all := s.mutexOps(f)
		for _, k := range mutexKeys(all) {
			kops := all[k]
			if k.Root != root && !sharedMutex(k.Root) {
				continue // a mutex of another object than the channel's
			}
			st, ok := s.holding(f, k).Before(x.Instr)
			if !ok || st != protocol.Held && st != protocol.RHeld {
				continue
			}
			if w, ok := s.allWaitFor(x, ops, k, root, st); ok {
				s.reportLockWait(x, name, k, kops, w)
			}
		}
	}
}

// A lockWaiter is a party that can complete an operation, and the lock
// it takes on its way there.
type lockWaiter struct {
	op   protocol.Op
	lock protocol.LockOp
}

// allWaitFor returns a party of the channel that can complete x, when
// each of them may stand at a lock of k (in state st at x, k held by x's
// goroutine) before it gets there: locked before it on a path from its
// function's entry, or after it while x may run again.
func (s *checker) allWaitFor(x protocol.Op, ops []protocol.Op, k lifecycle.MutexKey, root ssa.Value, st protocol.LockState) (lockWaiter, bool) {
	var found lockWaiter
	for _, y := range ops {
		if y.Kind == x.Kind || x.Kind == protocol.Send && y.Kind == protocol.Close {
			continue
		}
		kg := k
		if k.Root == root {
			kg = lifecycle.MutexKey{Root: chanRoot(y), Path: k.Path}
		}
		lock, ok := s.lockOnTheWay(y, kg, st, x)
		if !ok {
			return lockWaiter{}, false
		}
		if found.op.Instr == nil {
			found = lockWaiter{y, lock}
		}
	}
	return found, found.op.Instr != nil
}

// lockOnTheWay returns a lock of k, in y's function, that its party may
// be waiting at instead of performing y.
func (s *checker) lockOnTheWay(y protocol.Op, k lifecycle.MutexKey, st protocol.LockState, x protocol.Op) (protocol.LockOp, bool) {
	g := y.Instr.Parent()
	for _, a := range s.mutexOps(g)[k] {
		if a.Deferred || !protocol.Conflicts(a.Acquires(), st) || beforeStarts(a.Instr, x) {
			continue
		}
		if _, deferred := y.Instr.(*ssa.Defer); deferred {
			if reachesReturn(a.Instr) {
				return a, true // the deferred op runs at return
			}
			continue
		}
		if protocol.Precedes(a.Instr, y.Instr) || protocol.Reaches(y.Instr, a.Instr) && s.mayRepeat(x.Instr, chanRoot(x)) {
			return a, true
		}
	}
	return protocol.LockOp{}, false
}

// beforeStarts reports whether in runs, in its function, before every go
// statement there that starts x's goroutine (x's function, for an
// operation of a field's channel), and there is one: what in does is over
// before x can run.
func beforeStarts(in ssa.Instruction, x protocol.Op) bool {
	if x.Start != nil {
		return before(in, x.Start)
	}
	f, started := x.Instr.Parent(), false
	for _, b := range in.Parent().Blocks {
		for _, i := range b.Instrs {
			g, ok := i.(*ssa.Go)
			if !ok || lifecycle.GoBody(g) != f {
				continue
			}
			if !before(in, g) {
				return false
			}
			started = true
		}
	}
	return started
}

// before reports whether in runs before the go statement start on every
// path, and only once: what it does is over before the goroutine starts.
func before(in, start ssa.Instruction) bool {
	if start.Parent() != in.Parent() || protocol.InLoop(in.Block(), nil) {
		return false
	}
	if in.Block() == start.Block() {
		return slices.Index(in.Block().Instrs, in) < slices.Index(in.Block().Instrs, start)
	}
	return in.Block().Dominates(start.Block())
}

// reachesReturn reports whether a path from in reaches a return.
func reachesReturn(in ssa.Instruction) bool {
	for _, b := range in.Parent().Blocks {
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && protocol.Reaches(in, ret) {
			return true
		}
	}
	return false
}

// mayRepeat reports whether the instruction may run more than once on
// one channel: in a loop, or in a function that is exported, or called
// or started from more than one place or in a loop; a loop that also
// makes the channel (root) makes a new one each time round.
func (s *checker) mayRepeat(in ssa.Instruction, root ssa.Value) bool {
	looped := func(b *ssa.BasicBlock) bool {
		if mk, ok := root.(*ssa.MakeChan); ok && mk.Parent() == b.Parent() {
			return protocol.InLoop(b, mk.Block())
		}
		return protocol.InLoop(b, nil)
	}
	if looped(in.Block()) {
		return true
	}
	fn := in.Parent()
	if obj := fn.Object(); obj != nil && obj.Exported() {
		return true
	}
	sites := 0
	for _, f := range s.Funcs {
		for _, b := range f.Blocks {
			for _, i := range b.Instrs {
				if c, ok := i.(ssa.CallInstruction); ok && c.Common().StaticCallee() == fn { // a closure's too
					sites++
					if sites > 1 || looped(b) {
						return true
					}
				}
			}
		}
	}
	return false
}

// chanRoot returns what the channel an operation uses is reached from:
// the object whose field holds it, or the value it is.
func chanRoot(op protocol.Op) ssa.Value {
	var ch ssa.Value
	switch in := op.Instr.(type) {
	case *ssa.Send:
		ch = in.Chan
	case *ssa.UnOp:
		ch = in.X
	case *ssa.Select:
		ch = in.States[op.SelIndex].Chan
	case ssa.CallInstruction:
		for _, a := range in.Common().Args {
			if _, ok := a.Type().Underlying().(*types.Chan); ok {
				ch = a
				break
			}
		}
	}
	if load, ok := ch.(*ssa.UnOp); ok && load.Op == token.MUL {
		if fa, ok := load.X.(*ssa.FieldAddr); ok {
			return mutexAt(fa).Root
		}
	}
	if o := lifecycle.OuterValue(ch); o != nil {
		return o
	}
	return ch
}

// sharedMutex reports whether the mutex reached from root is one all
// parties see: a global, or a local that closures share.
func sharedMutex(root ssa.Value) bool {
	switch root.(type) {
	case *ssa.Global, *ssa.Alloc:
		return true
	}
	return false
}

// reportLockWait reports x, which waits holding k while w waits for k.
func (s *checker) reportLockWait(x protocol.Op, name string, k lifecycle.MutexKey, kops []protocol.LockOp, w lockWaiter) {
	mu := s.mutexName(k)
	what, remedy := "send on "+name, "sending"
	if x.Kind == protocol.Recv {
		what, remedy = "receive from "+name, "receiving"
	}
	party := map[protocol.OpKind]string{protocol.Send: "its sender", protocol.Recv: "its receiver", protocol.Close: "its close"}[w.op.Kind]
	via := ""
	if w.lock.Kind == protocol.Call {
		via = fmt.Sprintf(" (in %s)", s.calleeName(w.lock.Instr))
	}
	var rel []analysis.RelatedInformation
	if held, ok := heldBy(kops, x.Instr); ok {
		rel = append(rel, lifecycle.Related(s.callPos(held.Instr), s.heldWhat(held, mu)))
	}
	rel = append(rel, lifecycle.Related(s.callPos(w.lock.Instr), fmt.Sprintf("%s locks %s here", party, mu)))
	s.reportChanOp(x, fmt.Sprintf("%s can deadlock: it waits holding %s, which %s in %s locks%s on its way; unlock %s before %s",
		what, mu, party, s.FuncName(w.op.Instr.Parent()), via, mu, remedy), rel...)
}
