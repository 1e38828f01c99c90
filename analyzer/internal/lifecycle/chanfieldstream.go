package lifecycle

import (
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// returnedField returns the unexported channel field of its receiver that
// the method fn returns as result r on every return (an accessor such as
// `func (c *Cursor) Rows() <-chan Row { return c.rows }`), or nil.
func returnedField(fn *ssa.Function, r int) *types.Var {
	if fn.Signature.Recv() == nil {
		return nil
	}
	var field *types.Var
	for _, v := range returnedValues(fn, r) {
		load, ok := v.(*ssa.UnOp)
		if !ok || load.Op != token.MUL {
			return nil
		}
		fa, ok := load.X.(*ssa.FieldAddr)
		if !ok || fa.X != fn.Params[0] {
			return nil
		}
		if f := obligation.FieldOf(fa); f == nil || (field != nil && f != field) || f.Exported() {
			return nil
		}
		field = obligation.FieldOf(fa)
	}
	return field
}

// fieldStream summarizes the goroutine that feeds the channels kept in
// field f: every store makes one, one goroutine body (run only by go
// statements) sends on and closes it, and the package only returns it
// otherwise.
func (s *State) fieldStream(f *types.Var) (protocol.Stream, bool) {
	var ops []protocol.Op
	var base types.Type // the struct holding f
	buf := -2
	for _, fa := range s.FieldAddrs(f) {
		base = fa.X.Type().(*types.Pointer).Elem()
		for _, ref := range *fa.Referrers() {
			switch ref := ref.(type) {
			case *ssa.Store:
				mk, ok := MadeChan(ref.Val).(*ssa.MakeChan)
				if !ok || (buf != -2 && s.BufSize(mk) != buf) {
					return protocol.Stream{}, false
				}
				buf = s.BufSize(mk)
			case *ssa.UnOp:
				more, ok := loadedFieldOps(ref)
				if !ok {
					return protocol.Stream{}, false
				}
				ops = append(ops, more...)
			case *ssa.DebugRef:
			default:
				return protocol.Stream{}, false
			}
		}
	}
	if len(ops) == 0 || buf == -2 {
		return protocol.Stream{}, false
	}
	body := ops[0].Instr.Parent()
	if slices.ContainsFunc(ops, func(op protocol.Op) bool { return op.Instr.Parent() != body }) || !s.OnlyGoStarted(body) {
		return protocol.Stream{}, false // in several functions, or run otherwise than by go (an HTTP handler)
	}
	p := protocol.Producer{
		Body: body, Ops: ops, Buffer: buf, BufferBound: -1,
		Param:    func(ssa.Value) int { return -1 },
		StopCase: func(sel *ssa.Select, i int) string { return s.stopCase(base, sel.States[i].Chan) },
	}
	return p.Summarize(s.Pass.Fset)
}

// loadedFieldOps returns the operations on a loaded field's channel: sends
// (in selects too) and closes; a return is the accessor's. Anything else
// (a receive, a hand-off) fails.
func loadedFieldOps(load *ssa.UnOp) ([]protocol.Op, bool) {
	if load.Op != token.MUL {
		return nil, false
	}
	var ops []protocol.Op
	for _, ref := range *load.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Send:
			if ref.X == load {
				return nil, false
			}
			ops = append(ops, protocol.Op{Kind: protocol.Send, Instr: ref, Weight: 1})
		case *ssa.Select:
			for i, st := range ref.States {
				if st.Chan != load {
					continue
				}
				if st.Dir != types.SendOnly {
					return nil, false
				}
				ops = append(ops, protocol.Op{Kind: protocol.Send, Instr: ref, Weight: 1, Optional: !ref.Blocking || len(ref.States) > 1, SelIndex: i})
			}
		case *ssa.Call:
			if !isBuiltin(ref.Call.Value, "close") {
				return nil, false
			}
			ops = append(ops, protocol.Op{Kind: protocol.Close, Instr: ref})
		case *ssa.Defer:
			if !isBuiltin(ref.Call.Value, "close") {
				return nil, false
			}
			ops = append(ops, protocol.Op{Kind: protocol.Close, Instr: ref})
		case *ssa.Return, *ssa.DebugRef:
		case *ssa.ChangeType:
			if !OnlyReturned(ref) {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return ops, true
}

// onlyGoStarted reports whether the package runs fn only in goroutines of
// its own: go statements call it, and nothing calls it in place or takes
// it as a value (a method value handed to a router runs it elsewhere).
func (s *State) OnlyGoStarted(fn *ssa.Function) bool {
	started := false
	var ops []*ssa.Value
	for _, f := range s.Funcs {
		for _, b := range f.Blocks {
			for _, in := range b.Instrs {
				if g, ok := in.(*ssa.Go); ok && g.Call.StaticCallee() == fn {
					started = true
					continue
				}
				if call, ok := in.(*ssa.Call); ok && call.Call.StaticCallee() == fn {
					return false
				}
				if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == fn && onlyGone(mc) {
					continue // go func() { ... }()
				}
				for _, op := range in.Operands(ops[:0]) {
					switch v := (*op).(type) {
					case *ssa.Function:
						if v == fn || (v.Object() != nil && v.Object() == fn.Object() && v != fn) {
							return false // fn, or its bound-method wrapper, as a value
						}
					}
				}
			}
		}
	}
	return started
}

// onlyGone reports whether a closure's only use is to be run by go.
func onlyGone(mc *ssa.MakeClosure) bool {
	for _, ref := range *mc.Referrers() {
		if g, ok := ref.(*ssa.Go); !ok || g.Call.Value != mc {
			return false
		}
	}
	return true
}
