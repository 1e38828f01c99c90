package analyzer

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// A stopContract describes a method that starts a goroutine whose only way
// out is a stop channel kept in a field of the receiver, which only other
// methods of the type (its stop methods) close or send on: a caller that
// starts the goroutine must call one of them.
type stopContract struct {
	field    *types.Var
	start    token.Pos       // the go statement
	waits    token.Pos       // where the goroutine waits for the field
	stoppers []*ssa.Function // the methods that close it or send on it
}

// contractOf returns m's stop contract, or nil.
func (s *state) contractOf(m *ssa.Function) *stopContract {
	if c, ok := s.contracts[m]; ok {
		return c
	}
	s.contracts[m] = nil // recursion
	var c *stopContract
	if recv := m.Signature.Recv(); recv != nil && m.Pkg == s.pkg && m.Blocks != nil {
		c = s.computeContract(m, recv.Type())
	}
	s.contracts[m] = c
	return c
}

func (s *state) computeContract(m *ssa.Function, recv types.Type) *stopContract {
	st := structOf(recv)
	if st == nil {
		return nil
	}
	var fields []*types.Var
	for i := range st.NumFields() {
		fields = append(fields, st.Field(i))
	}
	for _, b := range m.Blocks {
		for _, in := range b.Instrs {
			if g, ok := in.(*ssa.Go); ok {
				if c := s.goContract(g, recv, fields); c != nil {
					return c
				}
			}
		}
	}
	return nil
}

// goContract returns the contract of the goroutine g starts, if its only
// way out is one of fields (of a value of type recv) and only stop methods
// of recv signal it.
func (s *state) goContract(g *ssa.Go, recv types.Type, fields []*types.Var) *stopContract {
	fn := funcOf(g.Call.Value)
	if fn == nil || fn.Blocks == nil || fn.Pkg != s.pkg {
		return nil
	}
	if sig := fn.Signature.Recv(); sig != nil {
		recv = sig.Type() // go v.loop(): loop's receiver
	}
	if desc, _ := s.sums.runsForever(fn, s.neverSignalled); desc != "" {
		return nil // it never stops anyway: gostop reports it
	}
	for _, f := range fields {
		if !s.chanField(f) {
			continue
		}
		waits := func(ch ssa.Value) bool { return isFieldLoad(ch, f) || s.neverSignalled(ch) }
		desc, at := s.sums.runsForever(fn, waits)
		if desc == "" {
			continue
		}
		if stoppers := s.stoppersOf(f, recv); len(stoppers) > 0 && s.receiverStaysHome(recv) {
			return &stopContract{field: f, start: g.Pos(), waits: at, stoppers: stoppers}
		}
	}
	return nil
}

// structOf returns the struct type that t, or what t points to, names.
func structOf(t types.Type) *types.Struct {
	if ptr, ok := t.Underlying().(*types.Pointer); ok {
		t = ptr.Elem()
	}
	st, _ := t.Underlying().(*types.Struct)
	return st
}

// isFieldLoad reports whether ch is read from field f.
func isFieldLoad(ch ssa.Value, f *types.Var) bool {
	switch ch := ch.(type) {
	case *ssa.UnOp:
		fa, ok := ch.X.(*ssa.FieldAddr)
		return ok && ch.Op == token.MUL && obligation.FieldOf(fa) == f
	case *ssa.Field:
		st, ok := ch.X.Type().Underlying().(*types.Struct)
		return ok && st.Field(ch.Field).Origin() == f
	case *ssa.ChangeType:
		return isFieldLoad(ch.X, f)
	}
	return false
}

// stoppersOf returns the methods of recv's type that close or send on
// field f of their receiver, or nil if anything else in the package may
// (or the field's channel goes where the analysis does not follow).
func (s *state) stoppersOf(f *types.Var, recv types.Type) []*ssa.Function {
	var stoppers []*ssa.Function
	for _, fa := range s.fieldAddrs(f) {
		fn := fa.Parent()
		for _, ref := range *fa.Referrers() {
			load, ok := ref.(*ssa.UnOp)
			if !ok || load.Op != token.MUL || !mayBeSignalled(load) {
				continue
			}
			if !signalsOnly(load) || !onReceiver(fn, fa.X) || !types.Identical(fn.Signature.Recv().Type(), recv) {
				return nil
			}
			if !slices.Contains(stoppers, fn) {
				stoppers = append(stoppers, fn)
			}
		}
	}
	if len(stoppers) == 0 {
		return nil
	}
	// A method that calls a stop method on its receiver stops too
	// (Stop calling stop).
	for grown := true; grown; {
		grown = false
		for _, fn := range s.funcs {
			if slices.Contains(stoppers, fn) || fn.Signature.Recv() == nil || !types.Identical(fn.Signature.Recv().Type(), recv) {
				continue
			}
			if callsOnReceiver(fn, stoppers) {
				stoppers = append(stoppers, fn)
				grown = true
			}
		}
	}
	// Name an exported one first: it is the one callers can call.
	slices.SortStableFunc(stoppers, func(a, b *ssa.Function) int {
		ea, eb := token.IsExported(a.Name()), token.IsExported(b.Name())
		switch {
		case ea && !eb:
			return -1
		case eb && !ea:
			return 1
		}
		return 0
	})
	return stoppers
}

// callsOnReceiver reports whether fn calls one of funcs on its receiver.
func callsOnReceiver(fn *ssa.Function, funcs []*ssa.Function) bool {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			call, ok := in.(ssa.CallInstruction)
			if !ok || call.Common().StaticCallee() == nil || len(call.Common().Args) == 0 {
				continue
			}
			if slices.Contains(funcs, call.Common().StaticCallee()) && onReceiver(fn, call.Common().Args[0]) {
				return true
			}
		}
	}
	return false
}

// signalsOnly reports whether the channel ch is only closed, sent on,
// received from or compared: it goes nowhere else.
func signalsOnly(ch ssa.Value) bool {
	for _, ref := range *ch.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Send:
			if ref.X == ch {
				return false
			}
		case *ssa.UnOp:
			if ref.Op != token.ARROW {
				return false
			}
		case *ssa.Call:
			if b, ok := ref.Call.Value.(*ssa.Builtin); !ok || b.Name() != "close" {
				return false
			}
		case *ssa.Select, *ssa.BinOp, *ssa.DebugRef:
		default:
			return false
		}
	}
	return true
}

// onReceiver reports whether x is fn's receiver (or, for a value
// receiver, the address of its copy).
func onReceiver(fn *ssa.Function, x ssa.Value) bool {
	if fn.Signature.Recv() == nil || len(fn.Params) == 0 {
		return false
	}
	if x == fn.Params[0] {
		return true
	}
	alloc, ok := x.(*ssa.Alloc)
	if !ok {
		return false
	}
	for _, v := range storedValues(alloc) {
		if v == fn.Params[0] {
			return true
		}
	}
	return false
}

// checkContracts reports the values a function makes whose methods start
// a goroutine with a stop contract (see stopContract) and that the
// function never stops: no stop method is called on them, and they do
// not leave the function.
func (s *state) checkContracts(fn *ssa.Function) {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Alloc:
				s.checkLocalValue(fn, in)
			case *ssa.Call:
				s.checkCtorCall(fn, in)
				s.checkStartCall(fn, in)
			}
		}
	}
}

// copiesLiteral reports whether v is a load of a composite literal that
// is used for nothing else, and records in u the fields it assigns
// channels made here, or other values.
func copiesLiteral(v ssa.Value, u *valueUses) bool {
	load, ok := v.(*ssa.UnOp)
	if !ok || load.Op != token.MUL || len(*load.Referrers()) != 1 {
		return false
	}
	lit, ok := load.X.(*ssa.Alloc)
	if !ok {
		return false
	}
	for _, ref := range *lit.Referrers() {
		switch ref := ref.(type) {
		case *ssa.FieldAddr:
			for _, fref := range *ref.Referrers() {
				st, ok := fref.(*ssa.Store)
				if !ok || st.Addr != ref {
					return false
				}
				if _, ok := st.Val.(*ssa.MakeChan); ok {
					u.made[obligation.FieldOf(ref)] = true
				} else {
					u.given[obligation.FieldOf(ref)] = true
				}
			}
		case *ssa.UnOp:
			if ref != load {
				return false
			}
		case *ssa.DebugRef:
		default:
			return false
		}
	}
	return true
}

// checkLocalValue checks a local variable (or composite literal) alloc:
// its fields are assigned channels made here, it is used only as the
// receiver of the type's methods, and one of them (Start), or a go
// statement of the function, starts a goroutine that only a stop method
// the function never calls can stop.
func (s *state) checkLocalValue(fn *ssa.Function, alloc *ssa.Alloc) {
	u := s.valueUses(alloc, false)
	if !u.ok {
		return
	}
	c := s.startedContract(u) // go v.loop() here
	var start ssa.CallInstruction
	for _, call := range u.calls {
		if c != nil {
			break
		}
		if c = s.contractOf(call.Common().StaticCallee()); c != nil {
			start = call // v.Start()
		}
	}
	if c == nil || !u.made[c.field] || u.read[c.field] {
		return
	}
	var discharges []ssa.CallInstruction
	for _, call := range u.calls {
		if c.stoppedBy(call) {
			discharges = append(discharges, call)
		}
	}
	from := ssa.Instruction(alloc)
	if start != nil {
		from = start
	}
	if obligation.OnEveryPath(from, discharges) {
		return
	}
	name := s.assignedTo(alloc.Pos())
	if name == "" {
		name = alloc.Comment
	}
	stop := c.stoppers[0].Name()
	d := analysis.Diagnostic{Pos: c.start}
	by := "here"
	if start != nil {
		by = "by " + name + "." + start.Common().StaticCallee().Name()
		d.Pos = start.Pos()
		if call, ok := start.(*ssa.Call); ok {
			d.Pos = s.callStart(call)
		}
		d.Related = append(d.Related, related(c.start, "the goroutine starts here"))
	}
	if c.waits.IsValid() {
		d.Related = append(d.Related, related(c.waits, "it waits here for "+c.field.Name()))
	}
	never := "never calls"
	if len(discharges) > 0 {
		never = "only on some paths calls"
	}
	d.Message = fmt.Sprintf("goroutine started %s never stops: its only way out is field %s, which only %s signals, and %s %s %s.%s; defer %s.%s()",
		by, c.field.Name(), stop, s.funcName(fn), never, name, stop, name, stop)
	s.report("gostop", d)
}

// ctorContract returns, for a function that makes a value, starts its
// goroutine and returns it (a constructor, NewPoller), the contract its
// callers inherit: the names of the stop methods they must call on the
// result. It returns nil if fn is no such function.
func (s *state) ctorContract(fn *ssa.Function) *stopContract {
	if c, ok := s.ctors[fn]; ok {
		return c
	}
	s.ctors[fn] = nil // recursion
	c := s.computeCtorContract(fn)
	s.ctors[fn] = c
	return c
}

func (s *state) computeCtorContract(fn *ssa.Function) *stopContract {
	if fn.Blocks == nil || fn.Pkg != s.pkg || fn.Parent() != nil {
		return nil
	}
	res := fn.Signature.Results()
	if res.Len() == 0 || res.Len() > 2 || (res.Len() == 2 && !types.Identical(res.At(1).Type(), types.Universe.Lookup("error").Type())) {
		return nil
	}
	ptr, ok := res.At(0).Type().(*types.Pointer)
	if !ok || structOf(ptr) == nil {
		return nil
	}
	// Every return hands back the same fresh value, or nil.
	var made *ssa.Alloc
	for _, b := range fn.Blocks {
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		switch v := ret.Results[0].(type) {
		case *ssa.Alloc:
			if made != nil && made != v {
				return nil
			}
			made = v
		case *ssa.Const: // nil, on an error path
		default:
			return nil
		}
	}
	if made == nil || !made.Heap {
		return nil
	}
	u := s.valueUses(made, true)
	if !u.ok {
		return nil
	}
	c := s.startedContract(u) // go v.loop()
	for _, call := range u.calls {
		if c == nil {
			c = s.contractOf(call.Common().StaticCallee()) // v.Start()
		}
	}
	if c == nil || !u.made[c.field] || u.read[c.field] {
		return nil
	}
	for _, call := range u.calls {
		if c.stoppedBy(call) {
			return nil // it stops the value itself
		}
	}
	return c
}

// startedContract returns the contract of a goroutine that a function
// starts itself, with a go statement, on a value it makes (see
// valueUses), if any.
func (s *state) startedContract(u *valueUses) *stopContract {
	var fields []*types.Var
	for f := range u.made {
		if !u.read[f] {
			fields = append(fields, f)
		}
	}
	slices.SortFunc(fields, func(a, b *types.Var) int { return cmp.Compare(a.Pos(), b.Pos()) })
	for _, g := range u.starts {
		if c := s.goContract(g, u.typ, fields); c != nil {
			return c
		}
	}
	return nil
}

// valueUses describes how a function uses a value of a struct type (or a
// pointer to one): the methods called on it, the goroutines started with
// it, the fields assigned a channel made there and the fields read.
type valueUses struct {
	ok         bool       // no other use: the value goes nowhere else
	typ        types.Type // the value's type (a pointer, for an address)
	calls      []ssa.CallInstruction
	starts     []*ssa.Go
	made, read map[*types.Var]bool
	// given holds the fields assigned a value not made here (a channel
	// from elsewhere: someone else may close it).
	given map[*types.Var]bool
}

// stoppedBy reports whether call calls one of c's stop methods.
func (c *stopContract) stoppedBy(call ssa.CallInstruction) bool {
	callee := call.Common().StaticCallee()
	if callee == nil {
		return false
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	for _, stop := range c.stoppers {
		if callee == stop {
			return true
		}
	}
	return false
}

// checkCtorCall reports a call of a constructor whose result must be
// stopped (by its contract, or its mustStop fact for another package's)
// when the caller neither stops the result nor lets it go.
func (s *state) checkCtorCall(fn *ssa.Function, call *ssa.Call) {
	callee := call.Call.StaticCallee()
	if callee == nil {
		return
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	var stops []string
	var c *stopContract
	if mc, ok := s.knownMustCall(callee, call); ok {
		s.checkMustCall(fn, call, callee, mc)
		return
	}
	if s.checkMustRead(call, callee) {
		return
	}
	if callee.Pkg == s.pkg {
		if c = s.ctorContract(callee); c == nil {
			return
		}
		for _, stop := range c.stoppers {
			stops = append(stops, stop.Name())
		}
	} else if stops = s.sums.of(callee).MustStop; len(stops) == 0 {
		return
	}
	result := ssa.Value(call)
	if call.Call.Signature().Results().Len() > 1 {
		result = nil
		for _, ref := range *call.Referrers() {
			if ex, ok := ref.(*ssa.Extract); ok && ex.Index == 0 {
				result = ex
			}
		}
		if result == nil {
			return // discarded: nothing can stop it either, but say nothing
		}
	}
	u := s.valueUses(result, false)
	if !u.ok {
		return // it goes where a stop method may be called
	}
	var discharges []ssa.CallInstruction
	for _, other := range u.calls {
		if callee := other.Common().StaticCallee(); callee != nil && slices.Contains(stops, callee.Name()) {
			discharges = append(discharges, other)
		}
	}
	if obligation.OnEveryPath(call, discharges) {
		return
	}
	name := s.assignedTo(call.Pos())
	if name == "" {
		name = "its result"
	}
	never := "never calls it"
	if len(discharges) > 0 {
		never = "calls it only on some paths"
	}
	d := analysis.Diagnostic{
		Pos: s.callStart(call),
		Message: fmt.Sprintf("goroutine started by %s never stops: only %s.%s stops it, and %s %s; defer %s.%s()",
			s.funcName(callee), name, stops[0], s.funcName(fn), never, name, stops[0]),
	}
	if c != nil {
		d.Related = append(d.Related, related(c.start, "the goroutine starts here"))
		if c.waits.IsValid() {
			d.Related = append(d.Related, related(c.waits, "it waits here for "+c.field.Name()))
		}
	}
	s.report("gostop", d)
}

// valueUses follows v (the value, or a composite literal's address when
// returned is set: its function may return it).
func (s *state) valueUses(v ssa.Value, returned bool) *valueUses {
	u := &valueUses{ok: true, typ: v.Type(), made: make(map[*types.Var]bool), read: make(map[*types.Var]bool), given: make(map[*types.Var]bool)}
	s.addUses(u, v, returned)
	return u
}

func (s *state) addUses(u *valueUses, v ssa.Value, returned bool) {
	_, isVar := v.(*ssa.Alloc)
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Field:
			if st, ok := ref.X.Type().Underlying().(*types.Struct); ok {
				u.read[st.Field(ref.Field).Origin()] = true
			}
		case *ssa.UnOp:
			// A copy of a variable's value: its uses count as the
			// variable's (the copies share the channels).
			if ref.Op != token.MUL || !isVar {
				u.ok = false
				continue
			}
			s.addUses(u, ref, false)
		case *ssa.Store:
			// v := T{...}: the variable is assigned a copy of a
			// composite literal, whose fields count as its own.
			if !isVar || ref.Addr != v || !copiesLiteral(ref.Val, u) {
				u.ok = false
			}
		case *ssa.FieldAddr:
			for _, fref := range *ref.Referrers() {
				if st, ok := fref.(*ssa.Store); ok && st.Addr == ref {
					if _, ok := st.Val.(*ssa.MakeChan); ok {
						u.made[obligation.FieldOf(ref)] = true
					} else {
						u.given[obligation.FieldOf(ref)] = true
					}
					continue
				}
				u.read[obligation.FieldOf(ref)] = true
			}
		case *ssa.Go:
			if len(ref.Call.Args) > 0 && ref.Call.Args[0] == v && funcOf(ref.Call.Value) != nil && funcOf(ref.Call.Value).Signature.Recv() != nil {
				u.starts = append(u.starts, ref)
				continue
			}
			u.ok = false
		case *ssa.Call, *ssa.Defer:
			common := ref.(ssa.CallInstruction).Common()
			callee := common.StaticCallee()
			if callee == nil || callee.Signature.Recv() == nil || len(common.Args) == 0 || common.Args[0] != v || slices.Contains(common.Args[1:], v) {
				u.ok = false
				continue
			}
			u.calls = append(u.calls, ref.(ssa.CallInstruction))
		case *ssa.MakeClosure:
			// A closure capturing the value: fine if it is the goroutine.
			var g *ssa.Go
			for _, r := range *ref.Referrers() {
				if gg, ok := r.(*ssa.Go); ok && gg.Call.Value == ref {
					g = gg
				}
			}
			if g == nil || len(*ref.Referrers()) != 1 {
				u.ok = false
				continue
			}
			u.starts = append(u.starts, g)
		case *ssa.Return:
			if !returned {
				u.ok = false
			}
		case *ssa.BinOp, *ssa.DebugRef:
		default:
			u.ok = false // stored, handed on, converted
		}
	}
}

// receiverStaysHome reports whether no method of the type recv (of the
// package) lets its receiver go anywhere but its own fields, calls of the
// type's methods and the closures it runs: then whoever holds the value is
// the only one who can stop it.
func (s *state) receiverStaysHome(recv types.Type) bool {
	for _, fn := range s.funcs {
		sig := fn.Signature.Recv()
		if sig == nil || len(fn.Params) == 0 || !types.Identical(sig.Type(), recv) {
			continue
		}
		if !staysHome(fn.Params[0], recv, false) {
			return false
		}
	}
	return true
}

// staysHome checks the uses of v: the receiver, or (isAddr) the address
// of a variable holding it (a receiver captured by a closure).
func staysHome(v ssa.Value, recv types.Type, isAddr bool) bool {
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.FieldAddr, *ssa.Field, *ssa.BinOp, *ssa.DebugRef:
		case *ssa.UnOp:
			// A load of the variable is the receiver again; a load
			// through the receiver copies the value out.
			if ref.Op != token.MUL || !isAddr || !staysHome(ref, recv, false) {
				return false
			}
		case *ssa.Store:
			switch {
			case isAddr && ref.Addr == v: // the variable assigned
			case !isAddr && ref.Val == v:
				alloc, ok := ref.Addr.(*ssa.Alloc)
				if !ok || !staysHome(alloc, recv, true) {
					return false
				}
			default:
				return false
			}
		case ssa.CallInstruction:
			common := ref.Common()
			callee := common.StaticCallee()
			if isAddr || callee == nil || callee.Signature.Recv() == nil || !types.Identical(callee.Signature.Recv().Type(), recv) ||
				len(common.Args) == 0 || common.Args[0] != v || slices.Contains(common.Args[1:], v) {
				return false
			}
		case *ssa.MakeClosure:
			fn := ref.Fn.(*ssa.Function)
			for i, b := range ref.Bindings {
				if b == v && !staysHome(fn.FreeVars[i], recv, isAddr) {
					return false
				}
			}
		default:
			return false // stored elsewhere, passed, returned, converted
		}
	}
	return true
}
