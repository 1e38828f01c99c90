package gostop

import (
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
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
	vars     map[ssa.Value]bool // the variables that hold the value (carriers)
	deferred bool               // a stop, or a closure holding the value, is deferred
}

// newHandOffs returns an empty handOffs for a value whose stop methods are
// stops.
func newHandOffs(stops []string) *handOffs {
	return &handOffs{stops: stops, at: make(map[ssa.Instruction]bool), seen: make(map[ssa.Value]bool), vars: make(map[ssa.Value]bool)}
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
		case *ssa.Go:
			if fn := lifecycle.FuncOf(ref.Call.Value); fn == nil || !h.onlyUses(fn, paramsGiven(fn, ref.Call.Args, v)) {
				h.at[ref] = true // a goroutine that takes it over
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
	h.vars[c] = true
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
// is made (a goroutine that owns it from then on), unless it is a
// goroutine that only uses it (see onlyUses).
func (h *handOffs) closure(mc *ssa.MakeClosure) {
	if slices.ContainsFunc(*mc.Referrers(), func(in ssa.Instruction) bool { _, ok := in.(*ssa.Defer); return ok }) {
		h.deferred = true
		return
	}
	if refs := *mc.Referrers(); len(refs) == 1 && isGoOf(refs[0], mc) {
		fn := mc.Fn.(*ssa.Function)
		var held []ssa.Value
		for i, b := range mc.Bindings {
			switch {
			case h.vars[b]:
				held = append(held, loads(fn.FreeVars[i])...) // a captured variable
			case h.seen[b]:
				held = append(held, fn.FreeVars[i])
			}
		}
		if h.onlyUses(fn, held) {
			return
		}
	}
	h.at[mc] = true
}

// isGoOf reports whether in is a go statement that runs the closure mc.
func isGoOf(in ssa.Instruction, mc *ssa.MakeClosure) bool {
	g, ok := in.(*ssa.Go)
	return ok && g.Call.Value == mc
}

// paramsGiven returns the parameters of fn that a go statement gives v.
func paramsGiven(fn *ssa.Function, args []ssa.Value, v ssa.Value) []ssa.Value {
	var params []ssa.Value
	for i, a := range args {
		if a == v && i < len(fn.Params) {
			params = append(params, fn.Params[i])
		}
	}
	return params
}

// onlyUses reports whether fn, run by a goroutine the value is given to
// (as held, its parameters or free variables), only uses the value: it
// neither stops it nor hands it on, nor may any method it calls on it
// (see mayStop), so the goroutine is no hand-off: the function still owes
// the stop (a goroutine that ranges over a watcher's events and never
// closes it).
func (h *handOffs) onlyUses(fn *ssa.Function, held []ssa.Value) bool {
	if len(held) == 0 || fn.Blocks == nil {
		return false
	}
	inner := newHandOffs(h.stops)
	for _, v := range held {
		inner.value(v)
	}
	return len(inner.at) == 0 && !inner.deferred
}

// loads returns the loads of the variable at addr: the values it holds
// where they are read.
func loads(addr ssa.Value) []ssa.Value {
	var vals []ssa.Value
	for _, ref := range *addr.Referrers() {
		if load, ok := ref.(*ssa.UnOp); ok && load.Op == token.MUL {
			vals = append(vals, load)
		}
	}
	return vals
}
