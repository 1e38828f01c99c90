package analyzer

import (
	"fmt"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// knownMustCall returns the knowledge table's mustcall obligation on the
// result of call, a call of callee, if it applies: the table names callee,
// and its background argument, if any, is a context that is never
// cancelled.
func (s *state) knownMustCall(callee *ssa.Function, call *ssa.Call) (mustCall, bool) {
	obj, ok := callee.Object().(*types.Func)
	if !ok {
		return mustCall{}, false
	}
	mc, ok := s.know.mustCalls[s.know.name(obj)]
	if !ok {
		return mc, false
	}
	if mc.background >= 0 && obligation.ResultValue(call, 0) != nil {
		args := call.Call.Args
		if mc.background >= len(args) || !isBackground(args[mc.background]) {
			return mc, false // kept, and the caller's context ends them
		}
	}
	return mc, true
}

// checkMustRead reports a discarded result of a function whose goroutines
// send on the channel it returns until it is read (the knowledge table's
// mustread: runtime.Pool). It reports whether callee is such a function.
func (s *state) checkMustRead(call *ssa.Call, callee *ssa.Function) bool {
	obj, ok := callee.Object().(*types.Func)
	if !ok || !s.know.mustRead[s.know.name(obj)] {
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
	msg := fmt.Sprintf("the channel that %s returns %s, so its goroutines block on their first send until the context ends (forever, if it never does); range over it until it is closed", s.funcName(callee), how)
	s.report("gostop", analysis.Diagnostic{Pos: s.callStart(call), Message: msg})
	return true
}

// storedUnread reports whether v's only use is a store into an unexported
// field of the package that nothing loads, and names the field.
func (s *state) storedUnread(v ssa.Value) (string, bool) {
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
	if f == nil || f.Exported() || f.Pkg() != s.pass.Pkg {
		return "", false
	}
	if _, ok := s.fieldStores(f); !ok {
		return "", false // its address goes elsewhere
	}
	for _, other := range s.fieldAddrs(f) {
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
func (s *state) checkMustCall(fn *ssa.Function, call *ssa.Call, callee *ssa.Function, mc mustCall) {
	result := obligation.ResultValue(call, 0)
	name := s.assignedTo(call.Pos())
	var somePaths bool
	if result != nil {
		u := s.valueUses(result, false)
		if !u.ok {
			return // it goes where a method may be called
		}
		var discharges []ssa.CallInstruction
		for _, other := range u.calls {
			if c := other.Common().StaticCallee(); c != nil && slices.Contains(mc.methods, c.Name()) {
				discharges = append(discharges, other)
			}
		}
		if obligation.OnEveryPath(call, discharges) {
			return
		}
		somePaths = len(discharges) > 0
	}
	typ := types.TypeString(call.Call.Signature().Results().At(0).Type(), s.qualifier)
	var msg string
	method := "its " + mc.methods[0]
	if name != "" {
		method = name + "." + mc.methods[0]
	}
	if somePaths {
		msg = fmt.Sprintf("%s calls %s on the %s that %s returns only on some paths; on the others its goroutines may run forever: defer %s() right after the call", funcNoun(fn), method, typ, s.funcName(callee), method)
	} else if result == nil && name == "" && mc.background >= 0 && !isBackground(call.Call.Args[mc.background]) {
		msg = fmt.Sprintf("the %s that %s returns is discarded, so nothing can stop it, wait for it or learn how it ended, and its goroutine runs until the context ends; keep it and call its %s", typ, s.funcName(callee), strings.Join(mc.methods[:min(2, len(mc.methods))], " or "))
	} else if result == nil && name == "" {
		msg = fmt.Sprintf("the %s that %s returns is discarded, so nothing can call its %s and its goroutines may run forever; keep it and defer its %s", typ, s.funcName(callee), mc.methods[0], mc.methods[0])
	} else {
		msg = fmt.Sprintf("%s never calls %s on the %s that %s returns, so its goroutines may run forever; defer %s()", funcNoun(fn), method, typ, s.funcName(callee), method)
	}
	s.report("gostop", analysis.Diagnostic{Pos: s.callStart(call), Message: msg})
}
