package engine_test

import (
	"fmt"
	"testing"

	"github.com/golifecheck/golifecheck/analyzer/internal/engine"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ssa"
)

// explore reports every finding of the engine on every function of the
// package, as "WHAT blocks forever", and a root past its budget.
var explore = &analysis.Analyzer{
	Name:     "explore",
	Doc:      "reports the engine's findings",
	Requires: []*analysis.Analyzer{buildssa.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		ssainfo := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
		e := engine.New(ssainfo.Pkg.Prog, ssainfo.SrcFuncs, engine.DefaultLimits)
		seen := make(map[ssa.Instruction]bool)
		for _, fn := range ssainfo.SrcFuncs {
			for _, f := range e.Explore(fn) {
				if !seen[f.Op] {
					seen[f.Op] = true
					pass.Reportf(f.Op.Pos(), "%s blocks forever%s", f.What, witness(pass, f))
				}
			}
			if e.Cut() {
				pass.Reportf(fn.Pos(), "past budget")
			}
		}
		return nil, nil
	},
}

func witness(pass *analysis.Pass, f engine.Finding) string {
	s := ""
	for _, ev := range f.Witness {
		s += fmt.Sprintf("; %s at line %d", ev.What, pass.Fset.Position(ev.Pos).Line)
	}
	return s
}

func TestExplore(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), explore, "basic", "variants", "por")
}
