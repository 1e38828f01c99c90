package engine

import (
	"go/token"
	"time"

	"golang.org/x/tools/go/ssa"
)

// Limits bound the search of one root. Past any of them the root's search
// stops; what it found so far stands (each finding is a path the search
// walked to its end), and Stats counts the root as past its budget.
//
// The budgets that bind are counted in work units (see stateWork), so that
// the same code gives the same findings on any machine; the two times are
// a backstop against a pathological step, not a budget.
type Limits struct {
	States   int           // distinct states explored per root
	Work     int           // work units per root
	Steps    int           // instructions interpreted per root, of its work
	Time     time.Duration // wall time per root: the backstop
	Visits   int           // times a path may enter one block of one frame: the loop unrolling
	Depth    int           // frames of one process: calls deeper are not followed
	Segment  int           // instructions one process may run without a synchronization
	Recurse  int           // activations of one function in one process
	MaxProcs int           // processes alive at once
	Paths    int           // paths one segment may fork into
	// Package bounds the work units of all roots of one Explorer (a
	// package), per SSA instruction of the package's functions, so that
	// the search's cost grows with the package's size as type checking's
	// does; PackageTime is the backstop. Once either is spent, the
	// remaining roots are not searched (Stats.Skipped).
	Package     int
	PackageTime time.Duration
}

// stateWork returns the work units of a successor state the search
// hashed, given its encoding: an instruction interpreted, on any path of
// any process, counts one; a state counts four, and one more for each 32
// bytes of its encoding (hashed whether seen before or not, and a measure
// of what its clone copied). Over every root of etcd's server, grpc and
// client-go with the engine on (1,676 roots), a least-squares fit of each
// root's search time gave 0.89 µs an instruction, 3.4 µs a state and
// 0.023 µs a byte of encoding (2,500 bytes a state on average).
func stateWork(enc string) int { return 4 + len(enc)/32 }

// DefaultLimits are the limits the checks use. Work, Steps and Package
// were chosen on scripts/leakbench's kernels and the real modules of
// scripts/realcode.sh: the costliest root with a finding took 24,383
// units (grpc's TestBlockingDialer_HoldWaitFail) and the costliest kernel
// 23,980 (etcd7902's); none interpreted more than 7,600 instructions,
// while the roots that ran out of the budget without a finding spent most
// of it interpreting (runtime's allocation paths: one state, 30,000
// instructions); the GoKer package, 68 kernels in one, takes 243 units an
// instruction in all, and the real packages of etcd, grpc and client-go
// 25-330 (etcd's lease: 327; docs/cost.md has the measurements).
var DefaultLimits = Limits{States: 400, Work: 30000, Steps: 10000, Time: time.Second, Visits: 4, Depth: 8, Segment: 20000, Recurse: 2, MaxProcs: 16, Paths: 16, Package: 300, PackageTime: 10 * time.Second}

// An Explorer runs the search for the roots of one package.
type Explorer struct {
	prog       *ssa.Program
	limits     Limits
	infos      map[*ssa.Function]*fnInfo
	free       map[freeKey]bool         // see syncFree
	names      map[*ssa.Function]string // see name
	quietLoops map[*ssa.BasicBlock]bool // see quietLoop
	// root state of the search in progress
	root     *ssa.Function
	deadline time.Time
	cut      bool // the root's search was cut by a limit
	work     int  // the root's work units so far
	steps    int  // the root's instructions interpreted so far
	budget   int  // the root's work units: Limits.Work, or what the package has left
	// packageWork is the work units of all roots: Limits.Package times
	// the package's instructions; 0, no bound.
	packageWork int
	spent       time.Duration // searching, all roots
	effects     int           // library calls on synchronization objects, ever (see readySegments)
	Stats       Stats
	// Unevaluated, if set, reports the instructions the language never
	// evaluates (the operands of unsafe.Sizeof and its kin), which SSA
	// builds all the same: the search steps over them.
	Unevaluated func(ssa.Instruction) bool
}

// Stats counts what the searches did.
type Stats struct {
	Roots      int // roots searched
	PastBudget int // roots whose search a limit cut short
	States     int // states explored, all roots
	// Unrolled counts the paths dropped at the loop bound (Limits.Visits).
	Unrolled int
	// Skipped counts the roots not searched: the package's budget was spent.
	Skipped int
	// Work counts the work units spent, all roots (see stateWork).
	Work int
}

// A Finding is an operation on which a goroutine stays blocked forever in
// a reachable end state of a root's search: every other goroutine of the
// model has returned or is blocked too, and no code outside the model can
// reach the objects it waits on.
type Finding struct {
	Root  *ssa.Function
	Op    ssa.Instruction // the blocked operation: a send, receive, select or call
	Start ssa.Instruction // the go statement that started the blocked goroutine; nil: the root itself
	// Funcs are the functions on the blocked goroutine's stack, outermost
	// first.
	Funcs []*ssa.Function
	// What is blocked: "send", "receive", "range", "select", "lock",
	// "rlock", "wait" (WaitGroup), "condwait" (Cond).
	What string
	// Operand is the channel, or the address of the mutex, group or
	// condition the operation is on; nil for a select.
	Operand ssa.Value
	// NilChan: the operation is on a nil channel.
	NilChan bool
	// Calls counts the first events of Witness that are the blocked
	// goroutine's start and the calls on its stack.
	Calls int
	// Witness is the path's events that explain the verdict: goroutines
	// started, returning, blocking, and the operations on the object.
	Witness []Event
}

// An Event is one step of a witness.
type Event struct {
	Pos  token.Pos
	What string // "the goroutine starts here", "f returns here", ...
}

// New returns an Explorer for the roots of one package of prog, whose
// functions (closures included) are funcs, with the given limits.
func New(prog *ssa.Program, funcs []*ssa.Function, limits Limits) *Explorer {
	e := &Explorer{prog: prog, limits: limits, infos: make(map[*ssa.Function]*fnInfo), free: make(map[freeKey]bool), names: make(map[*ssa.Function]string), quietLoops: make(map[*ssa.BasicBlock]bool)}
	if limits.Package > 0 {
		n := 0
		for _, fn := range funcs {
			for _, b := range fn.Blocks {
				n += len(b.Instrs)
			}
		}
		e.packageWork = max(limits.Package*n, limits.Work)
	}
	return e
}
