package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io/fs"
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
		r, err := scoreFake(t, testdata, c.name)
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
	bin := fakeGolifecheck(t)
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

// packSet tars testdata/dev of the fake set as the directory set/ into
// testdata/set.tar.gz, the way the held-out archives are made.
func packSet(t *testing.T, testdata, set string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	src := filepath.Join(testdata, "dev")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(filepath.Join(set, rel))
		if d.IsDir() {
			return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o755})
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// The fake output names the case directory by a placeholder the
		// fake binary fills in with its working directory.
		b = bytes.ReplaceAll(b, []byte(filepath.Dir(path)), []byte("@DIR@"))
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(b))}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(testdata, set+".tar.gz"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
}

func TestRunHeldout25Archive(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake golifecheck is a shell script")
	}
	testdata, _ := writeFakeSet(t)
	packSet(t, testdata, "heldout25")
	bin := filepath.Join(t.TempDir(), "golifecheck")
	script := "#!/bin/sh\nsed \"s|@DIR@|$(pwd -P)|g\" fake.json\ngrep -q posn fake.json && exit 3\nexit 0\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	root, cleanup, err := caseRoot(testdata, "heldout25")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"a-found", "b-missed", "c-false-positive"} {
		if _, err := os.Stat(filepath.Join(root, c, "bad", "x.go")); err != nil {
			t.Errorf("heldout25 archive: %v", err)
		}
	}
	cleanup()
	var out bytes.Buffer
	if err := run(&out, testdata, "heldout25", bin, false, false); err != nil {
		t.Fatal(err)
	}
	if want := "found 1/3, 1 elsewhere, 1 missed; 1 findings on good twins (1 cases)"; !strings.Contains(out.String(), want) {
		t.Errorf("heldout25 output lacks %q:\n%s", want, out.String())
	}
}

// writeCleanCases adds to testdata/dev two clean cases (no // LEAK line in
// bad/, the same program in good/): one on which the fake golifecheck is
// silent, one on which it reports a finding in bad/.
func writeCleanCases(t *testing.T, testdata string) {
	t.Helper()
	src := "package x\n\nfunc f(cancel func()) {\n\tdefer cancel()\n}\n"
	for name, findings := range map[string][]string{
		"d-clean-silent": nil,
		"e-clean-false":  {"bad/x.go:4", "bad/leak_test.go:2"},
	} {
		dir := filepath.Join(testdata, "dev", name)
		for _, sub := range []string{"bad", "good"} {
			if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, sub, "x.go"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module realbugs/"+name+"\n\ngo 1.26\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "fake.json"), fakeJSON(t, dir, findings), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScoreClean(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake golifecheck is a shell script")
	}
	testdata, _ := writeFakeSet(t)
	writeCleanCases(t, testdata)
	for name, want := range map[string]string{"d-clean-silent": "silent", "e-clean-false": "false"} {
		r, err := scoreFake(t, testdata, name)
		if err != nil {
			t.Fatal(err)
		}
		if r.outcome != want || len(r.good) != 0 {
			t.Errorf("%s: got %s with findings %v on bad/ and %v on good/, want %s", name, r.outcome, r.bad, r.good, want)
		}
	}
	bin := fakeGolifecheck(t)
	var out bytes.Buffer
	if err := run(&out, testdata, "dev", bin, false, false); err != nil {
		t.Fatal(err)
	}
	// The clean cases are not counted among the leaks (3 of 5 cases).
	if want := "found 1/3, 1 elsewhere, 1 missed; 1 findings on good twins (1 cases); clean 1/2 silent, 1 false\n"; !strings.HasSuffix(out.String(), want) {
		t.Errorf("output does not end with %q:\n%s", want, out.String())
	}
}

// writeModule writes a module of one package per directory of files
// (directory -> file name -> contents) under dir.
func writeModule(t *testing.T, dir, module string, files map[string]map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+module+"\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for sub, fs := range files {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
		for name, src := range fs {
			if err := os.WriteFile(filepath.Join(dir, sub, name), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestVerifyClean(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	root := t.TempDir()
	const (
		leaky  = "package x\n\nfunc F(ch chan int) {\n\tgo func() { ch <- 1 }() // LEAK\n}\n"
		fixed  = "package x\n\nfunc F(ch chan int) {\n\tgo func() {\n\t\tselect {\n\t\tcase ch <- 1:\n\t\tdefault:\n\t\t}\n\t}()\n}\n"
		clean  = "package x\n\nfunc F(cancel func()) {\n\tdefer cancel()\n}\n"
		pass   = "package x\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) {}\n"
		fail   = "package x\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) { t.Fatal(\"1 goroutine(s) of the package still blocked\") }\n"
		other  = "package x\n\nfunc F(cancel func()) {\n\tcancel()\n}\n"
		modSub = "package x\n\nimport (\n\t\"testing\"\n\n\t\"realbugs/c/bad/sub\"\n)\n\nfunc TestF(t *testing.T) { sub.G() }\n"
	)
	writeModule(t, filepath.Join(root, "a-leaky"), "realbugs/a", map[string]map[string]string{
		"bad":  {"x.go": leaky, "leak_test.go": fail},
		"good": {"x.go": fixed, "leak_test.go": pass},
	})
	writeModule(t, filepath.Join(root, "b-clean"), "realbugs/b", map[string]map[string]string{
		"bad":  {"x.go": clean, "leak_test.go": pass},
		"good": {"x.go": clean, "leak_test.go": pass},
	})
	// A clean case with a package under bad/ and good/: the import paths
	// differ, the files are the same.
	writeModule(t, filepath.Join(root, "c-clean-subpackage"), "realbugs/c", map[string]map[string]string{
		"bad":      {"x.go": clean, "leak_test.go": modSub},
		"bad/sub":  {"sub.go": "package sub\n\nfunc G() {}\n"},
		"good":     {"x.go": clean, "leak_test.go": strings.ReplaceAll(modSub, "/bad/", "/good/")},
		"good/sub": {"sub.go": "package sub\n\nfunc G() {}\n"},
	})
	var out bytes.Buffer
	if err := verifyCases(&out, root, []string{"a-leaky", "b-clean", "c-clean-subpackage"}); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	for _, want := range []string{
		"a-leaky", "ok (bad/ leaks, good/ passes)",
		"b-clean", "ok (clean: bad/ and good/ pass)",
		"3 cases: 3 verified, 0 failed",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("verify output lacks %q:\n%s", want, out.String())
		}
	}

	// A clean case whose twins differ, and one whose bad/ fails, are not
	// verified.
	writeModule(t, filepath.Join(root, "d-clean-differs"), "realbugs/d", map[string]map[string]string{
		"bad":  {"x.go": clean, "leak_test.go": pass},
		"good": {"x.go": other, "leak_test.go": pass},
	})
	writeModule(t, filepath.Join(root, "e-clean-fails"), "realbugs/e", map[string]map[string]string{
		"bad":  {"x.go": clean, "leak_test.go": fail},
		"good": {"x.go": clean, "leak_test.go": fail},
	})
	out.Reset()
	if err := verifyCases(&out, root, []string{"d-clean-differs", "e-clean-fails"}); err == nil {
		t.Errorf("verify accepted broken clean cases:\n%s", out.String())
	}
	for _, want := range []string{
		"d-clean-differs", "bad/ and good/ of a clean case differ: x.go",
		"e-clean-fails", "bad/ of a clean case fails",
		"2 cases: 0 verified, 2 failed",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("verify output lacks %q:\n%s", want, out.String())
		}
	}
}

// fakeGolifecheck writes a stand-in for golifecheck that prints each case
// directory's fake.json and exits 3 when it holds findings, as golifecheck
// does.
func fakeGolifecheck(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "golifecheck")
	script := "#!/bin/sh\ncat fake.json\ngrep -q posn fake.json && exit 3\nexit 0\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// scoreFake scores the fake set's case name from its fake.json.
func scoreFake(t *testing.T, testdata, name string) (result, error) {
	t.Helper()
	dir := filepath.Join(testdata, "dev", name)
	out, err := os.ReadFile(filepath.Join(dir, "fake.json"))
	if err != nil {
		t.Fatal(err)
	}
	findings, err := parseFindings(out)
	if err != nil {
		t.Fatal(err)
	}
	return score(name, dir, findings)
}
