package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// precommitRepo writes a repository with no go.mod at its root: modules a
// and b listed in its go.work, module c not listed, a file in no module,
// and files the go command leaves out of ./... (testdata, a nested module
// under testdata, directories starting with "." or "_"). It returns its
// root.
func precommitRepo(t *testing.T) string {
	t.Helper()
	repo := t.TempDir()
	for _, name := range []string{
		"go.work",
		"a/go.mod", "a/a.go", "a/sub/sub.go",
		"b/go.mod", "b/b.go", "b/testdata/t.go", "b/testdata/m/go.mod", "b/testdata/m/m.go",
		"c/go.mod", "c/c.go", "c/_tools/tools.go",
		"loose/loose.go", ".github/gen.go",
	} {
		data := "package x\n"
		switch name {
		case "go.work":
			data = "go 1.25.0\n\nuse (\n\t./a\n\tb\n)\n"
		case "a/go.mod", "b/go.mod", "c/go.mod", "b/testdata/m/go.mod":
			data = "module example.com/" + filepath.Dir(name) + "\n\ngo 1.25.0\n"
		}
		path := filepath.Join(repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return repo
}

// TestGroupByModule: the staged files, as pre-commit passes them (relative
// to the repository's root, the working directory), grouped by the nearest
// go.mod above each; the files ./... leaves out dropped; a file in no
// module reported as skipped.
func TestGroupByModule(t *testing.T) {
	repo := precommitRepo(t)
	t.Chdir(repo)
	files := []string{
		"b/b.go", "a/sub/sub.go", "loose/loose.go", "a/a.go", "c/c.go",
		"b/testdata/t.go", "b/testdata/m/m.go", "c/_tools/tools.go", ".github/gen.go",
	}
	modules, skipped, err := groupByModule(files)
	if err != nil {
		t.Fatal(err)
	}
	want := []moduleFiles{
		{filepath.Join(repo, "a"), []string{"a/sub/sub.go", "a/a.go"}},
		{filepath.Join(repo, "b"), []string{"b/b.go"}},
		{filepath.Join(repo, "c"), []string{"c/c.go"}},
	}
	if !reflect.DeepEqual(modules, want) {
		t.Errorf("groupByModule(%q) =\n%v\nwant\n%v", files, modules, want)
	}
	if want := []string{"loose/loose.go"}; !reflect.DeepEqual(skipped, want) {
		t.Errorf("groupByModule(%q): skipped %q, want %q", files, skipped, want)
	}

	// Absolute paths group the same way.
	modules, _, err = groupByModule([]string{filepath.Join(repo, "c", "c.go"), filepath.Join(repo, "a", "a.go")})
	if err != nil {
		t.Fatal(err)
	}
	if len(modules) != 2 || modules[0].root != filepath.Join(repo, "a") || modules[1].root != filepath.Join(repo, "c") {
		t.Errorf("groupByModule of absolute paths = %v, want modules a and c", modules)
	}
}

// TestWorkspaceFor: a module the go.work above it lists runs in the
// workspace (GOWORK left as it is); one it does not list, with GOWORK=off,
// since go refuses to build it in the workspace; $GOWORK, when set, names
// the go.work to read, and off stays off.
func TestWorkspaceFor(t *testing.T) {
	repo := precommitRepo(t)
	other := filepath.Join(t.TempDir(), "go.work")
	if err := os.WriteFile(other, []byte("go 1.25.0\n\nuse "+filepath.Join(repo, "c")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noWork := t.TempDir()
	for _, tt := range []struct {
		root, env, want string
	}{
		{filepath.Join(repo, "a"), "", ""},
		{filepath.Join(repo, "b"), "", ""},
		{filepath.Join(repo, "c"), "", "off"},
		{filepath.Join(repo, "c"), "auto", "off"},
		{filepath.Join(repo, "c"), "off", ""},
		{filepath.Join(repo, "c"), other, ""},
		{filepath.Join(repo, "a"), other, "off"},
		{noWork, "", ""},
	} {
		got, err := workspaceFor(tt.root, tt.env)
		if err != nil {
			t.Errorf("workspaceFor(%s, GOWORK=%q): %v", tt.root, tt.env, err)
			continue
		}
		if got != tt.want {
			t.Errorf("workspaceFor(%s, GOWORK=%q) = %q, want %q", tt.root, tt.env, got, tt.want)
		}
	}
}

// TestOmitted: the directories cmd/go leaves out of ./... ("go help
// packages").
func TestOmitted(t *testing.T) {
	for path, want := range map[string]bool{
		"a.go":              false,
		"./a.go":            false,
		"a/b/c.go":          false,
		"../x/a.go":         false,
		"testdata/a.go":     true,
		"a/testdata/b/c.go": true,
		".github/a.go":      true,
		"a/_old/b.go":       true,
		"a/b_c/d.go":        false,
		"/abs/.x/a.go":      false,
	} {
		if got := omitted(path); got != want {
			t.Errorf("omitted(%q) = %v, want %v", path, got, want)
		}
	}
}
