package lifecycle

import (
	"fmt"
	"go/types"

	"go/parser"
	"go/token"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
	"os"
	"path/filepath"
	"strings"
)

// HasAllTests reports whether the package being analyzed includes the
// in-package test files of its directory, if it has any: a field the
// package's code leaves alone may be sent on, received from or closed by
// them, so its findings wait for the test variant of the package (which go
// vet analyzes too).
func (s *State) HasAllTests() bool {
	if len(s.Pass.Files) == 0 {
		return false
	}
	dir := ""
	for _, f := range s.Pass.Files {
		name := s.Pass.Fset.File(f.Pos()).Name()
		if strings.HasSuffix(name, "_test.go") {
			return true
		}
		dir = filepath.Dir(name)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.PackageClauseOnly)
		if err != nil || f.Name.Name == s.Pass.Pkg.Name() {
			return false // in-package tests this variant does not include
		}
	}
	return true
}

// BuiltWithout points at a composite literal (or new) of the struct that
// holds field f, for evidence; false if the package builds none.
func (s *State) BuiltWithout(f *types.Var) (analysis.RelatedInformation, bool) {
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				alloc, ok := in.(*ssa.Alloc)
				if !ok || !alloc.Pos().IsValid() {
					continue
				}
				st, ok := alloc.Type().(*types.Pointer).Elem().Underlying().(*types.Struct)
				if !ok {
					continue
				}
				for i := range st.NumFields() {
					if st.Field(i).Origin() == f {
						return Related(alloc.Pos(), fmt.Sprintf("the struct is built here without %s", f.Name())), true
					}
				}
			}
		}
	}
	return analysis.RelatedInformation{}, false
}
