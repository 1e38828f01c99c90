package gostop

import (
	_ "embed"

	"github.com/golifecheck/golifecheck/analyzer/chanblock"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"golang.org/x/tools/go/analysis"
)

//go:embed doc.go
var doc string

// Analyzer is the gostop check; see the package documentation.
var Analyzer = &analysis.Analyzer{
	Name:     "gostop",
	Doc:      lifecycle.DocSections(doc)["Analyzer gostop"],
	URL:      "https://pkg.go.dev/github.com/golifecheck/golifecheck/analyzer/gostop",
	Requires: []*analysis.Analyzer{lifecycle.Analyzer, chanblock.Analyzer},
	Run:      run,
}

// A checker is gostop's view of one package: the model's State, with caches
// of its own.
type checker struct {
	*lifecycle.State
	blocked *chanblock.Blocked // not reported again
}

func run(pass *analysis.Pass) (any, error) {
	blocked := pass.ResultOf[chanblock.Analyzer].(*chanblock.Blocked)
	lifecycle.Check(pass, func(s *lifecycle.State) { runGostop(&checker{State: s, blocked: blocked}) })
	return nil, nil
}
