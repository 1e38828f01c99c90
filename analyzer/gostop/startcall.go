package gostop

import (
	"fmt"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkStartCall reports a call of a method that arms a stop contract
// (p.Start(), see startStops) on a value the function made itself (a
// local, or a constructor's result), when the function neither calls a
// stop method on it on every path nor lets it go.
func (s *checker) checkStartCall(fn *ssa.Function, call *ssa.Call) {
	callee := call.Call.StaticCallee()
	if callee == nil || call.Call.Signature().Recv() == nil || len(call.Call.Args) == 0 {
		return
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	stops := s.StartStops(callee)
	if len(stops) == 0 {
		return
	}
	recv := call.Call.Args[0]
	switch recv.(type) {
	case *ssa.Call, *ssa.Alloc:
	default:
		return // a parameter, a field, a global: its owner stops it
	}
	u := s.ValueUses(recv, false)
	if !u.Ok {
		return // it goes where a stop method may be called
	}
	if c := s.ContractOf(callee); c != nil {
		if _, local := recv.(*ssa.Alloc); local && u.Made[c.Field] || u.Given[c.Field] || u.Read[c.Field] {
			return // checkLocalValue's (it made the stop channel too), or a channel from elsewhere, or it signals the field itself
		}
	}
	var discharges []ssa.CallInstruction
	for _, other := range u.Calls {
		if c := other.Common().StaticCallee(); c != nil && slices.Contains(stops, c.Name()) {
			discharges = append(discharges, other)
		}
	}
	if obligation.OnEveryPath(call, discharges) {
		return
	}
	if s.oncePerProcess(call.Block()) {
		return // it may run until the process exits, like main itself
	}
	name := s.AssignedTo(recv.Pos())
	if alloc, ok := recv.(*ssa.Alloc); ok && name == "" {
		name = alloc.Comment
	}
	if name == "" {
		name = "the value"
	}
	never := "never calls it"
	if len(discharges) > 0 {
		never = "calls it only on some paths"
	}
	s.Report("gostop", analysis.Diagnostic{
		Pos: s.CallStart(call),
		Message: fmt.Sprintf("goroutine started by %s.%s never stops: only %s.%s stops it, and %s %s; defer %s.%s() after the call",
			name, callee.Name(), name, stops[0], s.FuncName(fn), never, name, stops[0]),
	})
}
