package leaktest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golifecheck/golifecheck/runtime/leaktest"
)

// fakeTB records what Check reports instead of failing the real test. It
// embeds the real test for the methods it does not redefine.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	cleanups []func()
	msgs     []string
	failed   bool
	fatal    bool
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = true
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}

// Fatalf records like Errorf and, unlike the real one, returns.
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	f.fatal = true
}

func (f *fakeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

// end runs the cleanups, last registered first, as the testing package does.
func (f *fakeTB) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func (f *fakeTB) output() string { return strings.Join(f.msgs, "\n") }

// blockUntil is the leaked goroutine of these tests, named so that its stack
// can be recognised.
func blockUntil(release <-chan struct{}) { <-release }

func TestCheckReportsLeak(t *testing.T) {
	leaktest.Check(t)
	release := make(chan struct{})
	defer close(release)

	fake := &fakeTB{TB: t}
	leaktest.CheckTimeout(fake, 50*time.Millisecond)
	go blockUntil(release)
	fake.end()

	if !fake.Failed() || fake.fatal {
		t.Fatalf("leak not reported (failed=%v, fatal=%v): %s", fake.failed, fake.fatal, fake.output())
	}
	out := fake.output()
	for _, want := range []string{"1 goroutine(s) started by this test still running 50ms after it ended", "leaktest_test.blockUntil", "[chan receive"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckCleanTest(t *testing.T) {
	leaktest.Check(t)
	fake := &fakeTB{TB: t}
	leaktest.CheckTimeout(fake, 10*time.Second)
	done := make(chan struct{})
	go func() { close(done) }()
	<-done
	fake.end()
	if fake.Failed() {
		t.Fatalf("clean test reported: %s", fake.output())
	}
}

func TestCheckWaitsForGoroutinesToExit(t *testing.T) {
	leaktest.Check(t)
	fake := &fakeTB{TB: t}
	leaktest.CheckTimeout(fake, 10*time.Second)
	release := make(chan struct{})
	go blockUntil(release)
	// Still running when the check starts; it exits during the grace period.
	time.AfterFunc(20*time.Millisecond, func() { close(release) })
	fake.end()
	if fake.Failed() {
		t.Fatalf("goroutine that exited during the grace period reported: %s", fake.output())
	}
}

func TestCheckIgnoresEarlierGoroutines(t *testing.T) {
	leaktest.Check(t)
	release := make(chan struct{})
	defer close(release)
	go blockUntil(release)

	fake := &fakeTB{TB: t}
	leaktest.CheckTimeout(fake, 10*time.Second)
	fake.end()
	if fake.Failed() {
		t.Fatalf("goroutine started before Check reported: %s", fake.output())
	}
}

func TestCheckSkipsFailedTest(t *testing.T) {
	leaktest.Check(t)
	release := make(chan struct{})
	defer close(release)

	fake := &fakeTB{TB: t}
	leaktest.CheckTimeout(fake, 10*time.Second) // must not wait this long
	go blockUntil(release)
	fake.Errorf("the test's own failure")
	fake.end()
	if len(fake.msgs) != 1 {
		t.Fatalf("leak reported on top of a failure: %s", fake.output())
	}
}

// TestCheckInParallelTest calls Check before and after t.Parallel, in
// parallel tests and subtests, with a goroutine of another test left running
// alongside: none reports it. (TestCheckParallel checks the verdicts of real
// parallel tests that leak.)
func TestCheckInParallelTest(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	go blockUntil(release) // not started by the tests below

	check := func(t *testing.T, parallelFirst bool) {
		if parallelFirst {
			t.Parallel()
		}
		fake := &fakeTB{TB: t}
		leaktest.CheckTimeout(fake, 10*time.Second) // must not wait this long
		if !parallelFirst {
			t.Parallel()
		}
		done := make(chan struct{})
		go func() { close(done) }()
		<-done
		fake.end()
		if fake.Failed() {
			t.Errorf("clean parallel test reported: %s", fake.output())
		}
	}
	t.Run("group", func(t *testing.T) {
		t.Run("check then parallel", func(t *testing.T) { check(t, false) })
		t.Run("parallel then check", func(t *testing.T) { check(t, true) })
		t.Run("subtest of parallel", func(t *testing.T) {
			t.Parallel()
			t.Run("sub", func(t *testing.T) { check(t, false) })
		})
	})
}

// TestCheckSeesGoroutinesOfGoroutines leaks from a goroutine started by a
// goroutine that has since returned: it carries the test's label all the
// same.
func TestCheckSeesGoroutinesOfGoroutines(t *testing.T) {
	leaktest.Check(t)
	release := make(chan struct{})
	defer close(release)

	fake := &fakeTB{TB: t}
	leaktest.CheckTimeout(fake, 50*time.Millisecond)
	started := make(chan struct{})
	go func() {
		defer close(started)
		go blockUntil(release)
	}()
	<-started
	fake.end()
	if !fake.Failed() || !strings.Contains(fake.output(), "leaktest_test.blockUntil") {
		t.Fatalf("leak of a grandchild goroutine not reported: %s", fake.output())
	}
}
