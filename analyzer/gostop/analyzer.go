package gostop

import (
	_ "embed"

	"github.com/golifecheck/golifecheck/analyzer/chanblock"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
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
	// onceFuncs holds the functions stored in a once field (see
	// onceStored), built on first use.
	onceFuncs map[*ssa.Function]bool
	// bounded memoizes boundedPerProcess.
	bounded map[*ssa.Function]bool
}

func run(pass *analysis.Pass) (any, error) {
	blocked := pass.ResultOf[chanblock.Analyzer].(*chanblock.Blocked)
	lifecycle.Check(pass, func(s *lifecycle.State) {
		runGostop(&checker{State: s, blocked: blocked, bounded: make(map[*ssa.Function]bool)})
	})
	return nil, nil
}
