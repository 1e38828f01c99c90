package analyzer_test

import (
	"testing"

	"github.com/golifecheck/golifecheck/analyzer"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestCtxcancel(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, "ctxcancel")
}
