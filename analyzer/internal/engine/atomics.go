package engine

import (
	"fmt"
	"go/token"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// isAtomic reports whether name is an operation of sync/atomic: a
// function (atomic.AddInt32) or a method of its types ((*atomic.Int32).Add).
func isAtomic(name string) bool {
	return strings.HasPrefix(name, "sync/atomic.") || strings.HasPrefix(name, "(*sync/atomic.")
}

// atomicOp performs an atomic load, store, add, swap or compare-and-swap
// on the model's memory: an interleaved operation (see atOp), exact on a
// cell of the model, a symbol that others change elsewhere.
func (e *Explorer) atomicOp(s *state, pi int, fn *ssa.Function, args []value) value {
	op := fn.Name()
	addr, ok := args[0].(refV)
	if !ok || s.objs[addr.obj].kind != cellObj || s.objs[addr.obj].escaped {
		return symV{fmt.Sprintf("~atomic%d:%s:%s", pi, op, keyOf(args[0]))}
	}
	if recv := fn.Signature.Recv(); recv != nil {
		if i := fieldIndex(recv.Type(), "v"); i >= 0 {
			addr.path += fmt.Sprintf(".%d", i) // the value inside atomic.Int32 and its kin
		}
	}
	cell := s.mobj(addr.obj)
	steps := pathSteps(addr.path)
	cur := getPath(cell.v, steps)
	set := func(v value) { cell.v = setPath(cell.v, steps, v) }
	switch {
	case strings.HasPrefix(op, "Load"):
		return cur
	case strings.HasPrefix(op, "Store"):
		set(args[1])
		return top
	case strings.HasPrefix(op, "Add"):
		n := binop(token.ADD, cur, args[1])
		set(n)
		return n
	case strings.HasPrefix(op, "Swap"):
		set(args[1])
		return cur
	case strings.HasPrefix(op, "CompareAndSwap"):
		eq, known := decide(s, compare(token.EQL, cur, args[1]))
		if !known {
			return symV{fmt.Sprintf("~cas%d:%s", pi, keyOf(args[0]))}
		}
		if eq {
			set(args[2])
		}
		return constV{boolConst(eq)}
	}
	return symV{fmt.Sprintf("~atomic%d:%s:%s", pi, op, keyOf(args[0]))}
}
