package lifecycle

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// buildSSA builds the SSA form of the package as the buildssa pass does
// (but for its imports: see createImports), and returns it with its source
// functions: declared functions, their function literals, and those of
// package-level variable initializers. noReturn reports the functions
// that never return (see noReturns).
//
// golifecheck builds SSA itself, rather than requiring buildssa, so that it
// can skip the packages where no check has anything to look at: building
// SSA costs more than type checking, and go vet runs the tool on every
// package of a build, dependencies included.
func buildSSA(pass *analysis.Pass, noReturn func(*types.Func) bool) (*ssa.Package, []*ssa.Function) {
	prog := ssa.NewProgram(pass.Fset, 0)
	// Calls that never return (os.Exit, log.Fatal, t.FailNow) end their
	// block, so that paths through them reach no return.
	prog.SetNoReturn(noReturn)
	createImports(prog, pass)
	pkg := prog.CreatePackage(pass.Pkg, pass.Files, pass.TypesInfo, false)
	pkg.Build()

	var funcs []*ssa.Function
	var add func(fn *ssa.Function)
	add = func(fn *ssa.Function) {
		funcs = append(funcs, fn)
		for _, anon := range fn.AnonFuncs {
			add(anon)
		}
	}
	for _, f := range pass.Files {
		for _, decl := range f.Decls {
			if decl, ok := decl.(*ast.FuncDecl); ok {
				if fn, ok := pass.TypesInfo.Defs[decl.Name].(*types.Func); ok {
					if f := prog.FuncValue(fn); f != nil {
						add(f)
					}
				}
			}
		}
	}
	if init := pkg.Func("init"); init != nil {
		for _, anon := range init.AnonFuncs {
			add(anon)
		}
	}
	return pkg, funcs
}

// needsSSA reports whether any enabled check has something to look at in
// the package, so that SSA must be built: for ctxcancel, a call of a
// function that returns a cancel, keeps a context (its keeps, for the
// package's own facts) or returns a response to close (the knowledge
// table's mustclose entries, a mustClose fact), or a function whose summary other
// packages may need (one taking or returning a cancel-like function, or
// taking a response to close); for
// gostop, a go statement, a loop with no condition (outside generated
// files) or over a channel, a select, or a call of a function whose summary
// says it launches or runs forever; for chanblock, a channel made or
// declared nil, a function taking a channel (other packages need its
// summary), or a Lock of a mutex.
func needsSSA(pass *analysis.Pass, know *knowledge) bool {
	ctxcancel, chanblock := true, true // facts do not depend on the checks run
	if ctxcancel || chanblock {
		for _, obj := range pass.TypesInfo.Defs {
			fn, ok := obj.(*types.Func)
			if !ok {
				continue
			}
			sig := fn.Signature()
			if ctxcancel && (anyCancelType(sig.Params()) || anyCancelType(sig.Results())) {
				return true
			}
			if chanblock && anyChanType(sig.Params()) {
				return true // other packages need its chan[N] facts
			}
			if ctxcancel && anyCloserType(know, sig.Params()) {
				return true // other packages need its reads facts
			}
		}
	}
	gostop := true
	for _, obj := range pass.TypesInfo.Uses {
		fn, ok := obj.(*types.Func)
		if !ok || fn.Pkg() == nil {
			continue
		}
		if (ctxcancel && (know.cancelResults(fn) != nil || know.keeps[know.Name(fn)] != nil)) || (gostop && (know.launcherParams(fn) != nil || know.hasMustCall(fn))) {
			return true
		}
		if _, ok := know.MustCloseOf(fn); ok && ctxcancel {
			return true // a response whose Body ctxcancel follows
		}
		if chanblock && isMutexLock(fn) {
			return true // a Lock chanblock's mutex model follows
		}
		if fn.Pkg() == pass.Pkg {
			continue
		}
		// A call of a function whose summary a check acts on. (chanParam
		// summaries matter only where a channel is made: see below.)
		var f FuncFact
		if pass.ImportObjectFact(fn, &f) {
			if ctxcancel && (len(f.Cancels) > 0 || len(f.Drops) > 0 || len(f.Keeps) > 0 || len(f.MustClose) > 0) {
				return true
			}
			if chanblock && len(f.Streams) > 0 {
				return true // a stream whose consumer chanblock checks
			}
			if gostop && (f.Forever != "" || len(f.StopsOnlyVia) > 0 || len(f.Launches) > 0 || len(f.MustStop) > 0 || len(f.StartStops) > 0) {
				return true
			}
		}
	}
	if !gostop && !chanblock {
		return false
	}
	found := false
	for _, f := range pass.Files {
		generated := isGenerated(pass.Fset, f) // protobuf's for shift := 0; ; shift += 7
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt, *ast.SelectStmt:
				found = found || gostop
			case *ast.RangeStmt:
				if t := pass.TypesInfo.TypeOf(n.X); t != nil {
					_, overChan := t.Underlying().(*types.Chan)
					found = found || (gostop && overChan) // for range ticker.C
				}
			case *ast.ForStmt:
				found = found || (gostop && n.Cond == nil && !generated)
			case *ast.CallExpr:
				found = found || (chanblock && makesChan(pass, n))
			case *ast.SendStmt:
				found = found || (chanblock && ownChanField(pass, n.Chan))
			case *ast.UnaryExpr:
				found = found || (chanblock && n.Op == token.ARROW && ownChanField(pass, n.X))
			case *ast.ValueSpec:
				_, isChan := n.Type.(*ast.ChanType)
				found = found || (chanblock && isChan && len(n.Values) == 0) // a nil channel
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// isMutexLock reports whether fn is the Lock or RLock method of
// sync.Mutex or sync.RWMutex.
func isMutexLock(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return recv != nil && (fn.Name() == "Lock" || fn.Name() == "RLock") && IsSyncMutex(recv.Type())
}

// ownChanField reports whether x selects an unexported channel field of a
// struct of the package (which may never be made: see checkNeverMade).
func ownChanField(pass *analysis.Pass, x ast.Expr) bool {
	sel, ok := ast.Unparen(x).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	f, ok := pass.TypesInfo.Selections[sel]
	return ok && f.Kind() == types.FieldVal && !f.Obj().Exported() && f.Obj().Pkg() == pass.Pkg
}

// makesChan reports whether call is make(chan T[, n]).
func makesChan(pass *analysis.Pass, call *ast.CallExpr) bool {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Name != "make" || len(call.Args) == 0 {
		return false
	}
	if _, ok := pass.TypesInfo.Uses[id].(*types.Builtin); !ok {
		return false
	}
	t := pass.TypesInfo.TypeOf(call.Args[0])
	if t == nil {
		return false
	}
	_, ok = t.Underlying().(*types.Chan)
	return ok
}

// anyChanType reports whether a parameter list holds a channel.
func anyChanType(vars *types.Tuple) bool {
	for v := range vars.Variables() {
		if _, ok := v.Type().Underlying().(*types.Chan); ok {
			return true
		}
	}
	return false
}

// anyCloserType reports whether a parameter list holds something to
// close (see knowledge.closerField).
func anyCloserType(know *knowledge, vars *types.Tuple) bool {
	for v := range vars.Variables() {
		if _, ok := know.closerField(v.Type()); ok {
			return true
		}
	}
	return false
}

// anyCancelType reports whether a parameter or result list holds a
// cancel-like function.
func anyCancelType(vars *types.Tuple) bool {
	for v := range vars.Variables() {
		if IsCancelType(v.Type()) {
			return true
		}
	}
	return false
}
