package gostop

import (
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// ownerSkipsStop returns a return of the function that starts a serving
// goroutine (at start, running target) that a path from the go statement
// reaches without calling one of stops on the server key, when that
// function makes every such call in the package: Run closes the server
// when Serve fails and forgets it when its context ends (the paths after a
// receive from a channel the goroutine sends on, once serving has ended,
// owe nothing). It returns nil if someone else may stop the server, or
// every path does.
func (s *checker) ownerSkipsStop(start ssa.Instruction, target ssa.Value, key any, stops []string) *ssa.Return {
	owner := start.Parent()
	calls := make(map[ssa.Instruction]bool)
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				call, ok := in.(ssa.CallInstruction)
				if !ok || !s.stopsServer(call, key, stops) {
					continue
				}
				if fn != owner {
					return nil // a Close method, a closure: someone else may stop it
				}
				if _, ok := in.(*ssa.Defer); ok && in.Block().Dominates(start.Block()) {
					return nil // deferred before the go statement: it runs at every return
				}
				calls[in] = true
			}
		}
	}
	done := sentOnBy(target)
	seen := make(map[*ssa.BasicBlock]bool)
	var walk func(b *ssa.BasicBlock, from int) *ssa.Return
	walk = func(b *ssa.BasicBlock, from int) *ssa.Return {
		succs := b.Succs
		for _, in := range b.Instrs[from:] {
			if calls[in] {
				return nil
			}
			switch in := in.(type) {
			case *ssa.UnOp:
				if in.Op == token.ARROW && slices.Contains(done, variableOf(in.X)) {
					return nil // serving has ended
				}
			case *ssa.Select:
				for i, st := range in.States {
					if st.Dir == types.RecvOnly && slices.Contains(done, variableOf(st.Chan)) {
						if c := protocol.SelectCaseIf(in, i); c != nil {
							seen[c.Block().Succs[0]] = true // its case: serving has ended
						}
					}
				}
			case *ssa.Return:
				return in
			}
		}
		for _, succ := range succs {
			if !seen[succ] {
				seen[succ] = true
				if ret := walk(succ, 0); ret != nil {
					return ret
				}
			}
		}
		return nil
	}
	b := start.Block()
	for i, in := range b.Instrs {
		if in == start {
			return walk(b, i+1)
		}
	}
	return nil
}

// stopsServer reports whether call calls one of stops on the server key.
func (s *checker) stopsServer(call ssa.CallInstruction, key any, stops []string) bool {
	callee := call.Common().StaticCallee()
	if callee == nil || len(call.Common().Args) == 0 {
		return false
	}
	obj, ok := callee.Object().(*types.Func)
	return ok && slices.Contains(stops, s.Know.Name(obj)) && s.origin(call.Common().Args[0]) == key
}

// sentOnBy returns the channels of the starting function that the
// goroutine running target (a function literal) sends on: the values it
// captured.
func sentOnBy(target ssa.Value) []ssa.Value {
	mc, ok := target.(*ssa.MakeClosure)
	if !ok {
		return nil
	}
	g := mc.Fn.(*ssa.Function)
	var chans []ssa.Value
	for _, b := range g.Blocks {
		for _, in := range b.Instrs {
			send, ok := in.(*ssa.Send)
			if !ok {
				continue
			}
			for i, fv := range g.FreeVars {
				if variableOf(send.Chan) == fv {
					chans = append(chans, mc.Bindings[i])
				}
			}
		}
	}
	return chans
}

// variableOf returns the variable a value is loaded from (a channel kept
// in a captured variable), or the value itself.
func variableOf(v ssa.Value) ssa.Value {
	if load, ok := v.(*ssa.UnOp); ok && load.Op == token.MUL {
		return load.X
	}
	return v
}
