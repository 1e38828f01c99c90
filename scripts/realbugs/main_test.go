package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeCase is a case of the fake set and the findings a fake golifecheck
// reports on it, as file:line (file relative to the case directory).
type fakeCase struct {
	name     string
	findings []string
}

// writeFakeSet makes testdata/dev with three cases: one whose leak is found,
// one missed, and one with a finding elsewhere in bad/ and a false positive
// on good/. Each case directory gets the fake golifecheck output in
// fake.json.
func writeFakeSet(t *testing.T) (testdata string, cases []fakeCase) {
	t.Helper()
	testdata = t.TempDir()
	cases = []fakeCase{
		{"a-found", []string{"bad/x.go:5"}},
		{"b-missed", nil},
		{"c-false-positive", []string{"bad/x.go:3", "good/x.go:4", "good/leak_test.go:9"}},
	}
	src := "package x\n\nfunc f(ch chan int) {\n\tgo func() {\n\t\tch <- 1 // LEAK\n\t}()\n}\n"
	for _, c := range cases {
		dir := filepath.Join(testdata, "dev", c.name)
		for _, sub := range []string{"bad", "good"} {
			if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, sub, "x.go"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module realbugs/"+c.name+"\n\ngo 1.26\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "fake.json"), fakeJSON(t, dir, c.findings), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return testdata, cases
}

// fakeJSON renders findings the way golifecheck -json does.
func fakeJSON(t *testing.T, dir string, findings []string) []byte {
	type diag struct {
		Category string `json:"category"`
		Posn     string `json:"posn"`
		Message  string `json:"message"`
	}
	tree := map[string]map[string][]diag{}
	for _, f := range findings {
		file, line, _ := strings.Cut(f, ":")
		pkg := "realbugs/fake/" + filepath.Dir(file)
		if tree[pkg] == nil {
			tree[pkg] = map[string][]diag{}
		}
		tree[pkg]["chanblock"] = append(tree[pkg]["chanblock"], diag{
			Category: "chanblock",
			Posn:     filepath.Join(dir, file) + ":" + line + ":2",
			Message:  "send blocks forever (chanblock)",
		})
	}
	b, err := json.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestScoreFakeJSON(t *testing.T) {
	testdata, cases := writeFakeSet(t)
	want := map[string]struct {
		outcome string
		good    int
	}{
		"a-found":          {"found", 0},
		"b-missed":         {"miss", 0},
		"c-false-positive": {"elsewhere", 1}, // the finding in leak_test.go is not counted
	}
	for _, c := range cases {
		dir := filepath.Join(testdata, "dev", c.name)
		out, err := os.ReadFile(filepath.Join(dir, "fake.json"))
		if err != nil {
			t.Fatal(err)
		}
		findings, err := parseFindings(out)
		if err != nil {
			t.Fatal(err)
		}
		r, err := score(c.name, dir, findings)
		if err != nil {
			t.Fatal(err)
		}
		if w := want[c.name]; r.outcome != w.outcome || len(r.good) != w.good {
			t.Errorf("%s: got %s with %d findings on good/ %v, want %s with %d", c.name, r.outcome, len(r.good), r.good, w.outcome, w.good)
		}
	}
}

func TestRunFakeBinary(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake golifecheck is a shell script")
	}
	testdata, _ := writeFakeSet(t)
	bin := filepath.Join(t.TempDir(), "golifecheck")
	// Exit status 3 means findings, as golifecheck's.
	script := "#!/bin/sh\ncat fake.json\ngrep -q posn fake.json && exit 3\nexit 0\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(&out, testdata, "dev", bin, false, false); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"a-found", "b-missed", "c-false-positive",
		"found 1/3, 1 elsewhere, 1 missed; 1 findings on good twins (1 cases)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	out.Reset()
	if err := run(&out, testdata, "dev", bin, false, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "| a-found | found | 0 | bad/x.go:5 chanblock |") {
		t.Errorf("markdown output:\n%s", out.String())
	}
}

func TestLeakLinesAndUntar(t *testing.T) {
	testdata, _ := writeFakeSet(t)
	leaks, err := leakLines(filepath.Join(testdata, "dev", "a-found", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	if len(leaks) != 1 || !leaks[leakKey{"x.go", 5}] {
		t.Errorf("leak lines: %v", leaks)
	}
	if _, _, err := caseRoot(testdata, "nosuchset"); err == nil {
		t.Error("caseRoot accepted an unknown set")
	}
}
