package analyzer_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"testing"
)

// TestGoldenFilesBuild type-checks every package of testdata with its
// suggested fixes applied (each X.go replaced by X.go.golden): a fix that
// analysistest matches text for text must also leave code that compiles.
func TestGoldenFilesBuild(t *testing.T) {
	goldens, err := filepath.Glob("testdata/*/src/*/*.go.golden")
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no golden files under testdata (%v)", err)
	}
	dirs := make(map[string]bool)
	for _, g := range goldens {
		dirs[filepath.Dir(g)] = true
	}
	for dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { checkFixed(t, dir) })
	}
}

// checkFixed type-checks the package in dir, reading each file's golden
// twin where it has one.
func checkFixed(t *testing.T, dir string) {
	fset := token.NewFileSet()
	names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var files []*ast.File
	for _, name := range names {
		src, err := os.ReadFile(name + ".golden")
		if os.IsNotExist(err) {
			src, err = os.ReadFile(name)
		}
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatalf("fixed %s does not parse: %v", name, err)
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	if _, err := conf.Check(files[0].Name.Name, fset, files, nil); err != nil {
		t.Errorf("%s with its fixes applied does not type-check: %v", dir, err)
	}
}
