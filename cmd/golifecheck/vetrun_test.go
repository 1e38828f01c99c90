package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// logGo puts on PATH a go command that appends its arguments to a log
// before it runs the real one, and returns the log's name.
func logGo(t *testing.T) string {
	t.Helper()
	real, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "go.log")
	script := "#!/bin/sh\necho \"$*\" >>" + log + "\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

// TestStandaloneRunsGoVet: golifecheck ./... runs go vet with itself as
// the vet tool, and prints the findings; flags go vet cannot pass on keep
// the in-process checker.
func TestStandaloneRunsGoVet(t *testing.T) {
	bin := build(t)
	log := logGo(t)
	dir := writeModule(t, map[string]string{"f.go": fixable})
	if code, _, stderr := run(t, dir, bin, "-gostop=false", "./..."); code != 3 || !strings.Contains(stderr, cancelFinding) {
		t.Errorf("want the finding and exit 3, got %d\n%s", code, stderr)
	}
	data, _ := os.ReadFile(log)
	if want := "vet -vettool=" + bin + " -json -vet=false -gostop=false ./..."; !strings.Contains(string(data), want) {
		t.Errorf("want go %s run, got:\n%s", want, data)
	}
	os.Remove(log)
	if code, _, stderr := run(t, dir, bin, inProcess, "./..."); code != 3 || !strings.Contains(stderr, cancelFinding) {
		t.Errorf("%s: want the finding and exit 3, got %d\n%s", inProcess, code, stderr)
	}
	data, _ = os.ReadFile(log)
	if strings.Contains(string(data), "vet ") {
		t.Errorf("%s: want no go vet run, got:\n%s", inProcess, data)
	}
}

// TestVetUsesStdFacts: under go vet, the standard library's packages,
// analyzed for their facts only, take them from the embedded table: none
// is analyzed, cgo's packages (net, runtime/cgo) included. The binary is
// given bytes of its own so that go vet has no result of it cached.
func TestVetUsesStdFacts(t *testing.T) {
	bin := build(t)
	f, err := os.OpenFile(bin, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(time.Now().String())
	f.Close()
	log := filepath.Join(t.TempDir(), "stdfacts.log")
	t.Setenv("GOLIFECHECK_STDFACTS_LOG", log)
	dir := writeModule(t, map[string]string{"h.go": `package m

import (
	"context"
	"log"
	"net/http"
	"time"
)

func Get(ctx context.Context, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

func Wait(parent context.Context, ok bool) {
	ctx, cancel := context.WithCancel(parent)
	if ok {
		<-ctx.Done()
		cancel()
	} else {
		log.Fatal("not ok")
	}
}
`})
	// The finding rests on net/http's facts: the request keeps ctx. Wait
	// is silent only if log.Fatal's noReturn fact came from the table.
	code, _, stderr := run(t, dir, "go", "vet", "-vettool="+bin, "./...")
	if code != 1 || !strings.Contains(stderr, "h.go:11:17: the cancel function returned by context.WithTimeout is deferred") {
		t.Errorf("want the finding, got %d\n%s", code, stderr)
	}
	if strings.Contains(stderr, "h.go:21:") {
		t.Errorf("want no finding in Wait, whose other path ends in log.Fatal:\n%s", stderr)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for _, want := range []string{"runtime from the table", "runtime/cgo from the table", "net from the table", "net/http from the table"} {
		if !strings.Contains("\n"+string(data), "\n"+want+"\n") {
			t.Errorf("want %q in the log", want)
		}
	}
	for _, l := range lines {
		if !strings.HasSuffix(l, " from the table") {
			t.Errorf("want every std package's facts from the table, got %q", l)
		}
	}
}
