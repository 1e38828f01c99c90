package lifecycle

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// funcFact is the lifecycle summary of a function that other packages
// need: it is computed once, on the function's SSA form, and exported as
// an analysis fact so that go vet (one package at a time) and the
// standalone checker (whole program) report the same findings.
type FuncFact struct {
	// Cancels lists the results that carry a fresh cancel function the
	// caller must call (a helper returning context.WithCancel's cancel).
	Cancels []int
	// NilOnErr lists the Cancels that are nil whenever the last result,
	// an error, is not: a caller that returns on the error owes nothing
	// (calling the nil cancel would panic).
	NilOnErr []int
	// Keeps lists the pairs (result, context parameter, SSA numbering)
	// where the result holds on to the parameter's context (a request made
	// with it): the context must outlive the result.
	Keeps [][2]int
	// Drops lists the func-typed parameters (SSA numbering: the receiver,
	// if any, is parameter 0) that the function neither calls nor hands
	// on: a cancel passed there is never called.
	Drops []int
	// Forever, when set, says the function never returns: no path from its
	// entry reaches a return, a panic or an exiting call. It says what
	// keeps it: "the loop in (*cache).janitor (cache.go:42) has no exit".
	Forever string
	// StopsOnlyVia lists the context and channel parameters (SSA
	// numbering) whose cancellation, or a close of or send on which, is the
	// function's only way out: started with a context that is never
	// cancelled, or a channel nothing closes or sends on, it runs forever.
	StopsOnlyVia []int
	// Launches lists the func-typed parameters (SSA numbering) that the
	// function runs in a new goroutine: it is a launcher, like
	// errgroup.Group.Go.
	Launches []int
	// Chans summarizes the channel parameters that do not escape.
	Chans []chanParam
	// Streams summarizes the channel results that a goroutine the
	// function starts feeds (generators, pipeline stages, iterators).
	Streams []protocol.Stream
	// MustStop names the methods of which one must be called on the
	// function's result to stop the goroutine it started (a constructor
	// whose goroutine's only way out is a stop method).
	MustStop []string
	// StartStops names, for a method whose every call starts a goroutine
	// that only a stop method of the receiver ends (Start), the methods of
	// which one the caller must call on the receiver.
	StartStops []string
	// MustClose holds, for a function that returns what a mustclose
	// function returns (a wrapper of http.Get), the result and field its
	// callers must close; at most one.
	MustClose []MustClose
	// Reads lists the parameters (SSA numbering) holding something to
	// close (a pointer to a struct with a field a mustclose entry names,
	// such as an *http.Response) that the function only reads from: it
	// neither closes that field nor hands the value or the field on, so
	// a caller that owes the Close still owes it after the call.
	Reads []int
}

func (*FuncFact) AFact() {}

func (f *FuncFact) String() string {
	var parts []string
	if len(f.Cancels) > 0 {
		parts = append(parts, fmt.Sprintf("returnsCancel%v", f.Cancels))
	}
	if len(f.NilOnErr) > 0 {
		parts = append(parts, fmt.Sprintf("nilOnErr%v", f.NilOnErr))
	}
	for _, k := range f.Keeps {
		parts = append(parts, fmt.Sprintf("keeps[%d:%d]", k[0], k[1]))
	}
	if len(f.Drops) > 0 {
		parts = append(parts, fmt.Sprintf("dropsParam%v", f.Drops))
	}
	if f.Forever != "" {
		parts = append(parts, "forever("+f.Forever+")")
	}
	if len(f.StopsOnlyVia) > 0 {
		parts = append(parts, fmt.Sprintf("stopsOnlyVia%v", f.StopsOnlyVia))
	}
	if len(f.Launches) > 0 {
		parts = append(parts, fmt.Sprintf("launches%v", f.Launches))
	}
	for _, cp := range f.Chans {
		parts = append(parts, cp.String())
	}
	for _, st := range f.Streams {
		parts = append(parts, st.String())
	}
	if len(f.MustStop) > 0 {
		parts = append(parts, fmt.Sprintf("mustStop%v", f.MustStop))
	}
	if len(f.StartStops) > 0 {
		parts = append(parts, fmt.Sprintf("startStops%v", f.StartStops))
	}
	for _, mc := range f.MustClose {
		parts = append(parts, fmt.Sprintf("mustClose[%d.%s]", mc.Result, mc.Field))
	}
	if len(f.Reads) > 0 {
		parts = append(parts, fmt.Sprintf("reads%v", f.Reads))
	}
	return strings.Join(parts, " ")
}

func (f *FuncFact) empty() bool {
	return len(f.Cancels) == 0 && len(f.Keeps) == 0 && len(f.Drops) == 0 && f.Forever == "" && len(f.StopsOnlyVia) == 0 && len(f.Launches) == 0 && len(f.Chans) == 0 && len(f.Streams) == 0 && len(f.MustStop) == 0 && len(f.StartStops) == 0 && len(f.MustClose) == 0 && len(f.Reads) == 0
}

// summaries computes funcFacts for the functions of the package being
// analyzed, on demand and once each, and imports those of other packages.
type summaries struct {
	s    *State
	memo map[*ssa.Function]*FuncFact
	busy map[*ssa.Function]bool
	// loopAt holds the positions of the loops that this package's
	// functions run forever, by funcFact.Forever, for related information.
	LoopAt map[string]token.Pos
	// facts is the pass of Analyzer, which owns the facts.
	facts *analysis.Pass
}

// clone returns a copy of m for the State s: the summaries computed so far,
// and memo tables of its own.
func (m *summaries) clone(s *State) summaries {
	return summaries{s: s, facts: m.facts, memo: maps.Clone(m.memo), busy: make(map[*ssa.Function]bool), LoopAt: maps.Clone(m.LoopAt)}
}

func (m *summaries) init(s *State) {
	m.facts = s.Pass
	m.s = s
	m.memo = make(map[*ssa.Function]*FuncFact)
	m.busy = make(map[*ssa.Function]bool)
	m.LoopAt = make(map[string]token.Pos)
}

// export computes the summary of every function declared in the package
// and exports the non-empty ones as facts.
func (m *summaries) export() {
	for _, fn := range m.s.Funcs {
		obj, ok := fn.Object().(*types.Func)
		if !ok || obj.Pkg() != m.s.Pass.Pkg {
			continue // closures have no object; they are summarized on demand
		}
		if f := m.Of(fn); !f.empty() {
			m.facts.ExportObjectFact(obj, f)
		}
	}
}

// of returns the summary of fn: computed from its body when the body is in
// this package (or synthesized, like wrappers), imported otherwise. It never
// returns nil; an unknown function has the empty summary, which the checks
// read as "may do anything", so they stay silent.
func (m *summaries) Of(fn *ssa.Function) *FuncFact {
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if f, ok := m.memo[fn]; ok {
		return f
	}
	f := new(FuncFact)
	switch {
	case m.busy[fn]:
		return f // recursion: assume nothing
	case fn.Blocks != nil && (fn.Pkg == m.s.Pkg || fn.Synthetic != ""):
		m.busy[fn] = true
		m.compute(fn, f)
		delete(m.busy, fn)
	default:
		if obj, ok := fn.Object().(*types.Func); ok {
			m.facts.ImportObjectFact(obj, f)
		}
	}
	m.memo[fn] = f
	return f
}

func (m *summaries) compute(fn *ssa.Function, f *FuncFact) {
	// Results carrying a fresh cancel.
	results := fn.Signature.Results()
	for r := range results.Len() {
		if !IsCancelType(results.At(r).Type()) {
			continue
		}
		for _, b := range fn.Blocks {
			ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
			if ok && r < len(ret.Results) && m.carriesCancel(ret.Results[r], make(map[ssa.Value]bool)) {
				f.Cancels = append(f.Cancels, r)
				break
			}
		}
	}
	f.NilOnErr = obligation.NilOnErr(fn, f.Cancels)
	for i, p := range fn.Params {
		if IsContext(p.Type()) {
			for _, r := range m.s.resultsKeeping(p) {
				f.Keeps = append(f.Keeps, [2]int{r, i})
			}
		}
	}
	// Func-typed parameters never called nor handed on.
	for i, p := range fn.Params {
		if !IsCancelType(p.Type()) {
			continue
		}
		if !m.s.FlowOf(p).Releases() {
			f.Drops = append(f.Drops, i)
		}
	}
	m.computeForever(fn, f)
	m.computeLaunches(fn, f)
	m.computeChans(fn, f)
	m.computeStreams(fn, f)
	if fn.Signature.Recv() != nil {
		f.StartStops = m.s.StartStops(fn)
	}
	if c := m.s.CtorContract(fn); c != nil {
		for _, stop := range c.Stoppers {
			f.MustStop = append(f.MustStop, stop.Name())
		}
	}
	// The standard library's are the knowledge table's to name (a HEAD
	// response has no body to close: Client.Head is no wrapper of Do).
	if fn.Pkg == nil || !inStdTable(fn.Pkg.Pkg.Path()) {
		if mc, ok := m.s.returnsMustClose(fn); ok {
			f.MustClose = []MustClose{mc}
		}
		f.Reads = m.s.readParams(fn) // the standard library's: the reads entries
	}
}

// isCancelType reports whether t can hold a cancel function: a func with no
// results taking nothing (context.CancelFunc) or one error
// (context.CancelCauseFunc).
func IsCancelType(t types.Type) bool {
	sig, ok := t.Underlying().(*types.Signature)
	if !ok || sig.Results().Len() != 0 || sig.Variadic() {
		return false
	}
	switch sig.Params().Len() {
	case 0:
		return true
	case 1:
		return types.Identical(sig.Params().At(0).Type(), types.Universe.Lookup("error").Type())
	}
	return false
}

// cancelResults returns the results of the call that carry a fresh cancel
// the caller must call, according to the knowledge table or the callee's
// summary.
func (m *summaries) CancelResults(call *ssa.CallCommon) []int {
	callee := call.StaticCallee()
	if callee == nil {
		return nil
	}
	return m.knownOr(callee, m.s.Know.cancelResults, func(f *FuncFact) []int { return f.Cancels })
}

// nilOnErr returns the results of the call that carry a cancel which is
// nil whenever its error result is set, by the callee's summary.
func (m *summaries) NilOnErr(call *ssa.CallCommon) []int {
	callee := call.StaticCallee()
	if callee == nil {
		return nil
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	return m.Of(callee).NilOnErr
}

// knownOr returns what the knowledge table says of callee, if anything,
// and otherwise what its summary says.
func (m *summaries) knownOr(callee *ssa.Function, table func(*types.Func) []int, summary func(*FuncFact) []int) []int {
	if o := callee.Origin(); o != nil {
		callee = o
	}
	if obj, ok := callee.Object().(*types.Func); ok {
		if known := table(obj); known != nil {
			return known
		}
	}
	return summary(m.Of(callee))
}

// carriesCancel reports whether v, returned by its function, is a fresh
// cancel obtained in that function (directly, or wrapped in a closure that
// calls it), whose ownership moves to the caller.
func (m *summaries) carriesCancel(v ssa.Value, seen map[ssa.Value]bool) bool {
	if seen[v] {
		return false
	}
	seen[v] = true
	switch v := v.(type) {
	case *ssa.Extract:
		if call, ok := v.Tuple.(*ssa.Call); ok && contains(m.CancelResults(call.Common()), v.Index) {
			return m.onlyToCaller(v)
		}
	case *ssa.Call:
		if contains(m.CancelResults(v.Common()), 0) {
			return m.onlyToCaller(v)
		}
	case *ssa.Phi:
		for _, e := range v.Edges {
			if m.carriesCancel(e, seen) {
				return true
			}
		}
	case *ssa.ChangeType:
		return m.carriesCancel(v.X, seen)
	case *ssa.MakeClosure:
		fn := v.Fn.(*ssa.Function)
		for i, b := range v.Bindings {
			for _, c := range StoredValues(b) {
				if m.carriesCancel(c, seen) && m.s.FlowOf(fn.FreeVars[i]).Releases() {
					return true
				}
			}
		}
	}
	return false
}

// onlyToCaller reports whether a cancel is handed on to nobody but the
// caller: calling it (on error paths) and returning it are fine, storing
// it or passing it elsewhere means someone else owns it.
func (m *summaries) onlyToCaller(cancel ssa.Value) bool {
	for in, how := range m.s.FlowOf(cancel).Released {
		if _, ok := in.(*ssa.Return); !ok && how != obligation.Called {
			return false
		}
	}
	return true
}

// storedValues returns v itself, or, when v is a variable's address (an
// Alloc captured by a closure), the values stored into it.
func StoredValues(v ssa.Value) []ssa.Value {
	alloc, ok := v.(*ssa.Alloc)
	if !ok {
		return []ssa.Value{v}
	}
	var vals []ssa.Value
	for _, in := range *alloc.Referrers() {
		if st, ok := in.(*ssa.Store); ok && st.Addr == alloc {
			vals = append(vals, st.Val)
		}
	}
	return vals
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// computeForever sets f.Forever when fn can never return (see
// runsForever), and f.StopsOnlyVia to the context parameters whose
// cancellation is its only way out.
func (m *summaries) computeForever(fn *ssa.Function, f *FuncFact) {
	if len(fn.Blocks) == 0 {
		return
	}
	if desc, at := m.RunsForever(fn, m.s.NeverSignalled); desc != "" {
		f.Forever = desc
		if at.IsValid() {
			m.LoopAt[desc] = at
		}
		return
	}
	for i, p := range fn.Params {
		var never func(ssa.Value) bool
		switch {
		case IsContext(p.Type()):
			never = func(ch ssa.Value) bool { return IsDoneOf(ch, p) || m.s.NeverSignalled(ch) }
		case IsRecvChan(p.Type()):
			never = func(ch ssa.Value) bool { return ch == p || m.s.NeverSignalled(ch) }
		default:
			continue
		}
		if desc, _ := m.RunsForever(fn, never); desc != "" {
			f.StopsOnlyVia = append(f.StopsOnlyVia, i)
		}
	}
}

// isRecvChan reports whether t is a channel that can be received from.
func IsRecvChan(t types.Type) bool {
	c, ok := t.Underlying().(*types.Chan)
	return ok && c.Dir() != types.SendOnly
}

// runsForever describes what keeps fn from ever returning ("the loop in F
// (f.go:12) has no exit"), or returns "" if some path from its entry
// reaches a return, a panic or a call that exits (os.Exit, runtime.Goexit).
// A call of a function that runs forever ends a path, and its loop becomes
// fn's; so does a receive from a channel that blocked says is never
// closed nor sent on, and a select case on one is never taken. The exit of
// a range over a channel nobody closes (a time.Ticker's) is no exit.
func (m *summaries) RunsForever(fn *ssa.Function, blocked func(ssa.Value) bool) (string, token.Pos) {
	entry := fn.Blocks[0]
	seen := map[*ssa.BasicBlock]bool{entry: true}
	never := map[*ssa.If]bool{} // select cases that are never taken: their if's true edge
	stack := []*ssa.BasicBlock{entry}
	var via string      // the loop of a forever callee that ends a path
	var stuck token.Pos // the first receive or select that never completes
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		succs := b.Succs
	scan:
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Return:
				return "", token.NoPos // a way out
			case *ssa.Panic:
				if in.Pos().IsValid() {
					return "", token.NoPos // panic(x), or an exiting call such as os.Exit
				}
				// go/ssa's own "blocking select matched no case": unreachable.
			case *ssa.Go:
			case ssa.CallInstruction:
				if callee := in.Common().StaticCallee(); callee != nil {
					if loop := m.Of(callee).Forever; loop != "" {
						if via == "" {
							via = loop
						}
						succs = nil
						break scan
					}
				}
			case *ssa.UnOp:
				if in.Op == token.ARROW && blocked(in.X) {
					succs = nil // blocks here forever
					stuck = cmp.Or(stuck, in.Pos())
					break scan
				}
			case *ssa.Select:
				firing := len(in.States)
				for i, st := range in.States {
					if st.Dir == types.RecvOnly && blocked(st.Chan) {
						firing--
						if c := protocol.SelectCaseIf(in, i); c != nil {
							never[c] = true
						}
					}
				}
				if in.Blocking && firing == 0 && len(in.States) > 0 {
					succs = nil // no case ever fires
					stuck = cmp.Or(stuck, in.Pos())
					break scan
				}
			case *ssa.If:
				if succ := m.s.neverClosedBranch(in); succ != nil {
					succs = []*ssa.BasicBlock{succ}
				}
				if never[in] {
					succs = b.Succs[1:] // cases with empty bodies share their target
				}
			}
		}
		for _, succ := range succs {
			if !seen[succ] {
				seen[succ] = true
				stack = append(stack, succ)
			}
		}
	}
	if pos := loopOf(fn, seen); pos.IsValid() {
		p := m.s.Pass.Fset.Position(pos)
		return fmt.Sprintf("the loop in %s (%s:%d) has no exit", QualifiedName(fn), filepath.Base(p.Filename), p.Line), pos
	}
	if pos := emptySelect(seen); pos.IsValid() {
		p := m.s.Pass.Fset.Position(pos)
		return fmt.Sprintf("%s blocks forever in select {} (%s:%d)", QualifiedName(fn), filepath.Base(p.Filename), p.Line), pos
	}
	if via == "" && stuck.IsValid() {
		p := m.s.Pass.Fset.Position(stuck)
		return fmt.Sprintf("%s waits forever at %s:%d for a channel that nothing closes or sends on", QualifiedName(fn), filepath.Base(p.Filename), p.Line), stuck
	}
	return via, token.NoPos
}

// isContext reports whether t is context.Context.
func IsContext(t types.Type) bool { return IsNamed(t, "context", "Context") }

// isNamed reports whether t is the named type path.name.
func IsNamed(t types.Type, path, name string) bool {
	named, ok := types.Unalias(t).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == path && named.Obj().Name() == name
}

// isDoneOf reports whether ch is ctx.Done() for the context ctx (or for
// the variable ctx points to).
func IsDoneOf(ch, ctx ssa.Value) bool {
	call, ok := ch.(*ssa.Call)
	if !ok || !call.Call.IsInvoke() || call.Call.Method.Name() != "Done" {
		return false
	}
	v := call.Call.Value
	if load, ok := v.(*ssa.UnOp); ok && load.Op == token.MUL {
		v = load.X
	}
	return v == ctx
}

// loopOf returns the position of a loop among the blocks of fn that can
// run: the for or range statement whose body a back edge returns to.
func loopOf(fn *ssa.Function, blocks map[*ssa.BasicBlock]bool) token.Pos {
	for _, b := range fn.Blocks {
		if !blocks[b] {
			continue
		}
		for _, succ := range b.Succs {
			if !succ.Dominates(b) {
				continue // not a back edge
			}
			for _, in := range append(succ.Instrs, b.Instrs...) {
				if pos := in.Pos(); pos.IsValid() {
					if loop := enclosingLoop(fn, pos); loop.IsValid() {
						return loop
					}
				}
			}
			if loop := emptyLoop(fn); loop.IsValid() {
				return loop // `for {}`: its blocks hold no positioned instruction
			}
		}
	}
	return token.NoPos
}

// emptyLoop returns the position of a `for {}` with no condition and an
// empty body in fn's syntax (outside its function literals), if any.
func emptyLoop(fn *ssa.Function) token.Pos {
	syntax := fn.Syntax()
	if syntax == nil {
		return token.NoPos
	}
	var loop token.Pos
	ast.Inspect(syntax, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return n == syntax
		case *ast.ForStmt:
			if n.Cond == nil && len(n.Body.List) == 0 && !loop.IsValid() {
				loop = n.Pos()
			}
		}
		return !loop.IsValid()
	})
	return loop
}

// enclosingLoop returns the position of the innermost for or range
// statement of fn's syntax that encloses pos.
func enclosingLoop(fn *ssa.Function, pos token.Pos) token.Pos {
	syntax := fn.Syntax()
	if syntax == nil {
		return token.NoPos
	}
	var loop token.Pos
	ast.Inspect(syntax, func(n ast.Node) bool {
		if n == nil || pos < n.Pos() || pos >= n.End() {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return n == syntax
		case *ast.ForStmt:
			loop = n.For
		case *ast.RangeStmt:
			loop = n.For
		}
		return true
	})
	return loop
}

// computeLaunches sets f.Launches to the func-typed parameters that fn runs
// in a new goroutine: with a go statement, directly or through a closure
// or another launcher.
func (m *summaries) computeLaunches(fn *ssa.Function, f *FuncFact) {
	for i, p := range fn.Params {
		if obligation.IsFunc(p.Type()) && m.launched(p, make(map[ssa.Value]bool)) {
			f.Launches = append(f.Launches, i)
		}
	}
}

// launched reports whether v, a function value (or a variable holding
// one), is run in a new goroutine: by a go statement (itself, or a function
// that go statement starts and that invokes it), by a launcher, or by a
// closure that invokes it and is itself launched.
func (m *summaries) launched(v ssa.Value, seen map[ssa.Value]bool) bool {
	if seen[v] {
		return false
	}
	seen[v] = true
	for _, in := range *v.Referrers() {
		switch in := in.(type) {
		case *ssa.Go:
			if in.Call.Value == v || m.passedToInvoker(&in.Call, v) {
				return true
			}
		case *ssa.Call:
			if callee := in.Call.StaticCallee(); callee != nil {
				for i, a := range in.Call.Args {
					if a == v && contains(m.LauncherParams(callee), i) {
						return true
					}
				}
			}
		case *ssa.MakeClosure:
			fn := in.Fn.(*ssa.Function)
			for i, b := range in.Bindings {
				if b == v && m.invoked(fn.FreeVars[i]) && m.launched(in, seen) {
					return true
				}
			}
		case *ssa.Store:
			if in.Val == v {
				if alloc, ok := in.Addr.(*ssa.Alloc); ok && m.launched(alloc, seen) {
					return true
				}
			}
		case *ssa.UnOp:
			if in.Op == token.MUL && m.launched(in, seen) {
				return true // a load of the variable v points to
			}
		case *ssa.Phi, *ssa.ChangeType:
			if m.launched(in.(ssa.Value), seen) {
				return true
			}
		}
	}
	return false
}

// invoked reports whether the function value v (or, for a variable's
// address, a value loaded from it) is called in its function, directly, by
// a static callee it is passed to, or by a closure that captures it and is
// itself invoked there.
func (m *summaries) invoked(v ssa.Value) bool {
	return m.invokedSeen(v, make(map[ssa.Value]bool))
}

func (m *summaries) invokedSeen(v ssa.Value, seen map[ssa.Value]bool) bool {
	if seen[v] {
		return false
	}
	seen[v] = true
	for _, in := range *v.Referrers() {
		switch in := in.(type) {
		case ssa.CallInstruction:
			if in.Common().Value == v || m.passedToInvoker(in.Common(), v) {
				return true
			}
		case *ssa.UnOp:
			if in.Op == token.MUL && m.invokedSeen(in, seen) {
				return true
			}
		case *ssa.ChangeType, *ssa.Phi:
			if m.invokedSeen(in.(ssa.Value), seen) {
				return true
			}
		case *ssa.MakeClosure:
			// Captured by a closure that invokes it and is invoked here.
			fn := in.Fn.(*ssa.Function)
			for i, b := range in.Bindings {
				if b == v && m.invokedSeen(fn.FreeVars[i], seen) && m.invokedSeen(in, seen) {
					return true
				}
			}
		}
	}
	return false
}

// passedToInvoker reports whether v is an argument of the static call c
// whose callee, in this package or synthesized, invokes that parameter.
func (m *summaries) passedToInvoker(c *ssa.CallCommon, v ssa.Value) bool {
	callee := c.StaticCallee()
	if callee != nil && callee.Blocks == nil && callee.Origin() != nil {
		callee = callee.Origin() // an instance of a generic function: its body
	}
	if callee == nil || callee.Blocks == nil || m.busy[callee] {
		return false
	}
	for i, a := range c.Args {
		if a == v && i < len(callee.Params) {
			m.busy[callee] = true
			ok := m.invoked(callee.Params[i])
			delete(m.busy, callee)
			if ok {
				return true
			}
		}
	}
	return false
}

// launcherParams returns the parameters callee runs in a new goroutine,
// from the knowledge table or its summary.
func (m *summaries) LauncherParams(callee *ssa.Function) []int {
	return m.knownOr(callee, m.s.Know.launcherParams, func(f *FuncFact) []int { return f.Launches })
}

// emptySelect returns the position of a `select {}` among blocks.
func emptySelect(blocks map[*ssa.BasicBlock]bool) token.Pos {
	for b := range blocks {
		for _, in := range b.Instrs {
			if sel, ok := in.(*ssa.Select); ok && len(sel.States) == 0 && sel.Blocking {
				return sel.Pos()
			}
		}
	}
	return token.NoPos
}
