package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// Standalone, golifecheck runs go vet with itself as the vet tool, as
// `go vet -vettool=golifecheck -json`, and prints what it reports in the
// standalone checker's format and exit status. go vet analyzes one package
// at a time from compiled export data, reuses the facts and results it
// cached on earlier runs (keyed by the tool's build ID, the flags and the
// sources), and under it golifecheck takes the standard library's facts
// from its embedded table: a second run over unchanged code costs what
// go vet's cache lookup costs, where loading every package from source,
// the standard library's included, cost seconds and most of a gigabyte on
// every run.
//
// Flags go vet cannot pass on to the tool (-knowledge, whose file go vet's
// cache would not see change, -c, which needs the text output, -test, and
// x/tools' profiling and debugging flags) keep the in-process checker.
// -fix and -diff apply or show the fixes with it too (go vet has them only
// from Go 1.26), then report the findings left through go vet.

// viaVet reports whether go vet can run golifecheck with these flags:
// -json, -vet and the analyzers' flags other than -knowledge (see
// lookupFlag), a boolean one with a boolean value, if any (a bad value is
// left to the flag package).
func viaVet(flags []flagArg) bool {
	for _, f := range flags {
		lf := lookupFlag(f.name)
		if f.name == "json" {
			lf = &flag.Flag{Name: f.name, Value: new(boolValue)}
		}
		if isKnowledge(f.name) || lf == nil {
			return false
		}
		if _, err := strconv.ParseBool(f.value); isBoolFlag(lf) && f.hasValue && err != nil {
			return false
		}
	}
	return true
}

// runVet runs go vet -vettool=golifecheck -json with the flags on the
// packages, its errors passed through to stderr, and prints its findings:
// as one JSON tree on stdout with -json, else as text on stderr. It
// returns the standalone exit status: 2 if the go command is of a release
// golifecheck does not support (see vetcache.go), 1 if go vet failed or an
// analysis did, else 3 if findings were printed as text, else 0.
func runVet(flags []flagArg, rest []string) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "golifecheck:", err)
		return 1
	}
	if err := checkGoOnPath(); err != nil {
		fmt.Fprintln(os.Stderr, "golifecheck:", err)
		return 2
	}
	asJSON := false
	args := []string{"vet", "-vettool=" + exe, "-json"}
	for _, f := range flags {
		if f.name == "json" {
			asJSON, _ = strconv.ParseBool(f.value)
			asJSON = asJSON || !f.hasValue
			continue
		}
		args = append(args, f.args...)
	}
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	var out bytes.Buffer
	cmd := exec.Command("go", append(args, rest...)...)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	cmd.Env = append(os.Environ(), standaloneVetKey(cmd.Args[1:])) // see vetcache.go
	// go vet fails (exit status 1, its errors on stderr) when a package
	// does not type-check, but still prints the other packages' results:
	// they are printed too, and the status is 1.
	failed := false
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			fmt.Fprintln(os.Stderr, "golifecheck: go vet:", err)
			return 1
		}
		failed = true
	}
	results, err := decodeVetJSON(&out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "golifecheck: reading go vet's output:", err)
		return 1
	}
	code := 0
	if asJSON {
		code = results.printJSON(os.Stdout)
	} else {
		code = results.printText(os.Stderr)
	}
	if failed {
		return 1
	}
	return code
}

// A vetResult is one package's entry in go vet -json's output: for each
// analyzer, its diagnostics or the error that stopped it.
type vetResult struct {
	pkg       string
	analyzers map[string]json.RawMessage
}

type vetResults []vetResult

// A jsonDiagnostic is the part of x/tools' JSON diagnostic the text
// output prints.
type jsonDiagnostic struct {
	Posn    string `json:"posn"`
	End     string `json:"end"`
	Message string `json:"message"`
	Related []struct {
		Posn    string `json:"posn"`
		Message string `json:"message"`
	} `json:"related"`
}

// decodeVetJSON reads go vet -json's output: one JSON object per package
// that reported anything, {"pkg": {"analyzer": [diagnostics] or
// {"error": "..."}}}, in the order go vet finished them.
func decodeVetJSON(r io.Reader) (vetResults, error) {
	var results vetResults
	dec := json.NewDecoder(r)
	for dec.More() {
		var tree map[string]map[string]json.RawMessage
		if err := dec.Decode(&tree); err != nil {
			return nil, err
		}
		for pkg, analyzers := range tree {
			results = append(results, vetResult{pkg, analyzers})
		}
	}
	return results, nil
}

// printJSON writes the results as one JSON tree, as the in-process
// checker's -json does, and returns 0. The tree's packages and analyzers
// are in sorted order (encoding/json sorts map keys) and each analyzer's
// diagnostics are sorted by position, so that identical runs print
// identical output whatever order go vet finished the packages in.
func (rs vetResults) printJSON(w io.Writer) int {
	tree := make(map[string]map[string]json.RawMessage)
	for _, r := range rs {
		analyzers := make(map[string]json.RawMessage)
		for name, raw := range r.analyzers {
			analyzers[name] = sortedDiagnostics(raw)
		}
		tree[r.pkg] = analyzers
	}
	data, err := json.MarshalIndent(tree, "", "\t")
	if err != nil {
		fmt.Fprintln(os.Stderr, "golifecheck:", err)
		return 1
	}
	w.Write(append(data, '\n'))
	return 0
}

// sortedDiagnostics returns an analyzer's entry with its diagnostics
// sorted by position (see comparePosn), each kept as go vet wrote it; an
// entry that is not a list of diagnostics (an analyzer's error) is
// returned unchanged.
func sortedDiagnostics(raw json.RawMessage) json.RawMessage {
	var diags []json.RawMessage
	if json.Unmarshal(raw, &diags) != nil {
		return raw
	}
	type keyed struct {
		jsonDiagnostic
		raw json.RawMessage
	}
	var list []keyed
	for _, d := range diags {
		k := keyed{raw: d}
		if json.Unmarshal(d, &k.jsonDiagnostic) != nil {
			return raw
		}
		list = append(list, k)
	}
	slices.SortStableFunc(list, func(a, b keyed) int { return compareDiagnostics(a.jsonDiagnostic, b.jsonDiagnostic) })
	sorted := make([]json.RawMessage, len(list))
	for i, k := range list {
		sorted[i] = k.raw
	}
	data, err := json.Marshal(sorted)
	if err != nil {
		return raw
	}
	return data
}

// printText writes each finding once (a file in a package and its test
// variant is analyzed twice), with its related information indented
// below it, as the in-process checker does, and returns the exit status.
// The analyzers' errors come first, by package and analyzer, then the
// findings of every package, sorted by position (see comparePosn).
func (rs vetResults) printText(w io.Writer) int {
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b vetResult) int { return strings.Compare(a.pkg, b.pkg) })
	seen := make(map[[3]string]bool)
	var findings []jsonDiagnostic
	failed := false
	for _, r := range rs {
		for _, name := range slices.Sorted(maps.Keys(r.analyzers)) {
			raw := r.analyzers[name]
			var stopped struct{ Error string }
			if json.Unmarshal(raw, &stopped) == nil && stopped.Error != "" {
				fmt.Fprintf(w, "%s: %s: %s\n", r.pkg, name, stopped.Error)
				failed = true
				continue
			}
			var diags []jsonDiagnostic
			if err := json.Unmarshal(raw, &diags); err != nil {
				fmt.Fprintf(w, "%s: %s: %v\n", r.pkg, name, err)
				failed = true
				continue
			}
			for _, d := range diags {
				key := [3]string{d.Posn, d.End, d.Message}
				if !seen[key] {
					seen[key] = true
					findings = append(findings, d)
				}
			}
		}
	}
	slices.SortStableFunc(findings, compareDiagnostics)
	for _, d := range findings {
		fmt.Fprintf(w, "%s: %s\n", d.Posn, d.Message)
		for _, rel := range d.Related {
			fmt.Fprintf(w, "%s: \t%s\n", rel.Posn, rel.Message)
		}
	}
	switch {
	case failed:
		return 1
	case len(findings) > 0:
		return 3
	}
	return 0
}

// compareDiagnostics orders diagnostics by position (see comparePosn),
// then by message.
func compareDiagnostics(a, b jsonDiagnostic) int {
	if c := comparePosn(a.Posn, b.Posn); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}

// comparePosn orders positions written "file:line:col" (or "file:line",
// or "file") by file name, then line, then column, numerically: a.go:9:1
// comes before a.go:10:1.
func comparePosn(a, b string) int {
	fa, la, ca := splitPosn(a)
	fb, lb, cb := splitPosn(b)
	if c := strings.Compare(fa, fb); c != 0 {
		return c
	}
	if c := cmp.Compare(la, lb); c != 0 {
		return c
	}
	return cmp.Compare(ca, cb)
}

// splitPosn splits a position "file:line:col" into its parts; a missing
// line or column is 0. The numbers are taken from the right, so a file
// name may hold colons (C:\src\a.go:3:1).
func splitPosn(posn string) (file string, line, col int) {
	file = posn
	var nums []int
	for range 2 {
		i := strings.LastIndexByte(file, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(file[i+1:])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		file = file[:i]
	}
	switch len(nums) {
	case 2:
		line, col = nums[0], nums[1]
	case 1:
		line = nums[0]
	}
	return file, line, col
}
