// Package wants splits analysistest's expectations between golifecheck's
// analyzers: the checks report diagnostics, and the shared analyzer
// (lifecycle) exports the facts, while one testdata file asserts both with
// // want comments. Each test checks the half its analyzer owns.
package wants

import (
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis/analysistest"
)

// Diagnostics passes t's errors on, except those of expected facts: for a
// check's test.
func Diagnostics(t analysistest.Testing) analysistest.Testing {
	return filter{t, "no fact was reported matching"}
}

// Facts passes t's errors on, except those of expected diagnostics: for
// the shared analyzer's test of facts on the checks' testdata.
func Facts(t analysistest.Testing) analysistest.Testing {
	return filter{t, "no diagnostic was reported matching"}
}

// A filter drops the errors whose text contains drop.
type filter struct {
	t    analysistest.Testing
	drop string
}

func (f filter) Errorf(format string, args ...any) {
	if strings.Contains(fmt.Sprintf(format, args...), f.drop) {
		return
	}
	f.t.Errorf(format, args...)
}

// TestData returns the absolute path of analyzer/testdata/CHECK from the
// directory of a check's package (analyzer/CHECK), where tests run: the
// GOPATH-like tree of CHECK's testdata packages.
func TestData(check string) string {
	abs, err := filepath.Abs(filepath.Join("..", "testdata", check))
	if err != nil {
		return filepath.Join("..", "testdata", check) // analysistest reports the failure to load
	}
	return abs
}
