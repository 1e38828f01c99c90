package lifecycle

import (
	"go/types"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/ssa"
)

// flowOf follows a value that must be called (a cancel) through its
// function: the ownership model (package obligation) on this package.
func (s *State) FlowOf(v ssa.Value) *obligation.Flow { return s.Own.Follow(v) }

// Drops tells the ownership model what a callee's summary says: it
// neither calls nor hands on its parameter i.
func (m *summaries) Drops(callee *ssa.Function, i int) bool {
	return contains(m.Of(callee).Drops, i)
}

// Revocable tells the ownership model that callee, by the knowledge table,
// runs its parameter i in a new goroutine unless the timer it returns is
// stopped first (time.AfterFunc).
func (m *summaries) Revocable(callee *ssa.Function, i int) bool {
	obj, ok := callee.Object().(*types.Func)
	return ok && m.s.Know.mayNotRun(obj) && contains(m.LauncherParams(callee), i)
}

// Releases tells the ownership model that method, by the knowledge
// table's release entries, ends its receiver's life.
func (m *summaries) Releases(method *ssa.Function) bool {
	obj, ok := method.Object().(*types.Func)
	return ok && m.s.Know.Releases(obj)
}

// Reads tells the ownership model that callee only reads from its
// argument i, neither closing nor keeping it: by the knowledge table's
// reads entries, or by callee's summary (its reads fact).
func (s *State) Reads(callee *ssa.Function, i int) bool {
	if obj, ok := callee.Object().(*types.Func); ok && s.Know.Reads(obj, i) {
		return true
	}
	return contains(s.Sums.Of(callee).Reads, i)
}

// readParams returns fn's parameters that hold something to close (see
// closerField) and that fn only reads from: the ownership model finds no
// Close of the field and no hand-off of the value or the field in fn.
func (s *State) readParams(fn *ssa.Function) []int {
	var reads []int
	for i, p := range fn.Params {
		field, ok := s.Know.closerField(p.Type())
		if ok && !s.Own.FollowCloser(p, obligation.Closer{Field: field, Reads: s.Reads}).Releases() {
			reads = append(reads, i)
		}
	}
	return reads
}

// MustClose returns the obligation the knowledge table puts on call's
// result (its field to close), if any.
func (s *State) MustClose(call *ssa.Call) (MustClose, bool) {
	callee := call.Call.StaticCallee()
	if callee == nil {
		return MustClose{}, false
	}
	obj, ok := callee.Object().(*types.Func)
	if !ok {
		return MustClose{}, false
	}
	if mc, ok := s.Know.MustCloseOf(obj); ok {
		return mc, true
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	if f := s.Sums.Of(callee); len(f.MustClose) > 0 {
		return f.MustClose[0], true
	}
	return MustClose{}, false
}

// returnsMustClose returns the obligation fn passes on to its callers when
// it returns what a mustclose call returned (a wrapper of http.Get that
// returns the response, or nil with its error).
func (s *State) returnsMustClose(fn *ssa.Function) (MustClose, bool) {
	for i := range fn.Signature.Results().Len() {
		if mc, ok := s.returnedCloser(fn, i); ok {
			return mc, true
		}
	}
	return MustClose{}, false
}

// returnedCloser reports whether every return of fn gives, as result i,
// nil or what a mustclose call returned (the same field to close each
// time), and one does not give nil.
func (s *State) returnedCloser(fn *ssa.Function, i int) (MustClose, bool) {
	var out MustClose
	found := false
	for _, b := range fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok || obligation.IsNil(ret.Results[i]) {
			continue
		}
		mc, ok := s.closerResult(ret.Results[i])
		if !ok || found && mc.Field != out.Field || releasedBefore(ret, ret.Results[i], mc.Field) {
			return MustClose{}, false
		}
		out, found = MustClose{Result: i, Field: mc.Field}, true
	}
	return out, found
}

// releasedBefore reports whether, on every path to ret, the field of v
// named field is closed or replaced first: an OpenAPI client's Execute
// reads the Body, closes it and puts a reader of the bytes in its place,
// so the response it returns owes nothing.
func releasedBefore(ret *ssa.Return, v ssa.Value, field string) bool {
	for _, ref := range *v.Referrers() {
		fa, ok := ref.(*ssa.FieldAddr)
		if !ok || obligation.FieldOf(fa) == nil || obligation.FieldOf(fa).Name() != field {
			continue
		}
		for _, use := range *fa.Referrers() {
			switch use := use.(type) {
			case *ssa.Store:
				if use.Addr == fa && runsBefore(use, ret) {
					return true
				}
			case *ssa.UnOp:
				for _, c := range *use.Referrers() {
					if call, ok := c.(ssa.CallInstruction); ok && closes(call, use) && runsBefore(call, ret) {
						return true
					}
				}
			}
		}
	}
	return false
}

// closes reports whether call calls Close on v.
func closes(call ssa.CallInstruction, v ssa.Value) bool {
	com := call.Common()
	if com.IsInvoke() {
		return com.Value == v && com.Method.Name() == "Close"
	}
	callee := com.StaticCallee()
	return callee != nil && callee.Name() == "Close" && len(com.Args) > 0 && com.Args[0] == v
}

// runsBefore reports whether in runs before ret on every path to it.
func runsBefore(in ssa.Instruction, ret *ssa.Return) bool {
	if in.Block() != ret.Block() {
		return in.Block().Dominates(ret.Block())
	}
	return true // a block's instructions run in order, and ret ends it
}

// closerResult returns the obligation on v if v is the result of a call
// whose result must be closed, at that result's index.
func (s *State) closerResult(v ssa.Value) (MustClose, bool) {
	ex, ok := v.(*ssa.Extract)
	if !ok {
		return MustClose{}, false
	}
	call, ok := ex.Tuple.(*ssa.Call)
	if !ok {
		return MustClose{}, false
	}
	mc, ok := s.MustClose(call)
	return mc, ok && mc.Result == ex.Index
}
