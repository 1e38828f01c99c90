package protocol

import (
	"testing"

	"golang.org/x/tools/go/ssa"
)

// The mutex of these functions is locked by lock(), read-locked by
// rlock(), unlocked by unlock(); acquire() returns holding it, and
// take() needs it free.
const lockSrc = `package p

func lock()
func rlock()
func unlock()
func cond() bool

func twice() {
	lock()
	if cond() {
		lock()
	}
	unlock()
}

func loopContinue() {
	for i := 0; i < 3; i++ {
		lock()
		if cond() {
			continue
		}
		unlock()
	}
}

func loopBalanced() {
	for i := 0; i < 3; i++ {
		lock()
		if cond() {
			unlock()
			continue
		}
		unlock()
	}
}

func lost() {
	lock()
	if cond() {
		return
	}
	unlock()
}

func deferred() {
	lock()
	defer unlock()
	if cond() {
		return
	}
}

func acquire() {
	for {
		lock()
		if cond() {
			return
		}
		unlock()
	}
}

func maybe() {
	if cond() {
		lock()
	}
	unlock()
}

func upgrade() {
	rlock()
	lock()
}

func readTwice() {
	rlock()
	rlock()
}

func earlyThenDefer() {
	if cond() {
		return
	}
	lock()
	defer unlock()
}

func handed() {
	unlock()
}

func loopThenUnlock(n int) {
	for i := 0; i < n; i++ {
		lock()
	}
	unlock()
}

func fresh() {
	for i := 0; i < 3; i++ {
		var x int
		_ = &x
		lock()
	}
}
`

// lockOps reads fn's calls of lock, rlock and unlock as operations on
// one mutex.
func lockOps(fn *ssa.Function) []LockOp {
	kinds := map[string]LockKind{"lock": Acquire, "rlock": RAcquire, "unlock": Release}
	var ops []LockOp
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			call, ok := in.(ssa.CallInstruction)
			if !ok || call.Common().StaticCallee() == nil {
				continue
			}
			if k, ok := kinds[call.Common().StaticCallee().Name()]; ok {
				_, deferred := in.(*ssa.Defer)
				ops = append(ops, LockOp{Kind: k, Instr: in, Deferred: deferred})
			}
		}
	}
	return ops
}

func TestDoubleLocks(t *testing.T) {
	pkg := buildSrc(t, lockSrc)
	for name, want := range map[string]string{
		"twice":        "held",
		"loopContinue": "loop",
		"loopBalanced": "",
		"lost":         "",
		"acquire":      "",
		"maybe":        "",
		"upgrade":      "held",
		"readTwice":    "",
	} {
		fn := pkg.Func(name)
		got := ""
		for _, d := range Hold(fn, lockOps(fn)).DoubleLocks(Mutex{}) {
			got = "held"
			if d.Via != nil {
				got = "loop"
			}
		}
		if got != want {
			t.Errorf("%s: double lock %q, want %q", name, got, want)
		}
	}
}

func TestFreshMutexInLoop(t *testing.T) {
	fn := buildSrc(t, lockSrc).Func("fresh")
	ops := lockOps(fn)
	h := Hold(fn, ops)
	if len(h.DoubleLocks(Mutex{})) != 1 {
		t.Errorf("fresh: one mutex for every turn should double-lock round the loop")
	}
	if d := h.DoubleLocks(Mutex{Made: ops[0].Instr.Block()}); len(d) != 0 {
		t.Errorf("fresh: a mutex made each turn round the loop: %d double locks, want 0", len(d))
	}
}

func TestReturnsAndEffect(t *testing.T) {
	pkg := buildSrc(t, lockSrc)
	for _, tc := range []struct {
		name   string
		states []LockState // the states at the returns, sorted
		effect Effect
	}{
		{"lost", []LockState{Held, Released}, Effect{First: Acquire, Exit: Mixed}},
		{"deferred", []LockState{Released, Released}, Effect{First: Acquire, Exit: Released}},
		{"acquire", []LockState{Held}, Effect{First: Acquire, Exit: Held}},
		{"maybe", []LockState{Released}, Effect{Exit: Released}},
		{"loopBalanced", []LockState{Mixed}, Effect{Exit: Mixed}}, // the loop may not run
		{"readTwice", []LockState{RHeld}, Effect{First: RAcquire, Exit: RHeld}},
		// The defer acts only at the returns its statement reaches.
		{"earlyThenDefer", []LockState{Entry, Released}, Effect{Exit: Mixed}},
	} {
		fn := pkg.Func(tc.name)
		h := Hold(fn, lockOps(fn))
		var states []LockState
		for _, st := range h.Returns() {
			states = append(states, st)
		}
		sortStates(states)
		if !equalStates(states, tc.states) {
			t.Errorf("%s: returns %v, want %v", tc.name, states, tc.states)
		}
		if e := h.Effect(); e != tc.effect {
			t.Errorf("%s: effect %+v, want %+v", tc.name, e, tc.effect)
		}
	}
}

func TestPrecedes(t *testing.T) {
	fn := buildSrc(t, lockSrc).Func("loopContinue")
	ops := lockOps(fn)
	lockOp, unlockOp := ops[0].Instr, ops[1].Instr
	if !Precedes(lockOp, unlockOp) {
		t.Errorf("the lock precedes the unlock from the entry")
	}
	if Precedes(unlockOp, lockOp) {
		t.Errorf("the unlock cannot precede the lock on a path from the entry")
	}
	if !Reaches(unlockOp, lockOp) {
		t.Errorf("the unlock reaches the lock round the loop")
	}
}

func TestReleasesFirst(t *testing.T) {
	pkg := buildSrc(t, lockSrc)
	for name, want := range map[string]bool{
		"handed":         true,
		"loopThenUnlock": false, // a path through the loop locks first
		"deferred":       false,
	} {
		fn := pkg.Func(name)
		if got := Hold(fn, lockOps(fn)).ReleasesFirst(); got != want {
			t.Errorf("%s: ReleasesFirst = %v, want %v", name, got, want)
		}
	}
}

func sortStates(s []LockState) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func equalStates(a, b []LockState) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
