package main_test

import (
	"strings"
	"testing"
)

// vetBugs has a bug for go vet's printf analyzer, one for its copylocks
// analyzer and a goroutine leak for golifecheck's gostop check.
const vetBugs = `package m

import (
	"fmt"
	"sync"
	"time"
)

type T struct{ mu sync.Mutex }

func Print(n int) { fmt.Printf("%s\n", n) }

func Copy(t T) T { return t }

func Leak() {
	go func() {
		for {
			time.Sleep(time.Second)
		}
	}()
}
`

const (
	printfFinding   = "fmt.Printf format %s has arg n of wrong type int"
	copylockFinding = "Copy passes lock by value"
	leakFinding     = "goroutine never stops"
)

// TestVetSuite: go vet -vettool=golifecheck reports what go vet's own
// analyzers report (printf, copylocks) as well as the lifecycle checks'
// findings; -vet=false switches the suite off, -printf=false one of its
// analyzers, -gostop=false a lifecycle check, each leaving the others on.
// Standalone, the suite is off unless -vet is given.
func TestVetSuite(t *testing.T) {
	bin := build(t)
	dir := writeModule(t, map[string]string{"m.go": vetBugs})
	all := []string{printfFinding, copylockFinding, leakFinding}
	for _, c := range []struct {
		args       []string
		want       []string
		wantCode   int
		wantNoneOf []string
	}{
		{[]string{"vet", "-vettool=" + bin}, all, 1, nil},
		{[]string{"vet", "-vettool=" + bin, "-vet=false"}, []string{leakFinding}, 1, []string{printfFinding, copylockFinding}},
		{[]string{"vet", "-vettool=" + bin, "-printf=false"}, []string{copylockFinding, leakFinding}, 1, []string{printfFinding}},
		{[]string{"vet", "-vettool=" + bin, "-gostop=false"}, []string{printfFinding, copylockFinding}, 1, []string{leakFinding}},
	} {
		code, _, stderr := run(t, dir, "go", append(c.args, "./...")...)
		checkFindings(t, c.args, code, stderr, c.wantCode, c.want, c.wantNoneOf)
	}
	for _, c := range []struct {
		args       []string
		want       []string
		wantNoneOf []string
	}{
		{nil, []string{leakFinding}, []string{printfFinding, copylockFinding}},
		{[]string{"-vet"}, all, nil},
		{[]string{"-vet", "-test=false"}, all, nil}, // the in-process checker
	} {
		code, _, stderr := run(t, dir, bin, append(c.args, "./...")...)
		checkFindings(t, append([]string{"golifecheck"}, c.args...), code, stderr, 3, c.want, c.wantNoneOf)
	}
	// Every finding of plain go vet is one of golifecheck's.
	_, _, plain := run(t, dir, "go", "vet", "./...")
	_, _, glc := run(t, dir, "go", "vet", "-vettool="+bin, "./...")
	for _, line := range strings.Split(plain, "\n") {
		if strings.Contains(line, ".go:") && !strings.Contains(glc, line) {
			t.Errorf("go vet reports %q, go vet -vettool=golifecheck does not:\n%s", line, glc)
		}
	}
}

// checkFindings checks a run's exit status and output against the
// findings wanted and those not wanted.
func checkFindings(t *testing.T, args []string, code int, out string, wantCode int, want, wantNoneOf []string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("%v: want exit %d, got %d\n%s", args, wantCode, code, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%v: want %q reported, got:\n%s", args, w, out)
		}
	}
	for _, w := range wantNoneOf {
		if strings.Contains(out, w) {
			t.Errorf("%v: want no %q, got:\n%s", args, w, out)
		}
	}
}
