package leaktest_test

import (
	"context"
	"testing"

	"github.com/golifecheck/golifecheck/runtime/leaktest"
)

// Call Check first in a test: its cleanup then runs after the test's other
// cleanups, which stop what the test started.
func ExampleCheck() {
	_ = func(t *testing.T) {
		leaktest.Check(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			<-ctx.Done() // a goroutine that stops when told to
		}()
		t.Cleanup(func() {
			cancel()
			<-done
		})
	}
}

// Check works in parallel tests too, before or after t.Parallel: it counts
// only the goroutines this test started.
func ExampleCheck_parallel() {
	_ = func(t *testing.T) {
		t.Parallel()
		leaktest.Check(t)
		// ...
	}
}

// Check the whole test binary too, for the goroutines no test's Check
// attributes to it.
func ExampleVerifyTestMain() {
	_ = func(m *testing.M) {
		leaktest.VerifyTestMain(m)
	}
}
