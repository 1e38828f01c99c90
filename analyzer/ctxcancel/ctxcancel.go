package ctxcancel

import (
	"fmt"
	"go/ast"
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

// runCtxcancel reports cancel functions that are not called on every path:
// those of context.WithCancel and its kin, of signal.NotifyContext, and of
// any helper whose summary says it returns a fresh cancel.
func runCtxcancel(s *checker) {
	for _, fn := range s.Funcs {
		if lifecycle.IsMainMain(fn) {
			continue // returning from main.main ends the process
		}
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				switch in := in.(type) {
				case *ssa.Store:
					s.checkEmptied(fn, in)
				case *ssa.MapUpdate:
					s.checkOverwritten(fn, in)
				}
				if call, ok := in.(*ssa.Call); ok {
					s.checkDeleted(fn, call)
					s.checkEmptied(fn, call)
					s.checkClose(fn, call)
					for _, r := range s.Sums.CancelResults(call.Common()) {
						s.checkCancel(fn, call, r)
					}
				}
			}
		}
	}
}

// checkCancel checks result r of call, a cancel the caller must call.
func (s *checker) checkCancel(fn *ssa.Function, call *ssa.Call, r int) {
	site := s.cancelSiteOf(call, r)
	cancel := obligation.ResultValue(call, r)
	named := site.lhs != nil && site.lhs.Name != "_"
	if !named && (cancel == nil || site.lhs != nil) {
		d := site.diagnostic("is discarded; assign it and defer %s to avoid a context leak", site.callText())
		if site.lhs != nil && site.define {
			d.SuggestedFixes = s.deferFix(fn, call, site, true, nil)
		}
		s.Report("ctxcancel", d)
		return
	}
	fl := s.FlowOf(cancel) // with a nil cancel (assigned, then unused): an empty flow
	if s.checkPremature(fn, call, site, fl) {
		return
	}
	s.checkReplaced(fn, fl)
	if dr := fl.OnlySkipped(); dr != nil {
		sk := dr.Skipped
		d := site.diagnostic("is stored in field %s, which %s never calls (only %s does); call it in %s, or the context lives as long as its parent", dr.Label, sk.Method.Name(), sk.Caller.Name(), sk.Method.Name())
		d.Related = append(d.Related, lifecycle.Related(dr.At.Pos(), "stored here"), lifecycle.Related(sk.Method.Pos(), sk.Method.Name()+" never calls it"))
		s.Report("ctxcancel", d)
		return
	}
	if fl.ReleasedBefore(call) {
		return
	}
	if slices.Contains(s.Sums.NilOnErr(call.Common()), r) {
		fl.ErrVal = obligation.ErrResult(call)
	}
	exit, again, piled := fl.Leak(call, s.doneBlocks(call))
	if piled != nil && (s.boundedLoop(piled.Pos()) || oneShotCase(call) || keepsNothingPending(call)) {
		piled = nil // a few contexts, or ones that hold nothing, until the function returns
	}
	if exit == nil && !again && piled == nil {
		return
	}
	var d analysis.Diagnostic
	switch {
	case exit == nil && !again:
		d = site.diagnostic("is deferred inside a loop, so each iteration's context lives until %s returns; call %s at the end of each iteration or move the body into a function", lifecycle.FuncNoun(fn), site.callText())
		d.Related = append(d.Related, lifecycle.Related(piled.Pos(), "deferred here, run only when the function returns"))
	case !fl.Releases() && len(fl.Drops) > 0:
		dr := fl.Drops[0]
		if p := dr.Partial; p != nil {
			d = site.diagnostic("is stored in field %s, which %s calls only on some paths; call it on every path of %s", dr.Label, p.Method.Name(), p.Method.Name())
			d.Related = append(d.Related, lifecycle.Related(dr.At.Pos(), "stored here"), lifecycle.Related(protocol.ReturnPos(p.Skip), p.Method.Name()+" returns here without calling it"))
		} else if dr.Field != nil {
			d = site.diagnostic("is stored in field %s, which nothing in the package calls; call it from a Close or Stop method", dr.Label)
			d.Related = append(d.Related, lifecycle.Related(dr.At.Pos(), "stored here"))
		} else {
			name := dr.Callee.Name()
			d = site.diagnostic("is passed to %s, which never calls it; call it here or in %s", name, name)
			d.Related = append(d.Related, lifecycle.Related(dr.At.Pos(), "passed here"))
		}
	case !fl.Releases():
		d = site.diagnostic("is never called; defer %s after this call to avoid a context leak", site.callText())
		d.SuggestedFixes = s.deferFix(fn, call, site, false, fl)
	case exit != nil && fl.Reassigned:
		d = site.diagnostic("is lost when %s is reassigned before it is called; call it before reassigning, or keep each cancel in its own variable", strings.TrimSuffix(site.callText(), "()"))
		if at := fl.ReassignedAt(); at.IsValid() {
			d.Related = append(d.Related, lifecycle.Related(at, "reassigned here"))
		}
	case exit != nil && fl.StoppedAt != nil:
		d = site.diagnostic("is left to a timer that is stopped before it fires; defer %s after this call to avoid a context leak", site.callText())
		d.SuggestedFixes = s.deferFix(fn, call, site, false, fl)
		d.Related = append(d.Related, lifecycle.Related(fl.StoppedAt.Pos(), "the timer is stopped here, so it never calls "+site.callText()))
	case exit != nil:
		d = site.diagnostic("is not called on all paths; defer %s after this call to avoid a context leak", site.callText())
		d.SuggestedFixes = s.deferFix(fn, call, site, false, fl)
	default:
		d = site.diagnostic("is not called before the next iteration replaces it; call %s in every iteration", site.callText())
	}
	if exit != nil && (fl.Releases() || len(fl.Drops) == 0) {
		d.Related = append(d.Related, lifecycle.Related(protocol.ReturnPos(exit), "the context leaks when the function returns here"))
	}
	s.Report("ctxcancel", d)
}

// doneBlocks returns where the context returned by call is done, when the
// knowledge table says that releases its cancel.
func (s *checker) doneBlocks(call *ssa.Call) obligation.Done {
	at := obligation.Done{Blocks: make(map[*ssa.BasicBlock]bool), Cases: make(map[*ssa.If]bool)}
	callee := call.Common().StaticCallee()
	if callee == nil {
		return at
	}
	obj, ok := callee.Object().(*types.Func)
	if !ok {
		return at
	}
	k, ok := s.Know.DoneContext(obj)
	if !ok {
		return at
	}
	ctx := obligation.ResultValue(call, k)
	if ctx == nil {
		return at
	}
	for _, ref := range *ctx.Referrers() {
		done, ok := ref.(*ssa.Call)
		if !ok || !done.Call.IsInvoke() || done.Call.Method.Name() != "Done" {
			continue
		}
		for _, use := range *done.Referrers() {
			switch use := use.(type) {
			case *ssa.UnOp: // <-ctx.Done(): its successors run once it is done
				if use.Op == token.ARROW {
					for _, succ := range use.Block().Succs {
						at.Blocks[succ] = true
					}
				}
			case *ssa.Select:
				for i, st := range use.States {
					if st.Chan == done && st.Dir == types.RecvOnly {
						if c := protocol.SelectCaseIf(use, i); c != nil {
							at.Cases[c] = true
						}
					}
				}
			}
		}
	}
	return at
}

// A cancelSite describes a call returning a cancel, from its syntax.
type cancelSite struct {
	r        int // the result index of the cancel
	pos, end token.Pos
	what     string     // "the cancel function returned by context.WithCancel"
	noun     string     // "cancel", "stop": the result's name
	cause    bool       // a CancelCauseFunc, called with an error
	lhs      *ast.Ident // the variable it is assigned to, if any
	define   bool       // lhs is declared by the statement
	stmt     ast.Stmt   // the statement holding the call
	path     []ast.Node // enclosing syntax of the call, innermost first
}

func (s *checker) cancelSiteOf(call *ssa.Call, r int) *cancelSite {
	sig := call.Common().Signature()
	res := sig.Results().At(r)
	site := &cancelSite{r: r, pos: call.Pos(), end: call.Pos(), noun: res.Name()}
	if site.noun == "" || site.noun == "_" {
		site.noun = "cancel"
	}
	if rsig, ok := res.Type().Underlying().(*types.Signature); ok {
		site.cause = rsig.Params().Len() == 1
	}
	callee := call.Common().StaticCallee()
	site.what = fmt.Sprintf("the %s function returned by %s", site.noun, s.FuncName(callee))

	site.path = s.Enclosing(call.Pos())
	if len(site.path) < 2 {
		return site
	}
	ce, ok := site.path[0].(*ast.CallExpr)
	if !ok {
		return site
	}
	site.pos, site.end = ce.Pos(), ce.End()
	n := sig.Results().Len()
	switch parent := site.path[1].(type) {
	case *ast.AssignStmt:
		if len(parent.Rhs) == 1 && len(parent.Lhs) == n {
			site.lhs, _ = parent.Lhs[r].(*ast.Ident)
			site.define = parent.Tok == token.DEFINE
		}
		site.stmt = parent
	case *ast.ValueSpec:
		if len(parent.Values) == 1 && len(parent.Names) == n {
			site.lhs, site.define = parent.Names[r], true
		}
		if len(site.path) > 3 {
			site.stmt, _ = site.path[3].(*ast.DeclStmt)
		}
	case *ast.ExprStmt:
		site.stmt = parent
	}
	return site
}

// callText is the remedy's call: cancel(), stop(), cancel(nil).
func (site *cancelSite) callText() string {
	name := site.noun
	if site.lhs != nil && site.lhs.Name != "_" {
		name = site.lhs.Name
	}
	if site.cause {
		return name + "(nil)"
	}
	return name + "()"
}

func (site *cancelSite) diagnostic(format string, args ...any) analysis.Diagnostic {
	return analysis.Diagnostic{
		Pos:     site.pos,
		End:     site.end,
		Message: site.what + " " + fmt.Sprintf(format, args...),
	}
}

// deferFix suggests `defer cancel()` right after the statement holding the
// call (naming a discarded cancel first, if rename is set). It offers the
// fix only where it cannot change what the program means: the statement is
// in a statement list outside any loop, the function starts no goroutine,
// and the call's context does not outlive the function. A `defer cancel()`
// that fl, the cancel's flow, finds later in the function is moved up,
// not repeated; if one cannot be removed cleanly, no fix is offered.
func (s *checker) deferFix(fn *ssa.Function, call *ssa.Call, site *cancelSite, rename bool, fl *obligation.Flow) []analysis.SuggestedFix {
	if site.stmt == nil || site.lhs == nil || !s.deferSafe(fn, call, site) {
		return nil
	}
	name := site.lhs.Name
	edits, ok := s.removeDefers(fl, name)
	if !ok {
		return nil
	}
	if rename {
		name = s.freshName(site)
		edits = append(edits, analysis.TextEdit{Pos: site.lhs.Pos(), End: site.lhs.End(), NewText: []byte(name)})
	}
	indent, ok := s.indentOf(site.stmt.Pos())
	if !ok {
		return nil
	}
	text := "defer " + name + "()"
	if site.cause {
		text = "defer " + name + "(nil)"
	}
	// Insert at the end of the statement's line, after any comment there.
	at := site.stmt.End()
	if tf := s.Pass.Fset.File(at); tf.Line(at) < tf.LineCount() {
		at = tf.LineStart(tf.Line(at)+1) - 1
	}
	edits = append(edits, analysis.TextEdit{Pos: at, End: at, NewText: []byte("\n" + indent + text)})
	msg := "Add '" + text + "'"
	if len(edits) > 1 && !rename {
		msg = "Move '" + text + "' up to the call"
	}
	return []analysis.SuggestedFix{{Message: msg, TextEdits: edits}}
}

// freshName returns a name for a discarded cancel, site.noun or noun2,
// noun3...: one that nothing in scope at the call declares and that no
// identifier of the enclosing function uses, so that neither an outer
// declaration is shadowed nor a later one (`cancel := ...` further down)
// clashes with it.
func (s *checker) freshName(site *cancelSite) string {
	used := make(map[string]bool)
	for _, n := range site.path {
		if _, ok := n.(*ast.FuncDecl); !ok {
			if _, ok := n.(*ast.FuncLit); !ok {
				continue
			}
		}
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
		break // the innermost function holds every later declaration
	}
	scope := s.Pass.Pkg.Scope().Innermost(site.pos)
	name := site.noun
	for i := 2; ; i++ {
		if _, obj := scope.LookupParent(name, site.pos); obj == nil && !used[name] {
			return name
		}
		name = fmt.Sprintf("%s%d", site.noun, i)
	}
}

// removeDefers returns the edits that delete the statements `defer
// name()` (or `defer name(nil)`) among fl's deferred calls, each on a
// line of its own, and false if a deferred call of the cancel cannot be
// deleted so (another form, or a line it shares).
func (s *checker) removeDefers(fl *obligation.Flow, name string) ([]analysis.TextEdit, bool) {
	if fl == nil {
		return nil, true
	}
	var edits []analysis.TextEdit
	for _, in := range fl.Anytime {
		if _, ok := in.(*ssa.Defer); !ok {
			continue // a closure that captured the variable
		}
		if fl.ThroughPhi(in) {
			return nil, false // it defers another value too: it must stay
		}
		stmt := s.deferStmtAt(in.Pos())
		if stmt == nil || !callsByName(stmt.Call, name) {
			return nil, false
		}
		start, end, ok := s.wholeLine(stmt)
		if !ok || s.commentAbove(stmt) {
			return nil, false // deleting it would orphan or split a comment
		}
		edits = append(edits, analysis.TextEdit{Pos: start, End: end})
	}
	return edits, true
}

// commentAbove reports whether a comment ends on the line above stmt (a
// comment about it, which a move would leave behind).
func (s *checker) commentAbove(stmt ast.Stmt) bool {
	tf := s.Pass.Fset.File(stmt.Pos())
	line := tf.Line(stmt.Pos())
	for _, f := range s.Pass.Files {
		if f.FileStart > stmt.Pos() || stmt.Pos() > f.FileEnd {
			continue
		}
		for _, g := range f.Comments {
			if tf.Line(g.End()) == line-1 && g.End() < stmt.Pos() {
				return true
			}
		}
	}
	return false
}

// deferStmtAt returns the defer statement whose keyword is at pos.
func (s *checker) deferStmtAt(pos token.Pos) *ast.DeferStmt {
	for _, n := range s.Enclosing(pos) {
		if d, ok := n.(*ast.DeferStmt); ok && d.Defer == pos {
			return d
		}
	}
	return nil
}

// callsByName reports whether call is `name()` or `name(nil)`.
func callsByName(call *ast.CallExpr, name string) bool {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Name != name || len(call.Args) > 1 {
		return false
	}
	if len(call.Args) == 1 {
		arg, ok := call.Args[0].(*ast.Ident)
		return ok && arg.Name == "nil"
	}
	return true
}

// wholeLine returns the range from the start of the line holding stmt to
// the start of the next, if stmt is alone on its lines (white space
// around it, no comment after it).
func (s *checker) wholeLine(stmt ast.Stmt) (token.Pos, token.Pos, bool) {
	if _, ok := s.indentOf(stmt.Pos()); !ok {
		return 0, 0, false
	}
	tf := s.Pass.Fset.File(stmt.End())
	line := tf.Line(stmt.End())
	if line >= tf.LineCount() {
		return 0, 0, false
	}
	src, err := s.Pass.ReadFile(tf.Name())
	next := tf.LineStart(line + 1)
	if err != nil || tf.Offset(next) > len(src) {
		return 0, 0, false
	}
	if strings.TrimSpace(string(src[tf.Offset(stmt.End()):tf.Offset(next)])) != "" {
		return 0, 0, false
	}
	return tf.LineStart(tf.Line(stmt.Pos())), next, true
}

func (s *checker) deferSafe(fn *ssa.Function, call *ssa.Call, site *cancelSite) bool {
	if !inListOutsideLoops(site.path, site.stmt) {
		return false
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if _, ok := in.(*ssa.Go); ok {
				return false
			}
		}
	}
	// The context (the call's other results) must not outlive the function.
	for _, ref := range *call.Referrers() {
		if ex, ok := ref.(*ssa.Extract); ok && ex.Index != site.r {
			for _, use := range *ex.Referrers() {
				switch use.(type) {
				case *ssa.Return, *ssa.Store, *ssa.Send, *ssa.MakeClosure, *ssa.MapUpdate, *ssa.Phi:
					return false
				}
			}
		}
	}
	return true
}

// inListOutsideLoops reports whether stmt, found in path, sits in a
// statement list and no loop of its function encloses it.
func inListOutsideLoops(path []ast.Node, stmt ast.Stmt) bool {
	for i, n := range path {
		if n != stmt || i+1 >= len(path) {
			continue
		}
		switch path[i+1].(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
		default:
			return false
		}
		for _, outer := range path[i+1:] {
			switch outer.(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				return false
			case *ast.FuncDecl, *ast.FuncLit:
				return true
			}
		}
	}
	return false
}

// indentOf returns the white space that starts the line holding pos.
func (s *checker) indentOf(pos token.Pos) (string, bool) {
	tf := s.Pass.Fset.File(pos)
	if tf == nil || s.Pass.ReadFile == nil {
		return "", false
	}
	src, err := s.Pass.ReadFile(tf.Name())
	if err != nil {
		return "", false
	}
	start := tf.Offset(tf.LineStart(tf.Line(pos)))
	end := tf.Offset(pos)
	if end > len(src) || start > end {
		return "", false
	}
	line := string(src[start:end])
	if strings.TrimSpace(line) != "" {
		return "", false // the statement does not start its line
	}
	return line, true
}
