package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkVetCost measures what golifecheck costs against go vet, as
// whole processes: the wall time and the peak resident set size (the
// largest single process's, from getrusage's ru_maxrss: go vet or the
// vettool) of `go vet PATTERN` (vet), `go vet -vettool=golifecheck
// PATTERN` (glc: go vet's suite and the lifecycle checks, what the README
// recommends) and `go vet -vettool=golifecheck -vet=false PATTERN` (lc: the
// lifecycle checks alone), run in turn, each from its own copy of a
// GOCACHE. It reports seconds and megabytes per run and the ratios to go
// vet: wall-x and rss-x for glc, lc-wall-x and lc-rss-x for lc.
//
// The targets: the demo module and net/http with its tests, from a GOCACHE
// that holds every package compiled (go list -export -test -deps) and no
// vet result, so that every package, the standard library's included, is
// analyzed; and demo-changed, the demo module with a comment added to one
// of its files from a GOCACHE that already holds the tool's results for
// the unchanged module (the everyday case: the standard library's vet
// results cached, the module's package compiled and analyzed again). Run
// it with
//
//	go test -run '^$' -bench VetCost -benchtime 3x ./cmd/golifecheck
func BenchmarkVetCost(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "golifecheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	demo, err := filepath.Abs("../../demo")
	if err != nil {
		b.Fatal(err)
	}
	tools := []struct {
		name string
		args []string
	}{
		{"vet", nil},
		{"glc", []string{"-vettool=" + bin}},
		{"lc", []string{"-vettool=" + bin, "-vet=false"}},
	}
	for _, target := range []struct {
		name, dir, pattern string
		changed            bool
	}{
		{"demo", demo, "./...", false},
		{"demo-changed", demo, "./...", true},
		{"net-http", demo, "net/http", false},
	} {
		b.Run(target.name, func(b *testing.B) {
			warm := filepath.Join(b.TempDir(), "warm")
			prime := exec.Command("go", "list", "-export", "-test", "-deps", target.pattern)
			prime.Dir, prime.Env = target.dir, append(os.Environ(), "GOCACHE="+warm, "GOFLAGS=")
			if out, err := prime.CombinedOutput(); err != nil {
				b.Fatalf("go list: %v\n%s", err, out)
			}
			caches := make([]string, len(tools)) // each tool's GOCACHE
			for i, tool := range tools {
				caches[i] = warm
				if target.changed { // the tool's results for the module as it is
					caches[i] = filepath.Join(b.TempDir(), tool.name)
					if err := os.CopyFS(caches[i], os.DirFS(warm)); err != nil {
						b.Fatal(err)
					}
					vet := exec.Command("go", append(append([]string{"vet"}, tool.args...), target.pattern)...)
					vet.Dir, vet.Env = target.dir, append(os.Environ(), "GOCACHE="+caches[i], "GOFLAGS=")
					vet.Run() // findings make it exit 1
				}
			}
			costs := make([]cost, len(tools))
			for i := 0; i < b.N; i++ {
				for j, tool := range tools {
					dir := target.dir
					if target.changed {
						dir = changedCopy(b, target.dir, i)
					}
					costs[j].add(vetRun(b, caches[j], dir, append(tool.args, target.pattern)...))
				}
			}
			n := float64(b.N)
			for j, tool := range tools {
				b.ReportMetric(costs[j].wall.Seconds()/n, tool.name+"-s")
				b.ReportMetric(float64(costs[j].rss)/n/1024, tool.name+"-MB")
			}
			vet, glc, lc := costs[0], costs[1], costs[2]
			b.ReportMetric(glc.wall.Seconds()/vet.wall.Seconds(), "wall-x")
			b.ReportMetric(float64(glc.rss)/float64(vet.rss), "rss-x")
			b.ReportMetric(lc.wall.Seconds()/vet.wall.Seconds(), "lc-wall-x")
			b.ReportMetric(float64(lc.rss)/float64(vet.rss), "lc-rss-x")
		})
	}
}

// changedCopy copies the module in dir to a temporary directory, appends a
// comment naming run to the first .go file of its service package, and
// returns the copy's directory.
func changedCopy(b *testing.B, dir string, run int) string {
	b.StopTimer()
	defer b.StartTimer()
	cp := filepath.Join(b.TempDir(), "m")
	if err := os.CopyFS(cp, os.DirFS(dir)); err != nil {
		b.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(cp, "service", "*.go"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no service/*.go in %s: %v", cp, err)
	}
	f, err := os.OpenFile(files[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "\n// changed for run %d\n", run); err != nil {
		b.Fatal(err)
	}
	return cp
}

// A cost sums runs' wall times and peak RSS (KiB).
type cost struct {
	wall time.Duration
	rss  int64
}

func (c *cost) add(r cost) {
	c.wall += r.wall
	c.rss += r.rss
}

// vetRun runs go vet with args in dir from a copy of the GOCACHE warm,
// outside the benchmark's timer, and returns its wall time and the peak
// RSS of its largest process. It runs go vet under this test binary (see
// TestMain), whose ru_maxrss for its children covers go vet and the vet
// tools go vet waits for.
func vetRun(b *testing.B, warm, dir string, args ...string) cost {
	b.StopTimer()
	defer b.StartTimer()
	cache := filepath.Join(b.TempDir(), "cache")
	if err := os.CopyFS(cache, os.DirFS(warm)); err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(cache)
	cmd := exec.Command(os.Args[0], append([]string{"go", "vet"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOCACHE="+cache, "GOFLAGS=", rusageEnv+"=1")
	start := time.Now()
	out, err := cmd.Output()
	wall := time.Since(start)
	var kib int64
	if _, scanErr := fmt.Sscan(string(out), &kib); scanErr != nil || err != nil {
		b.Fatalf("go vet %v: %v %v\n%s", args, err, scanErr, out)
	}
	return cost{wall: wall, rss: kib}
}

// rusageEnv set makes the test binary run its arguments as a command and
// print the peak RSS (KiB) of its largest descendant instead of testing.
const rusageEnv = "GOLIFECHECK_RUSAGE"

func TestMain(m *testing.M) {
	if os.Getenv(rusageEnv) == "" {
		os.Exit(m.Run())
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stderr = os.Stderr
	err := cmd.Run() // go vet exits non-zero on findings
	var ru syscall.Rusage
	if rerr := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); rerr != nil || cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, err, rerr)
		os.Exit(2)
	}
	fmt.Println(ru.Maxrss)
}
