package engine

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// callee evaluates a call's function and arguments (the receiver first):
// an invoke on an interface value holding a concrete type becomes a call of
// that type's method.
func (e *Explorer) callee(s *state, f *frame, c *ssa.CallCommon) (value, []value) {
	args := make([]value, 0, len(c.Args)+1)
	if c.IsInvoke() {
		recv := e.eval(f, c.Value)
		args = append(args, recv)
		for _, a := range c.Args {
			args = append(args, e.eval(f, a))
		}
		switch r := recv.(type) {
		case ifaceV:
			if sel := e.prog.MethodSets.MethodSet(r.typ).Lookup(c.Method.Pkg(), c.Method.Name()); sel != nil {
				if fn := e.prog.MethodValue(sel); fn != nil {
					args[0] = r.v
					return closV{fn: fn}, args
				}
			}
		case refV:
			if s.objs[r.obj].kind == ctxObj {
				return libV{kind: "ctx." + c.Method.Name(), obj: r.obj}, args
			}
		}
		return top, args
	}
	for _, a := range c.Args {
		args = append(args, e.eval(f, a))
	}
	return e.eval(f, c.Value), args
}

// name returns the library name of a function without a body in the
// model: "(*sync.Mutex).Lock", "context.WithCancel". The search asks it at
// every call it steps over, so the names are kept: ssa's String builds
// the name anew each time.
func (e *Explorer) name(fn *ssa.Function) string {
	if o := fn.Origin(); o != nil {
		fn = o
	}
	n, ok := e.names[fn]
	if !ok {
		n = fn.String()
		e.names[fn] = n
	}
	return n
}

// body reports whether the engine follows calls of fn into its body.
func (e *Explorer) body(s *state, pi int, fn *ssa.Function) bool {
	if !e.modelled(fn) || len(s.procs[pi].frames) >= e.limits.Depth {
		return false // another package's function: by the library model or as unknown
	}
	n := 0
	for _, f := range s.procs[pi].frames {
		if f.fn == fn {
			n++
		}
	}
	return n < e.limits.Recurse
}

// call performs a call by process pi: into the callee's body, by the
// library's model, or, for code the model does not see, as a call that
// returns unknown results and may keep its arguments.
func (e *Explorer) call(s *state, pi int, c *ssa.CallCommon, fn value, args []value) ([]*state, bool) {
	switch fv := fn.(type) {
	case closV:
		if len(fv.fn.Blocks) > 1 && len(fv.binds) == 0 && fv.fn.Pkg == e.root.Pkg && e.syncFree(fv.fn, 3) {
			// Nothing in it synchronizes: its result is all that counts,
			// and a symbol stands for it. A function of one block (a
			// getter, a key function) is run: its result costs no path
			// and may be what a later branch tests (a nil error).
			e.finishCall(s, pi, e.result(s, pi, c, args))
			return nil, true
		}
		if e.body(s, pi, fv.fn) {
			s.push(pi, e.newFrame(fv.fn, args, fv.binds))
			return nil, true
		}
		if !e.modelled(fv.fn) {
			if done, alive := e.library(s, pi, e.name(fv.fn), c, args); done {
				return nil, alive
			}
		}
	case libV:
		if done, alive := e.library(s, pi, fv.kind, c, append([]value{refV{obj: fv.obj}}, args...)); done {
			return nil, alive
		}
	}
	e.opaque(s, pi, c, fn, args)
	return nil, true
}

// opaque performs a call of code the model does not see: its arguments
// escape unless the function is known to keep none, and its results are
// new symbols.
func (e *Explorer) opaque(s *state, pi int, c *ssa.CallCommon, fn value, args []value) {
	if cv, ok := fn.(closV); !ok || !keepsNothing(cv.fn) {
		s.escape(fn)
		for _, a := range args {
			s.escape(a)
		}
	}
	r := e.result(s, pi, c, args)
	if cv, ok := fn.(closV); ok {
		assumeResult(s, e.name(cv.fn), r)
	}
	e.finishCall(s, pi, r)
}

// assumeResult assumes what the library documents of the result r of the
// function named fn: errors.New and fmt.Errorf return a new error, never
// nil; runtime.GOMAXPROCS and runtime.NumCPU return at least 1.
func assumeResult(s *state, fn string, r value) {
	switch fn {
	case "errors.New", "fmt.Errorf":
		assume(s, compare(token.EQL, r, nilVal), false)
	case "runtime.GOMAXPROCS", "runtime.NumCPU":
		assume(s, compare(token.GEQ, r, constV{constant.MakeInt64(1)}), true)
	}
}

// result returns new symbols for the results of a call the model does not
// follow.
func (e *Explorer) result(s *state, pi int, c *ssa.CallCommon, args []value) value {
	if k, ok := predicateKey(c, args); ok {
		return symV{k}
	}
	f := s.peek(pi)
	k := joinKey("\x01call", pi, ":", c, ":", f.visits[f.block], ":", len(s.procs[pi].frames), "\x02")
	if slices.ContainsFunc(args, hasRefs) || heldElsewhere(s, pi, args) {
		// A result of the model's objects, which others change (an atomic
		// counter), or of an object another goroutine holds too (see
		// shared.go).
		k = "~" + k
	}
	if t := c.Signature().Results(); t.Len() > 1 {
		elems := make([]value, t.Len())
		for i := range elems {
			elems[i] = symV{joinKey(k, ".", i)}
		}
		return tupV{elems}
	}
	return symV{k}
}

// keepsNothing reports whether fn, outside the model, is known to neither
// keep nor operate on the references it is given: formatting, logging,
// errors, strings, sorting.
func keepsNothing(fn *ssa.Function) bool {
	if fn.Pkg == nil || fn.Pkg.Pkg == nil {
		return false
	}
	switch fn.Pkg.Pkg.Path() {
	case "fmt", "log", "errors", "strings", "strconv", "bytes", "math", "sort", "slices", "maps", "unicode/utf8", "log/slog":
		return true
	case "testing":
		switch fn.Name() {
		case "Log", "Logf", "Error", "Errorf", "Helper", "Name", "Fail", "Failed":
			return true
		}
	}
	return false
}

// spawn starts a goroutine running fn(args), if the model sees fn; its
// arguments escape otherwise.
func (e *Explorer) spawn(s *state, pi int, g ssa.Instruction, fn value, args []value) bool {
	cv, ok := fn.(closV)
	if !ok || !e.modelled(cv.fn) {
		s.escape(fn)
		for _, a := range args {
			s.escape(a)
		}
		return true
	}
	if len(s.procs) >= e.limits.MaxProcs {
		e.cut = true
		return false
	}
	s.procs = append(s.procs, &process{frames: []*frame{e.newFrame(cv.fn, args, cv.binds)}, start: g, fn: cv.fn, ready: true})
	s.note(len(s.procs)-1, g.Pos(), "starts")
	return true
}

// addrKey names the synchronization object at address a, and reports
// whether code outside the model may reach it.
func addrKey(s *state, a value) (string, bool) {
	switch a := a.(type) {
	case refV:
		return keyOf(a), s.objs[a.obj].escaped
	case symV:
		return "s" + a.key, true
	}
	return "", true
}

// fieldIndex returns the index of the field named name of the struct
// type t points to, -1 if none.
func fieldIndex(t types.Type, name string) int {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return -1
	}
	for i := 0; i < st.NumFields(); i++ {
		if st.Field(i).Name() == name {
			return i
		}
	}
	return -1
}

// isTestingExit reports whether a library function ends the goroutine or
// the program: t.Fatal, os.Exit, log.Fatal, runtime.Goexit.
func isTestingExit(name string) bool {
	for _, p := range []string{"(*testing.common).Fatal", "(*testing.common).FailNow", "(*testing.common).Skip",
		"(*testing.T).Fatal", "(*testing.B).Fatal", "os.Exit", "log.Fatal", "log.Panic", "runtime.Goexit",
		"(*log.Logger).Fatal", "(*log.Logger).Panic"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// modelled reports whether the model runs fn's body: a function of the
// root's package (or a synthetic wrapper), not another package's.
func (e *Explorer) modelled(fn *ssa.Function) bool {
	return len(fn.Blocks) > 0 && (fn.Pkg == nil || fn.Pkg == e.root.Pkg)
}

// predicateKey returns the symbol key of the result of a call of a
// predicate: a named function or method returning one bool, whose
// arguments (the receiver among them) hold no reference to the model's
// objects and nothing unknown. Two such calls with the same arguments give
// one symbol, wherever they are made, so that two goroutines testing one
// condition of one value agree: an item's isTransportResponseFrame, tested
// when the item is queued (which arms a throttle) and when it is taken
// (which releases it). A call on the model's objects may see what others
// did to them in between, and keeps a symbol of its own.
func predicateKey(c *ssa.CallCommon, args []value) (string, bool) {
	res := c.Signature().Results()
	if res.Len() != 1 || !types.Identical(res.At(0).Type().Underlying(), types.Typ[types.Bool]) {
		return "", false
	}
	var name string
	switch {
	case c.IsInvoke():
		name = c.Method.FullName()
	case c.StaticCallee() != nil:
		name = c.StaticCallee().String()
	default:
		return "", false
	}
	var b strings.Builder
	b.WriteString("pred:" + name + "(")
	for _, a := range args {
		if hasRefs(a) || hasTop(a) {
			return "", false
		}
		encValue(&b, a)
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String(), true
}

// hasTop reports whether v is, or holds, a value of which nothing is known
// (top): two of them are not the same value.
func hasTop(v value) bool {
	found := false
	parts(v, func(x value) {
		switch x.(type) {
		case topV, nil:
			found = true
		}
	})
	return found
}
