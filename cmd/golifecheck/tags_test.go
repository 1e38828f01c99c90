package main_test

import (
	"strings"
	"testing"
)

// special, built only with the tag special, discards a cancel.
const special = `//go:build special

package m

import "context"

func Leak(ctx context.Context) { ctx2, _ := context.WithCancel(ctx); _ = ctx2 }
`

// TestTags: -tags makes golifecheck analyze the files under those build
// tags, in every spelling of the flag; under go vet, go vet handles -tags.
func TestTags(t *testing.T) {
	t.Parallel()
	bin := build(t)
	dir := writeModule(t, map[string]string{
		"special.go": special,
		"clean.go":   "package m\n\nfunc Clean() int { return 1 }\n",
	})
	const finding = "special.go:7:45: the cancel function returned by context.WithCancel is discarded"
	if code, stdout, stderr := run(t, dir, bin, "./..."); code != 0 || stdout+stderr != "" {
		t.Errorf("without -tags: want nothing and exit 0, got %d\n%s%s", code, stdout, stderr)
	}
	for _, args := range [][]string{
		{"-tags", "special"},
		{"-tags=special"},
		{"--tags=special"},
		{"-tags", "other special"}, // the old space-separated syntax
		{"-ctxcancel", "-c", "0", "-tags", "special,other"}, // -c takes a value
	} {
		code, _, stderr := run(t, dir, bin, append(args, "./...")...)
		if code != 3 || !strings.Contains(stderr, finding) {
			t.Errorf("%q: want the finding and exit 3, got %d\n%s", args, code, stderr)
		}
	}
	if code, _, stderr := run(t, dir, bin, "-tags", "other", "./..."); code != 0 || stderr != "" {
		t.Errorf("-tags other: want nothing and exit 0, got %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, dir, "go", "vet", "-vettool="+bin, "-tags", "special", "./..."); code == 0 || !strings.Contains(stderr, finding) {
		t.Errorf("go vet -tags special: want the finding and a failure, got %d\n%s", code, stderr)
	}
	if code, _, stderr := run(t, dir, "go", "vet", "-vettool="+bin, "./..."); code != 0 {
		t.Errorf("go vet: want exit 0, got %d\n%s", code, stderr)
	}
}
