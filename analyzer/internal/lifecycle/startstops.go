package lifecycle

import (
	"go/token"
	"go/types"

	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// startStops returns, for a method whose every call arms a stop contract
// (see stopContract: it starts a goroutine that only a stop method of the
// receiver ends), the names of the methods that stop it; from the funcFact
// StartStops for another package's method.
func (s *State) StartStops(m *ssa.Function) []string {
	if m.Pkg != s.Pkg {
		return s.Sums.Of(m).StartStops
	}
	c := s.ContractOf(m)
	if c == nil || gate(m, c) {
		return nil
	}
	var names []string
	for _, stop := range c.Stoppers {
		names = append(names, stop.Name())
	}
	return names
}

// gate reports whether the goroutine that m starts (at c.start) waits for
// c.field only to begin its work: a bare receive outside any loop, not a
// way out of a loop. Closing such a field starts the work rather than
// stopping it (Prometheus's rule manager: Update's goroutines wait until
// Run closes block), so the methods that close it are no stop methods.
func gate(m *ssa.Function, c *StopContract) bool {
	for _, b := range m.Blocks {
		for _, in := range b.Instrs {
			if g, ok := in.(*ssa.Go); ok && g.Pos() == c.Start {
				fn := FuncOf(g.Call.Value)
				return fn != nil && onlyBareReceives(fn, c.Field)
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
