package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// runGostop reports goroutines that never stop: a go statement, or a
// function handed to a launcher (errgroup.Group.Go, a user's spawn
// helper...), whose function can never return.
func runGostop(s *state) {
	for _, fn := range s.funcs {
		s.checkContracts(fn)
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				if s.blockedStarts[in] {
					continue // chanblock reported what blocks it
				}
				switch in := in.(type) {
				case *ssa.Go:
					s.checkStart(in, in.Pos(), in.Call.Value, in.Call.Args)
				case *ssa.Call:
					callee := in.Call.StaticCallee()
					if callee == nil {
						continue
					}
					for _, i := range s.sums.launcherParams(callee) {
						if i < len(in.Call.Args) {
							s.checkStart(in, s.callStart(in), in.Call.Args[i], nil)
						}
					}
				}
			}
		}
	}
}

// checkStart reports the goroutine that start (at pos) starts to run
// target(args...) if its only way out is a stop channel that nothing
// closes; or, unless it starts at most once per process (see
// oncePerProcess), if it can never return or its only way out is the
// cancellation of a context that is never cancelled.
func (s *state) checkStart(start ssa.Instruction, pos token.Pos, target ssa.Value, args []ssa.Value) {
	fn := funcOf(target)
	if fn == nil {
		return // an interface method or a function value: unknown
	}
	if s.blockedFuncs[fn] {
		return // chanblock reported what blocks it
	}
	sum := s.sums.of(fn)
	if s.checkStopChans(pos, fn, sum, args) {
		return // dead wiring: a bug however often the goroutine starts
	}
	if s.oncePerProcess(start.Block(), 0) {
		return // it may run until the process exits, like main itself
	}
	const remedy = "; return when ctx.Done() or a stop channel is closed"
	if sum.Forever != "" {
		s.reportStart(pos, "goroutine never stops: "+sum.Forever+remedy, s.sums.loopAt[sum.Forever])
		return
	}
	if s.checkServe(start, pos, target, fn, args) {
		return
	}
	// A context that is never cancelled: passed as an argument, or captured.
	var never func(ssa.Value) bool
	for _, i := range sum.StopsOnlyVia {
		if v := paramVar(fn, i); v != nil && i < len(args) && isContext(v.Type()) && isBackground(args[i]) {
			never = func(ch ssa.Value) bool {
				return i < len(fn.Params) && isDoneOf(ch, fn.Params[i]) || s.neverSignalled(ch)
			}
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

// checkStopChans reports the goroutine started at pos to run fn(args...)
// if its only way out is a channel parameter, and it is given a channel
// that nothing closes or sends on: an unexported field that no code of the
// package signals, or nil (beyla#747: informers run with a provider's stop
// channel that nothing closes).
func (s *state) checkStopChans(pos token.Pos, fn *ssa.Function, sum *funcFact, args []ssa.Value) bool {
	for _, i := range sum.StopsOnlyVia {
		v := paramVar(fn, i)
		if i >= len(args) || v == nil || !isRecvChan(v.Type()) {
			continue
		}
		given, remedy := "", "close it when the work must stop (in a Stop or Close method)"
		switch arg := unconverted(args[i]); {
		case s.neverSignalled(args[i]):
			given = "field " + obligation.FieldOf(arg.(*ssa.UnOp).X.(*ssa.FieldAddr)).Name() + ", which nothing closes or sends on"
		case isNilChan(args[i]):
			given, remedy = "a nil channel", "make the channel before the go statement"
		case s.madeAfterGiven(args[i], &given):
			remedy = "make the channel before the go statement"
		case isLocalMake(arg):
			given = "a channel made here that nothing closes or sends on"
		default:
			continue
		}
		msg := fmt.Sprintf("goroutine never stops: %s returns only once %s is closed or sent on, and it is given %s; %s", qualifiedName(fn), v.Name(), given, remedy)
		s.reportStart(pos, msg, token.NoPos)
		return true
	}
	return false
}

// paramVar returns parameter i of fn in SSA numbering (a method's
// receiver is 0), from its signature, so that it works for functions of
// other packages, which have no SSA parameters; nil if out of range.
func paramVar(fn *ssa.Function, i int) *types.Var {
	sig := fn.Signature
	if recv := sig.Recv(); recv != nil {
		if i == 0 {
			return recv
		}
		i--
	}
	if i < 0 || i >= sig.Params().Len() {
		return nil
	}
	return sig.Params().At(i)
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
	obj := calledFunc(v)
	return obj != nil && namedIn(obj, "context", "", "Background", "TODO")
}

// calledFunc returns the declared function that v, a call's result (or a
// result of it), is the result of, or nil.
func calledFunc(v ssa.Value) *types.Func {
	if ex, ok := v.(*ssa.Extract); ok {
		v = ex.Tuple
	}
	call, ok := v.(*ssa.Call)
	if !ok {
		return nil
	}
	callee := call.Call.StaticCallee()
	if callee == nil {
		return nil
	}
	obj, _ := callee.Object().(*types.Func)
	return obj
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
			if f := obligation.FieldOf(fa); f != nil {
				return s.know.neverClosed[fieldKey(fa, f)]
			}
		}
	case *ssa.Call:
		if callee := ch.Call.StaticCallee(); callee != nil {
			if obj, ok := callee.Object().(*types.Func); ok {
				return s.know.neverClosed[s.know.name(obj)]
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
// whose value does not leave the package's sight, or is the stop signal of
// a value kept in such a field that nothing stops (see neverStopped): a
// receive from it never completes, so a stop channel kept there stops
// nothing.
func (s *state) neverSignalled(ch ssa.Value) bool {
	if s.neverStopped(ch) {
		return true
	}
	load, ok := unconverted(ch).(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return false
	}
	fa, ok := load.X.(*ssa.FieldAddr)
	if !ok {
		return false
	}
	f := obligation.FieldOf(fa)
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
				f := obligation.FieldOf(fa)
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

// unconverted returns v without the conversions of a channel's direction.
func unconverted(v ssa.Value) ssa.Value {
	for {
		ct, ok := v.(*ssa.ChangeType)
		if !ok {
			return v
		}
		v = ct.X
	}
}

// mayBeSignalled reports whether the channel value ch may be closed or sent
// on: it is, or it goes where the analysis does not follow. Passing it to
// a function that can only receive from it (see receivesOnly) is neither.
func mayBeSignalled(ch ssa.Value) bool { return signals(ch, 0) }

// signals is mayBeSignalled, following ch at most a few calls deep.
func signals(ch ssa.Value, depth int) bool {
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
		case *ssa.ChangeType: // chan T to <-chan T
			if signals(ref, depth) {
				return true
			}
		case ssa.CallInstruction:
			if depth > 3 || !receivesOnly(ref.Common(), ch, depth) {
				return true
			}
		default:
			return true // close(ch), ch <- v, stored, returned...
		}
	}
	return false
}

// receivesOnly reports whether the call can only receive from ch, an
// argument: the static callee takes it as a receive-only channel (<-chan
// T), which the type system keeps from being closed or sent on, or, in
// this package, does nothing with the parameter that signals it.
func receivesOnly(call *ssa.CallCommon, ch ssa.Value, depth int) bool {
	callee := call.StaticCallee()
	if callee == nil || call.Value == ch {
		return false
	}
	for i, arg := range call.Args { // a static method's receiver is both's first
		if arg != ch {
			continue
		}
		v := paramVar(callee, i)
		if v == nil {
			return false
		}
		if c, ok := v.Type().Underlying().(*types.Chan); ok && c.Dir() == types.RecvOnly {
			continue
		}
		if callee.Blocks == nil || i >= len(callee.Params) || signals(callee.Params[i], depth+1) {
			return false
		}
	}
	return true
}

// isLocalMake reports whether v is a channel made in its function that
// nothing closes or sends on (see mayBeSignalled).
func isLocalMake(v ssa.Value) bool {
	mk, ok := v.(*ssa.MakeChan)
	return ok && !mayBeSignalled(mk)
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

// checkServe reports the goroutine started at pos to run fn(args...) when
// fn, or a function it calls, serves until a stop method is called on its
// receiver (http.Server.ListenAndServe until Shutdown or Close) and nothing
// in the package calls one on that receiver, or when it cannot be stopped
// at all (http.ListenAndServe).
func (s *state) checkServe(start ssa.Instruction, pos token.Pos, target ssa.Value, fn *ssa.Function, args []ssa.Value) bool {
	if s.serves(start, pos, target, fn, args, nil) {
		return true
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if call, ok := in.(*ssa.Call); ok {
				if callee := call.Call.StaticCallee(); callee != nil && s.serves(start, pos, target, callee, call.Call.Args, fn) {
					return true
				}
			}
		}
	}
	return false
}

// serves reports (and reports at pos) a call fn(args...) of a serving
// function of the knowledge table that nothing stops. The stop calls that
// only the goroutine g itself can make, once the serving call returned (a
// Shutdown on the server's own failure path: neon autoscaling#37), do not
// count.
func (s *state) serves(start ssa.Instruction, pos token.Pos, target ssa.Value, fn *ssa.Function, args []ssa.Value, g *ssa.Function) bool {
	obj, ok := fn.Object().(*types.Func)
	if !ok {
		return false
	}
	stops, ok := s.know.stoppedBy[s.know.name(obj)]
	if !ok {
		return false
	}
	name := s.funcName(fn)
	if len(stops) == 0 {
		remedy := "use a server that can be stopped, and stop it when it must stop"
		if declaredIn(fn, "net/http") {
			remedy = "use an http.Server and call its Shutdown method when it must stop"
		}
		s.reportStart(pos, "goroutine never stops: "+name+" cannot be stopped; "+remedy, token.NoPos)
		return true
	}
	var short []string
	for _, stop := range stops {
		short = append(short, stop[strings.LastIndex(stop, ".")+1:])
	}
	them := strings.Join(short, " or ")
	if len(args) == 0 {
		return false
	}
	key := s.origin(args[0])
	if key == nil || s.escapes(key) || listenerMayClose(fn, args) {
		return false
	}
	switch s.stopCalledOn(key, stops, g) {
	case stopElsewhere:
		ret := s.ownerSkipsStop(start, target, key, stops)
		if ret == nil {
			return false
		}
		owner := start.Parent()
		d := analysis.Diagnostic{Pos: pos, Message: "goroutine never stops: " + name + " returns only once " + them + " is called, and " + funcNoun(owner) + " calls it only on some paths; call " + short[0] + " on every path (defer it, or call it when the context ends)"}
		d.Related = []analysis.RelatedInformation{related(protocol.ReturnPos(ret), funcNoun(owner)+" returns here without stopping the server")}
		s.report("gostop", d)
	case stopOnlyAfter:
		s.reportStart(pos, "goroutine never stops: "+name+" returns only once "+them+" is called, and only this goroutine calls it, after serving has ended; call "+short[0]+" when the server's owner stops (its Close, or its context ending)", token.NoPos)
	default:
		s.reportStart(pos, "goroutine never stops: "+name+" returns only once "+them+" is called, and nothing in the package calls it on this server; call "+short[0]+" when it must stop", token.NoPos)
	}
	return true
}

// listenerMayClose reports whether a listener that the serving call
// fn(args...) takes (Serve's net.Listener) may end the serving: it does
// not come from package net or crypto/tls, or it is used for anything but
// this call (ln.Close(), stored, passed on), directly or through the
// closures that capture it.
func listenerMayClose(fn *ssa.Function, args []ssa.Value) bool {
	for i, a := range args {
		v := paramVar(fn, i)
		if v == nil || !isListener(v.Type()) {
			continue
		}
		origins, uses := listenerValues(a)
		seen := make(map[ssa.Value]bool)
		for _, o := range origins {
			if !fromNet(o) {
				return true
			}
		}
		for _, u := range uses {
			if usedElsewhere(u, seen) {
				return true
			}
		}
	}
	return false
}

// listenerValues returns what a listener argument stands for: the values
// it was made from (origins: the value converted to net.Listener; for a
// variable captured by a closure, what its function stored there), and
// the values whose other uses may close it (those, and the variable's
// loads).
func listenerValues(a ssa.Value) (origins, uses []ssa.Value) {
	if mi, ok := a.(*ssa.MakeInterface); ok {
		a = mi.X
	}
	captured := a
	if load, ok := a.(*ssa.UnOp); ok && load.Op == token.MUL {
		captured = load.X
	}
	fv, ok := captured.(*ssa.FreeVar)
	if !ok {
		return []ssa.Value{a}, []ssa.Value{a}
	}
	for _, b := range bindings(fv) {
		if _, isVar := b.(*ssa.Alloc); !isVar || captured == a {
			origins, uses = append(origins, b), append(uses, b)
			continue
		}
		for _, ref := range *b.Referrers() {
			switch ref := ref.(type) {
			case *ssa.Store:
				origins, uses = append(origins, ref.Val), append(uses, ref.Val)
			case *ssa.UnOp:
				uses = append(uses, ref)
			}
		}
	}
	if len(origins) == 0 {
		return []ssa.Value{a}, nil // made elsewhere: fromNet says no
	}
	return origins, uses
}

// bindings returns the values that the function literals of fv's function
// were made with for fv.
func bindings(fv *ssa.FreeVar) []ssa.Value {
	closure := fv.Parent()
	idx := slices.Index(closure.FreeVars, fv)
	parent := closure.Parent()
	if parent == nil {
		return nil
	}
	var vals []ssa.Value
	for _, b := range parent.Blocks {
		for _, in := range b.Instrs {
			if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == closure && idx < len(mc.Bindings) {
				vals = append(vals, mc.Bindings[idx])
			}
		}
	}
	return vals
}

// fromNet reports whether a listener comes from package net or crypto/tls
// (net.Listen, tls.Listen...), which keep accepting until closed; any other
// (a parameter, a test's one-connection fake) may stop Serve by itself.
func fromNet(v ssa.Value) bool {
	obj := calledFunc(v)
	if obj == nil || obj.Pkg() == nil {
		return false
	}
	path := obj.Pkg().Path()
	return path == "net" || path == "crypto/tls"
}

// isListener reports whether t is net.Listener.
func isListener(t types.Type) bool { return isNamed(t, "net", "Listener") }

// usedElsewhere reports whether v has a use besides being passed to
// calls of serving functions, captured by closures that do the same, and
// compared.
func usedElsewhere(v ssa.Value, seen map[ssa.Value]bool) bool {
	if seen[v] {
		return false
	}
	seen[v] = true
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.DebugRef, *ssa.BinOp:
		case *ssa.Store:
			if _, isVar := ref.Addr.(*ssa.Alloc); !isVar || ref.Val != v {
				return true // a variable's loads are followed by listenerValues
			}
		case *ssa.MakeClosure:
			fn := ref.Fn.(*ssa.Function)
			for i, b := range ref.Bindings {
				if b == v && usedElsewhere(fn.FreeVars[i], seen) {
					return true
				}
			}
		case ssa.CallInstruction:
			if ref.Common().IsInvoke() || ref.Common().Value == v {
				return true // ln.Close(), ln.Addr()...
			}
			callee := ref.Common().StaticCallee()
			if callee == nil || !declaredIn(callee, "net/http") {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// Where a server's stop methods are called, by stopCalledOn.
const (
	stopNowhere   = iota
	stopOnlyAfter // only by the serving goroutine, after serving
	stopElsewhere
)

// origin returns what a receiver value denotes, when the analysis can
// tell: the allocation of a local struct (&http.Server{...}) or an
// unexported field of the package's structs.
func (s *state) origin(v ssa.Value) any {
	switch v := v.(type) {
	case *ssa.Alloc:
		return v
	case *ssa.UnOp:
		if v.Op == token.MUL {
			return s.loaded(v.X, 0)
		}
	}
	return nil
}

// loaded returns the origin of what is loaded from the address p: a field,
// or the single value stored in a local (possibly captured) variable.
func (s *state) loaded(p ssa.Value, depth int) any {
	if depth > 8 {
		return nil
	}
	switch p := p.(type) {
	case *ssa.FieldAddr:
		if f := obligation.FieldOf(p); f != nil && !f.Exported() && f.Pkg() == s.pass.Pkg {
			return f
		}
	case *ssa.Alloc:
		if vals := storedValues(p); len(vals) == 1 {
			return s.origin(vals[0])
		}
	case *ssa.FreeVar:
		if b := binding(p); b != nil {
			return s.loaded(b, depth+1)
		}
	}
	return nil
}

// binding returns the value the only closure made of fv's function binds
// to fv, or nil.
func binding(fv *ssa.FreeVar) ssa.Value {
	if vals := bindings(fv); len(vals) == 1 {
		return vals[0]
	}
	return nil
}

// stopCalledOn tells where the package calls (or defers) one of the stop
// methods on a receiver whose origin is key: nowhere, only within the
// serving goroutine g (after the serving call returned), or elsewhere.
func (s *state) stopCalledOn(key any, stops []string, g *ssa.Function) int {
	where := stopNowhere
	for _, fn := range s.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				call, ok := in.(ssa.CallInstruction)
				if !ok {
					continue
				}
				callee := call.Common().StaticCallee()
				if callee == nil || len(call.Common().Args) == 0 {
					continue
				}
				if obj, ok := callee.Object().(*types.Func); ok && slices.Contains(stops, s.know.name(obj)) {
					if s.origin(call.Common().Args[0]) != key {
						continue
					}
					if g == nil || !s.onlyFrom(fn, g, 0) {
						return stopElsewhere
					}
					where = stopOnlyAfter
				}
			}
		}
	}
	return where
}

// onlyFrom reports whether fn runs only within g: it is g, a function
// literal of a function that runs only within g, or a function of the
// package that is not used as a value and whose every caller runs only
// within g.
func (s *state) onlyFrom(fn, g *ssa.Function, depth int) bool {
	switch {
	case fn == g:
		return true
	case depth > 8:
		return false
	case fn.Parent() != nil:
		return s.onlyFrom(fn.Parent(), g, depth+1)
	}
	calls := s.callsOf(fn)
	if len(calls) == 0 || s.usedAsValue(fn) {
		return false
	}
	for _, c := range calls {
		if !s.onlyFrom(c.Parent(), g, depth+1) {
			return false
		}
	}
	return true
}

// escapes reports whether a local allocation may reach code that could
// stop it without the analysis seeing: it is used otherwise than by
// setting its fields, calling its methods, and keeping it in local
// variables and closures that do the same.
func (s *state) escapes(key any) bool {
	alloc, ok := key.(*ssa.Alloc)
	if !ok {
		return false // an unexported field: the package is all there is
	}
	return escapesValue(alloc, make(map[ssa.Value]bool))
}

func escapesValue(v ssa.Value, seen map[ssa.Value]bool) bool {
	if seen[v] {
		return false
	}
	seen[v] = true
	for _, in := range *v.Referrers() {
		switch in := in.(type) {
		case *ssa.FieldAddr, *ssa.DebugRef:
		case ssa.CallInstruction:
			c := in.Common()
			if c.StaticCallee() == nil || len(c.Args) == 0 || c.Args[0] != v || slices.Contains(c.Args[1:], v) {
				return true // passed as an argument
			}
		case *ssa.Store:
			alloc, ok := in.Addr.(*ssa.Alloc)
			if in.Val != v || !ok || escapesVar(alloc, seen) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// escapesVar reports whether the local variable at addr lets what it
// holds escape: through its loads, or the closures that capture it.
func escapesVar(addr ssa.Value, seen map[ssa.Value]bool) bool {
	for _, in := range *addr.Referrers() {
		switch in := in.(type) {
		case *ssa.Store, *ssa.DebugRef:
		case *ssa.UnOp:
			if in.Op != token.MUL || escapesValue(in, seen) {
				return true
			}
		case *ssa.MakeClosure:
			fn := in.Fn.(*ssa.Function)
			for i, b := range in.Bindings {
				if b == addr && escapesVar(fn.FreeVars[i], seen) {
					return true
				}
			}
		default:
			return true
		}
	}
	return false
}

// neverStopped reports whether ch is the channel a method like
// runtime.Stopper.Stopping returns (the knowledge table's closedby) for a
// value kept in an unexported field of the package, on which nothing in
// the package calls a method that closes it, and whose address does not
// leave the package's sight otherwise than as the receiver of its methods.
func (s *state) neverStopped(ch ssa.Value) bool {
	call, ok := unconverted(ch).(*ssa.Call)
	if !ok || call.Call.IsInvoke() || len(call.Call.Args) == 0 {
		return false
	}
	obj := calledFunc(call)
	if obj == nil {
		return false
	}
	stops, ok := s.know.closedBy[s.know.name(obj)]
	if !ok {
		return false
	}
	fa := fieldAddrOf(call.Call.Args[0])
	if fa == nil {
		return false
	}
	f := obligation.FieldOf(fa)
	if f == nil || f.Exported() || f.Pkg() != s.pass.Pkg {
		return false
	}
	return !s.fieldStopped(f, stops)
}

// fieldAddrOf returns the field address a method receiver comes from: the
// address itself (a value field) or the pointer loaded from it.
func fieldAddrOf(recv ssa.Value) *ssa.FieldAddr {
	if load, ok := recv.(*ssa.UnOp); ok && load.Op == token.MUL {
		recv = load.X
	}
	fa, _ := recv.(*ssa.FieldAddr)
	return fa
}

// fieldStopped reports whether something in the package may call one of
// the methods stops (full names) on the value kept in field f: a call of
// one, or any use of the field's address other than as the receiver of a
// static call.
func (s *state) fieldStopped(f *types.Var, stops []string) bool {
	for _, fa := range s.fieldAddrs(f) {
		if receiverUsesStop(fa, stops) {
			return true
		}
	}
	return false
}

// receiverUsesStop reports whether the value at fa (or the pointer loaded
// from it) is used otherwise than as the receiver of static calls of
// methods not among stops.
func receiverUsesStop(fa *ssa.FieldAddr, stops []string) bool {
	uses := *fa.Referrers()
	if _, isPtr := types.Unalias(fa.Type().(*types.Pointer).Elem()).Underlying().(*types.Pointer); isPtr {
		uses = nil
		for _, ref := range *fa.Referrers() {
			switch ref := ref.(type) {
			case *ssa.UnOp:
				uses = append(uses, *ref.Referrers()...)
			case *ssa.DebugRef:
			default:
				return true // stored into: a Stopper from elsewhere
			}
		}
	}
	for _, ref := range uses {
		switch ref := ref.(type) {
		case *ssa.DebugRef:
		case ssa.CallInstruction:
			callee := ref.Common().StaticCallee()
			if callee == nil || callee.Object() == nil || slices.Contains(stops, callee.Object().(*types.Func).FullName()) {
				return true
			}
		default:
			return true
		}
	}
	return false
}
