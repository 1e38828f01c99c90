package runtime_test

import (
	"testing"
	"time"

	"github.com/golifecheck/golifecheck/runtime/leaktest"
)

// Each test also calls leaktest.Check; VerifyTestMain covers the examples.
func TestMain(m *testing.M) {
	leaktest.VerifyTestMain(m)
}

// long is the generous timeout of these tests: how long to wait for
// something that should happen at once before declaring the test failed.
const long = 10 * time.Second
