package chanblock

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkLocks reports the Locks that can never complete because the
// goroutine already holds the mutex (a second Lock on every path, a
// continue that skips the Unlock, a call of a function that locks it),
// and the returns that leave a mutex locked when the function's other
// returns unlock it: the next Lock of it blocks forever (cockroach#584,
// moby#7559, grpc#795, grpc#3017).
func (s *checker) checkLocks() {
	for _, fn := range s.Funcs {
		all := s.mutexOps(fn)
		for _, k := range mutexKeys(all) {
			ops := all[k]
			if !locksIn(ops) || s.handedOn(k) {
				continue
			}
			h := s.holding(fn, k)
			m := protocol.Mutex{Varies: k.Loads, WriterWaits: s.writeLocked(k, fn)}
			if in, ok := k.Root.(ssa.Instruction); ok && in.Parent() == fn {
				m.Made = in.Block()
			}
			for _, d := range h.DoubleLocks(m) {
				s.reportDoubleLock(k, ops, d)
			}
			s.checkLostUnlock(fn, k, ops, h)
		}
	}
}

// locksIn reports whether ops lock the mutex, directly or through a
// callee.
func locksIn(ops []protocol.LockOp) bool {
	for _, op := range ops {
		if op.Kind == protocol.Acquire || op.Kind == protocol.RAcquire || op.Kind == protocol.Call {
			return true
		}
	}
	return false
}

// reportDoubleLock reports a lock of k that blocks because k is held.
func (s *checker) reportDoubleLock(k lifecycle.MutexKey, ops []protocol.LockOp, d protocol.DoubleLock) {
	name := s.mutexName(k)
	lock, locks := "Lock", "locks"
	if d.Read {
		lock, locks = "RLock", "read-locks"
	}
	what := lock + " of " + name
	if d.Op.Kind == protocol.Call {
		what = fmt.Sprintf("call of %s, which %s %s,", s.calleeName(d.Op.Instr), locks, name)
	}
	var rel []analysis.RelatedInformation
	if held, ok := heldBy(ops, d.Op.Instr); ok {
		rel = append(rel, lifecycle.Related(s.callPos(held.Instr), s.heldWhat(held, name)))
	}
	switch {
	case d.Read:
		s.reportAt(s.callPos(d.Op.Instr), fmt.Sprintf("%s can deadlock: %s is already read-locked here, and a Lock waiting in between blocks it (sync.RWMutex prohibits recursive read locking); read-lock it once", what, name), rel...)
	case d.Via == nil:
		s.reportAt(s.callPos(d.Op.Instr), fmt.Sprintf("%s blocks forever: %s is already held here; unlock it before locking it again", what, name), rel...)
	default:
		if pos := blockPos(d.Via); pos.IsValid() {
			rel = append(rel, lifecycle.Related(pos, "the path from here comes to it with "+name+" held"))
		}
		s.reportAt(s.callPos(d.Op.Instr), fmt.Sprintf("%s blocks forever: a path into or round the loop comes to it with %s still held; unlock it on that path", what, name), rel...)
	}
}

// writeLocked reports whether the package write-locks the mutex k (the
// same field of any value of its type, or the same global, or the same
// local in a function other than fn, which read-locks it).
func (s *checker) writeLocked(k lifecycle.MutexKey, fn *ssa.Function) bool {
	s.mutexUses()
	for w := range s.Writers[identOf(k)] {
		if _, local := k.Root.(*ssa.Alloc); w != fn || !local {
			return true // a local that only fn locks is not shared
		}
	}
	return false
}

// handedOn reports whether the package unlocks the mutex k, without
// locking it first, in a goroutine it starts or in a function that
// starts one: a lock handed from one goroutine to another (a mutex used
// as a signal, locked, then unlocked by a goroutine when it is done).
// Which goroutine holds it at a point is then not the function's to
// know.
func (s *checker) handedOn(k lifecycle.MutexKey) bool {
	s.mutexUses()
	return s.Handed[identOf(k)]
}

// mutexUses fills writers and handed from every function's operations.
func (s *checker) mutexUses() {
	if s.Writers != nil {
		return
	}
	s.Writers, s.Handed = make(map[lifecycle.MutexIdent]map[*ssa.Function]bool), make(map[lifecycle.MutexIdent]bool)
	goroutines := make(map[*ssa.Function]bool) // started by a go statement, or starting one
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				if g, ok := in.(*ssa.Go); ok {
					goroutines[lifecycle.GoBody(g)], goroutines[fn] = true, true
				}
			}
		}
	}
	for _, fn := range s.Funcs {
		for k, ops := range s.mutexOps(fn) {
			for _, op := range ops {
				if op.Kind == protocol.Acquire || op.Kind == protocol.Call && op.Effect.First == protocol.Acquire {
					if s.Writers[identOf(k)] == nil {
						s.Writers[identOf(k)] = make(map[*ssa.Function]bool)
					}
					s.Writers[identOf(k)][fn] = true
				}
			}
			if goroutines[fn] && s.holding(fn, k).ReleasesFirst() {
				s.Handed[identOf(k)] = true
			}
		}
	}
}

func identOf(k lifecycle.MutexKey) lifecycle.MutexIdent {
	if k.Path == "" {
		return lifecycle.MutexIdent{Root: k.Root}
	}
	t, ptrs := types.Unalias(k.Root.Type()), 0
	for p, ok := t.(*types.Pointer); ok; p, ok = t.(*types.Pointer) {
		t, ptrs = types.Unalias(p.Elem()), ptrs+1
	}
	if n, ok := t.(*types.Named); ok && n.TypeArgs().Len() == 0 {
		return lifecycle.MutexIdent{Named: n.Obj(), Ptrs: ptrs, Path: k.Path}
	}
	return lifecycle.MutexIdent{Typ: types.TypeString(k.Root.Type(), nil), Path: k.Path}
}

// checkLostUnlock reports the returns that leave k locked when other
// returns of fn unlock it. A function telling its caller whether it
// holds the lock (a bool or error result) may mean to.
func (s *checker) checkLostUnlock(fn *ssa.Function, k lifecycle.MutexKey, ops []protocol.LockOp, h *protocol.Holding) {
	name := s.mutexName(k)
	rets := h.Returns()
	released := false
	for _, st := range rets {
		released = released || st == protocol.Released
	}
	if !released || reportsOutcome(fn) {
		return
	}
	for ret, st := range rets {
		if st != protocol.Held && st != protocol.RHeld {
			continue
		}
		held, ok := heldBy(ops, ret)
		if !ok || held.Kind == protocol.Call {
			continue // held since a callee took it: a lock held across calls by design (WriteMode, ReadMode)
		}
		rel := []analysis.RelatedInformation{lifecycle.Related(s.callPos(held.Instr), s.heldWhat(held, name))}
		s.reportAt(protocol.ReturnPos(ret), fmt.Sprintf("return leaves %s locked while the other returns unlock it: the next Lock of %s blocks forever; unlock it before returning", name, name), rel...)
	}
}

// heldBy returns the operation that leaves the mutex held at the
// instruction at: the last lock on a path there.
func heldBy(ops []protocol.LockOp, at ssa.Instruction) (protocol.LockOp, bool) {
	var found protocol.LockOp
	ok := false
	for _, op := range ops {
		locks := op.Kind == protocol.Acquire || op.Kind == protocol.RAcquire ||
			op.Kind == protocol.Call && (op.Effect.Exit == protocol.Held || op.Effect.Exit == protocol.RHeld)
		if locks && !op.Deferred && op.Instr != at && protocol.Reaches(op.Instr, at) {
			found, ok = op, true
		}
	}
	return found, ok
}

func (s *checker) heldWhat(op protocol.LockOp, name string) string {
	if op.Kind == protocol.Call {
		return fmt.Sprintf("%s returns with %s held", s.calleeName(op.Instr), name)
	}
	return name + " is locked here"
}

// calleeName names the function a call instruction calls as its source
// does: "a.Balance", "add".
func (s *checker) calleeName(in ssa.Instruction) string {
	if path := s.Enclosing(in.Pos()); len(path) > 0 {
		for _, n := range path {
			if ce, ok := n.(*ast.CallExpr); ok {
				return types.ExprString(ce.Fun)
			}
		}
	}
	if callee := in.(ssa.CallInstruction).Common().StaticCallee(); callee != nil {
		return callee.Name()
	}
	return "the callee"
}

// reportsOutcome reports whether fn has a bool or error result.
func reportsOutcome(fn *ssa.Function) bool {
	res := fn.Signature.Results()
	for i := 0; i < res.Len(); i++ {
		t := res.At(i).Type()
		if b, ok := t.Underlying().(*types.Basic); ok && b.Info()&types.IsBoolean != 0 {
			return true
		}
		if types.Identical(t, types.Universe.Lookup("error").Type()) {
			return true
		}
	}
	return false
}

// callPos is where a call instruction's call starts in the source.
func (s *checker) callPos(in ssa.Instruction) token.Pos {
	if call, ok := in.(*ssa.Call); ok {
		return s.CallStart(call)
	}
	if d, ok := in.(*ssa.Defer); ok {
		return d.Pos()
	}
	return in.Pos()
}

// blockPos is the first source position in b.
func blockPos(b *ssa.BasicBlock) token.Pos {
	for _, in := range b.Instrs {
		if in.Pos().IsValid() {
			return in.Pos()
		}
	}
	return token.NoPos
}

// reportAt reports a chanblock finding at pos.
func (s *checker) reportAt(pos token.Pos, msg string, rel ...analysis.RelatedInformation) {
	s.report(analysis.Diagnostic{Pos: pos, Message: msg, Related: rel})
}
