package gostop

import (
	"go/token"
	"go/types"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// oncePerProcess reports whether block b runs at most once per process:
// it is outside any loop of a function that itself runs a bounded number
// of times per process (see boundedPerProcess). A goroutine started there
// may run until the process exits, as main.main itself does (lostcancel
// exempts main.main for the same reason); the spec's rule,
// ../shared/guide/checks.md. So do the blocks guarded by a package-level
// flag the function sets (see onceGuarded).
func (s *checker) oncePerProcess(b *ssa.BasicBlock) bool {
	if protocol.InLoop(b, nil) {
		return false
	}
	return onceGuarded(b) || s.boundedPerProcess(b.Parent())
}

// maxOnceCallers bounds the callers of a function that runs once per
// process: a command line's few subcommands, each starting its debug
// server through one helper, not a helper called all over a library.
const maxOnceCallers = 8

// boundedPerProcess reports whether fn runs a bounded number of times per
// process: main.main and the init functions, the functions the knowledge
// table's once entries name, a function stored only in a field they name
// (a cobra command's RunE: the command line runs one command), the body of
// a package-level sync.Once's Do, and the functions of the package, not
// used as values (nor, outside package main, exported), every call of
// which runs at most once per process (several subcommands' factories
// calling one helper start it once per process run).
// A function that calls itself, directly or not, is not bounded.
func (s *checker) boundedPerProcess(fn *ssa.Function) bool {
	if known, ok := s.bounded[fn]; ok {
		return known // false while fn is being decided: a cycle of calls
	}
	s.bounded[fn] = false
	s.bounded[fn] = s.decideBounded(fn)
	return s.bounded[fn]
}

// decideBounded decides boundedPerProcess(fn), for its memo.
func (s *checker) decideBounded(fn *ssa.Function) bool {
	if s.onceStored()[fn] {
		return true
	}
	if fn.Parent() != nil {
		return onceDo(fn) // a closure may be called any number of times, but in a global sync.Once
	}
	if lifecycle.IsMainMain(fn) || isInit(fn) {
		return true
	}
	if obj, ok := fn.Object().(*types.Func); ok && s.Know.Once[s.Know.Name(obj)] {
		return true // runtime.main: the program's entry, which runs main.main
	}
	if s.UsedAsValue(fn) || (s.Pass.Pkg.Name() != "main" && fn.Object() != nil && fn.Object().Exported()) {
		return false
	}
	calls := s.CallsOf(fn)
	if len(calls) == 0 || len(calls) > maxOnceCallers {
		return false // called from elsewhere (through an interface, a test), or from many places
	}
	for _, call := range calls {
		if !s.oncePerProcess(call.Block()) {
			return false
		}
	}
	return true
}

// onceStored returns the functions of the package stored into a field
// that the knowledge table's once entries name (cobra.Command.RunE), a
// closure only there. A named function stored there and also used as a
// value elsewhere counts too: the analysis then stays silent.
func (s *checker) onceStored() map[*ssa.Function]bool {
	if s.onceFuncs != nil {
		return s.onceFuncs
	}
	s.onceFuncs = make(map[*ssa.Function]bool)
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				st, ok := in.(*ssa.Store)
				if !ok {
					continue
				}
				if fa, ok := st.Addr.(*ssa.FieldAddr); !ok || !s.OnceField(fa) {
					continue
				}
				switch v := st.Val.(type) {
				case *ssa.Function:
					s.onceFuncs[v] = true
				case *ssa.MakeClosure:
					if refs := *v.Referrers(); len(refs) == 1 {
						s.onceFuncs[v.Fn.(*ssa.Function)] = true
					}
				}
			}
		}
	}
	return s.onceFuncs
}

// isInit reports whether fn is a package's init function (or one of them).
func isInit(fn *ssa.Function) bool {
	return fn.Parent() == nil && fn.Signature.Recv() == nil &&
		(fn.Name() == "init" || strings.HasPrefix(fn.Name(), "init#"))
}

// onceGuarded reports whether b runs only after its function tested a
// package-level variable and set it: `if sigChan != nil { return };
// sigChan = make(...); go loop()` starts the goroutine once per process.
func onceGuarded(b *ssa.BasicBlock) bool {
	fn := b.Parent()
	for _, d := range fn.Blocks {
		if !d.Dominates(b) || len(d.Instrs) == 0 {
			continue
		}
		ifi, ok := d.Instrs[len(d.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		if g := testedGlobal(ifi.Cond); g != nil && setBefore(g, b) {
			return true
		}
	}
	return false
}

// testedGlobal returns the package-level variable a condition tests (g,
// !g, g == nil, g != nil), or nil.
func testedGlobal(cond ssa.Value) *ssa.Global {
	switch c := cond.(type) {
	case *ssa.UnOp:
		if c.Op == token.NOT {
			return testedGlobal(c.X)
		}
		if g, ok := c.X.(*ssa.Global); ok && c.Op == token.MUL {
			return g
		}
	case *ssa.BinOp:
		if c.Op == token.EQL || c.Op == token.NEQ {
			if g := testedGlobal(c.X); g != nil && obligation.IsNil(c.Y) {
				return g
			}
		}
	}
	return nil
}

// setBefore reports whether a store into g runs before b on every path: in
// a block that dominates b.
func setBefore(g *ssa.Global, b *ssa.BasicBlock) bool {
	for _, d := range b.Parent().Blocks {
		if !d.Dominates(b) {
			continue
		}
		for _, in := range d.Instrs {
			if st, ok := in.(*ssa.Store); ok && st.Addr == g {
				return true
			}
		}
	}
	return false
}

// onceDo reports whether the closure fn runs only as the function of a
// package-level sync.Once's Do.
func onceDo(fn *ssa.Function) bool {
	for _, b := range fn.Parent().Blocks {
		for _, in := range b.Instrs {
			call, ok := in.(*ssa.Call)
			if !ok || len(call.Call.Args) != 2 {
				continue
			}
			callee := call.Call.StaticCallee()
			if callee == nil || callee.String() != "(*sync.Once).Do" {
				continue
			}
			if _, global := call.Call.Args[0].(*ssa.Global); !global {
				continue
			}
			if mc, ok := call.Call.Args[1].(*ssa.MakeClosure); ok && mc.Fn == fn || call.Call.Args[1] == fn {
				return true
			}
		}
	}
	return false
}
