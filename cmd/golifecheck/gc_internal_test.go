package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// restoreGC puts back the default collection policy after a test that
// changed it.
func restoreGC(t *testing.T) {
	t.Cleanup(func() {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}

// gcPolicy returns the current GOGC setting and soft memory limit,
// leaving them as they are.
func gcPolicy() (percent int, limit int64) {
	percent = debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// collectUntil runs collections until the policy is the one wanted, or
// for five seconds: the finalizer that changes it runs after a collection.
func collectUntil(percent int, limit int64) (int, int64) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		p, l := gcPolicy()
		if p == percent && l == limit || time.Now().After(deadline) {
			return p, l
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

func TestCollectLateLeavesGOGCToTheEnvironment(t *testing.T) {
	restoreGC(t)
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "200")
			collectLate(16<<20, 64<<20)
			if p, l := gcPolicy(); p != 100 || l != math.MaxInt64 {
				t.Errorf("with %s set, GOGC = %d and limit %d after collectLate, want 100 and none (unchanged)", env, p, l)
			}
		})
	}
}

// startCollectLate sets the policy as a vet-tool process does, with GOGC
// and GOMEMLIMIT unset, for the test's duration.
func startCollectLate(t *testing.T, first, soft int64) {
	restoreGC(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	collectLate(first, soft)
}

func TestCollectLateStages(t *testing.T) {
	const first, soft = 16 << 20, 256 << 20
	startCollectLate(t, first, soft)
	if p, l := gcPolicy(); p != -1 || l != first {
		t.Fatalf("before any collection: GOGC = %d, limit %d; want -1 (off) and %d", p, l, first)
	}
	// A collection of a small live heap: the default policy under the soft limit.
	if p, l := collectUntil(100, soft); p != 100 || l != soft {
		t.Fatalf("after a collection: GOGC = %d, limit %d; want 100 and %d", p, l, soft)
	}
}

func TestCollectLateLiftsTheLimitForLargeLiveHeaps(t *testing.T) {
	const first, soft = 8 << 20, 32 << 20
	startCollectLate(t, first, soft)
	live := make([]byte, soft) // more than nine tenths of the soft limit, live below
	for i := range live {
		live[i] = byte(i)
	}
	p, l := collectUntil(100, math.MaxInt64)
	runtime.KeepAlive(live)
	if p != 100 || l != math.MaxInt64 {
		t.Fatalf("with %d bytes live and a soft limit of %d: GOGC = %d, limit %d; want 100 and none", len(live), soft, p, l)
	}
}
