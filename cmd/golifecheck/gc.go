package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The heap sizes, in bytes, of a vet-tool process's collection policy
// (see collectLate).
const (
	// firstCollection is the heap at which the first collection runs:
	// 64 MiB, more than most packages allocate in all.
	firstCollection = 64 << 20
	// softLimit is the soft memory limit after it: 160 MiB, a little more
	// than plain go vet's largest process on the standard library
	// (138-154 MB peak RSS, on `runtime`; docs/cost.md).
	softLimit = 160 << 20
)

// liveHeapMetric is the runtime/metrics name of the heap the last
// collection found live, in bytes.
const liveHeapMetric = "/gc/heap/live:bytes"

// collectLate sets the garbage collector's policy of a process go vet runs
// on one package. A process is short-lived, and most of its collections
// under the default policy (GOGC=100) run while the heap grows from 4 MB
// to its final size; on `go vet std`, collections and the page faults of a
// heap grown to twice its live size were a quarter of golifecheck's CPU.
// So:
//
//   - no collection runs before the heap reaches first bytes (GOGC=off
//     with a soft memory limit, the runtime's GOMEMLIMIT): most packages
//     never collect;
//   - after the first, the default policy runs under a soft limit of soft
//     bytes: a heap with more than soft/2 live, which the default would
//     let grow to twice that, is collected at the limit instead;
//   - a live heap of more than nine tenths of soft, which collecting at
//     the limit would collect ever more often, lifts the limit: the heap
//     grows as under the default policy.
//
// The environment's GOGC or GOMEMLIMIT, if either is set, decides instead,
// as for any Go program.
func collectLate(first, soft int64) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(first)
	afterEachCollection(func(live uint64) bool {
		if debug.SetGCPercent(100) == -1 { // the first collection
			debug.SetMemoryLimit(soft)
		}
		if live > uint64(soft)/10*9 {
			debug.SetMemoryLimit(math.MaxInt64)
			return false
		}
		return true
	})
}

// afterEachCollection calls f with the live heap, in bytes, after each
// garbage collection, until f returns false. It learns of a collection
// from the finalizer of an object it leaves unreachable, which the
// collection after it runs.
func afterEachCollection(f func(live uint64) bool) {
	sample := []metrics.Sample{{Name: liveHeapMetric}}
	var arm func()
	arm = func() {
		sentinel := new([64]byte) // not a tiny allocation, whose finalizer may never run
		runtime.SetFinalizer(sentinel, func(*[64]byte) {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 && !f(sample[0].Value.Uint64()) {
				return
			}
			arm()
		})
	}
	arm()
}
