package golangci_test

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
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

// flagValues returns the shared analyzer's flag values by name.
func flagValues() map[string]string {
	values := make(map[string]string)
	analyzer.Model.Flags.VisitAll(func(f *flag.Flag) { values[f.Name] = f.Value.String() })
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

// TestPlugin: the plugin hands golangci-lint golifecheck's analyzers, each
// wrapped, their requirements wrapped too: the shared analyzer, named
// after the linter and carrying the facts, then one analyzer per check.
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
	want := append([]string{"golifecheck"}, analyzer.CheckNames()...)
	if got := names(analyzers); !slices.Equal(got, want) {
		t.Fatalf("BuildAnalyzers() = %v, want %v", got, want)
	}
	model := analyzers[0]
	if !slices.Equal(model.FactTypes, analyzer.Model.FactTypes) || model == analyzer.Model {
		t.Errorf("the first analyzer has facts %v; want a wrapper of analyzer.Model with its facts", model.FactTypes)
	}
	for _, a := range analyzers[1:] {
		if !slices.Contains(a.Requires, model) || a.FactTypes != nil {
			t.Errorf("%s requires %v and has facts %v; want the wrapped shared analyzer, no facts", a.Name, names(a.Requires), a.FactTypes)
		}
		for _, req := range a.Requires {
			if !slices.Contains(analyzers, req) {
				t.Errorf("%s requires %s, which is not one of the plugin's analyzers", a.Name, req.Name)
			}
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
// YAML), onto the shared analyzer's flags and the checks the plugin runs.
func TestSettings(t *testing.T) {
	dir := t.TempDir()
	extra := writeFile(t, dir, "extra.txt")
	all := analyzer.CheckNames()
	for _, tt := range []struct {
		name      string
		settings  any
		checks    []string
		knowledge string
	}{
		{"none", nil, all, ""},
		{"empty", map[string]any{}, all, ""},
		{"gostop off", map[string]any{"gostop": false}, []string{"ctxcancel", "chanblock"}, ""},
		{"ctxcancel off", map[string]any{"ctxcancel": false}, []string{"chanblock", "gostop"}, ""},
		{"chanblock off", map[string]any{"chanblock": false}, []string{"ctxcancel", "gostop"}, ""},
		{"both explicit", map[string]any{"ctxcancel": false, "gostop": true}, []string{"chanblock", "gostop"}, ""},
		{"both off", map[string]any{"ctxcancel": false, "gostop": false}, []string{"chanblock"}, ""},
		{"knowledge", map[string]any{"knowledge": extra}, all, extra},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Start from another knowledge file: New must set the flag,
			// not only when the settings name it.
			if err := analyzer.Model.Flags.Set("knowledge", extra+".old"); err != nil {
				t.Fatal(err)
			}
			p, err := newPlugin(t, tt.settings)
			if err != nil {
				t.Fatalf("New(%v): %v", tt.settings, err)
			}
			if got := flagValues()["knowledge"]; got != tt.knowledge {
				t.Errorf("New(%v): knowledge = %q, want %q", tt.settings, got, tt.knowledge)
			}
			analyzers, err := p.BuildAnalyzers()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := names(analyzers), append([]string{"golifecheck"}, tt.checks...); !slices.Equal(got, want) {
				t.Errorf("New(%v): analyzers %v, want %v", tt.settings, got, want)
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
	suppression := want{"golifecheck", "both.go:30", `^golifecheck:ignore gostop needs a reason.* \(suppression\)$`}
	t.Run("defaults", func(t *testing.T) {
		match(t, run(t, map[string]any{}, "both"), []want{both["ctxcancel"], both["gostop"], both["chanblock"], suppression})
	})
	for _, check := range analyzer.CheckNames() {
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

// TestWrapping wraps fake analyzers: each runs once per package, the
// requiring one reads the required one's result; a check's findings lose
// their " (check)" ending (golangci-lint's "check: " prefix says it),
// others keep it; related information is folded into the message.
func TestWrapping(t *testing.T) {
	runs := make(map[string]int)
	base := &analysis.Analyzer{
		Name:       "base",
		Doc:        "base returns its package's path",
		ResultType: reflect.TypeFor[string](),
		Run: func(pass *analysis.Pass) (any, error) {
			runs["base "+pass.Pkg.Path()]++
			return pass.Pkg.Path(), nil
		},
	}
	check := &analysis.Analyzer{
		Name:     "one",
		Doc:      "one reports a fixed set of diagnostics",
		Requires: []*analysis.Analyzer{base},
		Run: func(pass *analysis.Pass) (any, error) {
			runs["one "+pass.Pkg.Path()]++
			pos := pass.Files[0].Package
			for _, d := range []analysis.Diagnostic{
				{Category: "one", Message: "named in " + pass.ResultOf[base].(string) + " (one)"},
				{Category: "one", Message: "unnamed"},
				{Category: "suppression", Message: "another category (suppression)"},
				{Category: "one", Message: "evidence (one)", Related: []analysis.RelatedInformation{
					{Pos: pos, Message: "here"}, {Message: "nowhere"}, {Pos: pos}, {},
				}},
			} {
				d.Pos = pos
				pass.Report(d)
			}
			return nil, nil
		},
	}
	analyzers := golangci.WrapAll([]*analysis.Analyzer{base, check})
	if err := analysis.Validate(analyzers); err != nil {
		t.Fatal(err)
	}
	findings := analyze(t, analyzers, "both")
	match(t, findings, []want{
		{"one", "both.go:3", `^named in both$`},
		{"one", "both.go:3", `^unnamed$`},
		{"one", "both.go:3", `^another category \(suppression\)$`},
		{"one", "both.go:3", `^evidence; see both.go:3: here; see nowhere; see both.go:3$`},
	})
	if want := map[string]int{"base both": 1, "one both": 1}; !maps.Equal(runs, want) {
		t.Errorf("the fake analyzers ran %v times by package, want %v", runs, want)
	}
}
