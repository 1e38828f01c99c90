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

// Reads tells the ownership model that callee, by the knowledge table,
// only reads from its argument i: it neither closes nor keeps it.
func (s *State) Reads(callee *ssa.Function, i int) bool {
	obj, ok := callee.Object().(*types.Func)
	return ok && s.Know.Reads(obj, i)
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
	return s.Know.MustCloseOf(obj)
}
