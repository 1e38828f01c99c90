package golangci_test

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/golifecheck/golifecheck/analyzer"
	"github.com/golifecheck/golifecheck/golangci"
)

// newPlugin calls the constructor registered under "golifecheck" as
// golangci-lint does, and puts the analyzer's flags (which are global) back
// to their defaults when the test ends.
func newPlugin(t *testing.T, settings any) (register.LinterPlugin, error) {
	t.Helper()
	t.Cleanup(func() {
		if _, err := golangci.New(nil); err != nil {
			t.Errorf("resetting the flags: %v", err)
		}
	})
	newFn, err := register.GetPlugin("golifecheck")
	if err != nil {
		t.Fatal(err)
	}
	return newFn(settings)
}

// flagValues returns the analyzer's flag values by name.
func flagValues() map[string]string {
	values := make(map[string]string)
	analyzer.Analyzer.Flags.VisitAll(func(f *flag.Flag) { values[f.Name] = f.Value.String() })
	return values
}

func writeFile(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("# no entries\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPlugin: the plugin hands golangci-lint the collector, named after
// the linter and carrying analyzer.Analyzer's facts, then one analyzer per
// check and for suppressions and internal errors, each requiring the
// collector only.
func TestPlugin(t *testing.T) {
	p, err := newPlugin(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	analyzers, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	if err := analysis.Validate(analyzers); err != nil {
		t.Fatal(err)
	}
	want := append([]string{"golifecheck"}, append(analyzer.Checks(), "suppression", "internal")...)
	if got := names(analyzers); !slices.Equal(got, want) {
		t.Fatalf("BuildAnalyzers() = %v, want %v", got, want)
	}
	collector := analyzers[0]
	if !slices.Equal(collector.FactTypes, analyzer.Analyzer.FactTypes) || !slices.Equal(collector.Requires, analyzer.Analyzer.Requires) {
		t.Errorf("the collector has facts %v and requires %v; want analyzer.Analyzer's", collector.FactTypes, names(collector.Requires))
	}
	for _, a := range analyzers[1:] {
		if len(a.Requires) != 1 || a.Requires[0] != collector || a.FactTypes != nil {
			t.Errorf("%s requires %v and has facts %v; want the collector only, no facts", a.Name, names(a.Requires), a.FactTypes)
		}
	}
	if mode := p.GetLoadMode(); mode != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode() = %q, want %q", mode, register.LoadModeTypesInfo)
	}
}

func names(analyzers []*analysis.Analyzer) []string {
	var names []string
	for _, a := range analyzers {
		names = append(names, a.Name)
	}
	return names
}

// TestSettings maps settings, as golangci-lint hands them over (decoded
// YAML), onto the analyzer's flags.
func TestSettings(t *testing.T) {
	dir := t.TempDir()
	extra := writeFile(t, dir, "extra.txt")
	defaults := map[string]string{"ctxcancel": "true", "gostop": "true", "chanblock": "true", "knowledge": ""}
	with := func(changes map[string]string) map[string]string {
		m := make(map[string]string)
		for k, v := range defaults {
			m[k] = v
		}
		for k, v := range changes {
			m[k] = v
		}
		return m
	}
	for _, tt := range []struct {
		name     string
		settings any
		want     map[string]string
	}{
		{"none", nil, defaults},
		{"empty", map[string]any{}, defaults},
		{"gostop off", map[string]any{"gostop": false}, with(map[string]string{"gostop": "false"})},
		{"ctxcancel off", map[string]any{"ctxcancel": false}, with(map[string]string{"ctxcancel": "false"})},
		{"chanblock off", map[string]any{"chanblock": false}, with(map[string]string{"chanblock": "false"})},
		{"both explicit", map[string]any{"ctxcancel": false, "gostop": true}, with(map[string]string{"ctxcancel": "false"})},
		{"both off", map[string]any{"ctxcancel": false, "gostop": false}, with(map[string]string{"ctxcancel": "false", "gostop": "false"})},
		{"knowledge", map[string]any{"knowledge": extra}, with(map[string]string{"knowledge": extra})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Start from the opposite of the defaults: New must set every
			// flag, not only those named in the settings.
			for name, value := range map[string]string{"ctxcancel": "false", "gostop": "false", "chanblock": "false", "knowledge": extra} {
				if err := analyzer.Analyzer.Flags.Set(name, value); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := newPlugin(t, tt.settings); err != nil {
				t.Fatalf("New(%v): %v", tt.settings, err)
			}
			got := flagValues()
			for name, want := range tt.want {
				if got[name] != want {
					t.Errorf("New(%v): flag %s = %q, want %q", tt.settings, name, got[name], want)
				}
			}
		})
	}
}

// TestRelativeKnowledge: a relative knowledge path is resolved against the
// working directory when the plugin is made.
func TestRelativeKnowledge(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "extra.txt")
	t.Chdir(dir)
	if _, err := newPlugin(t, map[string]any{"knowledge": "extra.txt"}); err != nil {
		t.Fatal(err)
	}
	if got, want := flagValues()["knowledge"], filepath.Join(dir, "extra.txt"); got != want {
		t.Errorf("knowledge = %q, want %q", got, want)
	}
}

// TestInvalidSettings: a setting the plugin does not know, or a value of
// the wrong type, is an error, not silently ignored.
func TestInvalidSettings(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name     string
		settings any
		want     string // in the error
	}{
		{"unknown setting", map[string]any{"gostopp": false}, `unknown field "gostopp"`},
		{"unknown beside known", map[string]any{"gostop": false, "lostcancel": true}, `unknown field "lostcancel"`},
		{"string for bool", map[string]any{"gostop": "no"}, "cannot unmarshal string"},
		{"number for string", map[string]any{"knowledge": 3}, "cannot unmarshal number"},
		{"not a mapping", []any{"gostop"}, "cannot unmarshal array"},
		{"missing knowledge file", map[string]any{"knowledge": filepath.Join(dir, "absent.txt")}, "knowledge:"},
		{"knowledge is a directory", map[string]any{"knowledge": dir}, "is a directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := flagValues()
			p, err := newPlugin(t, tt.settings)
			if err == nil {
				t.Fatalf("New(%v) = %v, nil; want an error", tt.settings, p)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "golifecheck settings: ") {
				t.Errorf("New(%v): error %q, want one starting %q and containing %q", tt.settings, err, "golifecheck settings: ", tt.want)
			}
			// A decoding error leaves the flags as they were.
			if tt.name != "missing knowledge file" && tt.name != "knowledge is a directory" {
				if after := flagValues(); !equal(before, after) {
					t.Errorf("New(%v) failed but changed the flags: %v -> %v", tt.settings, before, after)
				}
			}
		})
	}
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// finding is a diagnostic as golangci-lint makes it an issue: the
// analyzer's name (which prefixes the text), the file's base name,
// the line and the message.
type finding struct {
	analyzer, file string
	line           int
	message        string
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", f.file, f.line, f.analyzer, f.message)
}

// analyze runs analyzers on the testdata packages matching patterns and
// returns the findings of the root analyzers, the only ones golangci-lint
// reports.
func analyze(t *testing.T, analyzers []*analysis.Analyzer, patterns ...string) []finding {
	t.Helper()
	graph, err := checker.Analyze(analyzers, load(t, patterns...), &checker.Options{SanityCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	var findings []finding
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Fatalf("%s: %v", act, act.Err)
		}
		for _, d := range act.Diagnostics {
			if d.Related != nil {
				t.Errorf("%s: %q has related information %v; want it in the message", act, d.Message, d.Related)
			}
			p := act.Package.Fset.Position(d.Pos)
			findings = append(findings, finding{act.Analyzer.Name, filepath.Base(p.Filename), p.Line, d.Message})
		}
	}
	return findings
}

// loaded holds the testdata packages loaded so far, by pattern: loading
// them takes most of a test's time, and analyses leave them as they were.
var loaded = make(map[string][]*packages.Package)

// load loads the testdata packages matching patterns, with their
// dependencies' syntax, as analysistest does.
func load(t *testing.T, patterns ...string) []*packages.Package {
	t.Helper()
	key := strings.Join(patterns, " ")
	if pkgs, ok := loaded[key]; ok {
		return pkgs
	}
	testdata := analysistest.TestData()
	cfg := &packages.Config{
		Mode: packages.LoadAllSyntax,
		Dir:  filepath.Join(testdata, "src"),
		Env:  append(os.Environ(), "GOPATH="+testdata, "GO111MODULE=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatalf("loading %s failed", key)
	}
	loaded[key] = pkgs
	return pkgs
}

// want is an expected finding: its analyzer, file:line and a regular
// expression its message matches.
type want struct{ analyzer, at, message string }

// match checks that each want matches one finding, and every finding a want.
func match(t *testing.T, findings []finding, wants []want) {
	t.Helper()
	used := make([]bool, len(findings))
	for _, w := range wants {
		re := regexp.MustCompile(w.message)
		found := false
		for i, f := range findings {
			if !used[i] && f.analyzer == w.analyzer && fmt.Sprintf("%s:%d", f.file, f.line) == w.at && re.MatchString(f.message) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("no finding %s: %s: /%s/", w.at, w.analyzer, w.message)
		}
	}
	for i, f := range findings {
		if !used[i] {
			t.Errorf("unexpected finding %s", f)
		}
	}
}

// TestAnalysis runs the plugin's analyzers as the plugin configured them:
// each check's findings come from its own analyzer, without the check's
// name at the end (golangci-lint puts it in front) and with their evidence
// in the message; the settings reach the checks; facts cross packages.
func TestAnalysis(t *testing.T) {
	run := func(t *testing.T, settings map[string]any, patterns ...string) []finding {
		t.Helper()
		var p register.LinterPlugin
		var err error
		// New checks a knowledge file against the testdata packages.
		inTestdataGOPATH(t, func() { p, err = newPlugin(t, settings) })
		if err != nil {
			t.Fatal(err)
		}
		analyzers, err := p.BuildAnalyzers()
		if err != nil {
			t.Fatal(err)
		}
		findings := analyze(t, analyzers, patterns...)
		for _, f := range findings {
			if strings.Contains(f.message, " ("+f.analyzer+")") {
				t.Errorf("%s names its check twice", f)
			}
		}
		return findings
	}
	// The findings of package both, by check.
	both := map[string]want{
		"ctxcancel": {"ctxcancel", "both.go:11", `^the cancel function returned by context.WithTimeout is discarded; assign it`},
		"gostop":    {"gostop", "both.go:16", `^goroutine never stops: .*; see both.go:17: the goroutine never gets past here$`},
		"chanblock": {"chanblock", "both.go:25", `^send on ch blocks forever: .*; see both.go:23: ch is made here; see both.go:24: the goroutine starts here$`},
	}
	suppression := want{"suppression", "both.go:30", `^golifecheck:ignore gostop needs a reason`}
	t.Run("defaults", func(t *testing.T) {
		match(t, run(t, map[string]any{}, "both"), []want{both["ctxcancel"], both["gostop"], both["chanblock"], suppression})
	})
	for _, check := range analyzer.Checks() {
		t.Run(check+" off", func(t *testing.T) {
			wants := []want{suppression}
			for name, w := range both {
				if name != check {
					wants = append(wants, w)
				}
			}
			match(t, run(t, map[string]any{check: false}, "both"), wants)
		})
	}
	t.Run("knowledge", func(t *testing.T) {
		extra := filepath.Join(analysistest.TestData(), "src", "withknowledge", "extra.txt")
		match(t, run(t, map[string]any{"knowledge": extra}, "withknowledge"), []want{
			{"ctxcancel", "use.go:7", `^the cancel function returned by pool.Acquire is never called`},
		})
	})
	t.Run("facts", func(t *testing.T) {
		match(t, run(t, nil, "helper", "helperuse"), []want{
			{"ctxcancel", "use.go:11", `^the cancel function returned by helper.WithDeadline is discarded`},
			{"gostop", "use.go:16", `^goroutine never stops: the loop in helper.Poll \(helper.go:17\) has no exit`},
		})
	})
}

// TestForwarding wraps a fake analyzer: it runs once per package however
// many analyzers forward its findings; each forwarder reports its category
// only, without " (category)" at the end if the message has it, and with
// the related information folded in; the collector reports the categories
// without a forwarder, as they are but for the related information.
func TestForwarding(t *testing.T) {
	runs := make(map[string]int)
	fake := &analysis.Analyzer{
		Name: "fake",
		Doc:  "fake reports a fixed set of diagnostics",
		Run: func(pass *analysis.Pass) (any, error) {
			runs[pass.Pkg.Path()]++
			pos := pass.Files[0].Package
			for _, d := range []analysis.Diagnostic{
				{Category: "one", Message: "named (one)"},
				{Category: "one", Message: "unnamed"},
				{Category: "one", Message: "named another (two)"},
				{Category: "two", Message: "evidence (two)", Related: []analysis.RelatedInformation{
					{Pos: pos, Message: "here"}, {Message: "nowhere"}, {Pos: pos}, {},
				}},
				{Category: "three", Message: "no forwarder (three)", Related: []analysis.RelatedInformation{{Pos: pos, Message: "here"}}},
			} {
				d.Pos = pos
				pass.Report(d)
			}
			return nil, nil
		},
	}
	analyzers := golangci.NewAnalyzers(fake, []string{"one", "two"})
	if err := analysis.Validate(analyzers); err != nil {
		t.Fatal(err)
	}
	findings := analyze(t, analyzers, "both")
	match(t, findings, []want{
		{"one", "both.go:3", `^named$`},
		{"one", "both.go:3", `^unnamed$`},
		{"one", "both.go:3", `^named another \(two\)$`},
		{"two", "both.go:3", `^evidence; see both.go:3: here; see nowhere; see both.go:3$`},
		{"fake", "both.go:3", `^no forwarder \(three\); see both.go:3: here$`},
	})
	if want := map[string]int{"both": 1}; !maps.Equal(runs, want) {
		t.Errorf("the fake analyzer ran %v times by package, want %v", runs, want)
	}
}
