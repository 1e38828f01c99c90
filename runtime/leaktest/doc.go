// Package leaktest fails a test that leaves goroutines behind.
//
// [Check] takes a snapshot of the goroutines running when it is called and
// registers a cleanup that, when the test is over, lists the goroutines that
// were started since and are still running. Goroutines often need a moment to
// return after they are told to stop, so the cleanup retries until they are
// gone or a grace period (5s for Check, chosen by [CheckTimeout]) has passed;
// a clean test pays nothing for the grace period. Then it fails the test with
// the stack of each goroutine left behind:
//
//	func TestServer(t *testing.T) {
//		leaktest.Check(t) // first, so that its cleanup runs last
//		...
//	}
//
// [VerifyTestMain] does the same for a whole test binary, from TestMain.
//
// A goroutine is not reported if it existed before the snapshot, or if it is
// one of the goroutines the standard library starts once and keeps for the
// life of the process (os/signal's signal loop). The Go runtime's own
// goroutines never appear in the goroutine dump.
//
// # Parallel tests
//
// A snapshot diff cannot tell this test's goroutines from those of tests
// running at the same time, so Check refuses to run in a parallel test (one
// that called t.Parallel, or a subtest of one): it fails the test at once,
// saying so. To claim the test as sequential, Check uses t.Setenv (which the
// testing package forbids in parallel tests, for the same reason: it affects
// the whole process); as a result, a t.Parallel call after Check panics with
// the testing package's message about t.Setenv. Check parallel tests as a
// whole with VerifyTestMain instead, which runs after all tests have ended.
//
// Check skips its check when the test has already failed: a failing test
// often leaves goroutines behind, and the report would bury the first failure.
//
// # The goroutineleak profile
//
// Where the toolchain offers the runtime's goroutine leak profile (Go 1.26
// built with GOEXPERIMENT=goroutineleakprofile; checked at run time with
// pprof.Lookup("goroutineleak")), a failure report also carries that
// profile's stacks: the goroutines the garbage collector has proven blocked
// forever on channels or locks that nothing else can reach. The profile is
// process-wide and cannot tell which test leaked what, so Check reports it
// only alongside a leak it found itself; VerifyTestMain, which runs when no
// test is left, also fails when the profile alone finds leaks. In the default
// toolchain the profile is absent, the snapshot diff is the only evidence,
// and the report says so.
package leaktest
