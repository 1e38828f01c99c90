package analyzer

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// onEveryPath reports whether every path from the instruction from to a
// return of its function passes through one of the calls (or a defer of
// one: it runs at the return). It is the must-call check of an obligation
// that a value carries from its creation at from; paths that panic owe
// nothing.
//
// If from is a call whose last result is an error, paths on which that
// error is not nil owe nothing either: by Go's convention the other results
// are then unusable (a nil value: nothing to stop).
func onEveryPath(from ssa.Instruction, calls []ssa.CallInstruction) bool {
	errVal := errResult(from)
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
		if ok := errBranch(b, errVal); ok != nil {
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

// errResult returns the error result of a call returning a tuple whose
// last element is an error, or nil.
func errResult(in ssa.Instruction) ssa.Value {
	call, ok := in.(*ssa.Call)
	if !ok {
		return nil
	}
	res := call.Call.Signature().Results()
	if res.Len() < 2 || !isErrorType(res.At(res.Len()-1).Type()) {
		return nil
	}
	return resultValue(call, res.Len()-1)
}

// errBranch returns the successor of b's `if err != nil` (or ==) on which
// errVal is nil, or nil if b does not end in such a test.
func errBranch(b *ssa.BasicBlock, errVal ssa.Value) *ssa.BasicBlock {
	if errVal == nil || len(b.Instrs) == 0 {
		return nil
	}
	ifi, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok {
		return nil
	}
	cond, ok := ifi.Cond.(*ssa.BinOp)
	if !ok || !(cond.X == errVal && isNil(cond.Y) || cond.Y == errVal && isNil(cond.X)) {
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

// isErrorType reports whether t is the predeclared error type.
func isErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}
