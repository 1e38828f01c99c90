package obligation

import (
	"go/token"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// OnEveryPath reports whether every path from the instruction from to a
// return of its function passes through one of the calls (or a defer of
// one: it runs at the return). It is the must-call check of an obligation
// that a value carries from its creation at from; paths that panic owe
// nothing.
//
// If from is a call whose last result is an error, paths on which that
// error is not nil owe nothing either: by Go's convention the other results
// are then unusable (a nil value: nothing to stop).
func OnEveryPath(from ssa.Instruction, calls []ssa.CallInstruction) bool {
	errVal := ErrResult(from)
	discharges := make(map[ssa.Instruction]bool, len(calls))
	for _, c := range calls {
		discharges[c] = true
	}
	seen := make(map[*ssa.BasicBlock]bool)
	// leaks reports whether a path from instruction i of block b reaches
	// a return without a discharging call.
	var leaks func(b *ssa.BasicBlock, i int) bool
	leaks = func(b *ssa.BasicBlock, i int) bool {
		for _, in := range b.Instrs[i:] {
			if discharges[in] {
				return false
			}
			if _, ok := in.(*ssa.Return); ok {
				return true
			}
		}
		succs := b.Succs
		if ok := ErrBranch(b, errVal); ok != nil {
			succs = []*ssa.BasicBlock{ok}
		}
		for _, succ := range succs {
			if !seen[succ] {
				seen[succ] = true
				if leaks(succ, 0) {
					return true
				}
			}
		}
		return false
	}
	b := from.Block()
	for i, in := range b.Instrs {
		if in == from {
			return !leaks(b, i+1)
		}
	}
	return true
}

// ErrResult returns the error result of a call returning a tuple whose
// last element is an error, or nil.
func ErrResult(in ssa.Instruction) ssa.Value {
	call, ok := in.(*ssa.Call)
	if !ok {
		return nil
	}
	res := call.Call.Signature().Results()
	if res.Len() < 2 || !IsErrorType(res.At(res.Len()-1).Type()) {
		return nil
	}
	return ResultValue(call, res.Len()-1)
}

// ErrBranch returns the successor of b's `if err != nil` (or ==) on which
// errVal is nil, or nil if b does not end in such a test.
func ErrBranch(b *ssa.BasicBlock, errVal ssa.Value) *ssa.BasicBlock {
	if errVal == nil || len(b.Instrs) == 0 {
		return nil
	}
	ifi, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok {
		return nil
	}
	cond, ok := ifi.Cond.(*ssa.BinOp)
	if !ok || !(holds(cond.X, errVal) && IsNil(cond.Y) || holds(cond.Y, errVal) && IsNil(cond.X)) {
		return nil
	}
	switch cond.Op {
	case token.NEQ:
		return b.Succs[1]
	case token.EQL:
		return b.Succs[0]
	}
	return nil
}

// holds reports whether x is v, or a load of the variable v was last
// stored into: a named result (`resp, err = c.Do(req)`, err a named
// result kept in memory because the function defers) is stored, then
// loaded for the test. The store must come first in x's block or in the
// chain of single predecessors above it, with no other store to the
// variable after it.
func holds(x, v ssa.Value) bool {
	if x == v {
		return true
	}
	load, ok := x.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return false
	}
	alloc, ok := load.X.(*ssa.Alloc)
	if !ok {
		return false
	}
	b, end := load.Block(), slices.Index(load.Block().Instrs, ssa.Instruction(load))
	for range 8 {
		for i := end - 1; i >= 0; i-- {
			if st, ok := b.Instrs[i].(*ssa.Store); ok && st.Addr == alloc {
				return st.Val == v
			}
		}
		if len(b.Preds) != 1 {
			return false
		}
		b = b.Preds[0]
		end = len(b.Instrs)
	}
	return false
}

// NilOnErr returns those of the results cancels of fn (indices of its
// results) that are nil on every return whose last result, an error, is
// not nil: a caller that returns on the error owes nothing.
func NilOnErr(fn *ssa.Function, cancels []int) []int {
	results := fn.Signature.Results()
	last := results.Len() - 1
	if len(cancels) == 0 || last < 1 || !IsErrorType(results.At(last).Type()) {
		return nil
	}
	var out []int
	for _, r := range cancels {
		ok := true
		for _, b := range fn.Blocks {
			if ret, isRet := b.Instrs[len(b.Instrs)-1].(*ssa.Return); isRet && len(ret.Results) == results.Len() {
				ok = ok && (IsNil(ret.Results[last]) || IsNil(ret.Results[r]))
			}
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}
