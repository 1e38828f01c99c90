// Package leaktest fails a test that leaves goroutines behind.
//
// [Check] marks the test's goroutine with a pprof label and registers a
// cleanup that, when the test is over, lists the goroutines carrying that
// label that are still running: those the test started after the call,
// directly or through goroutines they started. Goroutines often need a moment
// to return after they are told to stop, so the cleanup retries until they
// are gone or a grace period (5s for Check, chosen by [CheckTimeout]) has
// passed; a clean test pays nothing for the grace period. Then it fails the
// test with the stack of each goroutine left behind:
//
//	func TestServer(t *testing.T) {
//		leaktest.Check(t) // first, so that its cleanup runs last
//		...
//	}
//
// [VerifyTestMain] checks a whole test binary, from TestMain.
//
// A goroutine is not reported if it was started before Check, or if it is
// one of the goroutines the standard library starts once and keeps for the
// life of the process (os/signal's signal loop). The Go runtime's own
// goroutines never appear in the goroutine profile.
//
// # Parallel tests
//
// Check works in parallel tests and their subtests, called before or after
// t.Parallel, and fails only the test that leaked: a goroutine inherits the
// pprof labels of the goroutine that starts it, so the goroutine profile
// (runtime/pprof's "goroutine", which prints each goroutine's labels) tells
// the goroutines of one test from those of the tests running alongside it.
// A subtest's goroutines belong to its parent's check, unless the subtest
// calls Check itself; then they are its own, and when it fails its parent
// fails too, as the testing package does for any subtest.
//
// The attribution follows the labels, so:
//
//   - Check replaces the pprof labels of the test's goroutine with its own
//     (key "leaktest"); call it from the test's goroutine, not from one the
//     test started.
//   - A goroutine started inside pprof.Do, or after pprof.SetGoroutineLabels,
//     with a context that does not carry Check's label, is not attributed to
//     the test, and neither is one that a goroutine running before Check (a
//     server shared by the tests) starts on the test's behalf.
//
// Check skips its check when the test has already failed: a failing test
// often leaves goroutines behind, and the report would bury the first failure.
//
// # The goroutineleak profile
//
// Where the toolchain offers the runtime's goroutine leak profile (Go 1.27;
// Go 1.26 built with GOEXPERIMENT=goroutineleakprofile; checked at run time
// with pprof.Lookup("goroutineleak")), a failure report says which of the
// test's goroutines the garbage collector has proven leaked, blocked forever
// on channels or locks that nothing else can reach, and marks their state
// "(leaked)". The profile, which carries labels too, is collected only when
// the test has leaked: collecting it runs a garbage collection.
// VerifyTestMain, which runs when no test is left, prints the whole profile,
// and also fails when the profile alone finds leaks. Without the profile,
// the reports do not mention it.
//
// VerifyTestMain does not use labels: it compares the goroutines running
// after the tests with those running before, and cannot say which test
// leaked.
package leaktest
