// Command realbugs scores golifecheck on reduced real-world blocking leaks:
// goroutines blocked forever on a channel, a lock, a sync.Cond, a WaitGroup
// or an errgroup, each taken from a public fix commit of a Go project.
//
// Usage:
//
//	go run ./scripts/realbugs [-set dev|heldout|heldout25|blind25] [-golifecheck BIN] [-verify] [-markdown]
//
// Each case is a module under scripts/realbugs/testdata/SET/CASE with bad/
// (the code before the fix, a // LEAK comment on each line where the leak
// belongs) and good/ (after the fix), each with a leak_test.go that runs the
// scenario and fails while a goroutine of the package is still blocked. The
// held-out sets are kept only as testdata/heldout.tar.gz (blocking leaks,
// issue 24), testdata/heldout25.tar.gz (ownership and lifetimes, issue 25)
// and testdata/blind25.tar.gz (issue 25's kinds, written blind from its
// text) and are unpacked into a temporary directory.
//
// A case whose bad/ has no // LEAK line is clean: the same program that must
// stay silent is in bad/ and good/.
//
// With -verify, it runs go test in every bad/ and good/ and checks that bad/
// fails with a blocked goroutine and good/ passes (for a clean case: that
// both pass and hold the same files); it does not score.
//
// Otherwise it runs golifecheck -json ./... in each case and prints one of:
//
//	found      a finding on a // LEAK line of bad/
//	elsewhere  findings in bad/, none on a // LEAK line
//	miss       no finding in bad/
//	silent     a clean case: no finding in bad/
//	false      a clean case: findings in bad/ (false positives)
//
// and the number of findings on good/, which are false positives. Findings
// in _test.go files are not counted.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	set := flag.String("set", "dev", "case set: dev, heldout, heldout25 or blind25")
	bin := flag.String("golifecheck", "", "golifecheck binary (default: build ./cmd/golifecheck)")
	verify := flag.Bool("verify", false, "run go test in each bad/ (must fail) and good/ (must pass) instead of scoring")
	markdown := flag.Bool("markdown", false, "print a markdown table")
	flag.Parse()
	if err := run(os.Stdout, filepath.Join("scripts", "realbugs", "testdata"), *set, *bin, *verify, *markdown); err != nil {
		fmt.Fprintln(os.Stderr, "realbugs:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, testdata, set, bin string, verify, markdown bool) error {
	root, cleanup, err := caseRoot(testdata, set)
	if err != nil {
		return err
	}
	defer cleanup()
	cases, err := listCases(root)
	if err != nil {
		return err
	}
	if verify {
		return verifyCases(w, root, cases)
	}
	if bin == "" {
		dir, err := os.MkdirTemp("", "realbugs-bin")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "golifecheck")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/golifecheck").CombinedOutput(); err != nil {
			return fmt.Errorf("building golifecheck (run from the repository root): %v\n%s", err, out)
		}
	} else if abs, err := filepath.Abs(bin); err == nil && strings.ContainsRune(bin, filepath.Separator) {
		bin = abs // the command runs in each case directory
	}
	var results []result
	for _, c := range cases {
		dir := filepath.Join(root, c)
		out, err := analyze(bin, dir)
		if err != nil {
			return fmt.Errorf("%s: %v", c, err)
		}
		findings, err := parseFindings(out)
		if err != nil {
			return fmt.Errorf("%s: %v", c, err)
		}
		r, err := score(c, dir, findings)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	report(w, results, markdown)
	return nil
}

// caseRoot returns the directory holding the set's cases, unpacking the
// held-out archive into a temporary directory.
func caseRoot(testdata, set string) (string, func(), error) {
	switch set {
	case "dev":
		return filepath.Join(testdata, "dev"), func() {}, nil
	case "heldout", "heldout25", "blind25":
		tmp, err := os.MkdirTemp("", "realbugs-"+set)
		if err != nil {
			return "", nil, err
		}
		cleanup := func() { os.RemoveAll(tmp) }
		if err := untar(filepath.Join(testdata, set+".tar.gz"), tmp); err != nil {
			cleanup()
			return "", nil, err
		}
		return filepath.Join(tmp, set), cleanup, nil
	}
	return "", nil, fmt.Errorf("unknown set %q (want dev, heldout, heldout25 or blind25)", set)
}

// untar unpacks a gzipped tar archive into dir.
func untar(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(filepath.FromSlash(h.Name))
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return fmt.Errorf("%s: bad path %q", archive, h.Name)
		}
		target := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, tr)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}

// listCases returns the names of the directories of root that hold a go.mod.
func listCases(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var cases []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(root, e.Name(), "go.mod")); e.IsDir() && err == nil {
			cases = append(cases, e.Name())
		}
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("no cases in %s", root)
	}
	return cases, nil
}

// blockedMarker is what the cases' leak check prints when a goroutine of the
// package is still blocked after the grace period. liveMarker is what the
// check of a context leak without a goroutine (heldout25) prints when what
// it counts (contexts never cancelled, timers never stopped) is still live.
const (
	blockedMarker = "still blocked"
	liveMarker    = "still live"
)

// verifyCases runs each case's tests: bad/ must fail with a blocked
// goroutine (or, for a context leak without one, with what stays live),
// good/ must pass. A clean case (no // LEAK line in bad/) must pass in both,
// and its bad/ and good/ must hold the same files.
func verifyCases(w io.Writer, root string, cases []string) error {
	failed := 0
	for _, c := range cases {
		dir := filepath.Join(root, c)
		leaks, err := leakLines(filepath.Join(dir, "bad"))
		if err != nil {
			return fmt.Errorf("%s: %v", c, err)
		}
		clean := len(leaks) == 0
		badOut, badErr := goTest(dir, "./bad")
		goodOut, goodErr := goTest(dir, "./good")
		var problems []string
		switch {
		case clean && badErr != nil:
			problems = append(problems, "bad/ of a clean case fails:\n"+indent(tail(badOut, 15)))
		case clean:
			if diff, err := sameFiles(filepath.Join(dir, "bad"), filepath.Join(dir, "good")); err != nil {
				return fmt.Errorf("%s: %v", c, err)
			} else if diff != "" {
				problems = append(problems, "bad/ and good/ of a clean case differ: "+diff)
			}
		case badErr == nil:
			problems = append(problems, "bad/ passes")
		case !bytes.Contains(badOut, []byte(blockedMarker)) && !bytes.Contains(badOut, []byte(liveMarker)):
			problems = append(problems, "bad/ fails without a blocked goroutine:\n"+indent(tail(badOut, 15)))
		}
		if goodErr != nil {
			problems = append(problems, "good/ fails:\n"+indent(tail(goodOut, 15)))
		}
		if len(problems) == 0 {
			if clean {
				fmt.Fprintf(w, "%-56s ok (clean: bad/ and good/ pass)\n", c)
			} else {
				fmt.Fprintf(w, "%-56s ok (bad/ leaks, good/ passes)\n", c)
			}
			continue
		}
		failed++
		fmt.Fprintf(w, "%-56s FAIL: %s\n", c, strings.Join(problems, "; "))
	}
	fmt.Fprintf(w, "%d cases: %d verified, %d failed\n", len(cases), len(cases)-failed, failed)
	if failed > 0 {
		return fmt.Errorf("%d cases failed verification", failed)
	}
	return nil
}

// sameFiles reports the first file that differs between the trees a and b
// (import paths of bad/ read as good/'s), or "" if they hold the same files.
func sameFiles(a, b string) (string, error) {
	read := func(root string) (map[string][]byte, error) {
		files := map[string][]byte{}
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			b, err := os.ReadFile(path)
			files[filepath.ToSlash(rel)] = b
			return err
		})
		return files, err
	}
	fa, err := read(a)
	if err != nil {
		return "", err
	}
	fb, err := read(b)
	if err != nil {
		return "", err
	}
	var names []string
	for name := range fa {
		names = append(names, name)
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		x, inA := fa[name]
		y, inB := fb[name]
		switch {
		case !inA:
			return name + " only in good/", nil
		case !inB:
			return name + " only in bad/", nil
		case !bytes.Equal(asGood(x), asGood(y)):
			return name, nil
		}
	}
	return "", nil
}

// asGood returns src with the import paths of bad/ and its packages
// (".../bad" and ".../bad/...") written as good/'s.
func asGood(src []byte) []byte {
	src = bytes.ReplaceAll(src, []byte("/bad/"), []byte("/good/"))
	return bytes.ReplaceAll(src, []byte("/bad\""), []byte("/good\""))
}

func goTest(dir, pkg string) ([]byte, error) {
	cmd := exec.Command("go", "test", "-count=1", "-timeout=120s", pkg)
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t")
}

// analyze runs golifecheck -json ./... in dir and returns its output.
func analyze(bin, dir string) ([]byte, error) {
	cmd := exec.Command(bin, "-json", "-chanblock.engine", "./...")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		err = nil // findings
	}
	if err != nil {
		return nil, fmt.Errorf("%s -json ./...: %v\n%s", bin, err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}

// A finding is one golifecheck diagnostic.
type finding struct {
	file    string // absolute
	line    int
	check   string
	message string
}

// parseFindings reads golifecheck -json output:
// {"pkg": {"analyzer": [{"posn": "file:line:col", "message": ..., "category": ...}]}}
func parseFindings(out []byte) ([]finding, error) {
	var tree map[string]map[string]json.RawMessage
	if err := json.Unmarshal(out, &tree); err != nil {
		return nil, fmt.Errorf("reading golifecheck -json: %v", err)
	}
	var findings []finding
	for _, analyzers := range tree {
		for _, raw := range analyzers {
			var diags []struct{ Posn, Message, Category string }
			if err := json.Unmarshal(raw, &diags); err != nil {
				continue // {"error": ...} of a package that failed
			}
			for _, d := range diags {
				parts := strings.Split(d.Posn, ":") // file:line:col
				if len(parts) < 3 {
					continue
				}
				line, err := strconv.Atoi(parts[len(parts)-2])
				if err != nil {
					continue
				}
				findings = append(findings, finding{
					file:    strings.Join(parts[:len(parts)-2], ":"),
					line:    line,
					check:   d.Category,
					message: d.Message,
				})
			}
		}
	}
	sort.Slice(findings, func(i, j int) bool {
		if findings[i].file != findings[j].file {
			return findings[i].file < findings[j].file
		}
		return findings[i].line < findings[j].line
	})
	return findings, nil
}

// A result is one case's score.
type result struct {
	name    string
	outcome string   // found, elsewhere or miss; silent or false for a clean case
	bad     []string // the findings in bad/, as file:line check
	good    []string // the findings in good/
}

// score classifies a case's findings against the // LEAK lines of bad/. A
// case whose bad/ has no // LEAK line is clean: silent when nothing is
// reported in bad/, false otherwise.
func score(name, dir string, findings []finding) (result, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return result{}, err
	}
	if real, err := filepath.EvalSymlinks(absDir); err == nil {
		absDir = real
	}
	leaks, err := leakLines(filepath.Join(absDir, "bad"))
	if err != nil {
		return result{}, err
	}
	r := result{name: name, outcome: "miss"}
	if len(leaks) == 0 {
		r.outcome = "silent"
	}
	onLeak := false
	for _, f := range findings {
		file := f.file
		if real, err := filepath.EvalSymlinks(file); err == nil {
			file = real
		}
		rel, err := filepath.Rel(absDir, file)
		if err != nil || strings.HasPrefix(rel, "..") || strings.HasSuffix(file, "_test.go") {
			continue
		}
		where := fmt.Sprintf("%s:%d %s", filepath.ToSlash(rel), f.line, f.check)
		switch strings.SplitN(filepath.ToSlash(rel), "/", 2)[0] {
		case "bad":
			r.bad = append(r.bad, where)
			if leaks[leakKey{filepath.Base(file), f.line}] {
				onLeak = true
			}
		case "good":
			r.good = append(r.good, where)
		}
	}
	switch {
	case len(leaks) == 0 && len(r.bad) > 0:
		r.outcome = "false"
	case len(leaks) == 0:
	case onLeak:
		r.outcome = "found"
	case len(r.bad) > 0:
		r.outcome = "elsewhere"
	}
	return r, nil
}

type leakKey struct {
	file string
	line int
}

// leakLines returns the lines of the non-test Go files of dir that carry a
// // LEAK comment.
func leakLines(dir string) (map[leakKey]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	leaks := map[leakKey]bool{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			if strings.Contains(sc.Text(), "// LEAK") {
				leaks[leakKey{filepath.Base(file), n}] = true
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return leaks, nil
}

func report(w io.Writer, results []result, markdown bool) {
	counts := map[string]int{}
	goodFindings, goodCases := 0, 0
	if markdown {
		fmt.Fprintln(w, "| case | bad/ | findings on good/ | findings |")
		fmt.Fprintln(w, "| --- | --- | --- | --- |")
	}
	for _, r := range results {
		counts[r.outcome]++
		goodFindings += len(r.good)
		if len(r.good) > 0 {
			goodCases++
		}
		detail := strings.Join(r.bad, ", ")
		if len(r.good) > 0 {
			if detail != "" {
				detail += "; "
			}
			detail += strings.Join(r.good, ", ")
		}
		if markdown {
			fmt.Fprintf(w, "| %s | %s | %d | %s |\n", r.name, r.outcome, len(r.good), detail)
		} else {
			fmt.Fprintf(w, "%-56s %-9s good:%d  %s\n", r.name, r.outcome, len(r.good), detail)
		}
	}
	if markdown {
		fmt.Fprintln(w)
	}
	clean := counts["silent"] + counts["false"]
	fmt.Fprintf(w, "found %d/%d, %d elsewhere, %d missed; %d findings on good twins (%d cases)",
		counts["found"], len(results)-clean, counts["elsewhere"], counts["miss"], goodFindings, goodCases)
	if clean > 0 {
		fmt.Fprintf(w, "; clean %d/%d silent, %d false", counts["silent"], clean, counts["false"])
	}
	fmt.Fprintln(w)
}
