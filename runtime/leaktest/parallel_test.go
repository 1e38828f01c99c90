package leaktest

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// parallelEnv makes the test binary run the TestChild tests, for
// TestCheckParallel: parallel tests and subtests, some of which leak.
const parallelEnv = "LEAKTEST_PARALLEL_CHILD"

// childGrace is the grace period of the checks that must find a leak: each
// such test waits this long.
const childGrace = 200 * time.Millisecond

// childLeakers is the number of goroutines the TestChild tests leak; the
// clean tests wait until all are running, so that their checks run while
// the other tests' leaks are there to be mistaken for theirs.
const childLeakers = 7

var (
	leakers   atomic.Int32
	allLeaked = make(chan struct{})
)

// leakStarted tells the clean tests that one more leaked goroutine is running.
func leakStarted() {
	if leakers.Add(1) == childLeakers {
		close(allLeaked)
	}
}

// awaitLeakers waits until all leaked goroutines are running, or a while.
func awaitLeakers(t *testing.T) {
	select {
	case <-allLeaked:
	case <-time.After(10 * time.Second):
		t.Log("not all leakers ran: is -test.parallel too low?") // the verdicts still count
	}
}

// block closes running and blocks forever on a channel nothing else can
// reach: a leak the goroutineleak profile can prove. Each test calls it from
// a goroutine of its own function, named after the test, so that the reports
// show who leaked, and waits until it runs.
func block(running chan<- struct{}) {
	ch := make(chan int)
	leakStarted()
	close(running)
	<-ch //golifecheck:ignore chanblock the leak TestCheckParallel's child process must detect
}

func skipUnlessChild(t *testing.T) {
	if os.Getenv(parallelEnv) != "1" {
		t.Skip("runs in the child process of TestCheckParallel")
	}
}

func TestChildLeakCheckThenParallel(t *testing.T) {
	skipUnlessChild(t)
	CheckTimeout(t, childGrace)
	t.Parallel()
	running := make(chan struct{})
	go func() { block(running) }()
	<-running
}

func TestChildLeakParallelThenCheck(t *testing.T) {
	skipUnlessChild(t)
	t.Parallel()
	CheckTimeout(t, childGrace)
	running := make(chan struct{})
	go func() { block(running) }()
	<-running
}

// TestChildLeakViaExitedGoroutine leaks from a goroutine whose parent has
// exited: the label is inherited all the same.
func TestChildLeakViaExitedGoroutine(t *testing.T) {
	skipUnlessChild(t)
	t.Parallel()
	CheckTimeout(t, childGrace)
	started := make(chan struct{})
	go func() {
		defer close(started)
		running := make(chan struct{})
		go func() { block(running) }()
		<-running
	}()
	<-started
}

func TestChildCleanCheckThenParallel(t *testing.T) {
	skipUnlessChild(t)
	Check(t)
	t.Parallel()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-stop
	}()
	t.Cleanup(func() { close(stop); <-done })
	awaitLeakers(t)
}

func TestChildCleanParallelThenCheck(t *testing.T) {
	skipUnlessChild(t)
	t.Parallel()
	Check(t)
	release := make(chan struct{})
	go func() { <-release }()
	// Still running when the check starts; it returns in the grace period.
	time.AfterFunc(20*time.Millisecond, func() { close(release) })
	awaitLeakers(t)
}

// TestChildUncheckedLeak leaks but does not call Check: nothing fails it,
// and its leak must not fail the tests that do call Check.
func TestChildUncheckedLeak(t *testing.T) {
	skipUnlessChild(t)
	t.Parallel()
	running := make(chan struct{})
	go func() { block(running) }()
	<-running
}

// TestChildSubtests checks itself and has subtests that check themselves:
// the leaking one fails (and so, as always, its parent), the clean one passes.
func TestChildSubtests(t *testing.T) {
	skipUnlessChild(t)
	t.Parallel()
	Check(t)
	t.Run("leaks", func(t *testing.T) {
		CheckTimeout(t, childGrace)
		t.Parallel()
		running := make(chan struct{})
		go func() { block(running) }()
		<-running
	})
	t.Run("clean", func(t *testing.T) {
		t.Parallel()
		Check(t)
		awaitLeakers(t)
	})
}

// TestChildParentCatchesSubtest leaks from a subtest that does not check
// itself: the parent's check finds it.
func TestChildParentCatchesSubtest(t *testing.T) {
	skipUnlessChild(t)
	CheckTimeout(t, childGrace)
	t.Parallel()
	t.Run("sub", func(t *testing.T) {
		t.Parallel()
		running := make(chan struct{})
		go func() { block(running) }()
		<-running
	})
}

// TestChildNestedCheck calls Check twice in one test: the second check ends
// first and sees the goroutines started after it; the first sees those too.
func TestChildNestedCheck(t *testing.T) {
	skipUnlessChild(t)
	t.Parallel()
	CheckTimeout(t, childGrace)
	running := make(chan struct{})
	go func() { block(running) }()
	<-running
	CheckTimeout(t, childGrace)
}

// childVerdicts are the results TestCheckParallel expects of the TestChild
// tests: exactly the tests that leaked, or whose subtest did, fail.
var childVerdicts = map[string]string{
	"TestChildLeakCheckThenParallel":    "FAIL",
	"TestChildLeakParallelThenCheck":    "FAIL",
	"TestChildLeakViaExitedGoroutine":   "FAIL",
	"TestChildCleanCheckThenParallel":   "PASS",
	"TestChildCleanParallelThenCheck":   "PASS",
	"TestChildUncheckedLeak":            "PASS",
	"TestChildSubtests":                 "FAIL",
	"TestChildSubtests/leaks":           "FAIL",
	"TestChildSubtests/clean":           "PASS",
	"TestChildParentCatchesSubtest":     "FAIL",
	"TestChildParentCatchesSubtest/sub": "PASS",
	"TestChildNestedCheck":              "FAIL",
}

// childLeakFuncs names, for each test whose check must find a leak, the
// function of the goroutine it leaked, which its report must show, and no
// other's.
var childLeakFuncs = map[string]string{
	"TestChildLeakCheckThenParallel":  "TestChildLeakCheckThenParallel.func1",
	"TestChildLeakParallelThenCheck":  "TestChildLeakParallelThenCheck.func1",
	"TestChildLeakViaExitedGoroutine": "TestChildLeakViaExitedGoroutine.func1.1",
	"TestChildSubtests/leaks":         "TestChildSubtests.func1.1",
	"TestChildParentCatchesSubtest":   "TestChildParentCatchesSubtest.func1.1",
	"TestChildNestedCheck":            "TestChildNestedCheck.func1",
}

var (
	verdictLine = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (\S+)`)
	headerLine  = regexp.MustCompile(`^=== (?:RUN|PAUSE|CONT|NAME)\s+(\S+)`)
)

// TestCheckParallel runs the TestChild tests, parallel tests and subtests
// that leak and others that do not, in a child process, and checks that
// Check fails exactly the ones that leaked, each for its own goroutines.
func TestCheckParallel(t *testing.T) {
	if os.Getenv(parallelEnv) == "1" {
		t.Skip("in the child process")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestChild", "-test.v", "-test.parallel=32", "-test.count=1")
	cmd.Env = append(os.Environ(), parallelEnv+"=1")
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("child: want exit status 1 (some tests fail), got %v; output:\n%s", err, out)
	}
	if bytes.Contains(out, []byte("panic:")) {
		t.Fatalf("child panicked:\n%s", out)
	}

	// The verdicts, and the output of each test (in -test.v's output, a
	// test's lines follow a line that names it).
	verdicts := make(map[string]string)
	output := make(map[string]string)
	current := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if m := verdictLine.FindStringSubmatch(line); m != nil {
			verdicts[m[2]] = m[1]
			current = m[2]
			continue
		}
		if m := headerLine.FindStringSubmatch(line); m != nil {
			current = m[1]
			continue
		}
		output[current] += line + "\n"
	}
	for name, want := range childVerdicts {
		if got := verdicts[name]; got != want {
			t.Errorf("%s: got %q, want %s", name, got, want)
		}
	}
	for name := range verdicts {
		if _, ok := childVerdicts[name]; !ok {
			t.Errorf("unexpected test in the child: %s", name)
		}
	}

	proof := pprof.Lookup("goroutineleak") != nil
	for name, fn := range childLeakFuncs {
		report := output[name]
		// The count may include, for a moment, the goroutine of a subtest
		// that has just ended; the blame is checked by function below.
		if !strings.Contains(report, " goroutine(s) started by this test still running") ||
			!strings.Contains(report, "leaktest."+fn+"(") {
			t.Errorf("%s: report lacks the leak of %s:\n%s", name, fn, report)
		}
		for other, otherFn := range childLeakFuncs {
			if other != name && strings.Contains(report, "leaktest."+otherFn+"(") {
				t.Errorf("%s: report blames it for %s's goroutine:\n%s", name, other, report)
			}
		}
		switch {
		case proof && !strings.Contains(report, "the garbage collector proved 1 of them leaked"):
			t.Errorf("%s: goroutineleak profile present, but the report says nothing of it:\n%s", name, report)
		case proof && !strings.Contains(report, "(leaked)"):
			t.Errorf("%s: the dump does not show the proven leak's state:\n%s", name, report)
		case !proof && strings.Contains(report, "goroutineleak"):
			t.Errorf("%s: no goroutineleak profile, but the report mentions it:\n%s", name, report)
		}
	}
	if t.Failed() {
		t.Logf("child output:\n%s", out)
	}
}
