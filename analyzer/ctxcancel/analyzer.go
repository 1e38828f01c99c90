package ctxcancel

import (
	_ "embed"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"golang.org/x/tools/go/analysis"
)

//go:embed doc.go
var doc string

// Analyzer is the ctxcancel check; see the package documentation.
var Analyzer = &analysis.Analyzer{
	Name:     "ctxcancel",
	Doc:      lifecycle.DocSections(doc)["Analyzer ctxcancel"],
	URL:      "https://pkg.go.dev/github.com/golifecheck/golifecheck/analyzer/ctxcancel",
	Requires: []*analysis.Analyzer{lifecycle.Analyzer},
	Run:      run,
}

// A checker is ctxcancel's view of one package: the model's State, with caches
// of its own.
type checker struct {
	*lifecycle.State
}

func run(pass *analysis.Pass) (any, error) {
	lifecycle.Check(pass, func(s *lifecycle.State) { runCtxcancel(&checker{State: s}) })
	return nil, nil
}
