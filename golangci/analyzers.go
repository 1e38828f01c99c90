package golangci

import (
	"fmt"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/golifecheck/golifecheck/analyzer"
)

// golangci-lint (v2.15.0) gives every issue of a module plugin the linter's
// name, "golifecheck", as FromLinter, which is also its SARIF ruleId
// (pkg/goanalysis: Linter.getLinterNameForDiagnostic, MetaLinter's
// analyzer-to-linter map; pkg/printers/sarif.go), and starts the issue's
// text with "ANALYZER: " when the analyzer's name is not the linter's
// (buildIssues in pkg/goanalysis/runners.go). So the plugin hands it one
// analyzer per check, each reporting that check's findings only: "gostop:
// goroutine never stops: ... (golifecheck)". They forward the findings of
// one run of analyzer.Analyzer per package, made by the collector they
// require.

// categories are the diagnostic categories of analyzer.Analyzer that have
// an analyzer of their own: the checks, then misused suppression comments
// and recovered panics.
func categories() []string {
	return append(analyzer.Checks(), "suppression", "internal")
}

// analyzers are the plugin's analyzers: the collector, then one forwarder
// per category. They are made once, so that every golangci-lint run of the
// process shares them.
var analyzers = newAnalyzers(analyzer.Analyzer, categories())

// newAnalyzers returns a collector running a and a forwarder for each of
// categories.
func newAnalyzers(a *analysis.Analyzer, categories []string) []*analysis.Analyzer {
	own := make(map[string]bool)
	for _, c := range categories {
		own[c] = true
	}
	c := collector(a, own)
	all := []*analysis.Analyzer{c}
	for _, category := range categories {
		all = append(all, forwarder(c, category))
	}
	return all
}

// byCategory is the collector's result: a package's diagnostics by category.
type byCategory map[string][]analysis.Diagnostic

// collector returns an analyzer that runs a once per package, with a's
// facts, requirements and name, and returns the diagnostics of the own
// categories instead of reporting them. It reports those of any other
// category itself, their related information folded in: under a's name,
// which is the linter's, they read as they did before per-check analyzers.
func collector(a *analysis.Analyzer, own map[string]bool) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:       a.Name,
		Doc:        a.Doc,
		URL:        a.URL,
		Requires:   a.Requires,
		FactTypes:  a.FactTypes,
		ResultType: reflect.TypeFor[byCategory](),
		Run: func(pass *analysis.Pass) (any, error) {
			diags := make(byCategory)
			inner := *pass
			inner.Report = func(d analysis.Diagnostic) {
				if own[d.Category] {
					diags[d.Category] = append(diags[d.Category], d)
				} else {
					pass.Report(fold(pass.Fset, d))
				}
			}
			if _, err := a.Run(&inner); err != nil {
				return nil, err
			}
			return diags, nil
		},
	}
}

// forwarder returns the analyzer named after category, which reports the
// collector's diagnostics of that category, their message without its
// " (category)" ending (golangci-lint's "category: " prefix says it) and
// their related information folded in.
func forwarder(from *analysis.Analyzer, category string) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:     category,
		Doc:      categoryDoc(category),
		URL:      from.URL,
		Requires: []*analysis.Analyzer{from},
		Run: func(pass *analysis.Pass) (any, error) {
			for _, d := range pass.ResultOf[from].(byCategory)[category] {
				d.Message = strings.TrimSuffix(d.Message, " ("+category+")")
				pass.Report(fold(pass.Fset, d))
			}
			return nil, nil
		},
	}
}

// categoryDoc documents the forwarder of category.
func categoryDoc(category string) string {
	switch category {
	case "suppression":
		return "misused //golifecheck:ignore comments\n\nA suppression comment without a reason, naming an unknown check, or silencing nothing."
	case "internal":
		return "golifecheck's internal errors\n\nA panic inside golifecheck, recovered and reported on the package it analyzed."
	}
	if doc, ok := analyzer.CheckDoc(category); ok {
		return doc
	}
	return "golifecheck's " + category + " findings"
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
