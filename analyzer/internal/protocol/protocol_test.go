package protocol

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

const src = `package p

func fail() bool
func x()
func y()
func z()

func gen(n int) <-chan int {
	out := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			out <- i
		}
		close(out)
	}()
	return out
}

func genDefer(xs []int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for _, x := range xs {
			out <- x
		}
	}()
	return out
}

func genSome(n int) <-chan int {
	out := make(chan int)
	go func() {
		if fail() {
			return
		}
		for i := 0; i < n; i++ {
			out <- i
		}
		close(out)
	}()
	return out
}

func genStop(n int, stop chan struct{}) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; i < n; i++ {
			select {
			case out <- i:
			case <-stop:
				return
			}
		}
	}()
	return out
}

func first(n int) int {
	for v := range gen(n) {
		if v > 3 {
			return v
		}
	}
	return 0
}

func all(n int) int {
	s := 0
	for v := range gen(n) {
		s += v
	}
	return s
}

func upTo(n int) int {
	ch := gen(n)
	s := 0
	for i := 0; i < n; i++ {
		s += <-ch
	}
	return s
}

func three(n int) int {
	ch := gen(n)
	return <-ch + <-ch + <-ch
}

func race(a, b bool) {
	if a {
		x()
	}
	if b {
		y()
	}
	z()
}

func loops(n int, xs []int) error {
	for i := 0; i < n; i++ {
		x()
	}
	for range xs {
		if err := error(nil); err != nil {
			return err
		}
		y()
	}
	return nil
}
`

func build(t *testing.T) *ssa.Package {
	t.Helper()
	return buildSrc(t, src)
}

// buildSrc builds the SSA form of a package of one file, without imports.
func buildSrc(t *testing.T, src string) *ssa.Package {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, _, err := ssautil.BuildPackage(&types.Config{}, fset, types.NewPackage("p", "p"), []*ast.File{f}, ssa.SanityCheckFunctions)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// chanOps collects fn's operations on channels: sends (in selects too),
// receives and closes, as the analyzer's walk would for one channel.
func chanOps(fn *ssa.Function) []Op {
	var ops []Op
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Send:
				ops = append(ops, Op{Kind: Send, Instr: in, Weight: 1})
			case *ssa.UnOp:
				if in.Op == token.ARROW {
					ops = append(ops, Op{Kind: Recv, Instr: in, Weight: 1, CommaOk: in.CommaOk, Drains: in.CommaOk && DrainsUntilClosed(in)})
				}
			case *ssa.Select:
				for i, st := range in.States {
					if st.Dir == types.SendOnly {
						ops = append(ops, Op{Kind: Send, Instr: in, Weight: 1, Optional: true, SelIndex: i})
					}
				}
			case ssa.CallInstruction:
				if b, ok := in.Common().Value.(*ssa.Builtin); ok && b.Name() == "close" {
					ops = append(ops, Op{Kind: Close, Instr: in})
				}
			}
		}
	}
	return ops
}

// producer summarizes the goroutine of the generator name; its parameter
// "n" or "xs" (captured) is parameter 0.
func producer(t *testing.T, pkg *ssa.Package, name string, stop string) (Stream, bool) {
	t.Helper()
	fn := pkg.Func(name)
	body := fn.AnonFuncs[0]
	p := Producer{
		Body: body, Ops: chanOps(body), Buffer: 0, BufferBound: -1,
		Param: func(v ssa.Value) int {
			if load, ok := v.(*ssa.UnOp); ok && load.Op == token.MUL {
				v = load.X
			}
			if fv, ok := v.(*ssa.FreeVar); ok && (fv.Name() == "n" || fv.Name() == "xs") {
				return 0
			}
			return -1
		},
		StopCase: func(*ssa.Select, int) string { return stop },
	}
	return p.Summarize(pkg.Prog.Fset)
}

func TestSummarize(t *testing.T) {
	pkg := build(t)
	for _, tc := range []struct {
		name, stop string
		ok         bool
		want       string
	}{
		{"gen", "", true, "stream[0](sends=3,per=0)"},
		{"genDefer", "", true, "stream[0](sends=3,per=0)"},
		{"genSome", "", true, "stream[0](sends=3,per=0,closes?)"},
		{"genStop", "Stop", true, "stream[0](sends=3,per=0,stop=Stop,select)"},
		{"genStop", "", false, ""}, // the other case is a way out the consumer may take
	} {
		st, ok := producer(t, pkg, tc.name, tc.stop)
		if ok != tc.ok || (ok && st.String() != tc.want) {
			t.Errorf("%s (stop %q): got %v %s, want %v %s", tc.name, tc.stop, ok, st, tc.ok, tc.want)
		}
		if tc.name == "genSome" && !st.LeavePos().IsValid() {
			t.Errorf("genSome: no position for the return that leaves the channel open")
		}
	}
}

// consumer returns the consumer of gen's channel in fn.
func consumer(pkg *ssa.Package, fn *ssa.Function) *Consumer {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			call, ok := in.(*ssa.Call)
			if !ok || call.Call.StaticCallee() != pkg.Func("gen") {
				continue
			}
			var ops []Op
			for _, op := range chanOps(fn) {
				if op.Instr.(*ssa.UnOp).X == call {
					ops = append(ops, op)
				}
			}
			return &Consumer{Call: call, Ops: ops, Args: call.Call.Args, Same: func(a, b ssa.Value) bool { return a == b }}
		}
	}
	return nil
}

func TestConsumerCheck(t *testing.T) {
	pkg := build(t)
	st, _ := producer(t, pkg, "gen", "")
	for _, tc := range []struct {
		name  string
		early bool
	}{
		{"first", true},  // returns from its range
		{"all", false},   // drains
		{"upTo", false},  // the same count as the producer
		{"three", false}, // three receives from a loop of n sends: a protocol, perhaps
	} {
		v := consumer(pkg, pkg.Func(tc.name)).Check(&st)
		if got := v.Return != nil; got != tc.early || v.Unclosed != nil {
			t.Errorf("%s: leaves early %v (unclosed %v), want %v", tc.name, got, v.Unclosed != nil, tc.early)
		}
	}
	some, _ := producer(t, pkg, "genSome", "")
	if v := consumer(pkg, pkg.Func("all")).Check(&some); v.Unclosed == nil {
		t.Errorf("all over genSome: the range is not reported unclosed")
	}
}

// blockCalling returns the block of fn that calls name.
func blockCalling(fn *ssa.Function, name string) *ssa.BasicBlock {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if call, ok := in.(*ssa.Call); ok && call.Call.StaticCallee() != nil && call.Call.StaticCallee().Name() == name {
				return b
			}
		}
	}
	return nil
}

func TestMostExcess(t *testing.T) {
	pkg := build(t)
	fn := pkg.Func("race")
	// Starts on two independent conditions add one each; one receive.
	w := map[*ssa.BasicBlock]int{blockCalling(fn, "x"): 1, blockCalling(fn, "y"): 1, blockCalling(fn, "z"): -1}
	if n, ret := MostExcess(fn, w, nil); n != 1 || ret == nil {
		t.Errorf("MostExcess = %d, %v; want 1 and a return", n, ret)
	}
	w[blockCalling(fn, "z")] = -2
	if n, _ := MostExcess(fn, w, nil); n != 0 {
		t.Errorf("with two receives: MostExcess = %d, want 0", n)
	}
}

func TestLoopExit(t *testing.T) {
	pkg := build(t)
	fn := pkg.Func("loops")
	if _, bound := LoopExit(blockCalling(fn, "x")); bound != fn.Params[0] {
		t.Errorf("counted loop: bound %v, want n", bound)
	}
	e, bound := LoopExit(blockCalling(fn, "y"))
	if bound != fn.Params[1] {
		t.Errorf("range loop: bound %v, want xs (not the err != nil test)", bound)
	}
	if CycleOf(e.From)[e.From.Succs[e.Succ]] {
		t.Errorf("range loop: the exit edge stays in the loop")
	}
}
