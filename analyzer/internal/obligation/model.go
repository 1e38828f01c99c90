package obligation

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// An Oracle tells the model what it cannot see in the functions it
// follows: what callees, by their summaries, do with a value.
type Oracle interface {
	// Drops reports whether callee neither calls nor hands on its
	// parameter i (SSA numbering: a receiver is parameter 0).
	Drops(callee *ssa.Function, i int) bool
	// Revocable reports whether callee runs its parameter i later,
	// unless the handle it returns is stopped first (time.AfterFunc and
	// its Timer.Stop: the knowledge table's "maybe" launchers).
	Revocable(callee *ssa.Function, i int) bool
	// Releases reports whether method ends its receiver's life though
	// its name is none of ReleaseNames (the knowledge table's release
	// entries).
	Releases(method *ssa.Function) bool
}

// A Model follows obligations within one package: its functions (closures
// included) are where owning fields are read, called and stored.
type Model struct {
	pkg    *types.Package
	funcs  []*ssa.Function
	oracle Oracle
	// owners caches Field; reads, stores and escaped index the package's
	// uses of func-typed fields (see index).
	owners  map[*types.Var]*Ownership
	reads   map[*types.Var][]ssa.Value
	stores  map[*types.Var][]*ssa.Store
	escaped map[*types.Var]bool
}

// New returns the model of pkg, whose functions are funcs.
func New(pkg *types.Package, funcs []*ssa.Function, o Oracle) *Model {
	return &Model{pkg: pkg, funcs: funcs, oracle: o, owners: make(map[*types.Var]*Ownership)}
}

// index records, for each func-typed field of the package, the values read
// from it and the stores into it; a field whose address escapes is marked.
func (m *Model) index() {
	m.reads = make(map[*types.Var][]ssa.Value)
	m.stores = make(map[*types.Var][]*ssa.Store)
	m.escaped = make(map[*types.Var]bool)
	for _, fn := range m.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				switch in := in.(type) {
				case *ssa.FieldAddr:
					m.indexAddr(in)
				case *ssa.Field:
					st, ok := in.X.Type().Underlying().(*types.Struct)
					if !ok {
						continue
					}
					if f := st.Field(in.Field).Origin(); IsFunc(f.Type()) {
						m.reads[f] = append(m.reads[f], in)
					}
				}
			}
		}
	}
}

func (m *Model) indexAddr(fa *ssa.FieldAddr) {
	f := FieldOf(fa)
	if f == nil || !IsFunc(f.Type()) {
		return
	}
	for _, ref := range *fa.Referrers() {
		switch ref := ref.(type) {
		case *ssa.UnOp:
			m.reads[f] = append(m.reads[f], ref)
		case *ssa.Store:
			if ref.Addr != fa {
				m.escaped[f] = true
			} else {
				m.stores[f] = append(m.stores[f], ref)
			}
		case *ssa.DebugRef:
		default:
			m.escaped[f] = true // &x.f escapes
		}
	}
}
