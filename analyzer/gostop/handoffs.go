package gostop

import (
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// handOffs gathers the instructions after which a function no longer owes
// the stop of a value: a call of a stop method on it, and every hand-off
// (returned, stored beyond the function, passed to a function, sent,
// captured). A value stored into a struct the function made (a carrier)
// is followed through it: the carrier's own hand-offs count, and so does
// any use of what is loaded from its fields.
type handOffs struct {
	stops    []string
	at       map[ssa.Instruction]bool
	seen     map[ssa.Value]bool
	deferred bool // a stop, or a closure holding the value, is deferred
}

// value follows v, the value or a copy of it.
func (h *handOffs) value(v ssa.Value) {
	if h.seen[v] {
		return
	}
	h.seen[v] = true
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.DebugRef, *ssa.BinOp, *ssa.Field:
			// A comparison, or one of its own fields.
		case *ssa.FieldAddr:
			h.ownField(ref)
		case *ssa.Phi, *ssa.ChangeType:
			h.value(ref.(ssa.Value))
		case *ssa.Store:
			h.store(ref, v)
		case *ssa.MakeClosure:
			h.closure(ref)
		case *ssa.Defer:
			h.deferred = true
		case *ssa.Call:
			if !h.ownMethod(ref, v) {
				h.at[ref] = true // a stop, or a hand-off
			}
		default:
			h.at[ref] = true // a return, a send, a go statement...
		}
	}
}

// ownField follows a field of the value: a channel loaded from it that is
// closed or sent on, or a function loaded from it that is called (a
// cancel), may stop the goroutine by hand, as its stop method would.
func (h *handOffs) ownField(fa *ssa.FieldAddr) {
	for _, use := range *fa.Referrers() {
		load, ok := use.(*ssa.UnOp)
		if !ok {
			continue
		}
		switch load.Type().Underlying().(type) {
		case *types.Chan, *types.Signature:
		default:
			continue
		}
		for _, ref := range *load.Referrers() {
			switch ref.(type) {
			case ssa.CallInstruction, *ssa.Send:
				h.at[ref] = true
			}
		}
	}
}

// ownMethod reports whether call calls a method of the value's own
// package on v, as receiver only, that neither is nor may call a stop
// method on its receiver: v.init(), v.Addr(). Such a call keeps v here.
func (h *handOffs) ownMethod(call *ssa.Call, v ssa.Value) bool {
	com := call.Common()
	callee := com.StaticCallee()
	if callee == nil || com.Signature().Recv() == nil || com.Args[0] != v || slices.Contains(com.Args[1:], v) {
		return false
	}
	return !h.mayStop(callee, 0)
}

// mayStop reports whether m, a method, may call a stop method on its
// receiver or hand the receiver on, following the methods it calls on
// it (to a depth of 3: deeper counts as may).
func (h *handOffs) mayStop(m *ssa.Function, depth int) bool {
	if slices.Contains(h.stops, m.Name()) || m.Blocks == nil || len(m.Params) == 0 || depth > 3 {
		return true
	}
	recv := ssa.Value(m.Params[0])
	for _, b := range m.Blocks {
		for _, in := range b.Instrs {
			c, ok := in.(ssa.CallInstruction)
			if !ok || !slices.Contains(c.Common().Args, recv) {
				continue
			}
			com := c.Common()
			callee := com.StaticCallee()
			_, isCall := in.(*ssa.Call)
			if !isCall || callee == nil || com.Args[0] != recv || slices.Contains(com.Args[1:], recv) || h.mayStop(callee, depth+1) {
				return true
			}
		}
	}
	return false
}

// store follows a store of v: into a field of a struct the function made,
// or a local variable, it moves to a carrier; anywhere else it is handed on.
func (h *handOffs) store(st *ssa.Store, v ssa.Value) {
	if st.Val != v {
		h.at[st] = true // its address is stored
		return
	}
	switch addr := st.Addr.(type) {
	case *ssa.FieldAddr:
		if alloc, ok := addr.X.(*ssa.Alloc); ok {
			h.carrier(alloc)
			return
		}
	case *ssa.Alloc:
		h.carrier(addr)
		return
	}
	h.at[st] = true
}

// carrier follows a struct (or variable) the value is stored in: what is
// loaded from it may be the value; the carrier's own uses hand it on.
func (h *handOffs) carrier(c *ssa.Alloc) {
	if h.seen[c] {
		return
	}
	h.seen[c] = true
	for _, ref := range *c.Referrers() {
		switch ref := ref.(type) {
		case *ssa.DebugRef, *ssa.Store:
		case *ssa.FieldAddr:
			for _, use := range *ref.Referrers() {
				if load, ok := use.(*ssa.UnOp); ok {
					h.value(load)
				}
			}
		case *ssa.UnOp:
			h.value(ref)
		case *ssa.MakeClosure:
			h.closure(ref)
		case *ssa.Defer:
			h.deferred = true
		default:
			h.at[ref] = true
		}
	}
}

// closure records a closure that captures the value or its carrier: a
// deferred one may stop it at any return; any other hands it on where it
// is made (a goroutine that owns it from then on).
func (h *handOffs) closure(mc *ssa.MakeClosure) {
	if slices.ContainsFunc(*mc.Referrers(), func(in ssa.Instruction) bool { _, ok := in.(*ssa.Defer); return ok }) {
		h.deferred = true
		return
	}
	h.at[mc] = true
}
