package engine

import (
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"golang.org/x/tools/go/ssa"
)

// Explore searches the interleavings of root: the root running on
// arguments it does not know, with the goroutines it starts and the
// functions it calls followed into their bodies. It returns each
// operation on which a goroutine stays blocked forever in an end state the
// search reached, with the witness of the first path found to it
// (breadth-first: the shortest).
func (e *Explorer) Explore(root *ssa.Function) []Finding {
	if len(root.Blocks) == 0 {
		return nil
	}
	if e.packageWork > 0 && e.Stats.Work >= e.packageWork || e.limits.PackageTime > 0 && e.spent >= e.limits.PackageTime {
		e.Stats.Skipped++
		e.cut = true
		return nil
	}
	e.root, e.cut, e.work, e.steps, e.budget = root, false, 0, 0, e.limits.Work
	if left := e.packageWork - e.Stats.Work; e.packageWork > 0 && left < e.budget {
		e.budget = left // the package's work runs out first
	}
	start := time.Now()
	defer func() { e.spent += time.Since(start) }()
	e.deadline = start.Add(e.limits.Time)
	if e.limits.PackageTime > 0 {
		if end := start.Add(e.limits.PackageTime - e.spent); end.Before(e.deadline) {
			e.deadline = end // the package's time runs out first
		}
	}
	e.Stats.Roots++
	init := &state{syncs: make(map[string]*syncObj)}
	init.procs = []*process{{frames: []*frame{e.newFrame(root, params(root), freeVars(root))}, fn: root, ready: true}}
	// States are known by a 64-bit hash of their encoding: for the
	// budget's few thousand states a collision, which would drop a state,
	// has odds of about one in 10^12.
	seed := maphash.MakeSeed()
	enc := init.hash(0)
	seen := map[uint64]bool{maphash.String(seed, enc): true}
	found := make(map[ssa.Instruction]Finding)
	for queue := []*state{init}; len(queue) > 0; queue[0], queue = nil, queue[1:] {
		if len(seen) > e.limits.States || e.outOfWork() || time.Now().After(e.deadline) {
			e.cut = true
			break
		}
		next, moved := e.successors(queue[0])
		if !moved {
			e.verdict(queue[0], found)
		}
		for _, n := range next {
			enc = n.hash(len(enc))
			e.work += stateWork(enc)
			if h := maphash.String(seed, enc); !seen[h] {
				seen[h] = true
				queue = append(queue, n)
			}
		}
	}
	e.Stats.States += len(seen)
	e.Stats.Work += e.work
	if e.cut {
		e.Stats.PastBudget++
	}
	out := make([]Finding, 0, len(found))
	for _, f := range found {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Finding) int { return int(a.Op.Pos() - b.Op.Pos()) })
	return out
}

// outOfWork reports whether the root's search has spent its work or its
// instructions.
func (e *Explorer) outOfWork() bool {
	return e.work > e.budget || e.limits.Steps > 0 && e.steps > e.limits.Steps
}

// Cut reports whether a limit cut the last Explore short.
func (e *Explorer) Cut() bool { return e.cut }

func params(fn *ssa.Function) []value {
	vs := make([]value, len(fn.Params))
	for i, p := range fn.Params {
		vs[i] = symV{"p:" + p.Name()}
	}
	return vs
}

func freeVars(fn *ssa.Function) []value {
	vs := make([]value, len(fn.FreeVars))
	for i, fv := range fn.FreeVars {
		vs[i] = symV{"fv:" + fv.Name()}
	}
	return vs
}

// verdict records, for an end state s (no process can move), each process
// blocked on an operation only the model's processes could complete.
func (e *Explorer) verdict(s *state, found map[ssa.Instruction]Finding) {
	if s.imprecise || zeroAssumed(s) {
		return
	}
	others := false // a goroutine the root started is blocked too
	for pi, p := range s.procs {
		others = others || pi > 0 && !p.done && p.timer == nil
	}
	for pi, p := range s.procs {
		if p.done || p.timer != nil || len(p.frames) == 0 || pi == 0 && (others || s.env) {
			// The root waits for a blocked goroutine (that one is the
			// finding), or for what its caller's objects did.
			continue
		}
		in := s.cur(pi)
		if _, ok := found[in]; ok {
			continue
		}
		what, operand, ok := e.blockedOn(s, pi)
		if !ok || pi == 0 && isMainMain(e.root) {
			continue
		}
		funcs := make([]*ssa.Function, len(p.frames))
		for i, f := range p.frames {
			funcs[i] = f.fn
		}
		w := witness(s, pi)
		calls := len(p.frames) - 1
		if p.start != nil {
			calls++
		}
		found[in] = Finding{Root: e.root, Op: in, Start: p.start, Funcs: funcs, What: what, Operand: operand, Witness: w, Calls: calls,
			NilChan: operand != nil && isNilChan(e.eval(s.peek(pi), operand))}
	}
}

// zeroAssumed reports whether the path assumed that a count the root is
// given (a length, an integer argument) is zero or less: whether a caller
// ever passes one the model cannot tell, so it reports nothing that needs
// one. A zero the model computes or a caller passes is a constant, not an
// assumption.
func zeroAssumed(s *state) bool {
	for k, b := range s.bounds.all() {
		if b[1] <= 0 && given(k) {
			return true
		}
	}
	return false
}

// given reports whether key is the key of a symbol the root is given: its
// parameters and free variables, what is derived from them (a length, a
// field), and the fields loaded through them (*p:b.3 is b.N of a
// *testing.B), but not the elements of a slice it is given, which are
// data, not counts. It is the regular expression
//
//	(^|[{(:])(p|fv):|\*(p|fv):[^.\[\]{}()\s]+\.\d
//
// written out (TestGiven checks it against it): the search asks it of
// every key arithmetic makes, and the expression's backtracking was a
// tenth of the search on the runtime package.
func given(key string) bool {
	for i := 0; i < len(key); i++ {
		var n int // the length of the p: or fv: at i
		switch {
		case strings.HasPrefix(key[i:], "p:"):
			n = 2
		case strings.HasPrefix(key[i:], "fv:"):
			n = 3
		default:
			continue
		}
		if i == 0 || strings.IndexByte("{(:", key[i-1]) >= 0 {
			return true
		}
		if key[i-1] == '*' && fieldOfGiven(key[i+n:]) {
			return true
		}
	}
	return false
}

// fieldOfGiven reports whether rest, what follows *p: in a key, is a
// name and a field index: [^.\[\]{}()\s]+\.\d.
func fieldOfGiven(rest string) bool {
	j := 0
	for j < len(rest) && !strings.ContainsRune(".[]{}() \t\n\r\f", rune(rest[j])) {
		j++
	}
	return j > 0 && j+1 < len(rest) && rest[j] == '.' && '0' <= rest[j+1] && rest[j+1] <= '9'
}

func isNilChan(v value) bool { _, ok := v.(nilV); return ok }

func isMainMain(fn *ssa.Function) bool {
	return fn.Name() == "main" && fn.Pkg != nil && fn.Pkg.Pkg.Name() == "main" && fn.Signature.Recv() == nil
}

// blockedOn describes the operation process pi is blocked at, and reports
// whether nothing outside the model can complete it.
func (e *Explorer) blockedOn(s *state, pi int) (string, ssa.Value, bool) {
	f := s.peek(pi)
	switch in := s.cur(pi).(type) {
	case *ssa.Send:
		_, _, ext := chanState(s, e.eval(f, in.Chan))
		return "send", in.Chan, !ext
	case *ssa.UnOp:
		_, _, ext := chanState(s, e.eval(f, in.X))
		what := "receive"
		if in.CommaOk && inLoop(in.Block()) {
			what = "range"
		}
		return what, in.X, !ext
	case *ssa.Select:
		if len(in.States) == 0 {
			return "", nil, false // select {}: written to block
		}
		for _, st := range in.States {
			if _, _, ext := chanState(s, e.eval(f, st.Chan)); ext {
				return "", nil, false
			}
		}
		return "select", nil, true
	}
	c, fn, args := e.pendingCall(s, pi)
	if c == nil || len(args) == 0 {
		return "", nil, false
	}
	key, ext := addrKey(s, args[0])
	operand := c.Args[0]
	if c.IsInvoke() {
		operand = c.Value
	}
	what := e.blockingKind(fn)
	switch what {
	case "lock", "rlock":
		o := s.sync(key)
		if ext && o.holder >= 0 && (s.procs[o.holder].done || o.holder == pi) {
			// Its caller may hold it on purpose and unlock it; a goroutine
			// locking again what it holds is the lock rules' to report.
			return "", nil, false
		}
		if ext && o.holder < 0 && what == "lock" && !e.readerBlocked(s, key) {
			return "", nil, false // readers may be the caller's
		}
		return what, operand, true
	case "wait", "condwait":
		return what, operand, !ext
	}
	return "", nil, false
}

// readerBlocked reports whether a process waits to read-lock the RWMutex
// key.
func (e *Explorer) readerBlocked(s *state, key string) bool {
	return e.waitsAt(s, -1, key, "rlock")
}

// inLoop reports whether b is in a cycle of its function's control-flow
// graph.
func inLoop(b *ssa.BasicBlock) bool {
	for _, s := range b.Succs {
		if reaches(s, b) {
			return true
		}
	}
	return false
}

// witness returns the events that explain why process pi stays blocked:
// where it started, and where each other goroutine returned or blocked.
func witness(s *state, pi int) []Event {
	var w []Event
	p := s.procs[pi]
	if st := p.start; st != nil {
		w = append(w, Event{st.Pos(), "the goroutine starts here"})
	}
	for i, f := range p.frames[:len(p.frames)-1] {
		call := f.fn.Blocks[f.block].Instrs[f.pc]
		w = append(w, Event{call.Pos(), p.frames[i+1].fn.Name() + " is called here"})
	}
	for qi, q := range s.procs {
		if qi == pi || q.timer != nil {
			continue
		}
		name := "the goroutine"
		if qi == 0 {
			name = q.fn.Name()
		}
		switch {
		case q.done && q.exit.IsValid():
			w = append(w, Event{q.exit, name + " returns here"})
		case !q.done && len(q.frames) > 0:
			w = append(w, Event{s.cur(qi).Pos(), name + " is blocked here"})
		}
	}
	for _, ev := range s.trace {
		if ev.what == "closes" {
			w = append(w, Event{ev.pos, "closed here"})
		}
	}
	return w
}
