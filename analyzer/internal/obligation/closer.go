package obligation

import (
	"slices"

	"golang.org/x/tools/go/ssa"
)

// A Closer says what must be closed on a value that owns a resource: the
// field holding it ("Body" of an *http.Response), and the functions that
// only read from their argument i, neither closing nor keeping it
// (io.ReadAll's 0), so that the value stays the caller's to close.
type Closer struct {
	Field string
	Reads func(callee *ssa.Function, i int) bool
}

// FollowCloser follows v, a pointer to a struct whose field c.Field must
// be closed, within its function: a Close method called on the field's
// value (or deferred) releases it; so does anything that hands v or the
// field's value on (returned, stored, captured, converted, passed to a
// function other than a reader), for precision. Other fields of v are
// read freely.
func (m *Model) FollowCloser(v ssa.Value, c Closer) *Flow {
	fl := &Flow{m: m, seen: map[ssa.Value]bool{v: true}, Released: make(map[ssa.Instruction]ReleaseKind)}
	for _, in := range *v.Referrers() {
		switch in := in.(type) {
		case *ssa.DebugRef, *ssa.BinOp:
			// A comparison with nil.
		case *ssa.FieldAddr:
			if f := FieldOf(in); f != nil && f.Name() == c.Field {
				fl.closerField(in, c)
			}
		case ssa.CallInstruction:
			fl.passed(in, v, c)
		default:
			fl.release(in, HandedOn)
		}
	}
	return fl
}

// closerField follows the loads of the field at fa; a store into it
// replaces what must be closed, which the model does not follow.
func (fl *Flow) closerField(fa *ssa.FieldAddr, c Closer) {
	for _, in := range *fa.Referrers() {
		switch in := in.(type) {
		case *ssa.DebugRef:
		case *ssa.UnOp:
			fl.closerValue(in, c)
		default:
			fl.release(in, HandedOn)
		}
	}
}

// closerValue follows a value that must be closed: the field's value,
// or a conversion of it to another interface.
func (fl *Flow) closerValue(v ssa.Value, c Closer) {
	if fl.seen[v] {
		return
	}
	fl.seen[v] = true
	for _, in := range *v.Referrers() {
		switch in := in.(type) {
		case *ssa.DebugRef, *ssa.BinOp:
		case *ssa.ChangeInterface, *ssa.MakeInterface, *ssa.TypeAssert:
			fl.closerValue(in.(ssa.Value), c)
		case ssa.CallInstruction:
			com := in.Common()
			switch {
			case com.IsInvoke() && com.Value == v && com.Method.Name() == "Close":
				fl.release(in, Called)
			case com.IsInvoke() && com.Value == v:
				// Read, or another method of its own: not a close.
				if slices.Contains(com.Args, v) {
					fl.release(in, HandedOn)
				}
			default:
				fl.passed(in, v, c)
			}
		default:
			fl.release(in, HandedOn)
		}
	}
}

// passed records in, a call that takes v as an argument, as a hand-off
// unless its callee only reads from every argument v is.
func (fl *Flow) passed(in ssa.CallInstruction, v ssa.Value, c Closer) {
	com := in.Common()
	callee := com.StaticCallee()
	if callee == nil {
		fl.release(in, HandedOn)
		return
	}
	for i, a := range com.Args {
		if a == v && (c.Reads == nil || !c.Reads(callee, i)) {
			fl.release(in, HandedOn)
			return
		}
	}
}
