// Package gostop defines an Analyzer that reports goroutines that can
// never stop.
//
// # Analyzer gostop
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
// closes or sends on, or that nothing in the package assigns (the struct
// literal or new omits it, no store, no escaping address: it is nil in
// every value, and the Close that closes it panics instead), and ctx.Done() when the goroutine is started with
// context.Background() or context.TODO() (passed straight in, or captured).
// A function whose only way out is a context or channel parameter (it
// returns only once the context is cancelled, or the channel closed or sent
// on) carries the fact stopsOnlyVia[N]; a goroutine started with such a
// function and a stop channel that nothing closes or sends on (an
// unexported field no code of the package signals, or nil) is reported. A
// server is a loop too: a goroutine running http.Server's ListenAndServe,
// ListenAndServeTLS, Serve or ServeTLS stops only when Shutdown or Close is
// called on the same server (or Serve's listener is closed: only a Close
// of it counts, not its use, such as logging its Addr; for a listener kept
// in an unexported field, a Close of that field's listener anywhere in
// the package), so it is
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
// A function whose last result is an error must stop, on every path that
// returns a non-nil error, what it has already started: the result of a
// constructor whose stop contract passes to it (its mustStop fact, in any
// package), or the value it makes and starts itself (go v.loop()). A
// hand-off counts only on the path it happens: storing the value in the
// struct returned on success, returning it, storing it in a field of the
// receiver, handing it to a function or a goroutine, or a deferred stop
// (or deferred closure) excuses the paths through it, not the error
// returns before it. A method of the value's own package called on it
// keeps it unless it may stop it; closing its stop channel by hand stops
// it. The finding is at the start, with the error return as evidence.
//
// A goroutine started per call (per connection, per request, per job)
// must not outlive the call by waiting only for its owner: started in a
// method of a value (a server, a client) and handed something of the call
// (the connection, the request, a subscription), a goroutine whose only
// ways out are signals of that value (a channel field such as s.quit, the
// Done of a context field such as s.ctx) piles up, one per call, until
// the value stops. The start is per call when the go statement is in a
// loop that serves (a for with no condition, a range over a channel), or
// the method is called in a loop, is handed on as a method value (a
// handler, a callback), or takes a *http.Request or a net.Conn. The finding names the owner's
// signal and the remedy: also wait for the call's context, or a channel
// closed when the call's work ends (or use context.AfterFunc).
// So does a goroutine started in an unexported function called once per
// iteration of a loop whose only way out is the Done of a context
// parameter that every call is given the same (the server's context, made
// before its accept loop): derive a context for the call and cancel it
// when the call ends.
//
// A goroutine that starts at most once per process may run until the
// process exits, as main.main does: a start in main.main or an init
// function, or in a function of the package every call of which (at most
// eight) itself runs once per process, outside any loop, is not reported
// as never stopping (a debug server, a stats ticker of a command, a helper
// that several subcommands call); nor is a start after its function tested
// and set a package-level variable, inside a package-level sync.Once's Do,
// in a function the knowledge table's once entries name (runtime.main), or
// in a function stored in a field they name (a cobra command's Run or
// RunE, a urfave/cli Action: a command line runs one command). A start in
// a loop, in a function used as a value (a handler), and in any exported
// function of a library package, is. The exemption ends where the program
// tries to stop the goroutine: when the cancel of a context it is given is
// called, a channel it is given is closed, or a Close, Stop, Shutdown or
// Cancel method of its receiver's type is called, it must stop like any
// other, and the finding names that call (a call deferred in main.main,
// which runs as the process exits, does not count). A stop channel that nothing
// closes is reported even there: the goroutine was meant to be stopped.
//
// A type can make stopping its goroutine a contract: a method (Start)
// starts a goroutine whose only way out is a stop channel kept in a field,
// and only another method (Stop) closes or sends on it; or its only way
// out is the Done of a context kept in a field, made with the cancel kept
// in another field, which only such a method calls (a query whose Close
// cancels the context its fetching goroutine waits on). gostop reports, at
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
package gostop
