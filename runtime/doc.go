// Package runtime holds golifecheck's approved goroutine-lifecycle
// primitives: small, context-first building blocks with which everything a
// program starts, it also stops. It imports only the standard library. (The
// name follows grpc-gateway's and apimachinery's runtime packages; import it
// under another name where the standard library's runtime is needed too.)
//
// # At a glance
//
//   - [Task]: one goroutine, started by [Start] with a context of its own;
//     Stop cancels it, Wait/WaitTimeout/WaitContext wait for it, Err reads its error.
//   - [Group]: goroutines sharing a context; the first error cancels the
//     rest and Wait (or WaitTimeout/WaitContext) returns it; SetLimit bounds
//     how many run at once.
//     [ServiceGroup]: the first to return at all cancels the rest.
//   - [Stopper]: a close-once "stop" broadcast and a "stopped" signal, for
//     code that does not use contexts.
//   - [Pool]: n workers over an input channel, [Result]s on a channel that is
//     closed when they are all done. [PoolSeq]: the same over a slice or an
//     iterator, fed by a goroutine that stops with the pool.
//   - [Merge]: fan-in of channels into one, closed when they are all closed.
//   - [Every]: call a function every d until the context is done.
//   - [PanicError]: what a panic in a goroutine of a Task, Group or Pool becomes.
//   - Package leaktest: fail a test that leaves goroutines behind.
//
// # The caller's obligations
//
// The primitives stop what they start, but only if the functions they run
// cooperate: a function handed to Start, Group.Go or Pool must return soon
// after its context is done, and a goroutine using a Stopper must return soon
// after Stopping is closed and then call Done. Channels returned by Pool and
// Merge must be read until closed or their context cancelled. Waiting with a
// deadline ([Task.WaitTimeout], [Group.WaitTimeout], [Stopper.StopAndWait])
// turns a function that breaks this rule into an [ErrNotStopped] answer
// instead of a hang.
//
// # Panics
//
// A panic in a function run by a Task, a Group or a Pool is recovered and
// becomes a *[PanicError] holding the panic value and stack, so that it
// cancels the siblings and reaches whoever waits, instead of crashing the
// process with the siblings' work half done. (errgroup chose the opposite,
// see golang/go#53757: a recovered panic is no longer a crash, so the caller
// must not discard Wait's error.) [Every] runs f on the caller's goroutine and
// does not recover.
//
// # For golifecheck
//
// [Start], [Group.Go], [Group.TryGo], [Pool] and [PoolSeq] are launchers:
// they run the function handed to them in a new goroutine. golifecheck
// learns this from their bodies (its launches facts) and checks the functions
// handed to them as it checks go statements: one that loops forever ignoring
// its context is reported. The primitives' own goroutines all stop.
package runtime
