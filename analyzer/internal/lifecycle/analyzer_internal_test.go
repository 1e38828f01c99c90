package lifecycle

import (
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/golifecheck/golifecheck/analyzer/internal/wants"

	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/ssa"
)

// TestInternalErrorIsReported checks that a panic inside a check becomes a
// diagnostic at the package clause instead of killing the run.
func TestInternalErrorIsReported(t *testing.T) {
	beforeChecks = func(s *State) {
		_ = s.Funcs[len(s.Funcs)] // a runtime error inside the analyzer
	}
	defer func() { beforeChecks = nil }()
	analysistest.Run(t, testData(t), Analyzer, "internalerror")
}

// TestCreateImports checks that an import's SSA package holds only the
// package-level functions and variables the package refers to, and that
// a method of an imported type, made on demand, keeps its package.
func TestCreateImports(t *testing.T) {
	members := make(map[string][]string) // import path -> member names
	var fatal *ssa.Function
	beforeChecks = func(s *State) {
		if s.Pass.Pkg.Path() != "noreturnuse" {
			return // its dependencies, analyzed for their facts
		}
		for _, imp := range s.Pass.Pkg.Imports() {
			p := s.Pkg.Prog.Package(imp)
			members[imp.Path()] = slices.Sorted(maps.Keys(p.Members))
		}
		for _, fn := range s.Funcs {
			for _, b := range fn.Blocks {
				for _, in := range b.Instrs {
					if c, ok := in.(*ssa.Call); ok && c.Call.StaticCallee() != nil && c.Call.StaticCallee().Name() == "Fatal" {
						fatal = c.Call.StaticCallee()
					}
				}
			}
		}
	}
	defer func() { beforeChecks = nil }()
	analysistest.Run(wants.Facts(t), testData(t, "ctxcancel"), Analyzer, "noreturnuse")
	want := map[string][]string{
		"context":  {"WithCancel", "init", "init$guard"},
		"noreturn": {"Abort", "Check", "Die", "Failf", "init", "init$guard"},
	}
	if !reflect.DeepEqual(members, want) {
		t.Errorf("imports' SSA members: got %v, want %v", members, want)
	}
	if fatal == nil || !DeclaredIn(fatal, "noreturn") {
		t.Errorf("(*noreturn.Logger).Fatal: want a callee declared in noreturn, got %v", fatal)
	}
}

// testData returns the directory of golifecheck's own testdata, under
// analyzer/testdata, or, for dir, that of a check.
func testData(t *testing.T, dir ...string) string {
	t.Helper()
	if len(dir) == 0 {
		dir = []string{"golifecheck"}
	}
	p, err := filepath.Abs(filepath.Join(append([]string{"..", "..", "testdata"}, dir...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFacts checks the facts the shared analyzer exports, by name, on the
// checks' testdata (// want NAME:"fact" comments).
func TestFacts(t *testing.T) {
	analysistest.Run(wants.Facts(t), testData(t, "gostop", "runtimeuse"), Analyzer, "./...")
	for check, pkgs := range map[string][]string{
		"ctxcancel": {"ctxcancel", "ctxcancelmain", "cancelhelper", "cancelhelperuse", "noreturn", "noreturnuse"},
		"chanblock": {"chanblock", "chanhelper", "chanhelperuse", "locksonly", "userpool", "userpooluse"},
		"gostop":    {"gostop", "gostopmain", "gostopexit", "spawner", "spawneruse"},
	} {
		analysistest.Run(wants.Facts(t), testData(t, check), Analyzer, pkgs...)
	}
}

// TestSuppressions checks the comments the shared analyzer reports.
func TestSuppressions(t *testing.T) {
	analysistest.Run(t, testData(t), Analyzer, "suppress")
}
