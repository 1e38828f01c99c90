package ctxcancel_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golifecheck/golifecheck/analyzer/ctxcancel"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/passes/lostcancel"
)

// ignoreWants swallows analysistest's complaints about unmatched // want
// comments: lostcancel's testdata expects lostcancel's messages.
type ignoreWants struct{}

func (ignoreWants) Errorf(string, ...any) {}

// TestLostcancelParity runs go vet's lostcancel and golifecheck over
// lostcancel's own testdata, in place in the module cache, and requires
// golifecheck to report every lostcancel finding on the same line, with
// the return that leaks as related information.
func TestLostcancelParity(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/tools").Output()
	if err != nil {
		t.Fatalf("locating golang.org/x/tools: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "go", "analysis", "passes", "lostcancel", "testdata")
	pkgs := []string{"a", "b", "typeparams"}

	want := diagnostics(analysistest.Run(ignoreWants{}, dir, lostcancel.Analyzer, pkgs...))
	got := make(map[string]bool) // lines with a golifecheck finding that shows its evidence
	for _, d := range diagnostics(analysistest.Run(ignoreWants{}, dir, ctxcancel.Analyzer, pkgs...)) {
		if d.related > 0 || strings.Contains(d.message, "discarded") {
			got[d.line] = true
		}
	}

	// lostcancel reports a second diagnostic, "this return statement may be
	// reached...", for each finding; golifecheck puts it in Related.
	n := 0
	for _, w := range want {
		if strings.HasPrefix(w.message, "this return statement") {
			continue
		}
		n++
		if !got[w.line] {
			t.Errorf("%s: lostcancel reports %q; golifecheck reports nothing there", w.line, w.message)
		}
	}
	if n < 10 {
		t.Fatalf("lostcancel reported only %d findings on its testdata; is the testdata there?", n)
	}
	if !t.Failed() {
		t.Logf("golifecheck reports all %d lostcancel findings", n)
	}
}

type diag struct {
	line    string // file:line
	message string
	related int
}

func diagnostics(results []*analysistest.Result) []diag {
	var ds []diag
	for _, r := range results {
		for _, d := range r.Diagnostics {
			p := r.Pass.Fset.Position(d.Pos)
			ds = append(ds, diag{
				line:    fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line),
				message: d.Message,
				related: len(d.Related),
			})
		}
	}
	return ds
}
