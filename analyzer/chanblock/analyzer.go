package chanblock

import (
	_ "embed"
	"flag"
	"reflect"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

//go:embed doc.go
var doc string

// Analyzer is the chanblock check; see the package documentation.
var Analyzer = &analysis.Analyzer{
	Name:     "chanblock",
	Doc:      lifecycle.DocSections(doc)["Analyzer chanblock"],
	URL:      "https://pkg.go.dev/github.com/golifecheck/golifecheck/analyzer/chanblock",
	Requires: []*analysis.Analyzer{lifecycle.Analyzer},
	Run:      run,
	Flags:    newFlags(),
	// gostop reads what chanblock found blocked forever (see Blocked).
	ResultType: reflect.TypeOf(new(Blocked)),
}

// runEngine is the -engine flag: report what the engine finds (see the
// package documentation). Off by default until its findings on real code
// are as precise as the rules' (docs/realcode.md).
var runEngine bool

func newFlags() flag.FlagSet {
	var fs flag.FlagSet
	fs.BoolVar(&runEngine, "engine", false, "also report the operations the engine finds blocked forever (experimental)")
	return fs
}

// Blocked is chanblock's Result: the goroutines it reported blocked
// forever. gostop does not report them again.
type Blocked struct {
	// Starts holds the goroutine starts (go statements, launcher calls)
	// whose goroutine chanblock reported blocked forever.
	Starts map[ssa.Instruction]bool
	// Funcs holds the functions in which chanblock reported an operation
	// that blocks forever: a goroutine started to run one is not reported
	// by gostop.
	Funcs map[*ssa.Function]bool
}

// A checker is chanblock's view of one package: the model's State, with caches
// of its own.
type checker struct {
	*lifecycle.State
	blocked  *Blocked
	reported map[string]bool // lines reported on (see line)
}

func run(pass *analysis.Pass) (any, error) {
	blocked := &Blocked{Starts: make(map[ssa.Instruction]bool), Funcs: make(map[*ssa.Function]bool)}
	lifecycle.Check(pass, func(s *lifecycle.State) {
		runChanblock(&checker{State: s, blocked: blocked, reported: make(map[string]bool)})
	})
	return blocked, nil // also after a panic, which Check reports
}
