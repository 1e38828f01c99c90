package golangci_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis/analysistest"

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

func TestPlugin(t *testing.T) {
	p, err := newPlugin(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	analyzers, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	if len(analyzers) != 1 || analyzers[0] != analyzer.Analyzer {
		t.Errorf("BuildAnalyzers() = %v, want [analyzer.Analyzer]", analyzers)
	}
	if mode := p.GetLoadMode(); mode != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode() = %q, want %q", mode, register.LoadModeTypesInfo)
	}
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

// TestAnalysis runs the analyzer as the plugin configured it: the settings
// reach the checks.
func TestAnalysis(t *testing.T) {
	testdata := analysistest.TestData()
	t.Run("defaults", func(t *testing.T) {
		if _, err := newPlugin(t, map[string]any{}); err != nil {
			t.Fatal(err)
		}
		analysistest.Run(t, testdata, analyzer.Analyzer, "both")
	})
	t.Run("gostop off", func(t *testing.T) {
		if _, err := newPlugin(t, map[string]any{"gostop": false}); err != nil {
			t.Fatal(err)
		}
		analysistest.Run(t, testdata, analyzer.Analyzer, "nogostop")
	})
	t.Run("knowledge", func(t *testing.T) {
		extra := filepath.Join(testdata, "src", "withknowledge", "extra.txt")
		if _, err := newPlugin(t, map[string]any{"knowledge": extra}); err != nil {
			t.Fatal(err)
		}
		analysistest.Run(t, testdata, analyzer.Analyzer, "withknowledge")
	})
}
