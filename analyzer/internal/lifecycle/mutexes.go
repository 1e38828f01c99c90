package lifecycle

import (
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// A mutexKey names a sync.Mutex or sync.RWMutex as a function sees it:
// the value it is reached from (a parameter, a local, a global, what a
// closure's free variable is bound to) and the fields on the way ("mu",
// "state.mu").
type MutexKey struct {
	Root ssa.Value
	Path string
	// loads says the path goes through a pointer field (s.cur.mu): the
	// mutex may change while root does not.
	Loads bool
}

// within reports whether a callee given the value at k can reach the
// mutex m: k is m's root itself, or a field on the way to m.
func (k MutexKey) Within(m MutexKey) bool {
	return k.Root == m.Root && (k.Path == "" || k.Path == m.Path || strings.HasPrefix(m.Path, k.Path+"."))
}

// isSyncMutex reports whether t is sync.Mutex or sync.RWMutex, or a
// pointer to one.
func IsSyncMutex(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return IsNamed(t, "sync", "Mutex") || IsNamed(t, "sync", "RWMutex")
}

// heldIn names a mutex in a function.
type HeldIn struct {
	Fn *ssa.Function
	K  MutexKey
}

// A mutexIdent is a mutex across functions: a field path of a type, or
// a root value. The type is its declared name and pointer depth where it
// has one, and its spelling otherwise (a struct literal, an instance of a
// generic type): spelling every type allocated 67 MB of strings on
// nats-server's server package.
type MutexIdent struct {
	Named *types.TypeName
	Ptrs  int
	Typ   string
	Path  string
	Root  ssa.Value
}
