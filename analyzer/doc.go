// Package analyzer defines golifecheck, an analysis.Analyzer that finds
// goroutine lifecycle bugs: goroutines that never stop, channel operations
// that can never complete, and cancel functions that are never called.
//
// Go has a go keyword and no stop keyword: a goroutine, and the context it
// holds, lives until it returns. golifecheck reports, before the code ships,
// the places where that never happens. Each family of findings is a check
// with its own section below, diagnostic category and flag (-NAME=false
// switches it off).
//
// # Analyzer golifecheck
//
// report goroutine lifecycle bugs (leaked goroutines, channels and contexts)
//
// golifecheck follows calls, closures and method values across packages:
// what it learns about a function (it returns a fresh cancel, it never calls
// the function passed to it) is computed once on the function's SSA form and
// exported as a fact, so go vet, which analyzes one package at a time, and
// the standalone command report the same findings. The standard library's
// facts are computed ahead of time for the Go release golifecheck is tested
// with and embedded: where go vet analyzes a standard-library package only
// for its facts and the package's sources match, golifecheck exports those
// and builds no SSA (any other release, platform or build tag is analyzed
// as usual).
//
// It reports only what can really leak. Where it cannot see enough (a call
// through an interface or an unknown function value, a value that escapes to
// code it cannot see), it stays silent. Generated files are not reported on;
// a file that imports "C" is judged by what its author wrote, not by cgo's
// generated rewrite of it (its findings carry no suggested fix: the edits
// would land in cgo's copy). The operands of unsafe.Sizeof, Alignof and
// Offsetof are never evaluated, so nothing in them blocks.
//
// Every finding's message ends with the name of its check in parentheses,
// "(ctxcancel)", the name a suppression gives. A finding is silenced by a
// comment on its line or the line above:
//
//	//golifecheck:ignore CHECK REASON
//
// names the check and says why the finding is not a leak (a goroutine meant
// to live as long as the process, say). One without a reason, naming an
// unknown check, or silencing nothing is itself reported (category
// suppression). golangci-lint's //nolint:golifecheck is honoured too.
//
// What it knows about APIs whose behaviour cannot be inferred from their
// bodies (context.WithCancel returns a cancel that must be called) is one
// table, analyzer/knowledge.txt; -knowledge=FILE adds entries to it. The
// standalone command checks such a file once, before any package, against
// the signatures of what it names (a cancel result that is not a function,
// a launcher argument out of range): a misfit is an error with its line,
// exit status 2. go vet caches results without reading the file and runs the
// tool in each package's directory, so under go vet -knowledge is refused.
//
// # Check ctxcancel
//
// ctxcancel: report cancel functions that are not called on every path
//
// The cancel function returned by context.WithCancel, WithCancelCause,
// WithTimeout, WithTimeoutCause, WithDeadline and WithDeadlineCause, the
// stop function of signal.NotifyContext, and the cancel returned by any
// helper that passes one on to its caller must be called, or the context,
// its timer and its goroutine-visible state leak until the parent is
// cancelled (never, for context.Background). ctxcancel reports, at the call
// that returns the cancel:
//
//   - a cancel that is discarded (assigned to _) or never called; `_ = cancel`
//     and a comparison with nil are not calls;
//   - a cancel not called on every path to a return (path sensitive, like go
//     vet's lostcancel, whose findings it includes);
//   - a cancel replaced in a loop before it is called;
//   - a cancel deferred inside a loop that comes back to the call and can
//     run without a bound fixed in advance (`for {}`, `for cond`, `for range
//     ch`, `i < n`): the defer runs only when the function returns, so every
//     iteration's context and timer pile up until then (a range over a
//     table the function builds itself, an array or a constant count keeps
//     a bounded number, and is left alone; a range over a parameter's or a
//     field's slice is reported);
//   - a cancel passed to a function that never calls it, or stored in an
//     unexported struct field that nothing in the package calls;
//   - a cancel stored in a field whose release method calls it only on some
//     paths (guards excuse a path: the field is nil, an idempotence flag the
//     skipping path does not set, a parameter, ctx.Err() != nil); a method
//     that stores a new cancel into such a field without calling the one it
//     holds; an exported method that deletes a map entry's cancel uncalled
//     (the ownership model: package analyzer/internal/obligation);
//   - a premature cancel: the cancel is deferred, so the context ends when
//     the function returns, yet what the function returns still uses the
//     context: an *http.Response whose body is still to be read, *sql.Rows,
//     a struct or closure holding it (the knowledge table's keeps entries
//     say which results hold on to which arguments). No fix is offered: the
//     cancel must go to the caller.
//
// It stays silent when ownership moves: the cancel is returned, sent on a
// channel, stored where something calls it (a field some method calls, a
// slice, a map, a global), captured by a closure that calls it and is
// called, deferred or handed on (t.Cleanup, context.AfterFunc,
// sync.OnceFunc...), passed to a function that calls it or to one it cannot
// see. context.AfterFunc's stop is optional and never reported. main.main is
// exempt: returning from it ends the process.
//
// Where it is mechanical and safe (the call is outside loops, the function
// starts no goroutine, the context does not outlive the function) the
// finding carries the suggested fix `defer cancel()`; a `defer cancel()`
// further down is moved up to the call, never repeated.
//
// Wrong:
//
//	func fetch(ctx context.Context, url string) error {
//		ctx, cancel := context.WithTimeout(ctx, time.Second)
//		req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
//		if err != nil {
//			return err // the timer and context leak
//		}
//		defer cancel()
//		...
//	}
//
// Right:
//
//	func fetch(ctx context.Context, url string) error {
//		ctx, cancel := context.WithTimeout(ctx, time.Second)
//		defer cancel()
//		req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
//		...
//	}
//
// # Check chanblock
//
// chanblock: report channel operations and locks that can never complete
//
// A goroutine blocked on a channel operation that nothing will ever
// complete leaks like one that loops forever. chanblock tracks each channel
// made with make in a function whose every use it can see: the function
// itself, the closures and goroutines it starts, and the functions it
// passes the channel to, whose facts say what they do with a channel
// parameter (chan[N](sends=2), chan[N](drains), chan[N](recv), chan[N](close)).
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
//
// # Check gostop
//
// gostop: report goroutines that can never stop
//
// A goroutine that never returns leaks its stack and everything it
// references for the life of the process. gostop reports a go statement,
// or a function handed to a launcher, when the function it starts can never
// return: no path from its entry reaches a return, a panic or an exiting
// call (os.Exit, log.Fatal, runtime.Goexit). Typical culprits are a polling
// loop `for { work(); time.Sleep(d) }`, a `for { select { ... } }` whose
// cases never leave the loop (a break inside a select leaves only the
// select), and `for range ticker.C` or `for range time.Tick(d)`: those
// channels are never closed, so the range never ends.
//
// It follows the goroutine's function through static calls, closures,
// method values and packages: a function that runs forever, and one that
// calls it on every path, carries the fact forever(F (file.go:N)), and the
// finding names that loop. A launcher is a function that runs its argument
// in a new goroutine: errgroup.Group.Go, sync.WaitGroup.Go and the others of
// the knowledge table, and any function found to do so (its fact is
// launches[N]), like `func spawn(f func()) { go f() }`.
//
// A way out that can never fire is no way out: a receive from a stop
// channel kept in an unexported struct field that nothing in the package
// closes or sends on, and ctx.Done() when the goroutine is started with
// context.Background() or context.TODO() (passed straight in, or captured).
// A function whose only way out is a context or channel parameter (it
// returns only once the context is cancelled, or the channel closed or sent
// on) carries the fact stopsOnlyVia[N]; a goroutine started with such a
// function and a stop channel that nothing closes or sends on (an
// unexported field no code of the package signals, or nil) is reported. A
// server is a loop too: a goroutine running http.Server's ListenAndServe,
// ListenAndServeTLS, Serve or ServeTLS stops only when Shutdown or Close is
// called on the same server (or Serve's listener is closed), so it is
// reported when nothing in the package does, or only the serving goroutine
// itself does, after serving has returned (and the server does not leave
// the analysis's sight); http.ListenAndServe's server cannot be shut down
// at all. These serving functions and their stop methods are the
// knowledge table's stoppedby entries.
//
// A function can also make its result an obligation (the knowledge
// table's mustcall entries): a *runtime.Task from runtime.Start with a
// never-cancelled parent must be stopped or waited for, a *runtime.Group
// from runtime.WithContext or ServiceGroup waited for. A caller that
// discards such a result (a Task, whatever its context), or neither calls
// one of those methods nor lets the result go, is reported at the call.
// The channel of runtime.Pool or runtime.Merge (mustread entries) must be
// read: discarded, or kept in a field nothing reads, it leaves their
// goroutines blocked on their first send. A receive from the channel a
// runtime.Stopper's Stopping returns (a closedby entry: only its Stop
// closes it) never completes when the Stopper is an unexported field that
// nothing in the package stops. A goroutine handed a stop channel while it
// is still nil (made only after the go statement, with no path back to
// it) never stops; nor does a server whose owner closes it on some paths
// only (when Serve fails) and returns on others (when its context ends). Each of these stop obligations
// must be met on every path from the start to a return (a deferred stop
// counts; the failure branch of the constructor's own error result owes
// nothing): a Stop called only on an error path is reported too.
//
// A goroutine that starts at most once per process may run until the
// process exits, as main.main does: a start in main.main or an init
// function, or in a function of the package called from one place that
// itself runs once per process, outside any loop, is not reported as never
// stopping (a debug server, a stats ticker of a command); nor is a start
// after its function tested and set a package-level variable, inside a
// package-level sync.Once's Do, or in a function the knowledge table's
// once entries name (runtime.main). A start in a
// loop, in a function called from two places or used as a value (a
// handler), and in any exported function of a library package, is. A stop
// channel that nothing closes is reported even there: the goroutine was
// meant to be stopped.
//
// A type can make stopping its goroutine a contract: a method (Start)
// starts a goroutine whose only way out is a stop channel kept in a field,
// and only another method (Stop) closes or sends on it. gostop reports, at
// the call of Start, a function that makes such a value (with the channel),
// starts it (or starts the goroutine itself, with a go statement), and
// neither calls Stop on it nor lets it go (returns it, stores it, hands it
// on). A constructor that makes the value, starts its
// goroutine and returns it passes the contract on to its callers (its fact
// is mustStop[Stop]): a caller that neither stops the result nor lets it go
// is reported at the call. Start itself carries the fact startStops[Stop]:
// called on a value its caller made (a local, or a constructor's result),
// in any package, it must be followed by Stop on every path.
//
// It stays silent on finite goroutines, on loops with any way out (a
// receive from ctx.Done() or a stop channel followed by a return, a range
// over a channel that may be closed, a loop condition such as ctx.Err() ==
// nil or an atomic flag, a return on an I/O error), and on goroutines whose
// function it cannot see (an interface method, a function value).
//
// Wrong:
//
//	func (c *cache) janitor() {
//		for range time.Tick(time.Minute) {
//			c.sweep()
//		}
//	}
//	go c.janitor() // runs until the process exits, holding c
//
// Right:
//
//	func (c *cache) janitor(ctx context.Context) {
//		t := time.NewTicker(time.Minute)
//		defer t.Stop()
//		for {
//			select {
//			case <-ctx.Done():
//				return
//			case <-t.C:
//				c.sweep()
//			}
//		}
//	}
package analyzer
