package ctxcancel

import (
	"fmt"
	"strings"

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
	if !ok || s.inTestFile(call) {
		return
	}
	site := s.cancelSiteOf(call, mc.Result)
	name := "resp"
	if site.lhs != nil && site.lhs.Name != "_" {
		name = site.lhs.Name
	}
	src := s.FuncName(call.Call.StaticCallee())
	closeCall := fmt.Sprintf("%s.%s.Close()", name, mc.Field)
	diag := func(format string, args ...any) analysis.Diagnostic {
		return analysis.Diagnostic{Pos: site.pos, End: site.end, Message: fmt.Sprintf(format, args...)}
	}
	v := obligation.ResultValue(call, mc.Result)
	discarded := v == nil || site.lhs != nil && site.lhs.Name == "_"
	fl := s.Own.Follow(nil)
	if !discarded {
		fl = s.Own.FollowCloser(v, obligation.Closer{Field: mc.Field, Reads: s.Reads})
	}
	fl.ErrVal = obligation.ErrResult(call)
	exit, again, _ := fl.Leak(call, obligation.Done{})
	var d analysis.Diagnostic
	switch {
	case exit == nil && !again:
		return
	case discarded:
		d = diag("the response of %s is discarded, so its %s is never closed; assign it and defer %s once the error is nil", src, mc.Field, closeCall)
	case !fl.Releases():
		d = diag("%s.%s from %s is never closed; defer %s once the error is nil, or its connection and the transport's goroutines stay", name, mc.Field, src, closeCall)
	case exit != nil:
		d = diag("%s.%s from %s is not closed on all paths; defer %s once the error is nil, or its connection and the transport's goroutines stay", name, mc.Field, src, closeCall)
	default:
		d = diag("%s.%s from %s is not closed before the next iteration replaces %s; close it in every iteration", name, mc.Field, src, name)
	}
	if exit != nil {
		d.Related = append(d.Related, lifecycle.Related(protocol.ReturnPos(exit), name+"."+mc.Field+" is left open when the function returns here"))
	}
	s.Report("ctxcancel", d)
}

// inTestFile reports whether call is in a _test.go file. Tests are left
// alone: their httptest servers' Close ends the connections when the test
// does, and their fake transports return responses with nothing behind
// them (and errors the test expects).
func (s *checker) inTestFile(call *ssa.Call) bool {
	return strings.HasSuffix(s.Pass.Fset.Position(call.Pos()).Filename, "_test.go")
}
