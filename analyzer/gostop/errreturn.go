package gostop

import (
	"fmt"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// An owned value is one a function holds whose goroutine only a stop
// method stops: the result of a constructor with a stop contract (its
// mustStop fact), a value whose Start the function called (startStops),
// or the value a constructor makes and starts itself (go v.loop()).
type owned struct {
	start ssa.Instruction // where the goroutine starts, or the value is made
	v     ssa.Value       // the value
	stops []string        // the names of its stop methods
	name  string          // the value's name in the source, for messages
	what  string          // "goroutine started by NewWatcher"
}

// checkErrorReturns reports, in a function whose last result is an error,
// an owned value whose goroutine is left running by an error return after
// the start: no stop method is called on it on that path, and the value
// is not handed on there (returned, stored beyond the function, passed to
// a function, captured by a goroutine). A hand-off counts only on the path
// it happens: storing the value in the struct the function returns on
// success does not stop it on the error paths before.
func (s *checker) checkErrorReturns(fn *ssa.Function) {
	res := fn.Signature.Results()
	if res.Len() == 0 || !obligation.IsErrorType(res.At(res.Len()-1).Type()) {
		return
	}
	for _, o := range s.ownedIn(fn) {
		if ret := leakingErrorReturn(o); ret != nil {
			s.reportErrorReturn(fn, o, ret)
		}
	}
}

// ownedIn returns the owned values of fn that leave it on some path (a
// value that never does is checkCtorCall's and checkStartCall's: it must
// be stopped on every path).
func (s *checker) ownedIn(fn *ssa.Function) []owned {
	var out []owned
	if c := s.CtorContract(fn); c != nil {
		if o, ok := s.selfStarted(fn, c); ok {
			out = append(out, o)
		}
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			call, ok := in.(*ssa.Call)
			if !ok {
				continue
			}
			callee := call.Call.StaticCallee()
			if callee == nil {
				continue
			}
			if o := callee.Origin(); o != nil {
				callee = o
			}
			if stops := s.ctorStops(callee); len(stops) > 0 {
				if v := obligation.ResultValue(call, 0); v != nil && !s.ValueUses(v, false).Ok {
					out = append(out, owned{start: call, v: v, stops: stops, name: s.AssignedTo(call.Pos()), what: "goroutine started by " + s.FuncName(callee)})
				}
			}
			if o, ok := s.startedHere(call, callee); ok {
				out = append(out, o)
			}
		}
	}
	return out
}

// startedHere returns the value call starts, if callee is a method whose
// call arms a stop contract (startStops, any package) and its receiver
// is a value the function made: a local, or a constructor's result.
func (s *checker) startedHere(call *ssa.Call, callee *ssa.Function) (owned, bool) {
	if call.Call.Signature().Recv() == nil || len(call.Call.Args) == 0 {
		return owned{}, false
	}
	stops := s.StartStops(callee)
	if len(stops) == 0 {
		return owned{}, false
	}
	recv := call.Call.Args[0]
	switch recv.(type) {
	case *ssa.Alloc, *ssa.Call:
	default:
		return owned{}, false // a parameter, a field: its owner stops it
	}
	if s.ValueUses(recv, false).Ok {
		return owned{}, false // it stays here: checkStartCall's
	}
	name := s.AssignedTo(recv.Pos())
	return owned{start: call, v: recv, stops: stops, name: name, what: "goroutine started by " + name + "." + callee.Name()}, true
}

// ctorStops returns the stop methods of the value callee returns, if it
// is a constructor with a stop contract.
func (s *checker) ctorStops(callee *ssa.Function) []string {
	if callee.Pkg != s.Pkg {
		return s.Sums.Of(callee).MustStop
	}
	c := s.CtorContract(callee)
	if c == nil {
		return nil
	}
	var stops []string
	for _, stop := range c.Stoppers {
		stops = append(stops, stop.Name())
	}
	return stops
}

// selfStarted returns the value fn, a constructor with contract c, makes
// and starts itself, from the go statement (or the Start call) in fn.
func (s *checker) selfStarted(fn *ssa.Function, c *lifecycle.StopContract) (owned, bool) {
	var stops []string
	for _, stop := range c.Stoppers {
		stops = append(stops, stop.Name())
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			var recv ssa.Value
			switch in := in.(type) {
			case *ssa.Go:
				if in.Pos() == c.Start && len(in.Call.Args) > 0 {
					recv = in.Call.Args[0]
				}
			case *ssa.Call:
				if callee := in.Call.StaticCallee(); callee != nil && len(in.Call.Args) > 0 && s.ContractOf(callee) == c {
					recv = in.Call.Args[0]
				}
			}
			if alloc, ok := recv.(*ssa.Alloc); ok {
				return owned{start: in, v: alloc, stops: stops, name: s.AssignedTo(alloc.Pos()), what: "goroutine started here"}, true
			}
		}
	}
	return owned{}, false
}

// leakingErrorReturn returns a return of a non-nil error that a path from
// o's start reaches without a stop or a hand-off of o's value, or nil.
// Paths on which the start's own error is not nil owe nothing; a value
// whose stop is deferred, or captured by a deferred closure, owes nothing
// on any path.
func leakingErrorReturn(o owned) *ssa.Return {
	h := newHandOffs(o.stops)
	h.value(o.v)
	if h.deferred {
		return nil
	}
	errVal := obligation.ErrResult(o.start)
	seen := make(map[*ssa.BasicBlock]bool)
	var walk func(b *ssa.BasicBlock, from int) *ssa.Return
	walk = func(b *ssa.BasicBlock, from int) *ssa.Return {
		for _, in := range b.Instrs[from:] {
			if h.at[in] {
				return nil
			}
			if ret, ok := in.(*ssa.Return); ok {
				if n := len(ret.Results); n > 0 && !obligation.IsNil(ret.Results[n-1]) {
					return ret
				}
				return nil
			}
		}
		succs := b.Succs
		if ok := obligation.ErrBranch(b, errVal); ok != nil {
			succs = []*ssa.BasicBlock{ok}
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
	b := o.start.Block()
	return walk(b, slices.Index(b.Instrs, o.start)+1)
}

// reportErrorReturn reports o, left running by fn's return ret.
func (s *checker) reportErrorReturn(fn *ssa.Function, o owned, ret *ssa.Return) {
	name := o.name
	if name == "" {
		name = "the value"
	}
	stop := name + "." + o.stops[0]
	pos := o.start.Pos()
	if call, ok := o.start.(*ssa.Call); ok {
		pos = s.CallStart(call)
	}
	d := analysis.Diagnostic{
		Pos: pos,
		Message: fmt.Sprintf("%s is left running when %s returns an error: %s is not called on that path; call %s() before returning the error",
			o.what, s.FuncName(fn), stop, stop),
		Related: []analysis.RelatedInformation{lifecycle.Related(protocol.ReturnPos(ret), "the error is returned here without "+stop+"()")},
	}
	s.Report("gostop", d)
}
