package lifecycle

import (
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// computeStreams summarizes the channel results of fn that a goroutine fn
// starts feeds (generators, pipeline stages, asynchronous results,
// iterators): the fact's stream[R] entries.
func (m *summaries) computeStreams(fn *ssa.Function, f *FuncFact) {
	results := fn.Signature.Results()
	for r := range results.Len() {
		if _, ok := results.At(r).Type().Underlying().(*types.Chan); !ok {
			continue
		}
		var st protocol.Stream
		var ok bool
		if mk := ReturnedMake(fn, r); mk != nil {
			st, ok = m.s.streamOf(fn, mk)
		} else if f := returnedField(fn, r); f != nil {
			st, ok = m.s.fieldStream(f)
		}
		if ok {
			st.Result = r
			f.Streams = append(f.Streams, st)
		}
	}
}

// returnedMake returns the channel that fn makes and returns as result r
// on every return, or nil.
func ReturnedMake(fn *ssa.Function, r int) *ssa.MakeChan {
	var mk *ssa.MakeChan
	for _, v := range returnedValues(fn, r) {
		made, ok := MadeChan(v).(*ssa.MakeChan)
		if !ok || (mk != nil && made != mk) {
			return nil
		}
		mk = made
	}
	return mk
}

// returnedValues returns the values fn's returns give as result r, seen
// through a change of channel direction.
func returnedValues(fn *ssa.Function, r int) []ssa.Value {
	var vals []ssa.Value
	for _, b := range fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		v := ret.Results[r]
		if ct, ok := v.(*ssa.ChangeType); ok {
			v = ct.X
		}
		vals = append(vals, v)
	}
	return vals
}

// streamOf summarizes the goroutine that feeds the channel mk, which fn
// returns: it must be the channel's only other party, started once.
func (s *State) streamOf(fn *ssa.Function, mk *ssa.MakeChan) (protocol.Stream, bool) {
	w := NewChanWalk(&s.Sums)
	w.result = true
	w.Value(mk, WalkCtx{})
	if w.Escapes || len(w.Ops) == 0 {
		return protocol.Stream{}, false
	}
	start := w.Ops[0].Start
	g, ok := start.(*ssa.Go)
	if !ok || start.Parent() != fn || protocol.InLoop(start.Block(), nil) {
		return protocol.Stream{}, false
	}
	body := g.Call.StaticCallee()
	if body == nil || slices.ContainsFunc(w.Ops, func(op protocol.Op) bool { return op.Start != start }) {
		return protocol.Stream{}, false // fn's own operations, or a second goroutine
	}
	ops := w.Ops
	if body.Parent() == nil { // go f(ch): follow ch into f's body, not its summary
		if ops = s.GoCalleeOps(g, body, w.seen); ops == nil {
			return protocol.Stream{}, false
		}
	}
	p := protocol.Producer{
		Body: body, Ops: ops, Buffer: s.BufSize(mk), BufferBound: -1,
		Param:    func(v ssa.Value) int { return paramOf(fn, g, v) },
		StopCase: func(sel *ssa.Select, i int) string { return s.stopCase(recvBase(fn), sel.States[i].Chan) },
	}
	if call, ok := mk.Size.(*ssa.Call); ok && isBuiltin(call.Call.Value, "len") {
		p.BufferBound = slices.Index(fn.Params, asParam(OuterValue(call.Call.Args[0])))
	}
	return p.Summarize(s.Pass.Fset)
}

// goCalleeOps follows the channel (the values in chans) into the body of
// the function that `go f(...)` runs, or returns nil if it escapes there.
func (s *State) GoCalleeOps(g *ssa.Go, body *ssa.Function, chans map[ssa.Value]bool) []protocol.Op {
	if body.Blocks == nil {
		return nil
	}
	w := NewChanWalk(&s.Sums)
	for i, a := range g.Call.Args {
		if chans[a] && i < len(body.Params) {
			w.Value(body.Params[i], WalkCtx{start: g})
		}
	}
	if w.Escapes || len(w.Ops) == 0 {
		return nil
	}
	return w.Ops
}

// paramOf returns which parameter of fn the value v of the goroutine
// started by g is (a captured variable, or an argument of `go f(...)`),
// or -1.
func paramOf(fn *ssa.Function, g *ssa.Go, v ssa.Value) int {
	switch v := OuterValue(v).(type) {
	case *ssa.Parameter:
		if v.Parent() == fn {
			return slices.Index(fn.Params, v)
		}
		if i := slices.Index(v.Parent().Params, v); i >= 0 && i < len(g.Call.Args) && g.Call.StaticCallee() == v.Parent() {
			return slices.Index(fn.Params, asParam(g.Call.Args[i]))
		}
	}
	return -1
}

// outerValue returns the value of the enclosing function that v, a value
// of a closure, is: what a free variable is bound to, and what a variable
// assigned once holds (a captured parameter is such a variable).
func OuterValue(v ssa.Value) ssa.Value {
	for steps := 0; ; steps++ {
		if steps > maxOuterSteps {
			return v // a cycle: x = *x
		}
		switch x := v.(type) {
		case *ssa.FreeVar:
			if v = Binding(x); v == nil {
				return nil
			}
		case *ssa.UnOp:
			if x.Op != token.MUL {
				return v
			}
			addr := x.X
			if fv, ok := addr.(*ssa.FreeVar); ok {
				addr = OuterValue(fv)
			}
			alloc, ok := addr.(*ssa.Alloc)
			if !ok {
				return v
			}
			vals := StoredValues(alloc)
			if len(vals) != 1 {
				return v
			}
			v = vals[0]
		default:
			return v
		}
	}
}

// maxOuterSteps bounds outerValue's walk: a variable assigned its own
// value (v := *x; *x = v) would send it round forever.
const maxOuterSteps = 16

// asParam returns v as a parameter, or nil.
func asParam(v ssa.Value) *ssa.Parameter {
	p, _ := v.(*ssa.Parameter)
	return p
}

func isBuiltin(v ssa.Value, name string) bool {
	b, ok := v.(*ssa.Builtin)
	return ok && b.Name() == name
}

// stopCase names the method of the struct type base that closes the
// field a select case receives from (c.stop, closed by Stop), or "".
func (s *State) stopCase(base types.Type, ch ssa.Value) string {
	load, ok := ch.(*ssa.UnOp)
	if !ok || load.Op != token.MUL || base == nil {
		return ""
	}
	fa, ok := load.X.(*ssa.FieldAddr)
	if !ok || !types.Identical(fa.X.Type().(*types.Pointer).Elem(), base) {
		return ""
	}
	for _, addr := range s.FieldAddrs(obligation.FieldOf(fa)) {
		for _, ref := range *addr.Referrers() {
			l, ok := ref.(*ssa.UnOp)
			if !ok || l.Op != token.MUL {
				continue
			}
			for _, use := range *l.Referrers() {
				call, ok := use.(*ssa.Call)
				if ok && isBuiltin(call.Call.Value, "close") {
					if m := enclosingMethod(call.Parent()); m != nil && types.Identical(recvBase(m), base) {
						return m.Name()
					}
				}
			}
		}
	}
	return ""
}

// enclosingMethod returns the declared method a function (or closure) is
// part of, or nil.
func enclosingMethod(fn *ssa.Function) *ssa.Function {
	for fn.Parent() != nil {
		fn = fn.Parent()
	}
	if fn.Signature.Recv() == nil {
		return nil
	}
	return fn
}

// recvBase returns the base type of a method's receiver (T for *T), or
// nil for a function.
func recvBase(fn *ssa.Function) types.Type {
	recv := fn.Signature.Recv()
	if recv == nil {
		return nil
	}
	t := recv.Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return t
}

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
