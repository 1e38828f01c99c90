package main_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeModule writes a module example.com/m of the given files (slash-
// separated name, which may name a subdirectory, to content) into a
// temporary directory and returns the directory.
func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/m\n\ngo 1.25.0\n"
	for name, content := range files {
		name = filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run runs name with args in dir, with no GOFLAGS and no workspace, and
// returns its exit status, stdout and stderr.
func run(t *testing.T, dir, name string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// fixable has a finding with a suggested fix (name the cancel, defer it).
const fixable = `package m

import (
	"context"
	"time"
)

func F(ctx context.Context) error {
	ctx2, _ := context.WithTimeout(ctx, time.Second)
	return ctx2.Err()
}
`

// unfixable has a finding without one (a goroutine that never stops).
const unfixable = `package m

import "time"

func G() {
	go func() {
		for {
			time.Sleep(time.Second)
		}
	}()
}
`

const (
	cancelFinding = "f.go:9:13: the cancel function returned by context.WithTimeout is discarded"
	stopFinding   = "g.go:6:2: goroutine never stops"
	fixedLines    = "ctx2, cancel := context.WithTimeout(ctx, time.Second)\n\tdefer cancel()\n"
)

// result is what a run of golifecheck did.
type result struct {
	code           int
	stdout, stderr string
	file           string // f.go afterwards
}

// check runs golifecheck with args on a fresh module of fixable (f.go) and,
// if withUnfixable, unfixable (g.go).
func check(t *testing.T, bin string, withUnfixable bool, args ...string) result {
	t.Helper()
	files := map[string]string{"f.go": fixable}
	if withUnfixable {
		files["g.go"] = unfixable
	}
	dir := writeModule(t, files)
	var r result
	r.code, r.stdout, r.stderr = run(t, dir, bin, append(args, "./...")...)
	data, err := os.ReadFile(filepath.Join(dir, "f.go"))
	if err != nil {
		t.Fatal(err)
	}
	r.file = string(data)
	return r
}

// TestExitStatus checks the exit status of each mode with findings: 3 in
// text, 0 with -json, 3 after -fix when some finding has no fix, 3 with
// -diff (nothing fixed).
func TestExitStatus(t *testing.T) {
	t.Parallel()
	bin := build(t)

	r := check(t, bin, true)
	if r.code != 3 || !strings.Contains(r.stderr, cancelFinding) || !strings.Contains(r.stderr, stopFinding) {
		t.Errorf("text: want both findings and exit 3, got %d\n%s", r.code, r.stderr)
	}

	r = check(t, bin, true, "-json")
	var diags map[string]map[string][]struct{ Category string }
	if err := json.Unmarshal([]byte(r.stdout), &diags); err != nil {
		t.Errorf("-json: invalid JSON: %v\n%s", err, r.stdout)
	}
	var found []struct{ Category string } // one analyzer's list per check
	for _, diags := range diags["example.com/m"] {
		found = append(found, diags...)
	}
	if r.code != 0 || len(found) != 2 {
		t.Errorf("-json: want two findings in the JSON and exit 0, got %d and %v\n%s", r.code, found, r.stdout)
	}

	r = check(t, bin, true, "-fix")
	if r.code != 3 || !strings.Contains(r.file, fixedLines) {
		t.Errorf("-fix: want f.go fixed and exit 3, got %d\n%s", r.code, r.file)
	}
	if !strings.Contains(r.stderr, stopFinding) || strings.Contains(r.stderr, "context.WithTimeout is discarded") {
		t.Errorf("-fix: want only the finding without a fix printed, got\n%s", r.stderr)
	}

	for _, args := range [][]string{{"-fix", "-diff"}, {"-diff"}} {
		r = check(t, bin, true, args...)
		if r.code != 3 || r.file != fixable || !strings.Contains(r.stdout, "+\tdefer cancel()") {
			t.Errorf("%v: want f.go unchanged, the diff and exit 3, got %d\n%s", args, r.code, r.stdout)
		}
		if !strings.Contains(r.stderr, cancelFinding) || !strings.Contains(r.stderr, stopFinding) {
			t.Errorf("%v: want both findings printed, got\n%s", args, r.stderr)
		}
	}
}

// TestFixAll: when -fix fixes every finding, it prints nothing and exits 0,
// and so does a run afterwards.
func TestFixAll(t *testing.T) {
	t.Parallel()
	bin := build(t)
	dir := writeModule(t, map[string]string{"f.go": fixable})
	if code, _, stderr := run(t, dir, bin, "./..."); code != 3 || !strings.Contains(stderr, cancelFinding) {
		t.Fatalf("before -fix: want the finding and exit 3, got %d\n%s", code, stderr)
	}
	code, stdout, stderr := run(t, dir, bin, "-fix", "./...")
	if code != 0 || stdout != "" || stderr != "" {
		t.Errorf("-fix: want no output and exit 0, got %d\n%s%s", code, stdout, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "f.go"))
	if !strings.Contains(string(data), fixedLines) {
		t.Errorf("-fix: f.go not fixed:\n%s", data)
	}
	if code, _, stderr := run(t, dir, bin, "./..."); code != 0 || stderr != "" {
		t.Errorf("after -fix: want no findings and exit 0, got %d\n%s", code, stderr)
	}
}

// TestErrorStatus: a package that does not build is exit 1 in every mode, a
// bad flag exit 2 with -fix too.
func TestErrorStatus(t *testing.T) {
	t.Parallel()
	bin := build(t)
	dir := writeModule(t, map[string]string{"b.go": "package m\n\nfunc B() { undefined() }\n"})
	for _, args := range [][]string{{}, {"-json"}, {"-fix"}, {"-diff"}} {
		if code, _, stderr := run(t, dir, bin, append(args, "./...")...); code != 1 || !strings.Contains(stderr, "undefined: undefined") {
			t.Errorf("%v on a package that does not build: want the error and exit 1, got %d\n%s", args, code, stderr)
		}
	}
	for _, args := range [][]string{{"-nosuchflag"}, {"-fix", "-nosuchflag"}, {"-fix=maybe"}} {
		if code, _, stderr := run(t, dir, bin, append(args, "./...")...); code != 2 {
			t.Errorf("%v: want exit 2, got %d\n%s", args, code, stderr)
		}
	}
}
