package analyzer

import (
	_ "embed"
	"go/types"

	"github.com/golifecheck/golifecheck/analyzer/chanblock"
	"github.com/golifecheck/golifecheck/analyzer/ctxcancel"
	"github.com/golifecheck/golifecheck/analyzer/gostop"
	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"golang.org/x/tools/go/analysis"
)

//go:embed doc.go
var docSource string

// Checks are golifecheck's checks, one analyzer each, in the order of their
// documentation. Each Requires Model, whose Result it reads; gostop also
// Requires chanblock, whose findings it does not repeat.
var Checks = []*analysis.Analyzer{ctxcancel.Analyzer, chanblock.Analyzer, gostop.Analyzer}

// Model is the analyzer the checks share, named "golifecheck": it builds
// the SSA form, the knowledge table and the per-function summaries, exports
// the summaries as facts, and reports golifecheck's own problems
// (suppression comments that name no check or give no reason, internal
// errors). Its -knowledge flag extends the knowledge table.
var Model = lifecycle.Analyzer

// Analyzers returns the list a driver runs: Model, whose diagnostics are
// golifecheck's own, then Checks. cmd/golifecheck, the golangci-lint plugin
// and the tests all run it.
func Analyzers() []*analysis.Analyzer {
	return append([]*analysis.Analyzer{Model}, Checks...)
}

// CheckNames returns the names of the checks, in the order of Checks.
func CheckNames() []string {
	var names []string
	for _, a := range Checks {
		names = append(names, a.Name)
	}
	return names
}

// CheckDoc returns the documentation of the named check: its Analyzer's
// Doc, whose first line is its title.
func CheckDoc(name string) (string, bool) {
	for _, a := range Checks {
		if a.Name == name {
			return a.Doc, true
		}
	}
	return "", false
}

// Doc returns the documentation of golifecheck as a whole, the package
// documentation's "Analyzer golifecheck" section.
func Doc() string { return lifecycle.DocSections(docSource)["Analyzer golifecheck"] }

// SetFactsOnly tells golifecheck which packages the driver analyzes for
// their facts alone, discarding their diagnostics: under go vet, those of
// a run whose vet.cfg says VetxOnly. golifecheck's command sets it; other
// drivers need not. For a standard-library package whose sources match
// the embedded table, golifecheck then exports the table's facts instead
// of analyzing the package.
func SetFactsOnly(f func(*types.Package) bool) { lifecycle.SetFactsOnly(f) }

// CheckKnowledgeFile checks a knowledge file (the -knowledge flag's) as a
// driver should once, before any package is analyzed: its syntax, then each
// entry against the signature of what it names, in the packages the file
// names that the build can load from the working directory. The error names
// the file and the line ("extra.txt:2: context.WithCancel: result 5 is not
// a function").
func CheckKnowledgeFile(file string) error { return lifecycle.CheckKnowledgeFile(file) }
