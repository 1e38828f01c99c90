// Package analyzer lists golifecheck's analyzers, which find goroutine
// lifecycle bugs: goroutines that never stop (package gostop), channel
// operations, locks and waits that can never complete (package chanblock),
// and cancel functions that are not called on every path (package
// ctxcancel).
//
// Go has a go keyword and no stop keyword: a goroutine, and the context it
// holds, lives until it returns. golifecheck reports, before the code ships,
// the places where that never happens. Each family of findings is a check,
// an analysis.Analyzer in a package of its own with its documentation, its
// diagnostic category and its flag (-NAME=false switches it off). The checks
// share the model that package internal/lifecycle computes (Model).
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
package analyzer
