package main_test

import (
	"cmp"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// leakyPkg is a package NAME with one finding at 5:12 (a goroutine that
// never stops, with a related position at 5:24).
func leakyPkg(name string) string {
	return "package " + name + "\n\nimport \"time\"\n\nfunc F() { go func() { for { time.Sleep(time.Second) } }() }\n"
}

// sortedModule has findings in three packages, where go vet finishes z
// before a (a imports z, so z is vetted first for its facts), and in a the
// finding reported first (ctxcancel's, at line 15) comes after the others
// (gostop's, at lines 9 and 11: 9 and 11 sort before 15 as numbers, not as
// text).
var sortedModule = map[string]string{
	"a/a.go": `package a

import (
	"context"
	"time"

	"example.com/m/z"
)
func G() { go forever() }

func H() { go forever(); z.F() }

func forever() { for { time.Sleep(time.Second) } }

func F(ctx context.Context) error { ctx2, _ := context.WithTimeout(ctx, time.Second); return ctx2.Err() }
`,
	"b/b.go": leakyPkg("b"),
	"z/z.go": leakyPkg("z"),
}

// A posn is a position file:line:col, parsed.
type posn struct {
	file      string
	line, col int
}

var posnRE = regexp.MustCompile(`^(.*):(\d+):(\d+)$`)

func parsePosn(t *testing.T, s string) posn {
	t.Helper()
	m := posnRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("not a position file:line:col: %q", s)
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	return posn{m[1], line, col}
}

func comparePosn(a, b posn) int {
	return cmp.Or(strings.Compare(a.file, b.file), cmp.Compare(a.line, b.line), cmp.Compare(a.col, b.col))
}

// textFindings returns the positions of the findings (not their related
// lines, which are indented with a tab) printed as text.
func textFindings(t *testing.T, out string) []posn {
	t.Helper()
	var ps []posn
	for _, l := range strings.Split(out, "\n") {
		p, msg, ok := strings.Cut(l, ": ")
		if !ok || !strings.Contains(p, ".go:") || strings.HasPrefix(msg, "\t") {
			continue
		}
		ps = append(ps, parsePosn(t, p))
	}
	return ps
}

// TestTextSorted: the text output is the same on identical runs and sorted
// by file, line and column, across packages and within a file.
func TestTextSorted(t *testing.T) {
	t.Parallel()
	bin := build(t)
	dir := writeModule(t, sortedModule)
	code, _, first := run(t, dir, bin, "./...")
	if code != 3 {
		t.Fatalf("want findings and exit 3, got %d\n%s", code, first)
	}
	if _, _, second := run(t, dir, bin, "./..."); second != first {
		t.Errorf("two runs printed differently:\n%s\nthen\n%s", first, second)
	}
	ps := textFindings(t, first)
	if len(ps) != 5 {
		t.Errorf("want 5 findings (3 in a, 1 in b, 1 in z), got %d:\n%s", len(ps), first)
	}
	if !slices.IsSortedFunc(ps, comparePosn) {
		t.Errorf("findings not sorted by file:line:col:\n%s", first)
	}
}

// TestJSONSorted: the -json output is the same on identical runs, and each
// analyzer's diagnostics in it are sorted by position.
func TestJSONSorted(t *testing.T) {
	t.Parallel()
	bin := build(t)
	dir := writeModule(t, sortedModule)
	code, first, stderr := run(t, dir, bin, "-json", "./...")
	if code != 0 {
		t.Fatalf("want exit 0, got %d\n%s", code, stderr)
	}
	if _, second, _ := run(t, dir, bin, "-json", "./..."); second != first {
		t.Errorf("two runs printed differently:\n%s\nthen\n%s", first, second)
	}
	var tree map[string]map[string][]struct{ Posn string }
	if err := json.Unmarshal([]byte(first), &tree); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, first)
	}
	n := 0
	for pkg, analyzers := range tree {
		for name, diags := range analyzers {
			var ps []posn
			for _, d := range diags {
				ps = append(ps, parsePosn(t, d.Posn))
			}
			n += len(ps)
			if !slices.IsSortedFunc(ps, comparePosn) {
				t.Errorf("%s: %s: diagnostics not sorted by position: %v", pkg, name, ps)
			}
		}
	}
	if n != 5 {
		t.Errorf("want 5 diagnostics, got %d:\n%s", n, first)
	}
}

// TestBrokenPackageHidesNothing: when one package does not type-check, the
// others' findings are printed as well as its error, with exit status 1,
// as text and with -json.
func TestBrokenPackageHidesNothing(t *testing.T) {
	t.Parallel()
	bin := build(t)
	dir := writeModule(t, map[string]string{
		"a/a.go": leakyPkg("a"),
		"b/b.go": "package b\n\nfunc B() { undefined() }\n",
		"c/c.go": leakyPkg("c"),
	})
	const typeErr = "b.go:3:12: undefined: undefined"
	code, _, stderr := run(t, dir, bin, "./...")
	if code != 1 || !strings.Contains(stderr, typeErr) {
		t.Errorf("text: want b's error and exit 1, got %d\n%s", code, stderr)
	}
	for _, want := range []string{"a/a.go:5:12: goroutine never stops", "c/c.go:5:12: goroutine never stops"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("text: want %q printed, got\n%s", want, stderr)
		}
	}

	for _, args := range [][]string{{"-fix"}, {"-diff"}} {
		code, _, stderr := run(t, dir, bin, append(args, "./...")...)
		if code != 1 || !strings.Contains(stderr, typeErr) || !strings.Contains(stderr, "a/a.go:5:12: goroutine never stops") {
			t.Errorf("%v: want b's error, a's finding and exit 1, got %d\n%s", args, code, stderr)
		}
	}

	code, stdout, stderr := run(t, dir, bin, "-json", "./...")
	if code != 1 || !strings.Contains(stderr, typeErr) {
		t.Errorf("-json: want b's error and exit 1, got %d\n%s", code, stderr)
	}
	var tree map[string]map[string][]struct{ Posn, Category string }
	if err := json.Unmarshal([]byte(stdout), &tree); err != nil {
		t.Fatalf("-json: invalid JSON: %v\n%s", err, stdout)
	}
	for _, pkg := range []string{"example.com/m/a", "example.com/m/c"} {
		var diags []struct{ Posn, Category string }
		for _, ds := range tree[pkg] { // whichever analyzer reported it
			diags = append(diags, ds...)
		}
		if len(diags) != 1 || diags[0].Category != "gostop" {
			t.Errorf("-json: want one gostop finding in %s, got %v\n%s", pkg, diags, stdout)
		}
	}
}
