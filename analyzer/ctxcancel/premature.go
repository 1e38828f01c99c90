package ctxcancel

import (
	"go/token"
	"go/types"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// A premature cancel: the function defers the cancel, so the context is
// cancelled when it returns, yet what it returns keeps the context (an
// *http.Response whose body is still to be read, *sql.Rows still to be
// scanned, a struct holding it). The caller then finds it cancelled:
// "context canceled" on the first read. No peer reports this.

// keptUntilReturn returns the return instruction through which something
// holding the context that call returns (its context.Context results) leaves
// the function, and a description of what holds it; nil if
// nothing does, and where a value holding it was last stored (a result
// variable, when the function defers: its return has no position). What
// holds a context: the context itself, the results of
// calls that the knowledge table says keep an argument (keeps entries:
// http.NewRequestWithContext, (*http.Client).Do...), structs and closures
// it is stored in, interfaces it is converted to.
func (s *checker) keptUntilReturn(call *ssa.Call, r int) (*ssa.Return, string, token.Pos) {
	var seeds []ssa.Value
	for _, ref := range *call.Referrers() {
		if ex, ok := ref.(*ssa.Extract); ok && ex.Index != r && lifecycle.IsContext(ex.Type()) {
			seeds = append(seeds, ex)
		}
	}
	var ret *ssa.Return
	var what string
	var stored token.Pos // the last store into a variable: a result's, with a defer
	s.WalkHolders(seeds, func(in ssa.Instruction, v ssa.Value) bool {
		switch in := in.(type) {
		case *ssa.Return:
			ret, what = in, types.TypeString(v.Type(), s.Qualifier)
			return true
		case *ssa.Store:
			if in.Pos().IsValid() {
				stored = in.Pos()
			}
		}
		return false
	})
	return ret, what, stored
}

// checkPremature reports a cancel that a defer calls when fn returns while
// what fn returns keeps the context.
func (s *checker) checkPremature(fn *ssa.Function, call *ssa.Call, site *cancelSite, fl *obligation.Flow) bool {
	at := fl.DeferredCall()
	if !at.IsValid() {
		return false
	}
	ret, what, stored := s.keptUntilReturn(call, site.r)
	if ret == nil {
		return false
	}
	leaves := protocol.ReturnPos(ret)
	if !ret.Pos().IsValid() && stored.IsValid() {
		leaves = stored // the return statement stored its results for the defer
	}
	d := site.diagnostic("is deferred, so the context ends when %s returns, yet the %s it returns still uses it; hand the cancel to the caller (call it when the result is closed) or finish with the result here", lifecycle.FuncNoun(fn), what)
	d.Related = append(d.Related,
		lifecycle.Related(at, "cancelled here, when the function returns"),
		lifecycle.Related(leaves, "the context leaves here, still in use"))
	s.Report("ctxcancel", d)
	return true
}
