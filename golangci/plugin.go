package golangci

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/golifecheck/golifecheck/analyzer"
)

func init() {
	register.Plugin("golifecheck", New)
}

// Settings are the plugin's settings, from
// linters.settings.custom.golifecheck.settings in .golangci.yml. Each maps
// onto the analyzer flag of the same name; one left out keeps the flag's
// default.
type Settings struct {
	// Ctxcancel, when false, switches the ctxcancel check off.
	Ctxcancel *bool `json:"ctxcancel,omitempty" yaml:"ctxcancel,omitempty"`
	// Gostop, when false, switches the gostop check off.
	Gostop *bool `json:"gostop,omitempty" yaml:"gostop,omitempty"`
	// Chanblock, when false, switches the chanblock check off.
	Chanblock *bool `json:"chanblock,omitempty" yaml:"chanblock,omitempty"`
	// Knowledge names a file of extra knowledge-table entries (the format
	// of analyzer/knowledge.txt). A relative path is taken from the
	// directory golangci-lint runs in.
	Knowledge string `json:"knowledge,omitempty" yaml:"knowledge,omitempty"`
}

// New is the plugin's constructor, called by golangci-lint with the
// linter's settings. It sets analyzer.Model's -knowledge flag and picks the
// checks to run from them; a setting
// it does not know, one of the wrong type, or a knowledge file that the
// standalone command's -knowledge would reject is an error, whose text
// starts "golifecheck settings: ".
func New(settings any) (register.LinterPlugin, error) {
	// DecodeSettings rejects unknown fields (json.Decoder's
	// DisallowUnknownFields) and values of the wrong type.
	s, err := register.DecodeSettings[Settings](settings)
	if err != nil {
		return nil, fmt.Errorf("golifecheck settings: %w", err)
	}
	if err := s.apply(&analyzer.Model.Flags); err != nil {
		return nil, fmt.Errorf("golifecheck settings: %w", err)
	}
	return plugin{off: s.off()}, nil
}

// apply sets the shared analyzer's -knowledge flag from the settings, to
// its default when they leave it out, so that the analyzer's configuration
// is the settings' whatever was set before.
func (s Settings) apply(fs *flag.FlagSet) error {
	knowledge := s.Knowledge
	if knowledge != "" {
		// Fail now, with the setting's name, rather than on every package
		// (a missing file, a directory, a bad entry);
		// and fix the path in case the working directory changes.
		abs, err := filepath.Abs(knowledge)
		if err != nil {
			return fmt.Errorf("knowledge: %w", err)
		}
		info, err := os.Stat(abs)
		if err != nil {
			return fmt.Errorf("knowledge: %w", err)
		}
		if info.IsDir() {
			return fmt.Errorf("knowledge: %s is a directory", abs)
		}
		// The standalone command's check and words: a bad entry would
		// otherwise fail the analysis of every package.
		if err := analyzer.CheckKnowledgeFile(knowledge); err != nil {
			return fmt.Errorf("knowledge: %w", err)
		}
		knowledge = abs
	}
	f := fs.Lookup("knowledge")
	if f == nil {
		return fmt.Errorf("the analyzer has no flag %q", "knowledge")
	}
	if err := fs.Set(f.Name, knowledge); err != nil {
		return fmt.Errorf("knowledge: %w", err)
	}
	return nil
}

// off returns the names of the checks the settings switch off.
func (s Settings) off() map[string]bool {
	off := make(map[string]bool)
	for name, on := range map[string]*bool{"ctxcancel": s.Ctxcancel, "gostop": s.Gostop, "chanblock": s.Chanblock} {
		if on != nil && !*on {
			off[name] = true
		}
	}
	return off
}

// plugin is the linter: golifecheck's analyzers but the checks switched
// off.
type plugin struct{ off map[string]bool }

// BuildAnalyzers returns golifecheck's analyzers, wrapped for
// golangci-lint (see analyzers), but the checks the settings switch off.
func (p plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	var on []*analysis.Analyzer
	for _, a := range analyzers {
		if !p.off[a.Name] {
			on = append(on, a)
		}
	}
	return on, nil
}

// GetLoadMode asks for type information: golifecheck builds SSA.
func (plugin) GetLoadMode() string {
	return register.LoadModeTypesInfo
}
