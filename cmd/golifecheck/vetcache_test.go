package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// uniqueBuild builds golifecheck with bytes of its own appended, so that
// go vet has no result of it cached: what the test sees was computed by
// its own runs.
func uniqueBuild(t *testing.T) string {
	t.Helper()
	bin := build(t)
	f, err := os.OpenFile(bin, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(t.Name() + time.Now().String())
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return bin
}

// leakyDependency is a module whose package a has a finding and whose
// package b imports a.
var leakyDependency = map[string]string{
	"a/f.go": fixable,
	"b/b.go": `package b

import (
	"context"

	"example.com/m/a"
)

func G() error { return m.F(context.Background()) }
`,
}

const dependencyFinding = "a/f.go:9:13: the cancel function returned by context.WithTimeout is discarded"

// TestDependencyThenRoot: a package vetted first as a dependency only
// (golifecheck ./b), for its facts, keeps its findings when vetted next
// for its own (golifecheck ./...), as on a clean cache: go vet of Go 1.26
// served it from the cache with none, exit status 0 (see vetcache.go).
// The same holds under go vet run by hand, and a repeated command still
// reports the finding.
func TestDependencyThenRoot(t *testing.T) {
	bin := uniqueBuild(t)
	dir := writeModule(t, leakyDependency)
	if code, _, stderr := run(t, dir, bin, "./b"); code != 0 {
		t.Fatalf("golifecheck ./b: want nothing found and exit 0, got %d\n%s", code, stderr)
	}
	for i := range 2 {
		if code, _, stderr := run(t, dir, bin, "./..."); code != 3 || !strings.Contains(stderr, dependencyFinding) {
			t.Errorf("golifecheck ./... (run %d) after golifecheck ./b: want a's finding and exit 3, got %d\n%s", i+1, code, stderr)
		}
	}

	bin = uniqueBuild(t)
	if code, _, stderr := run(t, dir, "go", "vet", "-vettool="+bin, "./b"); code != 0 {
		t.Fatalf("go vet ./b: want nothing found and exit 0, got %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, dir, "go", "vet", "-vettool="+bin, "./..."); code != 1 || !strings.Contains(stderr, dependencyFinding) {
		t.Errorf("go vet ./... after go vet ./b: want a's finding and exit 1, got %d\n%s", code, stderr)
	}
}

// fakeGo puts on PATH a go command that answers `go env GOVERSION` with
// release and runs the real go command for anything else.
func fakeGo(t *testing.T, release string) {
	t.Helper()
	real, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := "#!/bin/sh\nif [ \"$*\" = \"env GOVERSION\" ]; then echo " + release + "; exit 0; fi\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// TestUnsupportedRelease: standalone, under a go command older than Go
// 1.26 (whose go vet writes -json's output to stderr: golifecheck printed
// it raw and exited 0), or newer than the release golifecheck was built
// with, golifecheck says so and exits 2; under such a go vet, it fails
// the -V=full go vet keys its cache by, with the same message.
func TestUnsupportedRelease(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake go command is a shell script")
	}
	bin := build(t)
	dir := writeModule(t, map[string]string{"f.go": fixable})
	for _, c := range []struct{ release, want string }{
		{"go1.25.0", "golifecheck: go1.25.0 is not supported: golifecheck needs Go 1.26 or later"},
		{"go1.99.1", "golifecheck: built with Go " + strings.TrimPrefix(runtime.Version(), "go") + ", golifecheck cannot read the packages of Go 1.99.1: rebuild it with Go 1.99.1"},
	} {
		t.Run(c.release, func(t *testing.T) {
			fakeGo(t, c.release)
			if code, stdout, stderr := run(t, dir, bin, "./..."); code != 2 || strings.TrimSpace(stderr) != c.want || stdout != "" {
				t.Errorf("standalone: want exit 2 and %q, got %d\nstdout: %s\nstderr: %s", c.want, code, stdout, stderr)
			}
			t.Setenv("GOVERSION", c.release)
			if code, stdout, stderr := run(t, dir, bin, "-V=full"); code != 1 || strings.TrimSpace(stderr) != c.want || stdout != "" {
				t.Errorf("-V=full under go vet: want exit 1 and %q, got %d\nstdout: %s\nstderr: %s", c.want, code, stdout, stderr)
			}
		})
	}
}
