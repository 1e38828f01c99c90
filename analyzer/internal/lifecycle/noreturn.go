package lifecycle

import (
	"go/ast"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"
)

// noReturn is the fact that a function never returns to its caller: no
// return statement is reachable in its body, because every path ends in a
// panic, in a call of a function that never returns (os.Exit, log.Fatal,
// runtime.Goexit, t.FailNow) or in an endless loop. SSA is built with it,
// so that the block after such a call is unreachable and a path through
// it reaches no return.
//
// It is the fact of x/tools' ctrlflow pass
// (golang.org/x/tools/go/analysis/passes/ctrlflow), computed by the same
// rule: golifecheck computes it itself because ctrlflow keeps an AST
// inspector and a control-flow graph of every function of the package
// alive for the whole run, where the fact needs each graph only while it
// is examined. On nats-server's server package, the inspector and the
// graphs held 167 MB of a 679 MB live heap, and dropping them took
// golifecheck's peak from 1.52 GB to 1.19-1.26 GB (go vet's: 1.20 GB).
type noReturn struct{}

func (*noReturn) AFact()         {}
func (*noReturn) String() string { return "noReturn" }

// noReturns computes which of the package's declared functions never
// return, exports the noReturn fact for each, and returns the predicate
// that SSA is built with: true for those functions and for imported
// functions with the fact.
func noReturns(pass *analysis.Pass) func(*types.Func) bool {
	c := &noReturnFinder{pass: pass, decls: make(map[*types.Func]*noReturnDecl), found: make(map[*types.Func]bool)}
	var order []*types.Func
	for _, f := range pass.Files {
		for _, decl := range f.Decls {
			if decl, ok := decl.(*ast.FuncDecl); ok {
				if fn, ok := pass.TypesInfo.Defs[decl.Name].(*types.Func); ok {
					c.decls[fn] = &noReturnDecl{decl: decl}
					order = append(order, fn)
				}
			}
		}
	}
	// In source order, as ctrlflow does: in a cycle of calls, the function
	// examined first sees the others' calls as returning.
	for _, fn := range order {
		c.examine(fn)
	}
	for _, fn := range order {
		if c.found[fn] {
			pass.ExportObjectFact(fn, new(noReturn))
		}
	}
	return func(fn *types.Func) bool {
		if fn.Pkg() == pass.Pkg {
			return c.found[fn]
		}
		return pass.ImportObjectFact(fn, new(noReturn))
	}
}

// A noReturnFinder decides which of a package's functions never return.
type noReturnFinder struct {
	pass  *analysis.Pass
	decls map[*types.Func]*noReturnDecl
	found map[*types.Func]bool // the functions that never return
}

type noReturnDecl struct {
	decl    *ast.FuncDecl
	started bool // to break cycles
}

// examine decides whether fn, declared in the package, never returns:
// whether no return is reachable in the control-flow graph of its body,
// where calls of functions that never return end their block. The graph
// is dropped once examined.
func (c *noReturnFinder) examine(fn *types.Func) {
	d := c.decls[fn]
	if d.started {
		return
	}
	d.started = true
	never, known := knownNoReturn(fn)
	if !known && d.decl.Body != nil {
		never = cfg.New(d.decl.Body, c.mayReturn).NoReturn()
	}
	if never {
		c.found[fn] = true
	}
}

// mayReturn reports whether the call may return: false for panic and for
// static calls of functions that never return.
func (c *noReturnFinder) mayReturn(call *ast.CallExpr) bool {
	if id, ok := call.Fun.(*ast.Ident); ok && c.pass.TypesInfo.Uses[id] == panicBuiltin {
		return false
	}
	fn := typeutil.StaticCallee(c.pass.TypesInfo, call)
	if fn == nil {
		return true // not statically known: assume it returns
	}
	if _, ok := c.decls[fn]; ok {
		c.examine(fn)
		return !c.found[fn]
	}
	return !c.pass.ImportObjectFact(fn, new(noReturn))
}

var panicBuiltin = types.Universe.Lookup("panic").(*types.Builtin)

// knownNoReturn reports, for the functions whose bodies do not show
// whether they return (written in assembly, or reaching the OS), whether
// they do not, and whether fn is one of them. The list is ctrlflow's
// (knownIntrinsic in golang.org/x/tools/go/analysis/passes/ctrlflow).
func knownNoReturn(fn *types.Func) (never, known bool) {
	switch {
	case NamedIn(fn, "syscall", "", "Exit", "ExitProcess", "ExitThread"),
		NamedIn(fn, "runtime", "", "Goexit", "fatalthrow", "fatalpanic", "exit"),
		NamedIn(fn, "go.uber.org/zap", "Logger", "Fatal", "Panic"),
		NamedIn(fn, "go.uber.org/zap", "SugaredLogger", "Fatal", "Fatalw", "Fatalf", "Panic", "Panicw", "Panicf"),
		NamedIn(fn, "github.com/sirupsen/logrus", "Logger", "Exit", "Panic", "Panicf", "Panicln"),
		NamedIn(fn, "github.com/sirupsen/logrus", "Entry", "Panicf", "Panicln"),
		NamedIn(fn, "k8s.io/klog", "", "Exit", "ExitDepth", "Exitf", "Exitln", "Fatal", "FatalDepth", "Fatalf", "Fatalln"),
		NamedIn(fn, "k8s.io/klog/v2", "", "Exit", "ExitDepth", "Exitf", "Exitln", "Fatal", "FatalDepth", "Fatalf", "Fatalln"):
		return true, true
	case NamedIn(fn, "internal/abi", "", "EscapeNonString"),
		NamedIn(fn, "hash/maphash", "", "Comparable"):
		return false, true // bodies that end in a panic the compiler removes
	}
	return false, false
}

// namedIn reports whether fn is one of the named functions of package
// path: package-level functions if recv is "", else methods of the named
// type recv (on a pointer receiver or not).
func NamedIn(fn *types.Func, path, recv string, names ...string) bool {
	if fn.Pkg() == nil || fn.Pkg().Path() != path {
		return false
	}
	r := fn.Signature().Recv()
	if (recv == "") != (r == nil) {
		return false
	}
	if r != nil {
		t := r.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if !IsNamed(t, path, recv) {
			return false
		}
	}
	return slices.Contains(names, fn.Name())
}
