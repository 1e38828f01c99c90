// Package chanblock defines an Analyzer that reports channel operations,
// locks and waits that can never complete.
//
// # Analyzer chanblock
//
// chanblock: report channel operations and locks that can never complete
//
// A goroutine blocked on a channel operation that nothing will ever
// complete leaks like one that loops forever. chanblock tracks each channel
// made with make in a function whose every use it can see: the function
// itself, the closures and goroutines it starts, and the functions it
// passes the channel to, whose facts say what they do with a channel
// parameter (chan[N](sends=2), chan[N](drains), chan[N](recv), chan[N](close),
// chan[N](recv?,async,until[K]): see Pool feeders below).
// It reports, at the operation that blocks:
//
//   - a send with no reader once its starter leaves: a goroutine sends on an
//     unbuffered channel (or more values than its buffer holds) and the
//     function that made it can return first, without receiving (a select
//     case on ctx.Done() or time.After, an error return); the timeout leak;
//   - goroutines started in a loop that send on an unbuffered channel which
//     their starter receives from only once (the first answer wins, the rest
//     block forever);
//   - distinct goroutines, each started once, that together may send more
//     values than their starter receives before it returns, plus the buffer:
//     each one's send, as either may lose the race;
//   - a receive from a channel nothing sends on or closes, and a send on an
//     unbuffered channel nothing receives from;
//   - a range over a channel that nothing closes: once the producers are
//     done, the ranging goroutine (a worker whose owner forgets close) blocks
//     forever;
//   - a send on, or a receive from, a nil channel outside a select.
//
// The engine (experimental, with -chanblock.engine). Besides these rules,
// chanblock then runs the engine of analyzer/internal/engine on each
// function that starts a goroutine or
// makes a channel (itself or in a function of the package it calls): an
// explicit-state search of the interleavings of the goroutines it starts,
// over channels, selects, Mutex and RWMutex, WaitGroup, Cond, Once,
// contexts, timers and errgroup, with the package's functions followed into
// their bodies. It reports an operation on which a goroutine stays blocked
// in an end state of the search (every other goroutine returned or blocked
// too, on objects no code outside the function can reach), with the path's
// witness as related information: where the goroutine starts, the calls on
// its stack, where each other goroutine returns or blocks. It reports what
// no rule reported on the same line or for the same goroutine, and stays
// silent on paths that branch on data goroutines share outside the model
// (an atomic counter read elsewhere), that assume a count the function is
// given is zero, or that leave the function blocked after its caller's
// objects moved. A search has a budget (work per function and per
// package, counted in instructions and states, not time, so that findings
// do not depend on the machine); past it, what it found stands and the
// rest is not reported.
// It is off by default: on real modules its findings are not yet as
// precise as the rules' (docs/realcode.md).
//
// Channels kept in an unexported field of the package's structs are
// followed across the package (every read of the field, and the channel
// made to be stored there): a receive from such a field that nothing in the
// package sends on or closes, and a send on one that nothing in the
// package receives from, block forever (an unbuffered one at once, a
// buffered one once it is full; or, for the send, until a close makes it
// panic); so does a range over such a field whose only close is the
// ranging goroutine's own, after the range (a deferred close cannot end the
// loop it waits for); a field that nothing in the package ever makes is nil
// in every value of its struct (a constructor's literal that leaves it
// out), and a send or receive on it outside a select blocks forever; and a
// send, outside a select, on an unbuffered field whose only receiver is a
// select in one goroutine's loop that can return (on a stop channel, a
// context, a condition) blocks forever once that loop has returned
// (etcd#6857). These findings are made only on the package variant that
// includes its in-package tests, which may be the ones that send.
//
// Channel protocols. A channel's parties (the owner that makes it, each
// goroutine and callee that uses it) are counted as their operations along
// paths, in analyzer/internal/protocol: the most values a producer sends on
// a path (Many for a loop, or once per element of a parameter it ranges
// over), the fewest a consumer receives before it returns, with a loop's
// bound kept as the value it counts to, so that a producer and a consumer
// looping over the same slice or to the same n receive every value. A
// function that returns a channel fed by a goroutine it starts (a
// generator, a pipeline stage, an asynchronous result, an iterator, or an
// accessor returning such a field) is summarized by the fact
// stream[R](sends=N,per=P,buf=B,stop=M,...), so that callers in any package
// are checked against it:
//
//   - consumers that leave early: a range or receive loop over a stream
//     that can return or break before the channel is closed, while the
//     producer's send cannot be interrupted (it selects on no done or
//     context case; an iterator's sends that only its Stop method ends
//     count when the consumer returns without calling Stop); reported at the
//     producer's send in the same package, at the consumer's call otherwise,
//     with the early return as evidence; for a pipeline, its last stage;
//   - closes on some paths: a range over a stream (or a local channel) whose
//     goroutine returns without closing it on some path (it closes only on
//     success) never ends on that path;
//   - goroutines started in a loop whose owner leaves through another case
//     of the select it waits in (the last of N goroutines counting down, a
//     timeout), or leaves a receive loop that counts to the same bound early
//     (the first error returns), or receives a constant quorum below the
//     goroutines' constant count plus the buffer;
//   - senders started on some paths only (if this, go A; if that, go B),
//     counted on the path that leaves the most values unreceived;
//   - a channel made by a function literal and returned with the closure
//     that sends on it (opentelemetry-go#6368): the caller owns it, and the
//     goroutine that runs the closure is its sender;
//   - a time.AfterFunc callback's send, counted like a goroutine's on the
//     paths that return without receiving and without stopping the timer;
//   - a timer drain, if !t.Stop() { <-t.C }, reachable after the function
//     already received the timer's value with no Reset in between
//     (istio#18454): Stop returns false and the channel is empty.
//
// Pool feeders. A function whose channel parameter is received from only
// in loops that leave, never to receive again, once a context parameter
// is done (a select case on ctx.Done() that returns) has the fact
// chan[N](...,until[K]); with async, the receives run in goroutines the
// function starts and outlive it: runtime.Pool's workers, or a worker
// pool written by hand. A goroutine that feeds such a callee (the
// channel's only receiver) with sends outside any select, on a channel
// unbuffered or buffered for fewer values than it sends, blocks forever
// once the callee stops receiving, if the function that made the channel
// cancels that context (calls, or defers, the cancel of the
// context.WithCancel that made it) on a path from the call that does not
// first read the callee's results until they are closed: an early return
// from the range over runtime.Pool's results, with `defer cancel()`. It
// is reported at the send, with the remedy: a select on ctx.Done() beside
// the send, or, for runtime.Pool, runtime.PoolSeq, which feeds the values
// itself. It stays silent when the send is in a select with another
// case, the buffer holds every value, the context is not one the function
// cancels (the caller's), the results are read until they are closed
// before any cancel, the results or the channel are handed to code it
// cannot see, or the function receives from the channel itself (drains
// what is left).
//
// Mutexes, as GCatch models them (Liu et al., ASPLOS 2021): a sync.Mutex
// or sync.RWMutex is a channel with one slot, Lock a send into it and
// Unlock a receive, so a Lock blocks while the slot is full. A must
// analysis follows each mutex through each function (held, released, or
// as the function found it, on every path; a callee of the package by its
// summary: it locks the mutex first, it returns holding it), and reports:
//
//   - a Lock of a mutex the goroutine already holds on every path there
//     (grpc#795), on a path round a loop that skips the Unlock (a continue,
//     moby#7559), or through a call of a function that locks it, after a
//     helper that returns holding it (cockroach#584) or while the caller
//     holds it (Go's mutexes are not reentrant; syncthing#4829); a Lock
//     blocks behind a Lock or an RLock, an RLock behind a Lock, and behind
//     an RLock of its own goroutine when the package write-locks that
//     RWMutex somewhere: a Lock waiting in between blocks the second RLock
//     (sync.RWMutex prohibits recursive read locking; cockroach#3710);
//   - a return that leaves a mutex locked by this function while its other
//     returns unlock it (grpc#3017): the next Lock blocks forever. A
//     function with a bool or error result may mean to (it tells its caller
//     whether it holds the lock), and a lock taken by a callee and held
//     across calls (WriteMode, then ReadMode) is by design;
//   - a send or receive, outside a select, on an unbuffered channel while
//     holding a mutex that every party able to complete it locks on its way
//     there: before it on a path from its function's entry, or after it
//     when the operation may run again (kubernetes#10182, grpc#1460,
//     etcd#6873). The mutex must be reached from the same object as the
//     channel (s.mu and s.ch), or be a global or a local the closures
//     share; a lock the owner takes only before it starts the goroutine
//     does not count.
//
// It stays silent where paths disagree (a lock taken on one branch only),
// where the mutex is handed to code it cannot see (a function value, an
// interface, another package's function) or locked through sync.Locker,
// on TryLock, on nested RLocks of a mutex the package never write-locks,
// on two values of one type, and on a mutex made afresh each time round
// the loop.
//
// A buffer size is known when it is a constant, or a parameter of an
// unexported function that every call passes the same constant.
//
// A goroutine blocked this way is reported here, at the operation, and not
// also by gostop. When one goroutine, started once, is the only sender and
// sends a known number of values on a path (one, two), the suggested fix
// gives the channel a buffer of that many: its sends then complete whoever
// receives, and the channel is collected with the goroutine.
//
// It stays silent when a channel escapes (stored in a field or a global,
// returned other than as a stream, passed to a function value, an
// interface method or a function it has no fact for), on buffered channels
// with room for every send (a constant, or len of the slice the producer
// ranges over), on channels closed by anyone on every path (a deferred
// close, the WaitGroup-then-close fan-in idiom), on a send or receive in a
// select with another case or a default, on a consumer that drains the
// channel to the end (or defers a helper that does), cancels or closes the
// done channel its producer selects on, or defers the iterator's Stop, on
// producer and consumer loops over the same collection or to the same n,
// when the receives are in a loop whose count it cannot compare with the
// sends', on main.main waiting forever on purpose, and on `<-make(chan
// T)`, a receive from a channel made for it alone, which is written to
// block forever (as `select {}` is).
//
// Wrong:
//
//	func fetch(ctx context.Context) (int, error) {
//		ch := make(chan int)
//		go func() { ch <- compute() }() // blocks forever after a timeout
//		select {
//		case v := <-ch:
//			return v, nil
//		case <-ctx.Done():
//			return 0, ctx.Err()
//		}
//	}
//
// Right:
//
//	func fetch(ctx context.Context) (int, error) {
//		ch := make(chan int, 1) // the send completes even if nobody receives
//		go func() { ch <- compute() }()
//		select {
//		case v := <-ch:
//			return v, nil
//		case <-ctx.Done():
//			return 0, ctx.Err()
//		}
//	}
package chanblock
