package analyzer

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
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
	if c == nil || gate(m, c) {
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
	if s.oncePerProcess(call.Block(), 0) {
		return // it may run until the process exits, like main itself
	}
	name := s.assignedTo(recv.Pos())
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
	s.report("gostop", analysis.Diagnostic{
		Pos: s.callStart(call),
		Message: fmt.Sprintf("goroutine started by %s.%s never stops: only %s.%s stops it, and %s %s; defer %s.%s() after the call",
			name, callee.Name(), name, stops[0], s.funcName(fn), never, name, stops[0]),
	})
}

// gate reports whether the goroutine that m starts (at c.start) waits for
// c.field only to begin its work: a bare receive outside any loop, not a
// way out of a loop. Closing such a field starts the work rather than
// stopping it (Prometheus's rule manager: Update's goroutines wait until
// Run closes block), so the methods that close it are no stop methods.
func gate(m *ssa.Function, c *stopContract) bool {
	for _, b := range m.Blocks {
		for _, in := range b.Instrs {
			if g, ok := in.(*ssa.Go); ok && g.Pos() == c.start {
				fn := funcOf(g.Call.Value)
				return fn != nil && onlyBareReceives(fn, c.field)
			}
		}
	}
	return false
}

// onlyBareReceives reports whether fn receives from field f, and only
// outside selects and loops.
func onlyBareReceives(fn *ssa.Function, f *types.Var) bool {
	found := false
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.UnOp:
				if in.Op == token.ARROW && isFieldLoad(in.X, f) {
					if protocol.InLoop(in.Block(), nil) {
						return false
					}
					found = true
				}
			case *ssa.Select:
				for _, st := range in.States {
					if isFieldLoad(st.Chan, f) {
						return false
					}
				}
			}
		}
	}
	return found
}
