package ctxcancel

import (
	"fmt"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"
	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkClose checks call if the knowledge table's mustclose entries say
// its result holds something to close (an *http.Response's Body): it must
// be closed on every path where the call's error is nil, or handed on.
func (s *checker) checkClose(fn *ssa.Function, call *ssa.Call) {
	mc, ok := s.MustClose(call)
	if !ok {
		return
	}
	site := s.cancelSiteOf(call, mc.Result)
	name := "resp"
	if site.lhs != nil && site.lhs.Name != "_" {
		name = site.lhs.Name
	}
	src := s.FuncName(call.Call.StaticCallee())
	what := "the response of " + src
	closeCall := fmt.Sprintf("%s.%s.Close()", name, mc.Field)
	diag := func(format string, args ...any) analysis.Diagnostic {
		return analysis.Diagnostic{Pos: site.pos, End: site.end, Message: fmt.Sprintf(format, args...)}
	}
	v := obligation.ResultValue(call, mc.Result)
	if v == nil || site.lhs != nil && site.lhs.Name == "_" {
		s.Report("ctxcancel", diag("%s is discarded, so its %s is never closed; assign it and defer %s once the error is nil", what, mc.Field, closeCall))
		return
	}
	fl := s.Own.FollowCloser(v, obligation.Closer{Field: mc.Field, Reads: s.Reads})
	fl.ErrVal = obligation.ErrResult(call)
	exit, again, _ := fl.Leak(call, obligation.Done{})
	var d analysis.Diagnostic
	switch {
	case exit == nil && !again:
		return
	case !fl.Releases():
		d = diag("%s.%s from %s is never closed; defer %s once the error is nil, or its connection and the transport's goroutines stay", name, mc.Field, src, closeCall)
	case exit != nil:
		d = diag("%s.%s from %s is not closed on all paths; defer %s once the error is nil, or its connection and the transport's goroutines stay", name, mc.Field, src, closeCall)
		d.Related = append(d.Related, lifecycle.Related(protocol.ReturnPos(exit), name+"."+mc.Field+" is left open when the function returns here"))
	default:
		d = diag("%s.%s from %s is not closed before the next iteration replaces %s; close it in every iteration", name, mc.Field, src, name)
	}
	if !fl.Releases() && exit != nil {
		d.Related = append(d.Related, lifecycle.Related(protocol.ReturnPos(exit), name+"."+mc.Field+" is left open when the function returns here"))
	}
	s.Report("ctxcancel", d)
}
