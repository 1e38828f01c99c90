package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// runGostop reports goroutines that never stop: a go statement, or a
// function handed to a launcher (errgroup.Group.Go, a user's spawn
// helper...), whose function can never return.
func runGostop(s *state) {
	for _, fn := range s.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				switch in := in.(type) {
				case *ssa.Go:
					s.checkStart(in.Pos(), in.Call.Value, in.Call.Args)
				case *ssa.Call:
					callee := in.Call.StaticCallee()
					if callee == nil {
						continue
					}
					for _, i := range s.sums.launcherParams(callee) {
						if i < len(in.Call.Args) {
							s.checkStart(s.callStart(in), in.Call.Args[i], nil)
						}
					}
				}
			}
		}
	}
}

// checkStart reports the goroutine started at pos to run target(args...)
// if it can never return, or if its only way out is the cancellation of a
// context that is never cancelled.
func (s *state) checkStart(pos token.Pos, target ssa.Value, args []ssa.Value) {
	fn := funcOf(target)
	if fn == nil {
		return // an interface method or a function value: unknown
	}
	const remedy = "; return when ctx.Done() or a stop channel is closed"
	sum := s.sums.of(fn)
	if sum.Forever != "" {
		s.reportStart(pos, "goroutine never stops: "+sum.Forever+remedy, s.sums.loopAt[sum.Forever])
		return
	}
	// A context that is never cancelled: passed as an argument, or captured.
	var never func(ssa.Value) bool
	for _, i := range sum.StopsOnlyVia {
		if i < len(args) && isBackground(args[i]) {
			p := fn.Params[i]
			never = func(ch ssa.Value) bool { return isDoneOf(ch, p) || s.neverSignalled(ch) }
		}
	}
	if mc, ok := target.(*ssa.MakeClosure); ok {
		for i, b := range mc.Bindings {
			if holdsBackground(b) {
				fv := fn.FreeVars[i]
				never = func(ch ssa.Value) bool { return isDoneOf(ch, fv) || s.neverSignalled(ch) }
			}
		}
	}
	if never == nil {
		return
	}
	var at token.Pos
	if fn.Blocks != nil && fn.Pkg == s.pkg {
		var desc string
		if desc, at = s.sums.runsForever(fn, never); desc == "" {
			return
		}
	} else if len(sum.StopsOnlyVia) == 0 {
		return
	}
	s.reportStart(pos, "goroutine never stops: its only way out is ctx.Done(), and its context is context.Background(), which is never cancelled; pass a context that is cancelled when the work must stop", at)
}

func (s *state) reportStart(pos token.Pos, msg string, at token.Pos) {
	d := analysis.Diagnostic{Pos: pos, Message: msg}
	if at.IsValid() {
		d.Related = []analysis.RelatedInformation{related(at, "the goroutine never gets past here")}
	}
	s.report("gostop", d)
}

// isBackground reports whether v is context.Background() or context.TODO().
func isBackground(v ssa.Value) bool {
	call, ok := v.(*ssa.Call)
	if !ok {
		return false
	}
	callee := call.Call.StaticCallee()
	if callee == nil {
		return false
	}
	obj, ok := callee.Object().(*types.Func)
	return ok && (obj.FullName() == "context.Background" || obj.FullName() == "context.TODO")
}

// holdsBackground reports whether a closure's binding is, or is a variable
// only ever assigned, context.Background() or context.TODO().
func holdsBackground(b ssa.Value) bool {
	vals := storedValues(b)
	for _, v := range vals {
		if !isBackground(v) {
			return false
		}
	}
	return len(vals) > 0
}

// funcOf returns the function a function value denotes, if it is static.
func funcOf(v ssa.Value) *ssa.Function {
	switch v := v.(type) {
	case *ssa.Function:
		return v
	case *ssa.MakeClosure:
		return v.Fn.(*ssa.Function)
	}
	return nil
}

// callStart returns the start of the call expression of call.
func (s *state) callStart(call *ssa.Call) token.Pos {
	if path := s.enclosing(call.Pos()); len(path) > 0 {
		if ce, ok := path[0].(*ast.CallExpr); ok {
			return ce.Pos()
		}
	}
	return call.Pos()
}

// neverClosedBranch returns, for the `if ok` that ends a range over a
// channel nobody closes (a time.Ticker's C, time.Tick's result), the branch
// into the loop body: the other one is never taken.
func (s *state) neverClosedBranch(in *ssa.If) *ssa.BasicBlock {
	ex, ok := in.Cond.(*ssa.Extract)
	if !ok || ex.Index != 1 {
		return nil
	}
	recv, ok := ex.Tuple.(*ssa.UnOp)
	if !ok || recv.Op != token.ARROW || !s.neverClosed(recv.X) {
		return nil
	}
	return in.Block().Succs[0]
}

// neverClosed reports whether the channel ch is one the knowledge table
// says nobody closes: a field like time.Ticker.C or a function's result
// like time.Tick's.
func (s *state) neverClosed(ch ssa.Value) bool {
	switch ch := ch.(type) {
	case *ssa.UnOp: // a load of a field
		if fa, ok := ch.X.(*ssa.FieldAddr); ok && ch.Op == token.MUL {
			if f := fieldOf(fa); f != nil {
				return s.know.neverClosed[fieldKey(fa, f)]
			}
		}
	case *ssa.Call:
		if callee := ch.Call.StaticCallee(); callee != nil {
			if obj, ok := callee.Object().(*types.Func); ok {
				return s.know.neverClosed[obj.FullName()]
			}
		}
	case *ssa.ChangeType:
		return s.neverClosed(ch.X)
	}
	return false
}

// fieldKey names a field for the knowledge table: "time.Ticker.C".
func fieldKey(fa *ssa.FieldAddr, f *types.Var) string {
	if ptr, ok := fa.X.Type().Underlying().(*types.Pointer); ok {
		if named, ok := types.Unalias(ptr.Elem()).(*types.Named); ok && named.Obj().Pkg() != nil {
			return named.Obj().Pkg().Path() + "." + named.Obj().Name() + "." + f.Name()
		}
	}
	return ""
}

// neverSignalled reports whether ch is read from an unexported struct
// field of a chan type that nothing in the package closes or sends on, and
// whose value does not leave the package's sight: a receive from it never
// completes, so a stop channel kept there stops nothing.
func (s *state) neverSignalled(ch ssa.Value) bool {
	load, ok := ch.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return false
	}
	fa, ok := load.X.(*ssa.FieldAddr)
	if !ok {
		return false
	}
	f := fieldOf(fa)
	if f == nil || f.Exported() || f.Pkg() != s.pass.Pkg {
		return false
	}
	if s.signalled == nil {
		s.signalled = s.signalledFields()
	}
	return !s.signalled[f]
}

// signalledFields returns the chan-typed fields of the package's structs
// that may be closed or sent on: the value read from (or stored into) them
// is closed, sent on, or used otherwise than by receives and comparisons.
func (s *state) signalledFields() map[*types.Var]bool {
	signalled := make(map[*types.Var]bool)
	for _, fn := range s.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				fa, ok := in.(*ssa.FieldAddr)
				if !ok {
					continue
				}
				f := fieldOf(fa)
				if f == nil {
					continue
				}
				if _, isChan := f.Type().Underlying().(*types.Chan); !isChan {
					continue
				}
				for _, ref := range *fa.Referrers() {
					switch ref := ref.(type) {
					case *ssa.UnOp:
						if ref.Op != token.MUL || mayBeSignalled(ref) {
							signalled[f] = true
						}
					case *ssa.Store:
						if ref.Addr != fa || !isMake(ref.Val) {
							signalled[f] = true // assigned a channel made elsewhere
						}
					case *ssa.DebugRef:
					default:
						signalled[f] = true // &x.f escapes
					}
				}
			}
		}
	}
	return signalled
}

// mayBeSignalled reports whether the channel value ch may be closed or sent
// on: it is, or it goes where the analysis does not follow.
func mayBeSignalled(ch ssa.Value) bool {
	for _, ref := range *ch.Referrers() {
		switch ref := ref.(type) {
		case *ssa.UnOp:
			if ref.Op != token.ARROW {
				return true
			}
		case *ssa.Select:
			for _, st := range ref.States {
				if st.Chan == ch && st.Dir != types.RecvOnly {
					return true
				}
			}
		case *ssa.BinOp, *ssa.DebugRef:
		default:
			return true // close(ch), ch <- v, passed, stored, returned...
		}
	}
	return false
}

// isMake reports whether v is a channel made only to be stored here.
func isMake(v ssa.Value) bool {
	mk, ok := v.(*ssa.MakeChan)
	if !ok {
		return false
	}
	stores := 0
	for _, ref := range *mk.Referrers() {
		switch ref.(type) {
		case *ssa.Store:
			stores++
		case *ssa.DebugRef:
		default:
			return false
		}
	}
	return stores == 1
}
