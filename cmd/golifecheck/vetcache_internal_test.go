package main

import "testing"

// TestVetCacheKey: -V=full's line is the executable's alone under a go
// vet that keys its cache by VetxOnly (Go 1.27) and when run by hand; under
// Go 1.26's go vet it changes with the command go vet runs.
func TestVetCacheKey(t *testing.T) {
	line := func(release, key string) string {
		t.Setenv("GOVERSION", release)
		t.Setenv(vetKeyEnv, key)
		l, err := fullVersionLine()
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	plain := line("", "")
	for _, release := range []string{"", "go1.27.3", "go1.28rc1", "devel go1.28-0123456789ab"} {
		if got := line(release, "a"); got != plain {
			t.Errorf("GOVERSION=%q: want the executable's line %q, got %q", release, plain, got)
		}
	}
	a, b := line("go1.26.8", "a"), line("go1.26.8", "b")
	if a == plain || a == b {
		t.Errorf("GOVERSION=go1.26.8: want a line per key, got %q for a, %q for b, %q by hand", a, b, plain)
	}
	if again := line("go1.26.8", "a"); again != a {
		t.Errorf("GOVERSION=go1.26.8: want the same line for the same key, got %q then %q", a, again)
	}
}

// TestCheckGoRelease: the releases golifecheck runs under.
func TestCheckGoRelease(t *testing.T) {
	for release, ok := range map[string]bool{
		"go1.24.3": false, "go1.25.0": false, "go1.25.9": false,
		"go1.26.0": true, "go1.26.8": true, "go1.26rc1": true,
		"go1.99.0": false, "devel go1.99-0123456789ab": true,
	} {
		if err := checkGoRelease(release); (err == nil) != ok {
			t.Errorf("checkGoRelease(%q) = %v, want ok %v", release, err, ok)
		}
	}
}
