package analyzer

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"
)

// TestInternalErrorIsReported checks that a panic inside a check becomes a
// diagnostic at the package clause instead of killing the run.
func TestInternalErrorIsReported(t *testing.T) {
	beforeChecks = func(s *state) {
		_ = s.funcs[len(s.funcs)] // a runtime error inside the analyzer
	}
	defer func() { beforeChecks = nil }()
	analysistest.Run(t, analysistest.TestData(), Analyzer, "internalerror")
}
