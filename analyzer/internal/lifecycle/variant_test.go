package lifecycle

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis"
)

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
		s := &State{Pass: &analysis.Pass{Fset: fset, Files: files, Pkg: types.NewPackage("p", "p")}}
		if got := s.HasAllTests(); got != want {
			t.Errorf("HasAllTests(%v) = %v, want %v", paths, got, want)
		}
	}
	check(true, lib) // only external tests: they cannot reach unexported fields
	in := write("in_test.go", "package p\n")
	check(false, lib)    // in-package tests left out
	check(true, lib, in) // the test variant
}
