package protocol

import "golang.org/x/tools/go/ssa"

// An OpKind is what an operation does to a channel.
type OpKind uint8

const (
	Send OpKind = iota + 1 // a send, or a call that sends
	Recv
	Close
)

// Many stands for "three or more" in counts of sends on one path:
// a send in a loop, or more than the analysis counts.
const Many = 3

// An Op is an operation on a tracked channel: by an instruction, or by
// a call whose callee's summary says what it does with the channel.
type Op struct {
	Kind   OpKind
	Instr  ssa.Instruction // the operation, or the call or go statement that performs it
	Callee *ssa.Function   // the callee that performs it, when instr is a call
	// Weight is how many values the op sends on one path: 1, or the
	// callee's count.
	Weight   int
	Optional bool // a case of a select that has another case or a default
	SelIndex int  // its case, for a select
	CommaOk  bool // a receive that also completes when the channel is closed
	Drains   bool // a range whose loop ends only when the channel is closed
	// Start is the go statement (or launcher call) of the goroutine the
	// op runs in, nil for the function that made the channel.
	Start ssa.Instruction
	// Sync says the op runs in a closure or callee that the goroutine
	// (or the maker) calls, not in its own body.
	Sync bool
}
