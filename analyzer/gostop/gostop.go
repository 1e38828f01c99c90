package gostop

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// runGostop reports goroutines that never stop: a go statement, or a
// function handed to a launcher (errgroup.Group.Go, a user's spawn
// helper...), whose function can never return.
func runGostop(s *checker) {
	for _, fn := range s.Funcs {
		s.checkContracts(fn)
		s.checkErrorReturns(fn)
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				if s.blocked.Starts[in] {
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
					for _, i := range s.Sums.LauncherParams(callee) {
						if i < len(in.Call.Args) {
							s.checkStart(in, s.CallStart(in), in.Call.Args[i], nil)
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
func (s *checker) checkStart(start ssa.Instruction, pos token.Pos, target ssa.Value, args []ssa.Value) {
	fn := lifecycle.FuncOf(target)
	if fn == nil {
		return // an interface method or a function value: unknown
	}
	if s.blocked.Funcs[fn] {
		return // chanblock reported what blocks it
	}
	sum := s.Sums.Of(fn)
	if s.checkStopChans(pos, fn, sum, args) {
		return // dead wiring: a bug however often the goroutine starts
	}
	var tried []analysis.RelatedInformation
	if s.oncePerProcess(start.Block()) {
		stop, ok := s.stopAttempt(fn, target, args)
		if !ok {
			return // it may run until the process exits, like main itself
		}
		tried = append(tried, stop) // but the program tries to stop it
	}
	const remedy = "; return when ctx.Done() or a stop channel is closed"
	if sum.Forever != "" && s.reportUnstopped(pos, fn) {
		return
	}
	if sum.Forever != "" {
		s.reportStart(pos, "goroutine never stops: "+sum.Forever+remedy, s.Sums.LoopAt[sum.Forever], tried...)
		return
	}
	if s.checkServe(start, pos, target, fn, args) || s.checkPerCall(start, pos, target, fn, args) || s.checkSharedContext(start, pos, target, fn, args) {
		return
	}
	// A context that is never cancelled: passed as an argument, or captured.
	var never func(ssa.Value) bool
	for _, i := range sum.StopsOnlyVia {
		if v := lifecycle.ParamVar(fn, i); v != nil && i < len(args) && lifecycle.IsContext(v.Type()) && isBackground(args[i]) {
			never = func(ch ssa.Value) bool {
				return i < len(fn.Params) && lifecycle.IsDoneOf(ch, fn.Params[i]) || s.NeverSignalled(ch)
			}
		}
	}
	if mc, ok := target.(*ssa.MakeClosure); ok {
		for i, b := range mc.Bindings {
			if holdsBackground(b) {
				fv := fn.FreeVars[i]
				never = func(ch ssa.Value) bool { return lifecycle.IsDoneOf(ch, fv) || s.NeverSignalled(ch) }
			}
		}
	}
	if never == nil {
		return
	}
	var at token.Pos
	if fn.Blocks != nil && fn.Pkg == s.Pkg {
		var desc string
		if desc, at = s.Sums.RunsForever(fn, never); desc == "" {
			return
		}
	} else if len(sum.StopsOnlyVia) == 0 {
		return
	}
	s.reportStart(pos, "goroutine never stops: its only way out is ctx.Done(), and its context is context.Background(), which is never cancelled; pass a context that is cancelled when the work must stop", at, tried...)
}

// checkStopChans reports the goroutine started at pos to run fn(args...)
// if its only way out is a channel parameter, and it is given a channel
// that nothing closes or sends on: an unexported field that no code of the
// package signals, or nil (beyla#747: informers run with a provider's stop
// channel that nothing closes).
func (s *checker) checkStopChans(pos token.Pos, fn *ssa.Function, sum *lifecycle.FuncFact, args []ssa.Value) bool {
	for _, i := range sum.StopsOnlyVia {
		v := lifecycle.ParamVar(fn, i)
		if i >= len(args) || v == nil || !lifecycle.IsRecvChan(v.Type()) {
			continue
		}
		given, remedy := "", "close it when the work must stop (in a Stop or Close method)"
		switch arg := lifecycle.Unconverted(args[i]); {
		case s.UnassignedField(args[i]) != nil:
			given, remedy = "field "+s.UnassignedField(args[i]).Name()+", which nothing in the package assigns (it is nil)", "make the channel where the struct is built"
		case s.NeverSignalled(args[i]):
			given = "field " + obligation.FieldOf(arg.(*ssa.UnOp).X.(*ssa.FieldAddr)).Name() + ", which nothing closes or sends on"
		case lifecycle.IsNilChan(args[i]):
			given, remedy = "a nil channel", "make the channel before the go statement"
		case s.madeAfterGiven(args[i], &given):
			remedy = "make the channel before the go statement"
		case isLocalMake(arg):
			given = "a channel made here that nothing closes or sends on"
		default:
			continue
		}
		msg := fmt.Sprintf("goroutine never stops: %s returns only once %s is closed or sent on, and it is given %s; %s", lifecycle.QualifiedName(fn), v.Name(), given, remedy)
		s.reportStart(pos, msg, token.NoPos)
		return true
	}
	return false
}

// reportUnstopped reports the goroutine started at pos to run fn if fn
// waits on a channel that only a stop method closes (runtime.Stopper's
// Stopping) and nothing in the package calls one on the field that keeps
// it: the message names what is never called, not a missing exit. It
// reports whether it did.
func (s *checker) reportUnstopped(pos token.Pos, fn *ssa.Function) bool {
	if fn.Blocks == nil || fn.Pkg != s.Pkg {
		return false
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			var chans []ssa.Value
			switch in := in.(type) {
			case *ssa.UnOp:
				if in.Op == token.ARROW {
					chans = append(chans, in.X)
				}
			case *ssa.Select:
				for _, st := range in.States {
					if st.Dir == types.RecvOnly {
						chans = append(chans, st.Chan)
					}
				}
			}
			for _, ch := range chans {
				if d, ok := s.unstopped(pos, in, ch); ok {
					s.Report("gostop", d)
					return true
				}
			}
		}
	}
	return false
}

// unstopped returns the finding for a goroutine started at pos whose
// only way out, at in, is a receive from ch, if ch never fires: the stop
// signal of a field nothing stops, or a field nothing assigns (nil).
func (s *checker) unstopped(pos token.Pos, in ssa.Instruction, ch ssa.Value) (analysis.Diagnostic, bool) {
	if f := s.UnassignedField(ch); f != nil {
		msg := fmt.Sprintf("goroutine never stops: its only way out is a receive from field %s, which nothing in the package assigns, so it is nil; make the channel where the struct is built", f.Name())
		d := analysis.Diagnostic{Pos: pos, Message: msg, Related: []analysis.RelatedInformation{lifecycle.Related(in.Pos(), "the goroutine waits here for "+f.Name())}}
		if built, ok := s.BuiltWithout(f); ok {
			d.Related = append(d.Related, built)
		}
		return d, true
	}
	field, stops, ok := s.NeverStoppedBy(ch)
	if !ok {
		return analysis.Diagnostic{}, false
	}
	var names []string
	for _, stop := range stops {
		names = append(names, stop[strings.LastIndex(stop, ".")+1:])
	}
	how := lifecycle.CalledFunc(lifecycle.Unconverted(ch).(*ssa.Call)).Name()
	msg := fmt.Sprintf("goroutine never stops: its only way out is %s.%s(), and nothing in the package calls %s on field %s; call %s.%s() when the goroutine must stop (in its owner's Close or Stop method)",
		field.Name(), how, strings.Join(names, " or "), field.Name(), field.Name(), names[0])
	return analysis.Diagnostic{Pos: pos, Message: msg, Related: []analysis.RelatedInformation{lifecycle.Related(in.Pos(), "the goroutine waits here for "+field.Name()+"."+how+"()")}}, true
}

func (s *checker) reportStart(pos token.Pos, msg string, at token.Pos, evidence ...analysis.RelatedInformation) {
	d := analysis.Diagnostic{Pos: pos, Message: msg}
	if at.IsValid() {
		d.Related = []analysis.RelatedInformation{lifecycle.Related(at, "the goroutine never gets past here")}
	}
	d.Related = append(d.Related, evidence...)
	s.Report("gostop", d)
}

// isBackground reports whether v is context.Background() or context.TODO().
func isBackground(v ssa.Value) bool {
	obj := lifecycle.CalledFunc(v)
	return obj != nil && lifecycle.NamedIn(obj, "context", "", "Background", "TODO")
}

// holdsBackground reports whether a closure's binding is, or is a variable
// only ever assigned, context.Background() or context.TODO().
func holdsBackground(b ssa.Value) bool {
	vals := lifecycle.StoredValues(b)
	for _, v := range vals {
		if !isBackground(v) {
			return false
		}
	}
	return len(vals) > 0
}

// isLocalMake reports whether v is a channel made in its function that
// nothing closes or sends on (see mayBeSignalled).
func isLocalMake(v ssa.Value) bool {
	mk, ok := v.(*ssa.MakeChan)
	return ok && !lifecycle.MayBeSignalled(mk)
}

// checkServe reports the goroutine started at pos to run fn(args...) when
// fn, or a function it calls, serves until a stop method is called on its
// receiver (http.Server.ListenAndServe until Shutdown or Close) and nothing
// in the package calls one on that receiver, or when it cannot be stopped
// at all (http.ListenAndServe).
func (s *checker) checkServe(start ssa.Instruction, pos token.Pos, target ssa.Value, fn *ssa.Function, args []ssa.Value) bool {
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
func (s *checker) serves(start ssa.Instruction, pos token.Pos, target ssa.Value, fn *ssa.Function, args []ssa.Value, g *ssa.Function) bool {
	obj, ok := fn.Object().(*types.Func)
	if !ok {
		return false
	}
	stops, ok := s.Know.StoppedBy[s.Know.Name(obj)]
	if !ok {
		return false
	}
	name := s.FuncName(fn)
	if len(stops) == 0 {
		remedy := "use a server that can be stopped, and stop it when it must stop"
		if lifecycle.DeclaredIn(fn, "net/http") {
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
	if key == nil || s.escapes(key) || s.listenerMayClose(fn, args) {
		return false
	}
	switch s.stopCalledOn(key, stops, g) {
	case stopElsewhere:
		ret := s.ownerSkipsStop(start, target, key, stops)
		if ret == nil {
			return false
		}
		owner := start.Parent()
		d := analysis.Diagnostic{Pos: pos, Message: "goroutine never stops: " + name + " returns only once " + them + " is called, and " + lifecycle.FuncNoun(owner) + " calls it only on some paths; call " + short[0] + " on every path (defer it, or call it when the context ends)"}
		d.Related = []analysis.RelatedInformation{lifecycle.Related(protocol.ReturnPos(ret), lifecycle.FuncNoun(owner)+" returns here without stopping the server")}
		s.Report("gostop", d)
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
func (s *checker) listenerMayClose(fn *ssa.Function, args []ssa.Value) bool {
	for i, a := range args {
		v := lifecycle.ParamVar(fn, i)
		if v == nil || !isListener(v.Type()) {
			continue
		}
		origins, uses := listenerValues(a)
		if fa := obligation.FieldLoad(a); fa != nil {
			var ok bool
			if origins, uses, ok = s.fieldListener(obligation.FieldOf(fa)); !ok {
				return true
			}
		}
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
	for _, b := range lifecycle.Bindings(fv) {
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

// fieldListener returns what the listener kept in field f stands for: the
// values stored into it (origins) and its loads (uses), all in the
// package; ok is false when the field is exported or of another package,
// never assigned here, or its address escapes.
func (s *checker) fieldListener(f *types.Var) (origins, uses []ssa.Value, ok bool) {
	if f == nil || f.Exported() || f.Pkg() != s.Pass.Pkg {
		return nil, nil, false
	}
	for _, fa := range s.FieldAddrs(f) {
		for _, ref := range *fa.Referrers() {
			switch ref := ref.(type) {
			case *ssa.Store:
				if ref.Addr != fa {
					return nil, nil, false
				}
				origins = append(origins, ref.Val)
			case *ssa.UnOp:
				uses = append(uses, ref)
			case *ssa.DebugRef:
			default:
				return nil, nil, false
			}
		}
	}
	return origins, uses, len(origins) > 0
}

// fromNet reports whether a listener comes from package net or crypto/tls
// (net.Listen, tls.Listen...), which keep accepting until closed; any other
// (a parameter, a test's one-connection fake) may stop Serve by itself.
func fromNet(v ssa.Value) bool {
	obj := lifecycle.CalledFunc(v)
	if obj == nil || obj.Pkg() == nil {
		return false
	}
	path := obj.Pkg().Path()
	return path == "net" || path == "crypto/tls"
}

// isListener reports whether t is net.Listener.
func isListener(t types.Type) bool { return lifecycle.IsNamed(t, "net", "Listener") }

// usedElsewhere reports whether v has a use that may close it: anything
// but being passed to calls of serving functions, captured by closures
// that do the same, compared, or the receiver of a method other than
// Close (a server logs its listener's Addr: that does not stop it).
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
			if name, ok := methodCalledOn(ref.Common(), v); ok {
				if name == "Close" {
					return true
				}
				continue // ln.Addr(), ln.Accept(): using a listener does not close it
			}
			if ref.Common().IsInvoke() || ref.Common().Value == v {
				return true
			}
			callee := ref.Common().StaticCallee()
			if callee == nil || !lifecycle.DeclaredIn(callee, "net/http") {
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
func (s *checker) origin(v ssa.Value) any {
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
func (s *checker) loaded(p ssa.Value, depth int) any {
	if depth > 8 {
		return nil
	}
	switch p := p.(type) {
	case *ssa.FieldAddr:
		if f := obligation.FieldOf(p); f != nil && !f.Exported() && f.Pkg() == s.Pass.Pkg {
			return f
		}
	case *ssa.Alloc:
		if vals := lifecycle.StoredValues(p); len(vals) == 1 {
			return s.origin(vals[0])
		}
	case *ssa.FreeVar:
		if b := lifecycle.Binding(p); b != nil {
			return s.loaded(b, depth+1)
		}
	}
	return nil
}

// stopCalledOn tells where the package calls (or defers) one of the stop
// methods on a receiver whose origin is key: nowhere, only within the
// serving goroutine g (after the serving call returned), or elsewhere.
func (s *checker) stopCalledOn(key any, stops []string, g *ssa.Function) int {
	where := stopNowhere
	for _, fn := range s.Funcs {
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
				if obj, ok := callee.Object().(*types.Func); ok && slices.Contains(stops, s.Know.Name(obj)) {
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
func (s *checker) onlyFrom(fn, g *ssa.Function, depth int) bool {
	switch {
	case fn == g:
		return true
	case depth > 8:
		return false
	case fn.Parent() != nil:
		return s.onlyFrom(fn.Parent(), g, depth+1)
	}
	calls := s.CallsOf(fn)
	if len(calls) == 0 || s.UsedAsValue(fn) {
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
func (s *checker) escapes(key any) bool {
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

// methodCalledOn returns the name of the method c calls with v as its
// receiver (ln.Addr() on a net.Listener or on a *net.TCPListener), and
// whether it calls one.
func methodCalledOn(c *ssa.CallCommon, v ssa.Value) (string, bool) {
	if c.IsInvoke() {
		return c.Method.Name(), c.Value == v
	}
	if callee := c.StaticCallee(); callee != nil && callee.Signature.Recv() != nil && len(c.Args) > 0 && c.Args[0] == v {
		return callee.Name(), true
	}
	return "", false
}
