package obligation

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

// The sources below declare their own acquire function, so that the tests
// need no importer: acquire returns a value and the cancel the caller owes.
const prelude = `package p

type cancelFunc func()

func acquire() (int, cancelFunc) { return 0, func() {} }

func acquireErr() (int, cancelFunc, error) { return 0, func() {}, nil }

func fail() bool
`

type noDrops struct{}

func (noDrops) Drops(*ssa.Function, int) bool { return false }

func (noDrops) Revocable(*ssa.Function, int) bool { return false }

func (noDrops) Releases(*ssa.Function) bool { return false }

// build returns the model of the package src declares (after prelude) and
// its SSA package.
func build(t *testing.T, src string) (*Model, *ssa.Package) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", prelude+src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, _, err := ssautil.BuildPackage(&types.Config{}, fset, types.NewPackage("p", "p"), []*ast.File{f}, ssa.SanityCheckFunctions)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[*ssa.Function]bool)
	for fn := range ssautil.AllFunctions(pkg.Prog) {
		seen[fn] = fn.Pkg == pkg
	}
	for _, mem := range pkg.Members {
		if T, ok := mem.(*ssa.Type); ok {
			mset := pkg.Prog.MethodSets.MethodSet(types.NewPointer(T.Type()))
			for i := range mset.Len() {
				fn := pkg.Prog.MethodValue(mset.At(i))
				seen[fn] = true
				for _, anon := range fn.AnonFuncs {
					seen[anon] = true
				}
			}
		}
	}
	var funcs []*ssa.Function
	for fn, ours := range seen {
		if ours {
			funcs = append(funcs, fn)
		}
	}
	return New(pkg.Pkg, funcs, noDrops{}), pkg
}

// acquired returns the first call of acquire (or acquireErr) in fn and
// the cancel it returns.
func acquired(t *testing.T, fn *ssa.Function) (*ssa.Call, ssa.Value) {
	t.Helper()
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if call, ok := in.(*ssa.Call); ok {
				if callee := call.Call.StaticCallee(); callee != nil && (callee.Name() == "acquire" || callee.Name() == "acquireErr") {
					return call, ResultValue(call, 1)
				}
			}
		}
	}
	t.Fatalf("no acquire in %s", fn)
	return nil, nil
}

func method(pkg *ssa.Package, typ, name string) *ssa.Function {
	T := pkg.Pkg.Scope().Lookup(typ).Type()
	return pkg.Prog.LookupMethod(types.NewPointer(T), pkg.Pkg, name)
}

func TestLeakFollowsValuesNotVariables(t *testing.T) {
	m, pkg := build(t, `
func reassigned(d int) {
	_, cancel := acquire()
	if d > 0 {
		_, cancel = acquire()
	}
	defer cancel()
}

func deferred() {
	_, cancel := acquire()
	defer cancel()
}

func someReturns() int {
	_, cancel := acquire()
	if fail() {
		return 1
	}
	cancel()
	return 0
}
`)
	for _, tc := range []struct {
		fn               string
		leaks, reassigns bool
	}{
		{"reassigned", true, true},
		{"deferred", false, false},
		{"someReturns", true, false},
	} {
		call, cancel := acquired(t, pkg.Func(tc.fn))
		fl := m.Follow(cancel)
		exit, _, _ := fl.Leak(call, Done{})
		if (exit != nil) != tc.leaks || fl.Reassigned != tc.reassigns {
			t.Errorf("%s: leak %v, reassigned %v; want %v, %v", tc.fn, exit != nil, fl.Reassigned, tc.leaks, tc.reassigns)
		}
	}
}

func TestOnEveryPathExemptsErrorPaths(t *testing.T) {
	_, pkg := build(t, `
func errorPath() error {
	_, cancel, err := acquireErr()
	if err != nil {
		return err
	}
	cancel()
	return nil
}

func successOnly() {
	_, cancel, _ := acquireErr()
	if fail() {
		return
	}
	cancel()
}
`)
	for fn, want := range map[string]bool{"errorPath": true, "successOnly": false} {
		call, cancel := acquired(t, pkg.Func(fn))
		var calls []ssa.CallInstruction
		for _, ref := range *cancel.Referrers() {
			if c, ok := ref.(ssa.CallInstruction); ok {
				calls = append(calls, c)
			}
		}
		if got := OnEveryPath(call, calls); got != want {
			t.Errorf("%s: OnEveryPath = %v, want %v", fn, got, want)
		}
	}
}

func TestNilOnErr(t *testing.T) {
	_, pkg := build(t, `
func helper(ok bool) (int, cancelFunc, error) {
	if !ok {
		return 0, nil, errFail
	}
	x, c := acquire()
	return x, c, nil
}

func leaky(ok bool) (int, cancelFunc, error) {
	x, c := acquire()
	if !ok {
		return 0, c, errFail
	}
	return x, c, nil
}

type failure struct{}

func (failure) Error() string { return "fail" }

var errFail error = failure{}
`)
	if got := NilOnErr(pkg.Func("helper"), []int{1}); len(got) != 1 || got[0] != 1 {
		t.Errorf("NilOnErr(helper) = %v, want [1]", got)
	}
	if got := NilOnErr(pkg.Func("leaky"), []int{1}); len(got) != 0 {
		t.Errorf("NilOnErr(leaky) = %v, want []", got)
	}
}

func TestFieldOwnership(t *testing.T) {
	m, pkg := build(t, `
type onFailure struct{ cancel cancelFunc }

func (c *onFailure) Close() error {
	if fail() {
		c.cancel()
	}
	return nil
}

type idempotent struct {
	cancel cancelFunc
	closed bool
}

func (c *idempotent) Close() {
	if c.closed {
		return
	}
	c.closed = true
	c.cancel()
}

type flagOnSkip struct {
	cancel cancelFunc
	closed bool
}

func (c *flagOnSkip) Close() {
	if c.closed {
		c.cancel()
		return
	}
	c.closed = true
}

type nilChecked struct{ cancel cancelFunc }

func (c *nilChecked) Close() {
	if c.cancel != nil {
		c.cancel()
	}
}

type never struct{ cancel cancelFunc }
`)
	for _, tc := range []struct {
		typ               string
		released, partial bool
	}{
		{"onFailure", true, true},
		{"idempotent", true, false},
		{"flagOnSkip", true, true},
		{"nilChecked", true, false},
		{"never", false, false},
	} {
		st := pkg.Pkg.Scope().Lookup(tc.typ).Type().Underlying().(*types.Struct)
		own := m.Field(st.Field(0))
		if own.Released != tc.released || (own.Partial != nil) != tc.partial {
			t.Errorf("%s: Field = {Released: %v, Partial: %v}, want {%v, partial %v}", tc.typ, own.Released, own.Partial != nil, tc.released, tc.partial)
		}
		if own.Partial != nil && own.Partial.Method != method(pkg, tc.typ, "Close") {
			t.Errorf("%s: partial release method %s, want Close", tc.typ, own.Partial.Method)
		}
	}
}

func TestReplacesAndDeletes(t *testing.T) {
	m, pkg := build(t, `
type stream struct{ cancel cancelFunc }

func newStream() *stream {
	s := &stream{}
	_, s.cancel = acquire()
	return s
}

func (s *stream) Reset() { _, s.cancel = acquire() }

func (s *stream) Renew() {
	s.cancel()
	_, s.cancel = acquire()
}

func (s *stream) Close() { s.cancel() }

type registry struct{ jobs map[string]cancelFunc }

func (r *registry) Remove(id string) { delete(r.jobs, id) }

func (r *registry) Cancel(id string) {
	if c, ok := r.jobs[id]; ok {
		c()
		delete(r.jobs, id)
	}
}
`)
	stores := func(fn string) *ssa.Store {
		for _, b := range method(pkg, "stream", fn).Blocks {
			for _, in := range b.Instrs {
				if st, ok := in.(*ssa.Store); ok {
					if _, ok := st.Addr.(*ssa.FieldAddr); ok {
						return st
					}
				}
			}
		}
		t.Fatalf("no field store in %s", fn)
		return nil
	}
	if other := m.Replaces(stores("Reset")); other == nil || other.Parent() != pkg.Func("newStream") {
		t.Errorf("Replaces(Reset's store) = %v, want newStream's store", other)
	}
	if other := m.Replaces(stores("Renew")); other != nil {
		t.Errorf("Replaces(Renew's store) = %v, want nil: it calls the old cancel first", other)
	}
	deleteIn := func(fn string) *ssa.Call {
		for _, b := range method(pkg, "registry", fn).Blocks {
			for _, in := range b.Instrs {
				if call, ok := in.(*ssa.Call); ok {
					if b, ok := call.Call.Value.(*ssa.Builtin); ok && b.Name() == "delete" {
						return call
					}
				}
			}
		}
		t.Fatalf("no delete in %s", fn)
		return nil
	}
	if label, ok := m.DeleteLoses(deleteIn("Remove")); !ok || label != "registry.jobs" {
		t.Errorf("DeleteLoses(Remove) = %q, %v; want registry.jobs, true", label, ok)
	}
	if _, ok := m.DeleteLoses(deleteIn("Cancel")); ok {
		t.Error("DeleteLoses(Cancel) = true, want false: it calls the entry first")
	}
}
