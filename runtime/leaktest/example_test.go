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

// In a package whose tests are parallel, check the whole test binary.
func ExampleVerifyTestMain() {
	_ = func(m *testing.M) {
		leaktest.VerifyTestMain(m)
	}
}
