// Package ctxcancel defines an Analyzer that reports cancel functions
// (and other release obligations) that are not called on every path.
//
// # Analyzer ctxcancel
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
//     field's slice is reported); a WithCancel or WithCancelCause of a
//     context nothing cancels (Background, TODO, WithoutCancel, a WithValue
//     of one) whose context is used only in place (its own methods called,
//     never passed, stored or captured) is left alone too: it holds no
//     timer, no registration in a parent and no goroutine waiting on it,
//     only its memory;
//   - a cancel left to time.AfterFunc (`t := time.AfterFunc(d, cancel)`)
//     on a path that then stops the timer (`t.Stop()`, `defer t.Stop()`)
//     and returns without calling it: the timer never fires, so nothing
//     cancels. A Stop whose result is tested (`if t.Stop() { cancel() }`),
//     a Reset after the Stop, and a timer stored or passed where the
//     function cannot see who stops it, are left alone;
//   - a cancel passed to a function that never calls it, or stored in an
//     unexported struct field that nothing in the package calls;
//   - a cancel stored in a field that only a method outside its type's
//     release methods (Close, Stop, Shutdown, Wait, and the methods the
//     knowledge table's release entries name) calls, while those
//     never reach it (a pool whose fail cancels, and whose Wait does not):
//     when nothing fails, the context lives as long as its parent. A
//     closure that runs within a method (started as its goroutine,
//     called, deferred, run by a sync.Once) and waits for nothing calls
//     it as that method does (a pool whose Go's goroutine cancels on an
//     error). A caller named as an end of life (Cancel, Release,
//     Abort...), a closure kept, handed on, or that receives or selects
//     before (a watcher woken by Close), or a type without release
//     methods is left alone;
//   - a cancel stored in a field whose release method calls it only on some
//     paths (guards excuse a path: the field is nil, an idempotence flag the
//     skipping path does not set, a parameter, ctx.Err() != nil); a method
//     that stores a new cancel into such a field without calling the one it
//     holds; an exported method that deletes a map entry's cancel
//     uncalled, overwrites it with what is no cancel (nil, a no-op),
//     or empties a map or slice of cancels (clear, nil, [:0], or
//     a new map where a constructor made the first one) calling none of
//     them (the ownership model: package analyzer/internal/obligation);
//   - the Body of an *http.Response from (*http.Client).Do, Get, Post,
//     PostForm or http.Get not closed on every path where the call's error
//     is nil, or the response discarded: its connection, and the
//     transport's goroutines serving it, stay (the knowledge table's
//     mustclose entries); so is that of a function that returns such a
//     response, or nil with its error (a wrapper of http.Get, in any
//     package: its fact is mustClose[0.Body]). Reading the body (io.ReadAll, io.Copy: the
//     table's reads entries) is not closing it, nor is handing the
//     response to a function that only reads from it, neither closing the
//     body nor handing either on (a status check, in any package: its
//     fact is reads[0]); returning or storing the response, capturing it,
//     or handing it or its body to any other function moves the
//     obligation, and is left alone. Test files are
//     left alone too: their httptest servers' Close ends the connections,
//     and their fake transports return nothing to close;
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
package ctxcancel
