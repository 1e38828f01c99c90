package analyzer

import (
	"fmt"
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
					s.checkStart(in.Pos(), in.Call.StaticCallee())
				case *ssa.Call:
					callee := in.Call.StaticCallee()
					if callee == nil {
						continue
					}
					for _, i := range s.sums.launcherParams(callee) {
						if i < len(in.Call.Args) {
							s.checkStart(s.callStart(in), funcOf(in.Call.Args[i]))
						}
					}
				}
			}
		}
	}
}

// checkStart reports the goroutine started at pos to run target if target
// can never return.
func (s *state) checkStart(pos token.Pos, target *ssa.Function) {
	if target == nil {
		return // an interface method or a function value: unknown
	}
	loop := s.sums.of(target).Forever
	if loop == "" {
		return
	}
	d := analysis.Diagnostic{
		Pos:     pos,
		Message: fmt.Sprintf("goroutine never stops: %s; return when ctx.Done() or a stop channel is closed", loop),
	}
	if at, ok := s.sums.loopAt[loop]; ok {
		d.Related = []analysis.RelatedInformation{related(at, "the goroutine never gets past here")}
	}
	s.report("gostop", d)
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
