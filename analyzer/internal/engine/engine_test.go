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

// stats runs the engine with limits on every function of a testdata
// package and returns its counts.
func stats(t *testing.T, pkg string, limits engine.Limits) engine.Stats {
	var st engine.Stats
	a := &analysis.Analyzer{
		Name:     "stats",
		Doc:      "counts the engine's work",
		Requires: []*analysis.Analyzer{buildssa.Analyzer},
		Run: func(pass *analysis.Pass) (any, error) {
			ssainfo := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
			e := engine.New(ssainfo.Pkg.Prog, ssainfo.SrcFuncs, limits)
			for _, fn := range ssainfo.SrcFuncs {
				e.Explore(fn)
			}
			st = e.Stats
			return nil, nil
		},
	}
	analysistest.Run(noWants{}, analysistest.TestData(), a, pkg)
	if st.Roots == 0 {
		t.Fatalf("%s: no root searched", pkg)
	}
	return st
}

// noWants ignores what analysistest says of the testdata's wants, which
// are explore's.
type noWants struct{}

func (noWants) Errorf(string, ...any) {}

// TestWorkBudgets checks that the budgets are counted in work, not time:
// two searches of one package do the same work, a package's budget skips
// the roots past it, and a root's budget cuts its search.
func TestWorkBudgets(t *testing.T) {
	full := stats(t, "por", engine.DefaultLimits)
	if again := stats(t, "por", engine.DefaultLimits); again.Work != full.Work || again.States != full.States {
		t.Errorf("two searches of por: work %d and %d, states %d and %d", full.Work, again.Work, full.States, again.States)
	}
	if full.Skipped != 0 || full.Work == 0 {
		t.Fatalf("por with the default limits: %+v; want work and no root skipped", full)
	}
	small := engine.DefaultLimits
	small.Package, small.Work = 1, 1000 // a unit an instruction: less than por's roots take
	if st := stats(t, "por", small); st.Skipped == 0 || st.Work >= full.Work {
		t.Errorf("por with a package budget of 1 an instruction: %+v; want roots skipped and less work than %d", st, full.Work)
	}
	small = engine.DefaultLimits
	small.Work = 100
	if st := stats(t, "por", small); st.PastBudget <= full.PastBudget {
		t.Errorf("por with 100 units a root: %d roots past budget; want more than the default's %d", st.PastBudget, full.PastBudget)
	}
}
