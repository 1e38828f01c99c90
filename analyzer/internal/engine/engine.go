package engine

import (
	"go/token"
	"time"

	"golang.org/x/tools/go/ssa"
)

// Limits bound the search of one root. Past any of them the root's search
// stops; what it found so far stands (each finding is a path the search
// walked to its end), and Stats counts the root as past its budget.
type Limits struct {
	States   int           // distinct states explored per root
	Time     time.Duration // wall time per root
	Visits   int           // times a path may enter one block of one frame: the loop unrolling
	Depth    int           // frames of one process: calls deeper are not followed
	Segment  int           // instructions one process may run without a synchronization
	Recurse  int           // activations of one function in one process
	MaxProcs int           // processes alive at once
	Paths    int           // paths one segment may fork into
	// Package and PackageTime bound the states and the time of all roots
	// of one Explorer (a package): once either is spent, the remaining
	// roots are not searched (Stats.Skipped).
	Package     int
	PackageTime time.Duration
}

// DefaultLimits are the limits the checks use, chosen on the real-code
// corpus of scripts/realcode.sh (docs/cost.md).
var DefaultLimits = Limits{States: 400, Time: 5 * time.Second, Visits: 4, Depth: 8, Segment: 20000, Recurse: 2, MaxProcs: 16, Paths: 16, Package: 30000, PackageTime: 10 * time.Second}

// An Explorer runs the search for the roots of one package.
type Explorer struct {
	prog   *ssa.Program
	limits Limits
	infos  map[*ssa.Function]*fnInfo
	free   map[freeKey]bool // see syncFree
	// root state of the search in progress
	root     *ssa.Function
	deadline time.Time
	cut      bool          // the root's search was cut by a limit
	spent    time.Duration // searching, all roots
	effects  int           // library calls on synchronization objects, ever (see readySegments)
	Stats    Stats
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

// New returns an Explorer for prog with the given limits.
func New(prog *ssa.Program, limits Limits) *Explorer {
	return &Explorer{prog: prog, limits: limits, infos: make(map[*ssa.Function]*fnInfo), free: make(map[freeKey]bool)}
}
