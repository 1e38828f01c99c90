package ctxcancel_test

import (
	"path/filepath"
	"testing"

	"github.com/golifecheck/golifecheck/analyzer/internal/wants"

	"github.com/golifecheck/golifecheck/analyzer"
	"github.com/golifecheck/golifecheck/analyzer/ctxcancel"
	"golang.org/x/tools/go/analysis/analysistest"
)

// testdata is ctxcancel's directory under analyzer/testdata.
var testdata = wants.TestData("ctxcancel")

func TestCtxcancel(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), testdata, ctxcancel.Analyzer, "ctxcancel", "suppress")
}

// TestFactsAcrossPackages checks findings that rest on another package's
// facts (standalone mode; cmd/golifecheck's tests run go vet on the same
// packages).
func TestFactsAcrossPackages(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), testdata, ctxcancel.Analyzer, "cancelhelperuse", "noreturn", "noreturnuse", "responseonly", "fetchonly", "readhelperuse")
}

func TestFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(wants.Diagnostics(t), testdata, ctxcancel.Analyzer, "ctxcancelfix")
}

func TestMainIsExempt(t *testing.T) {
	analysistest.Run(wants.Diagnostics(t), testdata, ctxcancel.Analyzer, "ctxcancelmain")
}

// TestKnowledgeFile extends the knowledge table with -knowledge.
func TestKnowledgeFile(t *testing.T) {
	flag := analyzer.Model.Flags.Lookup("knowledge")
	if err := flag.Value.Set(filepath.Join(testdata, "src", "knowledgeuse", "extra.txt")); err != nil {
		t.Fatal(err)
	}
	defer flag.Value.Set("")
	analysistest.Run(wants.Diagnostics(t), testdata, ctxcancel.Analyzer, "knowledgeuse")
}
