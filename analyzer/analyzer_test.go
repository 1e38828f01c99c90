package analyzer_test

import (
	"slices"
	"testing"

	"github.com/golifecheck/golifecheck/analyzer"
	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
)

// TestCheckNames keeps the names suppression comments may give (the shared
// analyzer's list, which cannot import the checks) in step with Checks.
func TestCheckNames(t *testing.T) {
	if got, want := lifecycle.CheckNames, analyzer.CheckNames(); !slices.Equal(got, want) {
		t.Errorf("lifecycle.CheckNames = %v, want the checks' names %v", got, want)
	}
}
