package gostop_test

import (
	"path/filepath"
	"testing"

	"github.com/golifecheck/golifecheck/analyzer/internal/wants"

	"github.com/golifecheck/golifecheck/analyzer/gostop"
	"golang.org/x/tools/go/analysis/analysistest"
)

// testdata is gostop's directory under analyzer/testdata.
var testdata = wants.TestData("gostop")

func TestGostop(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), testdata, gostop.Analyzer, "gostop", "gostopmain", "gostopexit", "suppress")
}

// TestFactsAcrossPackages checks findings that rest on another package's
// facts.
func TestFactsAcrossPackages(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), testdata, gostop.Analyzer, "spawneruse")
}

// TestRuntimePrimitives checks functions handed to golifecheck's runtime
// primitives, known as launchers through facts (a module-mode testdata
// module that uses this repository's runtime package).
func TestRuntimePrimitives(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), filepath.Join(testdata, "runtimeuse"), gostop.Analyzer, "./...")
}
