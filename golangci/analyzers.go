package golangci

import (
	"fmt"
	"go/token"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/golifecheck/golifecheck/analyzer"
)

// golangci-lint (v2.15.0) gives every issue of a module plugin the linter's
// name, "golifecheck", as FromLinter, which is also its SARIF ruleId
// (pkg/goanalysis: Linter.getLinterNameForDiagnostic, MetaLinter's
// analyzer-to-linter map; pkg/printers/sarif.go), and starts the issue's
// text with "ANALYZER: " when the analyzer's name is not the linter's
// (buildIssues in pkg/goanalysis/runners.go), and makes each related
// position an issue of its own. So the plugin hands it golifecheck's
// analyzers (analyzer.Analyzers: the shared one, named golifecheck, and one
// per check) each wrapped to fold its related information into the
// message and to drop a check's " (check)" ending, which golangci-lint's
// "check: " prefix already says: "gostop: goroutine never stops: ...
// (golifecheck)".

// analyzers are the plugin's analyzers, wrapped (see wrap). They are made
// once, so that every golangci-lint run of the process shares them.
var analyzers = wrapAll(analyzer.Analyzers())

// wrapAll wraps each analyzer of list and, in their place among the
// requirements, those it requires.
func wrapAll(list []*analysis.Analyzer) []*analysis.Analyzer {
	wrapped := make(map[*analysis.Analyzer]*analysis.Analyzer)
	var all []*analysis.Analyzer
	for _, a := range list {
		all = append(all, wrap(a, wrapped))
	}
	return all
}

// wrap returns a's wrapper, made once (wrapped holds those made): an
// analyzer of a's name, documentation, facts and result, requiring the
// wrappers of what a requires, which runs a with their results and reports
// its diagnostics folded (see fold).
func wrap(a *analysis.Analyzer, wrapped map[*analysis.Analyzer]*analysis.Analyzer) *analysis.Analyzer {
	if w, ok := wrapped[a]; ok {
		return w
	}
	w := &analysis.Analyzer{
		Name:       a.Name,
		Doc:        a.Doc,
		URL:        a.URL,
		FactTypes:  a.FactTypes,
		ResultType: a.ResultType,
	}
	wrapped[a] = w
	for _, req := range a.Requires {
		w.Requires = append(w.Requires, wrap(req, wrapped))
	}
	w.Run = func(pass *analysis.Pass) (any, error) {
		inner := *pass
		inner.Analyzer = a
		inner.ResultOf = make(map[*analysis.Analyzer]any)
		for _, req := range a.Requires {
			inner.ResultOf[req] = pass.ResultOf[wrapped[req]]
		}
		inner.Report = func(d analysis.Diagnostic) {
			if d.Category == a.Name {
				d.Message = strings.TrimSuffix(d.Message, " ("+d.Category+")")
			}
			pass.Report(fold(pass.Fset, d))
		}
		return a.Run(&inner)
	}
	return w
}

// fold returns d with its related information in its message, each entry
// as "; see FILE:LINE: MESSAGE", and none left apart: golangci-lint would
// make each entry an issue of its own.
func fold(fset *token.FileSet, d analysis.Diagnostic) analysis.Diagnostic {
	for _, r := range d.Related {
		if see := related(fset, r); see != "" {
			d.Message += "; see " + see
		}
	}
	d.Related = nil
	return d
}

// related renders r as "FILE:LINE: MESSAGE", FILE a base name, leaving out
// whichever of place and message r lacks.
func related(fset *token.FileSet, r analysis.RelatedInformation) string {
	p := fset.Position(r.Pos)
	switch {
	case !p.IsValid():
		return r.Message
	case r.Message == "":
		return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
	}
	return fmt.Sprintf("%s:%d: %s", filepath.Base(p.Filename), p.Line, r.Message)
}
