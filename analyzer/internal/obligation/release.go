package obligation

import (
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// ReleaseNames are the methods that end a value's life: its owner calls
// one of them when it is done with it (io.Closer's Close, a service's
// Stop or Shutdown, a pool's or group's Wait).
var ReleaseNames = []string{"Close", "Stop", "Shutdown", "Wait"}

// endNames are other names of methods that end a value's life, or part of
// it (Cancel, Release...): a cancel that one of them calls is left to its
// owner's judgement.
var endNames = []string{"Cancel", "Release", "Abort", "Kill", "Terminate", "Quit", "Halt", "Finish", "Cleanup", "Dispose", "Destroy", "Free", "Reset", "Unsubscribe", "Disconnect", "Drain", "Flush", "Done", "End", "Exit"}

// EndsLife reports whether a method named name ends its receiver's life,
// or part of it, by its name: one of ReleaseNames or endNames, exported or
// not (Close, close, Shutdown, cancel).
func EndsLife(name string) bool {
	if name == "" {
		return false
	}
	upper := strings.ToUpper(name[:1]) + name[1:]
	return slices.Contains(ReleaseNames, upper) || slices.Contains(endNames, upper)
}

// A Skipped is a field whose value only methods outside its type's
// release methods call: Caller calls it (on an error, say), and Method,
// a release method, never reaches it.
type Skipped struct {
	Method *ssa.Function
	Caller *ssa.Function
}

// skippedRelease returns how the release methods of f's struct type skip
// f, when every function that calls f's value (callers) is a method of
// that type, none of them a release method nor reached from one (through
// methods called on the receiver, or the closures they make), while the
// type has release methods; nil otherwise.
func (m *Model) skippedRelease(f *types.Var, callers []*ssa.Function) *Skipped {
	if len(callers) == 0 {
		return nil
	}
	owner := recvNamed(callers[0])
	if owner == nil {
		return nil
	}
	for _, c := range callers {
		if recvNamed(c) != owner || m.isRelease(c) || slices.Contains(endNames, c.Name()) {
			return nil // a function, a closure, another type: its lifetime is unknown
		}
	}
	var release []*ssa.Function
	for _, fn := range m.funcs {
		if recvNamed(fn) == owner && m.isRelease(fn) {
			release = append(release, fn)
		}
	}
	if len(release) == 0 {
		return nil
	}
	reached := make(map[*ssa.Function]bool)
	for _, r := range release {
		reachOnReceiver(r, reached, 0)
	}
	for _, c := range callers {
		if reached[c] {
			return nil
		}
	}
	slices.SortFunc(release, func(a, b *ssa.Function) int { return int(a.Pos() - b.Pos()) })
	return &Skipped{Method: release[0], Caller: callers[0]}
}

// isRelease reports whether fn, a method, ends its receiver's life: its
// name is one of ReleaseNames, or the oracle says so.
func (m *Model) isRelease(fn *ssa.Function) bool {
	return slices.Contains(ReleaseNames, fn.Name()) || m.oracle.Releases(fn)
}

// reachOnReceiver adds to reached fn, the methods fn calls on its
// receiver and the closures it makes, to a depth of 4.
func reachOnReceiver(fn *ssa.Function, reached map[*ssa.Function]bool, depth int) {
	if reached[fn] || depth > 4 {
		return
	}
	reached[fn] = true
	for _, anon := range fn.AnonFuncs {
		reachOnReceiver(anon, reached, depth+1)
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if c, ok := in.(ssa.CallInstruction); ok {
				if callee := c.Common().StaticCallee(); callee != nil && recvNamed(callee) != nil {
					reachOnReceiver(callee, reached, depth+1)
				}
			}
		}
	}
}

// recvNamed returns the named type of fn's receiver (through a pointer),
// or nil for functions and closures.
func recvNamed(fn *ssa.Function) *types.Named {
	recv := fn.Signature.Recv()
	if recv == nil {
		return nil
	}
	t := recv.Type()
	if ptr, ok := t.Underlying().(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, _ := types.Unalias(t).(*types.Named)
	if named != nil {
		named = named.Origin()
	}
	return named
}
