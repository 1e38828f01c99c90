package leaktest

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"
)

// defaultTimeout is the grace period of Check and VerifyTestMain: generous,
// because a loaded machine running tests with -race can be slow to schedule
// goroutines that have been told to stop, and a clean test does not wait.
const defaultTimeout = 5 * time.Second

// Check fails t if goroutines that the test started after the call are still
// running when the test is over, after a grace period of 5 seconds for them to
// return. The failure message holds their stacks.
//
// Call Check first in the test, from the test's own goroutine, before
// anything starts goroutines: cleanups run last-in first-out, so Check's
// cleanup then runs after the cleanups that stop them. Check works in
// parallel tests and subtests, before or after t.Parallel: it only counts the
// goroutines started by this test (see the package documentation).
func Check(t testing.TB) {
	t.Helper()
	CheckTimeout(t, defaultTimeout)
}

// CheckTimeout is [Check] with a grace period of d.
func CheckTimeout(t testing.TB, d time.Duration) {
	t.Helper()
	id, gid := mark()
	t.Cleanup(func() {
		defer unmark(id, gid)
		if t.Failed() {
			return // the first failure matters more
		}
		if leaks := findLabelled(id, d); len(leaks) > 0 {
			t.Errorf("%s", reportLabelled(id, leaks, d))
		}
	})
}

// VerifyTestMain runs the tests of m and exits. If they pass but goroutines
// started since VerifyTestMain was called are still running after a grace
// period of 5 seconds, or the goroutineleak profile (where available) finds
// leaked goroutines, it prints their stacks and exits with status 1:
//
//	func TestMain(m *testing.M) {
//		leaktest.VerifyTestMain(m)
//	}
//
// Unlike [Check], it cannot say which test leaked; it also catches the
// goroutines that Check does not attribute to a test (see the package
// documentation).
func VerifyTestMain(m *testing.M) {
	os.Exit(verifyMain(m.Run, os.Stderr, defaultTimeout))
}

func verifyMain(run func() int, w io.Writer, d time.Duration) int {
	before := snapshot()
	if code := run(); code != 0 {
		return code
	}
	leaks := find(before, d)
	profile, proven := leakProfile()
	if len(leaks) == 0 && proven == 0 {
		return 0
	}
	if len(leaks) == 0 {
		fmt.Fprintf(w, "leaktest: the goroutineleak profile found leaked goroutines:\n\n%s\n", profile)
	} else {
		fmt.Fprintln(w, report(leaks, d, "the tests ended"))
	}
	return 1
}

// A goroutine is one record of a goroutine dump.
type goroutine struct {
	id    uint64
	stack string // the record, from "goroutine N [state]:" on
}

// dump returns the records of all goroutines but the Go runtime's own, the
// calling goroutine first.
func dump() []goroutine {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var gs []goroutine
	for _, rec := range strings.Split(strings.TrimSpace(string(buf)), "\n\n") {
		rest, ok := strings.CutPrefix(rec, "goroutine ")
		idText, _, ok2 := strings.Cut(rest, " ")
		id, err := strconv.ParseUint(idText, 10, 64)
		if ok && ok2 && err == nil {
			gs = append(gs, goroutine{id, rec})
		}
	}
	return gs
}

// snapshot returns the ids of the goroutines running now.
func snapshot() map[uint64]bool {
	ids := make(map[uint64]bool)
	for _, g := range dump() {
		ids[g.id] = true
	}
	return ids
}

// ignored lists functions whose goroutines the standard library starts once
// and keeps for the life of the process.
var ignored = []string{
	"os/signal.signal_recv", // started by the first signal.Notify
	"os/signal.loop",
}

// leaked returns the goroutines running now that are not in before, not the
// calling goroutine, and not ignored.
func leaked(before map[uint64]bool) []goroutine {
	gs := dump()
	var leaks []goroutine
	for i, g := range gs {
		if i == 0 || before[g.id] || isIgnored(g.stack) {
			continue
		}
		leaks = append(leaks, g)
	}
	return leaks
}

func isIgnored(stack string) bool {
	for _, fn := range ignored {
		if strings.Contains(stack, "\n"+fn+"(") {
			return true
		}
	}
	return false
}

// find returns the goroutines leaked since before, retrying with backoff
// until there are none or d has passed.
func find(before map[uint64]bool, d time.Duration) []goroutine {
	deadline := time.Now().Add(d)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		leaks := leaked(before)
		left := time.Until(deadline)
		if len(leaks) == 0 || left <= 0 {
			return leaks
		}
		time.Sleep(min(wait, left))
	}
}

// report describes leaks for VerifyTestMain, adding the goroutineleak profile
// if available.
func report(leaks []goroutine, d time.Duration, when string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "leaktest: %d goroutine(s) still running %v after %s:\n", len(leaks), d, when)
	for _, g := range leaks {
		fmt.Fprintf(&b, "\n%s\n", g.stack)
	}
	if profile, _ := leakProfile(); profile != "" {
		fmt.Fprintf(&b, "\nthe runtime's goroutineleak profile (whole process: goroutines proven "+
			"blocked forever on unreachable channels or locks):\n%s", profile)
	}
	return b.String()
}

// leakProfile returns the text of the goroutineleak profile and the number
// of leaked goroutines it found, or "" and 0 where the toolchain lacks it.
// Writing the profile runs a garbage collection that detects the leaks.
func leakProfile() (text string, n int) {
	p := pprof.Lookup("goroutineleak")
	if p == nil {
		return "", 0
	}
	var b strings.Builder
	if err := p.WriteTo(&b, 1); err != nil {
		return fmt.Sprintf("(cannot write the goroutineleak profile: %v)\n", err), 0
	}
	return b.String(), p.Count()
}
