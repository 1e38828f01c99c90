package analyzer_test

import (
	"testing"

	"github.com/golifecheck/golifecheck/analyzer"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestCtxcancel(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, "ctxcancel")
}

// TestFactsAcrossPackages checks findings that rest on another package's
// facts (standalone mode; cmd/golifecheck's tests run go vet on the same
// packages).
func TestFactsAcrossPackages(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, "cancelhelper", "cancelhelperuse")
}

func TestCtxcancelFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), analyzer.Analyzer, "ctxcancelfix")
}
