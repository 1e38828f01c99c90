package analyzer

import (
	"strings"

	"golang.org/x/tools/go/ssa"
)

// oncePerProcess reports whether block b runs at most once per process:
// it is outside any loop of a function that itself runs at most once per
// process. Such functions are main.main and the init functions, and the
// functions of the package, not used as values (nor, outside package main,
// exported), called from one place, in a block that runs at most once per
// process. A goroutine started there may run until the process exits, as
// main.main itself does (lostcancel exempts main.main for the same
// reason); the spec's rule, ../shared/guide/checks.md.
func (s *state) oncePerProcess(b *ssa.BasicBlock, depth int) bool {
	fn := b.Parent()
	if depth > 8 || fn.Parent() != nil || inLoop(b, nil) {
		return false // a closure may be called any number of times
	}
	if isMainMain(fn) || isInit(fn) {
		return true
	}
	if s.usedAsValue(fn) || (s.pass.Pkg.Name() != "main" && fn.Object() != nil && fn.Object().Exported()) {
		return false
	}
	calls := s.callsOf(fn)
	if len(calls) != 1 {
		return false // called from elsewhere (through an interface, a test), or twice
	}
	return s.oncePerProcess(calls[0].Block(), depth+1)
}

// isInit reports whether fn is a package's init function (or one of them).
func isInit(fn *ssa.Function) bool {
	return fn.Parent() == nil && fn.Signature.Recv() == nil &&
		(fn.Name() == "init" || strings.HasPrefix(fn.Name(), "init#"))
}
