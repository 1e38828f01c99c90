// Package engine decides which goroutines stay blocked forever, by running
// them: an explicit-state search of the interleavings of the goroutines a
// function starts, over an abstraction of the function's SSA form.
//
// # The model
//
// A root is a function: the search runs it on arguments it does not know
// (symbols), with the goroutines it starts (processes) and the functions it
// calls followed into their bodies, to a depth (Limits.Depth, recursion to
// Limits.Recurse activations). The objects the root makes are the model's:
// channels (with their buffer), cells (the memory of an Alloc, fields and
// arrays by path), contexts (a done channel that cancel, the parent or a
// timer closes), timers and tickers (a process that sends once or
// repeatedly, or runs a function: time.AfterFunc), and the synchronization
// objects at an address: Mutex, RWMutex (a reader waits while a writer
// does), WaitGroup (with Go), Once, Cond (Wait unlocks L, waits for Signal
// or Broadcast, and locks L again), and errgroup's Group.
//
// Values are abstracted: constants are computed, references are exact, and
// everything else is a symbol named by where it comes from (a parameter, a
// field of it, a call's result), so that a value tested twice, by one
// goroutine or by two that share it, goes the same way both times
// (state.facts); an integer symbol compared with constants keeps the range
// its path assumed (state.bounds), so that two loops to the same n run the
// same number of times, zero included.
//
// A map the model made keeps its entries at constant keys, and is ranged
// over entry by entry while it holds no other; a slice of a constant length
// too long to keep element by element keeps its length.
//
// An object escapes when a reference to it reaches code the model does not
// see: a function without a body in the package, memory that is not the
// model's (a key or value stored in a map it does not follow), the root's
// caller. Code outside the model may then operate on it at any time, and
// nothing blocked on it is reported. A symbol two goroutines hold (the two
// ends of an io.Pipe) is one object the model does not see into: what a
// call on it returns is volatile (a branch on it makes the path imprecise,
// and an imprecise path's end states are not reported), since the program
// correlates what the model cannot.
//
// # The search
//
// A state is the processes (their frames and registers), the objects and
// what the path assumed. A move is one process's operation (a channel
// operation, a select case, a blocking library call) followed by its run to
// the next one: the data-race-free reduction, which interleaves goroutines
// only where they synchronize. A goroutine ready to run whose run to its
// next operation touches no synchronization object is run alone from that
// state (a persistent set of one process: see reduce.go), so that k
// goroutines started together are not run in all k! orders of their first
// steps. The search is breadth-first, with states
// hashed (loop visit counts aside; a 64-bit hash of a canonical encoding),
// loops unrolled Limits.Visits times, and a budget per root and per
// package (Limits) counted in work units, instructions interpreted and
// bytes of states hashed (stateWork), not in time, so that the same code
// gives the same findings on any machine; a root past its budget is
// counted (Stats.PastBudget) and keeps what it found, a root the package's
// budget leaves no room for is skipped (Stats.Skipped). The package's
// budget grows with its instructions, so that the search costs at most a
// fixed multiple of what building the package's SSA form does. A successor state shares
// its frames, a frame's registers in chunks, and its objects with the
// state it came from until it changes them (copy on write: state.clone,
// topFrame, regFile, mobj).
//
// # The verdict
//
// An end state is one in which no process can move. Each process blocked
// in it, on an operation on the model's objects only, is a Finding: it
// stays blocked forever on that path. Its witness names where the goroutine
// started and where each other goroutine returned or blocked.
//
// The design follows the models of Gomela (Dilley and Lange, ASE 2021:
// Promela models of Go checked by SPIN) and GCatch's BMOC (Liu et al.,
// ASPLOS 2021), with the partial-order reduction of Godefroid (1996) and the
// definition of a leaked goroutine of Go's goroutineleak profile (Saioc et
// al.): blocked on objects no running goroutine can reach.
package engine
