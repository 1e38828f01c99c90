package lifecycle

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

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
