package chanblock_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/golifecheck/golifecheck/analyzer/internal/wants"

	"github.com/golifecheck/golifecheck/analyzer/chanblock"
	"golang.org/x/tools/go/analysis/analysistest"
)

// testdata is chanblock's directory under analyzer/testdata.
var testdata = wants.TestData("chanblock")

func TestMain(m *testing.M) {
	// The testdata holds the engine's findings too (see the -engine flag).
	if err := chanblock.Analyzer.Flags.Set("engine", "true"); err != nil {
		fmt.Fprintln(os.Stderr, "chanblock tests: -engine:", err) // the engine's wants then fail
	}
	m.Run() // its status is the test binary's (Go 1.15 and later)
}

func TestChanblock(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), testdata, chanblock.Analyzer, "chanblock", "stopchan", "suppress")
}

// TestFactsAcrossPackages checks findings that rest on another package's
// facts.
func TestFactsAcrossPackages(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), testdata, chanblock.Analyzer, "chanhelperuse")
}

// TestLocksOnly checks a package with mutexes and no goroutine or
// channel: SSA is built for its locks all the same.
func TestLocksOnly(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), testdata, chanblock.Analyzer, "locksonly")
}

func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(wants.Diagnostics(t), testdata, chanblock.Analyzer, "chanblockfix")
}

// TestPoolFeeders checks the feeders of pools whose workers stop
// receiving once a context is done, known from another package's facts.
func TestPoolFeeders(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), testdata, chanblock.Analyzer, "userpooluse")
}

// TestRuntimePoolFeeders checks hand-written feeders of runtime.Pool,
// whose workers are known through this repository's runtime package's
// facts (a module-mode testdata module).
func TestRuntimePoolFeeders(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), filepath.Join(testdata, "poolfeed"), chanblock.Analyzer, "./...")
}
