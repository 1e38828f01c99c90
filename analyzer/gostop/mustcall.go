package gostop

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// knownMustCall returns the knowledge table's mustcall obligation on the
// result of call, a call of callee, if it applies: the table names callee,
// and its background argument, if any, is a context that is never
// cancelled.
func (s *checker) knownMustCall(callee *ssa.Function, call *ssa.Call) (lifecycle.MustCall, bool) {
	obj, ok := callee.Object().(*types.Func)
	if !ok {
		return lifecycle.MustCall{}, false
	}
	mc, ok := s.Know.MustCalls[s.Know.Name(obj)]
	if !ok {
		return mc, false
	}
	if mc.Background >= 0 && obligation.ResultValue(call, 0) != nil {
		args := call.Call.Args
		if mc.Background >= len(args) || !isBackground(args[mc.Background]) {
			return mc, false // kept, and the caller's context ends them
		}
	}
	return mc, true
}

// checkMustRead reports a discarded result of a function whose goroutines
// send on the channel it returns until it is read (the knowledge table's
// mustread: runtime.Pool). It reports whether callee is such a function.
func (s *checker) checkMustRead(call *ssa.Call, callee *ssa.Function) bool {
	obj, ok := callee.Object().(*types.Func)
	if !ok || !s.Know.MustRead[s.Know.Name(obj)] {
		return false
	}
	how := "is discarded"
	if res := obligation.ResultValue(call, 0); res != nil {
		label, unread := s.storedUnread(res)
		if !unread {
			return true
		}
		how = "is stored in field " + label + ", which nothing in the package reads"
	}
	msg := fmt.Sprintf("the channel that %s returns %s, so its goroutines block on their first send until the context ends (forever, if it never does); range over it until it is closed", s.FuncName(callee), how)
	s.Report("gostop", analysis.Diagnostic{Pos: s.CallStart(call), Message: msg})
	return true
}

// storedUnread reports whether v's only use is a store into an unexported
// field of the package that nothing loads, and names the field.
func (s *checker) storedUnread(v ssa.Value) (string, bool) {
	var st *ssa.Store
	for _, ref := range *v.Referrers() {
		switch ref := ref.(type) {
		case *ssa.DebugRef:
		case *ssa.Store:
			st = ref
		default:
			return "", false
		}
	}
	if st == nil || st.Val != v {
		return "", false
	}
	fa, ok := st.Addr.(*ssa.FieldAddr)
	if !ok {
		return "", false
	}
	f := obligation.FieldOf(fa)
	if f == nil || f.Exported() || f.Pkg() != s.Pass.Pkg {
		return "", false
	}
	if _, ok := s.fieldStores(f); !ok {
		return "", false // its address goes elsewhere
	}
	for _, other := range s.FieldAddrs(f) {
		if loaded(other) {
			return "", false
		}
	}
	return obligation.FieldLabel(fa, f), true
}

// loaded reports whether the value at address fa is loaded.
func loaded(fa *ssa.FieldAddr) bool {
	for _, ref := range *fa.Referrers() {
		if load, ok := ref.(*ssa.UnOp); ok && load.Op == token.MUL {
			return true
		}
	}
	return false
}

// checkMustCall reports a call of callee whose result carries the
// obligation mc when the caller neither calls one of its methods nor lets
// the result go (returns it, stores it, hands it on), or discards it.
func (s *checker) checkMustCall(fn *ssa.Function, call *ssa.Call, callee *ssa.Function, mc lifecycle.MustCall) {
	result := obligation.ResultValue(call, 0)
	name := s.AssignedTo(call.Pos())
	var somePaths bool
	if result != nil {
		u := s.ValueUses(result, false)
		if !u.Ok {
			return // it goes where a method may be called
		}
		var discharges []ssa.CallInstruction
		for _, other := range u.Calls {
			if c := other.Common().StaticCallee(); c != nil && slices.Contains(mc.Methods, c.Name()) {
				discharges = append(discharges, other)
			}
		}
		if obligation.OnEveryPath(call, discharges) {
			return
		}
		somePaths = len(discharges) > 0
	}
	resultType := call.Call.Signature().Results().At(0).Type()
	typ := types.TypeString(resultType, s.Qualifier)
	// A method that returns an error is not deferred: the error would be
	// dropped (runtime.Group's and errgroup's Wait).
	withErr := returnsError(resultType, mc.Methods[0])
	var msg string
	method := "its " + mc.Methods[0]
	if name != "" {
		method = name + "." + mc.Methods[0]
	}
	if somePaths {
		how := fmt.Sprintf("defer %s() right after the call", method)
		if withErr {
			how = fmt.Sprintf("call %s() on every path and check its error", method)
		}
		msg = fmt.Sprintf("%s calls %s on the %s that %s returns only on some paths; on the others its goroutines may run forever: %s", lifecycle.FuncNoun(fn), method, typ, s.FuncName(callee), how)
	} else if result == nil && name == "" && mc.Background >= 0 && !isBackground(call.Call.Args[mc.Background]) {
		msg = fmt.Sprintf("the %s that %s returns is discarded, so nothing can stop it, wait for it or learn how it ended, and its goroutine runs until the context ends; keep it and call its %s", typ, s.FuncName(callee), strings.Join(mc.Methods[:min(2, len(mc.Methods))], " or "))
	} else if result == nil && name == "" {
		how := "defer its " + mc.Methods[0]
		if withErr {
			how = "call its " + mc.Methods[0] + " and check the error"
		}
		msg = fmt.Sprintf("the %s that %s returns is discarded, so nothing can call its %s and its goroutines may run forever; keep it and %s", typ, s.FuncName(callee), mc.Methods[0], how)
	} else {
		how := fmt.Sprintf("defer %s()", method)
		if withErr {
			how = fmt.Sprintf("call %s() before returning and check its error", method)
		}
		msg = fmt.Sprintf("%s never calls %s on the %s that %s returns, so its goroutines may run forever; %s", lifecycle.FuncNoun(fn), method, typ, s.FuncName(callee), how)
	}
	s.Report("gostop", analysis.Diagnostic{Pos: s.CallStart(call), Message: msg})
}

// returnsError reports whether the method name of t returns an error as
// its last result.
func returnsError(t types.Type, name string) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, true, nil, name)
	fn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	res := fn.Signature().Results()
	return res.Len() > 0 && types.Identical(res.At(res.Len()-1).Type(), types.Universe.Lookup("error").Type())
}
