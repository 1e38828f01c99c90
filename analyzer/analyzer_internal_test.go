package analyzer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/ssa"
)

// TestInternalErrorIsReported checks that a panic inside a check becomes a
// diagnostic at the package clause instead of killing the run.
func TestInternalErrorIsReported(t *testing.T) {
	beforeChecks = func(s *state) {
		_ = s.funcs[len(s.funcs)] // a runtime error inside the analyzer
	}
	defer func() { beforeChecks = nil }()
	analysistest.Run(t, analysistest.TestData(), Analyzer, "internalerror")
}

// TestHasAllTests: a package variant without its directory's in-package
// test files may not judge fields those files can use.
func TestHasAllTests(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	lib := write("lib.go", "package p\n")
	write("x_test.go", "package p_test\n")
	check := func(want bool, paths ...string) {
		t.Helper()
		fset := token.NewFileSet()
		var files []*ast.File
		for _, p := range paths {
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		s := &state{pass: &analysis.Pass{Fset: fset, Files: files, Pkg: types.NewPackage("p", "p")}}
		if got := s.hasAllTests(); got != want {
			t.Errorf("hasAllTests(%v) = %v, want %v", paths, got, want)
		}
	}
	check(true, lib) // only external tests: they cannot reach unexported fields
	in := write("in_test.go", "package p\n")
	check(false, lib)    // in-package tests left out
	check(true, lib, in) // the test variant
}

// TestCreateImports checks that an import's SSA package holds only the
// package-level functions and variables the package refers to, and that
// a method of an imported type, made on demand, keeps its package.
func TestCreateImports(t *testing.T) {
	members := make(map[string][]string) // import path -> member names
	var fatal *ssa.Function
	beforeChecks = func(s *state) {
		if s.pass.Pkg.Path() != "noreturnuse" {
			return // its dependencies, analyzed for their facts
		}
		for _, imp := range s.pass.Pkg.Imports() {
			p := s.pkg.Prog.Package(imp)
			members[imp.Path()] = slices.Sorted(maps.Keys(p.Members))
		}
		for _, fn := range s.funcs {
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
	analysistest.Run(t, analysistest.TestData(), Analyzer, "noreturnuse")
	want := map[string][]string{
		"context":  {"WithCancel", "init", "init$guard"},
		"noreturn": {"Abort", "Check", "Die", "Failf", "init", "init$guard"},
	}
	if !reflect.DeepEqual(members, want) {
		t.Errorf("imports' SSA members: got %v, want %v", members, want)
	}
	if fatal == nil || !declaredIn(fatal, "noreturn") {
		t.Errorf("(*noreturn.Logger).Fatal: want a callee declared in noreturn, got %v", fatal)
	}
}
