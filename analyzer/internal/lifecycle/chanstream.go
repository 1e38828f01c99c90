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
