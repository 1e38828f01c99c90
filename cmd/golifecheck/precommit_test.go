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

// TestPlanRuns: the modules a go.work lists are checked in one run in its
// directory, a pattern for each, in the workspace (GOWORK left as it is);
// one it does not list alone with GOWORK=off, since go refuses to build it
// in the workspace; $GOWORK, when set, names the go.work to read, and off
// stays off; a module with no go.work above it is checked alone.
func TestPlanRuns(t *testing.T) {
	repo := precommitRepo(t)
	mod := func(dir string) moduleFiles { return moduleFiles{root: filepath.Join(repo, dir)} }
	modules := []moduleFiles{mod("a"), mod("b"), mod("c")}
	other := filepath.Join(t.TempDir(), "go.work")
	if err := os.WriteFile(other, []byte("go 1.25.0\n\nuse "+filepath.Join(repo, "c")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	toC, err := filepath.Rel(filepath.Dir(other), filepath.Join(repo, "c"))
	if err != nil {
		t.Fatal(err)
	}
	alone := func(dir, gowork string) precommitRun {
		return precommitRun{filepath.Join(repo, dir), []string{"./..."}, gowork}
	}
	// A module with a go.work of its own, in its root.
	self := t.TempDir()
	for name, data := range map[string]string{"go.work": "go 1.25.0\n\nuse .\n", "go.mod": "module example.com/self\n\ngo 1.25.0\n"} {
		if err := os.WriteFile(filepath.Join(self, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name    string
		modules []moduleFiles
		env     string
		want    []precommitRun
	}{
		{"go.work above", modules, "", []precommitRun{
			{repo, []string{"./a/...", "./b/..."}, ""},
			alone("c", "off"),
		}},
		{"GOWORK=auto", modules[2:], "auto", []precommitRun{alone("c", "off")}},
		{"GOWORK=off", modules, "off", []precommitRun{alone("a", ""), alone("b", ""), alone("c", "")}},
		{"GOWORK=FILE", modules, other, []precommitRun{
			alone("a", "off"),
			alone("b", "off"),
			{filepath.Dir(other), []string{filepath.ToSlash(toC) + "/..."}, ""},
		}},
		{"go.work in the module's root", []moduleFiles{{root: self}}, "", []precommitRun{{self, []string{"./..."}, ""}}},
		{"no go.work", []moduleFiles{{root: t.TempDir()}}, "", nil},
	} {
		if tt.name == "no go.work" {
			tt.want = []precommitRun{{tt.modules[0].root, []string{"./..."}, ""}}
		}
		got, err := planRuns(tt.modules, tt.env)
		if err != nil {
			t.Errorf("%s: planRuns: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: planRuns(GOWORK=%q) =\n%v\nwant\n%v", tt.name, tt.env, got, tt.want)
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
