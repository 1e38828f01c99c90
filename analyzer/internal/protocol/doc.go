// Package protocol models how the parties to a channel use it: the
// function that makes it (the owner), the goroutines and callees that
// send on it, receive from it or close it, each as the operations it can
// perform along the paths of its SSA control-flow graph.
//
// The model follows GCatch's blocking-misuse detector (Liu et al.,
// "Automatically Detecting and Fixing Concurrency Bugs in Go Software
// Systems", ASPLOS 2021): for each channel, the goroutines that can reach
// it and the combinations of their paths that leave one operation blocked
// once the others are done. Where GCatch enumerates path combinations
// and hands them to a constraint solver, this package keeps one number
// per party and direction, as Gomela does with its counts as model
// parameters (Dilley and Lange, "Automated Verification of Go Programs
// via Bounded Model Checking", ASE 2021): the most values a party sends
// on one path, the fewest it receives before it returns, with Many for a
// loop whose trip count is not known, and a loop's bound kept as the
// value it counts to, so that a producer and a consumer looping over the
// same slice or to the same n compare equal. A channel returned by a
// function is summarized by a Stream (what the goroutine behind it does
// with it), which the analyzer exports as a fact, so that generators and
// pipeline stages compose across functions and packages.
//
// It gives up (the caller stays silent) where the counts are not in
// sight: a channel that escapes to unseen code, a send inside a callee
// that runs in a loop, a select whose other case the consumer may never
// trigger.
package protocol
