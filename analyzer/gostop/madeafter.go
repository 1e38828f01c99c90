package gostop

import (
	"go/token"
	"go/types"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/ssa"
)

// madeAfter reports whether ch is loaded from a variable or an unexported
// field that holds nil when it is read: every store of a non-nil value
// into it is in the same function and no path leads from it to the load
// (`go f.loop(f.stopc); f.stopc = make(chan struct{})`). It returns the
// name of the variable or field.
func (s *checker) madeAfter(ch ssa.Value) (string, bool) {
	load, ok := lifecycle.Unconverted(ch).(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return "", false
	}
	var stores []*ssa.Store
	var name string
	switch addr := load.X.(type) {
	case *ssa.Alloc:
		var ok bool
		if stores, ok = variableStores(addr); !ok {
			return "", false
		}
		name = addr.Comment
	case *ssa.FieldAddr:
		f := obligation.FieldOf(addr)
		if f == nil || f.Exported() || f.Pkg() != s.Pass.Pkg {
			return "", false
		}
		var ok bool
		if stores, ok = s.fieldStores(f); !ok {
			return "", false
		}
		name = "field " + f.Name()
	default:
		return "", false
	}
	made := false
	for _, st := range stores {
		if obligation.IsNil(st.Val) {
			continue
		}
		if st.Parent() != load.Parent() || lifecycle.Reaches(st, load) {
			return "", false
		}
		made = true
	}
	return name, made
}

// variableStores returns the stores into a local variable, and false if
// its address goes anywhere else than loads, stores and closures that
// only read it.
func variableStores(alloc *ssa.Alloc) ([]*ssa.Store, bool) {
	return addrStores(alloc, nil, func(ref ssa.Instruction) bool {
		mc, ok := ref.(*ssa.MakeClosure)
		if !ok {
			return false
		}
		fn := mc.Fn.(*ssa.Function)
		for i, b := range mc.Bindings {
			if b == alloc && !lifecycle.NeverAssigned(fn.FreeVars[i]) {
				return false
			}
		}
		return true
	})
}

// fieldStores returns the stores into field f in the package, and false if
// its address goes anywhere else than loads and stores.
func (s *checker) fieldStores(f *types.Var) ([]*ssa.Store, bool) {
	var stores []*ssa.Store
	for _, fa := range s.FieldAddrs(f) {
		var ok bool
		if stores, ok = addrStores(fa, stores, nil); !ok {
			return nil, false
		}
	}
	return stores, true
}

// addrStores appends to stores those into the address addr, and returns
// false if addr has a use other than a load, a store into it, or one that
// other (if not nil) accepts.
func addrStores(addr ssa.Value, stores []*ssa.Store, other func(ssa.Instruction) bool) ([]*ssa.Store, bool) {
	for _, ref := range *addr.Referrers() {
		switch ref := ref.(type) {
		case *ssa.Store:
			if ref.Addr != addr {
				return nil, false
			}
			stores = append(stores, ref)
		case *ssa.UnOp:
			if ref.Op != token.MUL {
				return nil, false
			}
		case *ssa.DebugRef:
		default:
			if other == nil || !other(ref) {
				return nil, false
			}
		}
	}
	return stores, true
}

// madeAfterGiven is madeAfter for checkStopChans's message: it sets given
// to what the goroutine is given.
func (s *checker) madeAfterGiven(ch ssa.Value, given *string) bool {
	name, ok := s.madeAfter(ch)
	if ok {
		*given = name + " before the channel is made (nil: a receive from it blocks forever)"
	}
	return ok
}
