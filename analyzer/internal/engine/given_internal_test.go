package engine

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// givenExpr is the expression given is written from.
var givenExpr = regexp.MustCompile(`(^|[{(:])(p|fv):|\*(p|fv):[^.\[\]{}()\s]+\.\d`)

// TestGiven checks given against the expression on keys of the search's
// shapes and on random strings over the characters the expression tests.
func TestGiven(t *testing.T) {
	keys := []string{
		"p:n", "fv:n", "len:p:xs", "(+ p:n 1)", "{p:a}", "*p:b.3", "*p:b.x", "*fv:cfg.12",
		"*p:.3", "*p:b.", "x:p:n", "ap:n", "*p:b c.3", "(* (+ *p:b.0 1) 2)", "", "p", "fv",
	}
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "pfv:*{}()[]. \t0123456789ab"
	for range 200000 {
		b := make([]byte, r.IntN(14))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		keys = append(keys, string(b))
	}
	for _, k := range keys {
		if got, want := given(k), givenExpr.MatchString(k); got != want {
			t.Errorf("given(%q) = %v; the expression says %v", k, got, want)
		}
	}
}
