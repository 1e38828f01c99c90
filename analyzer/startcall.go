package analyzer

import (
	"fmt"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// startStops returns, for a method whose every call arms a stop contract
// (see stopContract: it starts a goroutine that only a stop method of the
// receiver ends), the names of the methods that stop it; from the funcFact
// StartStops for another package's method.
func (s *state) startStops(m *ssa.Function) []string {
	if m.Pkg != s.pkg {
		return s.sums.of(m).StartStops
	}
	c := s.contractOf(m)
	if c == nil {
		return nil
	}
	var names []string
	for _, stop := range c.stoppers {
		names = append(names, stop.Name())
	}
	return names
}

// checkStartCall reports a call of a method that arms a stop contract
// (p.Start(), see startStops) on a value the function made itself (a
// local, or a constructor's result), when the function neither calls a
// stop method on it on every path nor lets it go.
func (s *state) checkStartCall(fn *ssa.Function, call *ssa.Call) {
	callee := call.Call.StaticCallee()
	if callee == nil || call.Call.Signature().Recv() == nil || len(call.Call.Args) == 0 {
		return
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	stops := s.startStops(callee)
	if len(stops) == 0 {
		return
	}
	recv := call.Call.Args[0]
	switch recv.(type) {
	case *ssa.Call, *ssa.Alloc:
	default:
		return // a parameter, a field, a global: its owner stops it
	}
	u := s.valueUses(recv, false)
	if !u.ok {
		return // it goes where a stop method may be called
	}
	if c := s.contractOf(callee); c != nil {
		if _, local := recv.(*ssa.Alloc); local && u.made[c.field] || u.given[c.field] || u.read[c.field] {
			return // checkLocalValue's (it made the stop channel too), or a channel from elsewhere, or it signals the field itself
		}
	}
	var discharges []ssa.CallInstruction
	for _, other := range u.calls {
		if c := other.Common().StaticCallee(); c != nil && slices.Contains(stops, c.Name()) {
			discharges = append(discharges, other)
		}
	}
	if obligation.OnEveryPath(call, discharges) {
		return
	}
	name := s.assignedTo(recv.Pos())
	if name == "" {
		name = "the value"
	}
	never := "never calls it"
	if len(discharges) > 0 {
		never = "calls it only on some paths"
	}
	s.report("gostop", analysis.Diagnostic{
		Pos: s.callStart(call),
		Message: fmt.Sprintf("goroutine started by %s.%s never stops: only %s.%s stops it, and %s %s; defer %s.%s() after the call",
			name, callee.Name(), name, stops[0], s.funcName(fn), never, name, stops[0]),
	})
}
