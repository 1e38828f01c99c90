package analyzer_test

import (
	"path/filepath"
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
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, "cancelhelper", "cancelhelperuse", "spawner", "spawneruse", "chanhelper", "chanhelperuse", "noreturn", "noreturnuse")
}

func TestCtxcancelFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), analyzer.Analyzer, "ctxcancelfix")
}

func TestMainIsExempt(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, "ctxcancelmain")
}

// TestKnowledgeFile extends the knowledge table with -knowledge.
func TestKnowledgeFile(t *testing.T) {
	flag := analyzer.Analyzer.Flags.Lookup("knowledge")
	if err := flag.Value.Set(filepath.Join(analysistest.TestData(), "src", "knowledgeuse", "extra.txt")); err != nil {
		t.Fatal(err)
	}
	defer flag.Value.Set("")
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, "knowledgeuse")
}

func TestGostop(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, "gostop", "gostopmain")
}

// TestRuntimePrimitives checks functions handed to golifecheck's runtime
// primitives, known as launchers through facts (a module-mode testdata
// module that uses this repository's runtime package).
func TestRuntimePrimitives(t *testing.T) {
	analysistest.Run(t, filepath.Join(analysistest.TestData(), "runtimeuse"), analyzer.Analyzer, "./...")
}

func TestSuppressions(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, "suppress")
}

func TestChanblock(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, "chanblock")
}

// TestLocksOnly checks a package with mutexes and no goroutine or
// channel: SSA is built for its locks all the same.
func TestLocksOnly(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), analyzer.Analyzer, "locksonly")
}

func TestChanblockFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), analyzer.Analyzer, "chanblockfix")
}
