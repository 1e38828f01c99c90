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

// BenchmarkVetCost measures what golifecheck adds to go vet, as whole
// processes: the wall time and the peak resident set size (the largest
// single process's, from getrusage's ru_maxrss: go vet or the vettool) of
// `go vet PATTERN` and `go vet -vettool=golifecheck PATTERN`, each run
// from its own copy of one GOCACHE that already holds every package
// compiled (go list -export -test -deps), so that both compile nothing
// and find no vet result cached. It reports seconds and megabytes per
// run, and golifecheck's ratios to go vet (wall-x, rss-x).
//
// The targets are the demo module (3 packages) and net/http with its
// tests. Run it with
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
	for _, target := range []struct{ name, dir, pattern string }{
		{"demo", demo, "./..."},
		{"net-http", demo, "net/http"},
	} {
		b.Run(target.name, func(b *testing.B) {
			warm := filepath.Join(b.TempDir(), "warm")
			prime := exec.Command("go", "list", "-export", "-test", "-deps", target.pattern)
			prime.Dir, prime.Env = target.dir, append(os.Environ(), "GOCACHE="+warm, "GOFLAGS=")
			if out, err := prime.CombinedOutput(); err != nil {
				b.Fatalf("go list: %v\n%s", err, out)
			}
			var vet, glc cost
			for i := 0; i < b.N; i++ {
				vet.add(vetRun(b, warm, target.dir, target.pattern))
				glc.add(vetRun(b, warm, target.dir, "-vettool="+bin, target.pattern))
			}
			n := float64(b.N)
			b.ReportMetric(vet.wall.Seconds()/n, "vet-s")
			b.ReportMetric(glc.wall.Seconds()/n, "glc-s")
			b.ReportMetric(float64(vet.rss)/n/1024, "vet-MB")
			b.ReportMetric(float64(glc.rss)/n/1024, "glc-MB")
			b.ReportMetric(glc.wall.Seconds()/vet.wall.Seconds(), "wall-x")
			b.ReportMetric(float64(glc.rss)/float64(vet.rss), "rss-x")
		})
	}
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
