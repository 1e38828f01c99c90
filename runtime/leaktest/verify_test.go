package leaktest

import (
	"bytes"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// helperEnv makes the test binary run TestLeakHelper under verifyMain, as
// VerifyTestMain would with a short grace period, for TestVerifyTestMain.
const helperEnv = "LEAKTEST_HELPER"

func TestMain(m *testing.M) {
	switch {
	case os.Getenv(helperEnv) == "1":
		os.Exit(verifyMain(m.Run, os.Stderr, 100*time.Millisecond))
	case os.Getenv(parallelEnv) == "1":
		os.Exit(m.Run()) // only Check's verdicts, for TestCheckParallel
	}
	VerifyTestMain(m)
}

// TestLeakHelper leaks a goroutine blocked forever on a channel that nothing
// else can reach, which the goroutineleak profile can prove. It runs only in
// the child process of TestVerifyTestMain.
func TestLeakHelper(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("runs in the child process of TestVerifyTestMain")
	}
	go leakForever()
}

func leakForever() {
	ch := make(chan int)
	<-ch //golifecheck:ignore chanblock the leak this test's child process must detect
}

func TestVerifyTestMain(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestLeakHelper$")
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("child with a leak: want exit status 1, got %v; output:\n%s", err, out)
	}
	want := []string{"1 goroutine(s) still running 100ms after the tests ended", "leaktest.leakForever"}
	hasProfile := pprof.Lookup("goroutineleak") != nil
	if hasProfile {
		want = append(want, "goroutineleak profile: total 1")
	}
	for _, w := range want {
		if !bytes.Contains(out, []byte(w)) {
			t.Errorf("child's report lacks %q:\n%s", w, out)
		}
	}
	if !hasProfile && bytes.Contains(out, []byte("goroutineleak")) {
		t.Errorf("no goroutineleak profile, but the report mentions it:\n%s", out)
	}
}

func TestVerifyMainPassesCleanRun(t *testing.T) {
	var out strings.Builder
	if code := verifyMain(func() int { return 0 }, &out, 10*time.Second); code != 0 || out.Len() != 0 {
		t.Fatalf("clean run: code %d, output %q", code, out.String())
	}
}

func TestVerifyMainKeepsFailureCode(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var out strings.Builder
	run := func() int {
		go func() { <-release }()
		return 3
	}
	if code := verifyMain(run, &out, 10*time.Second); code != 3 || out.Len() != 0 {
		t.Fatalf("failed run: want code 3 and no leak report, got code %d, output %q", code, out.String())
	}
}

func TestIgnored(t *testing.T) {
	stack := "goroutine 7 [syscall]:\nos/signal.signal_recv()\n\t/usr/local/go/src/runtime/sigqueue.go:152 +0x29\n"
	if !isIgnored(stack) {
		t.Errorf("os/signal's goroutine not ignored")
	}
	if isIgnored("goroutine 8 [chan receive]:\nmain.worker()\n") {
		t.Errorf("ordinary goroutine ignored")
	}
}
