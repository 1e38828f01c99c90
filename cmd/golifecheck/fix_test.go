package main_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFixesNeverMakeCodeWorse applies every suggested fix golifecheck
// offers on the demo and on the analyzer's testdata, then checks the
// result: it builds, go vet finds nothing it did not find before, and
// golifecheck offers no fix again (a fix that adds a second `defer
// cancel()` beside one it should have moved would be offered anew).
func TestFixesNeverMakeCodeWorse(t *testing.T) {
	bin := build(t)
	t.Run("demo", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "demo")
		copyDir(t, "../../demo", dir)
		checkFixes(t, bin, dir, nil, "./...")
	})
	for _, check := range []string{"ctxcancel", "chanblock"} { // gostop suggests no fixes
		t.Run("testdata/"+check, func(t *testing.T) {
			t.Parallel()
			gopath := filepath.Join(t.TempDir(), "gopath")
			copyDir(t, filepath.Join("../../analyzer/testdata", check), gopath)
			env := []string{"GO111MODULE=off", "GOPATH=" + gopath}
			pkgs := testdataPackages(t, filepath.Join(gopath, "src"))
			checkFixes(t, bin, gopath, env, pkgs...)
		})
	}
}

// checkFixes runs golifecheck -fix on pkgs in dir and checks the result.
func checkFixes(t *testing.T, bin, dir string, env []string, pkgs ...string) {
	t.Helper()
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append(env, "GOFLAGS=", "GOWORK=off")...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	vetBefore, _ := run("go", append([]string{"vet"}, pkgs...)...)
	sources, repeatsBefore := treeText(t, dir), repeatedDefers(t, dir)
	if out, err := run(bin, append([]string{"-fix"}, pkgs...)...); err != nil && !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("golifecheck -fix: %v\n%s", err, out)
	}
	if treeText(t, dir) == sources {
		t.Fatalf("golifecheck -fix changed nothing: no fix to test")
	}
	if after := repeatedDefers(t, dir); len(after) > len(repeatsBefore) {
		t.Errorf("the fixes repeat a deferred call in one function:\nbefore: %v\nafter: %v", repeatsBefore, after)
	}
	if out, err := run("go", append([]string{"build"}, pkgs...)...); err != nil {
		t.Fatalf("the fixed code does not build: %v\n%s", err, out)
	}
	vetAfter, _ := run("go", append([]string{"vet"}, pkgs...)...)
	before := vetMessages(vetBefore)
	for m := range vetMessages(vetAfter) {
		if !before[m] {
			t.Errorf("go vet finds something new after the fixes: %s\nbefore:\n%s\nafter:\n%s", m, vetBefore, vetAfter)
		}
	}
	if again, _ := run(bin, append([]string{"-fix", "-diff"}, pkgs...)...); strings.Contains(again, "+++") {
		t.Errorf("golifecheck offers fixes again after applying them:\n%s", again)
	}
}

var (
	vetPos = regexp.MustCompile(`^(\S+?\.go):\d+:\d+: (.*)$`)
	digits = regexp.MustCompile(`\d+`)
)

// vetMessages returns go vet's findings as "file: message", without
// lines and columns, numbers in the message made N (the fixes move lines).
func vetMessages(out string) map[string]bool {
	msgs := make(map[string]bool)
	for _, line := range strings.Split(out, "\n") {
		if m := vetPos.FindStringSubmatch(line); m != nil {
			msgs[filepath.Base(m[1])+": "+digits.ReplaceAllString(m[2], "N")] = true
		}
	}
	return msgs
}

// treeText returns the Go sources under dir, concatenated.
func treeText(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		b.WriteString(path + "\n" + string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// repeatedDefers returns the deferred calls that a function of a Go file
// under dir defers twice with the same text ("f.go: defer cancel()").
func repeatedDefers(t *testing.T, dir string) []string {
	t.Helper()
	var repeats []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return nil // testdata that does not parse is not ours to judge
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var body *ast.BlockStmt
			switch n := n.(type) {
			case *ast.FuncDecl:
				body = n.Body
			case *ast.FuncLit:
				body = n.Body
			}
			if body != nil {
				repeats = append(repeats, deferRepeats(filepath.Base(path), body)...)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return repeats
}

// deferRepeats returns the deferred calls of one function body (not of
// the function literals inside it) whose text appears more than once.
func deferRepeats(file string, body *ast.BlockStmt) []string {
	seen := make(map[string]bool)
	var repeats []string
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			text := file + ": defer " + types.ExprString(n.Call)
			if seen[text] {
				repeats = append(repeats, text)
			}
			seen[text] = true
		}
		return true
	})
	return repeats
}

// testdataPackages lists the GOPATH packages under src.
func testdataPackages(t *testing.T, src string) []string {
	var pkgs []string
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() != "golang.org" {
			pkgs = append(pkgs, e.Name())
		}
	}
	return pkgs
}

// copyDir copies the tree at src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
