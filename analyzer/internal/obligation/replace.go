package obligation

import (
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// Replaces reports whether st, a store into an owning field of the
// receiver of the method that holds it, may overwrite a value that is
// still owed: a constructor (a function that allocates the value, stores
// into the field and returns it) sets the pair the method replaces, and
// the method neither reads the old value and releases it, nor calls a
// method of the receiver that reads it, nor stores only after testing a
// field of the receiver against nil. It returns the constructor's store.
func (m *Model) Replaces(st *ssa.Store) *ssa.Store {
	fa, ok := st.Addr.(*ssa.FieldAddr)
	fn := st.Parent()
	if !ok || fa.X != receiver(fn) || receiver(fn) == nil {
		return nil
	}
	f := FieldOf(fa)
	if f == nil || f.Exported() || f.Pkg() != m.pkg {
		return nil
	}
	if own := m.Field(f); !own.Released || own.Partial != nil || m.escaped[f] {
		return nil
	}
	for _, v := range m.reads[f] {
		if v.Parent() == fn && m.Follow(v).Releases() {
			return nil // the old value is called or handed on
		}
	}
	if m.callsReader(fn, fa.X, f) || nilGuarded(st.Block(), fa.X) {
		return nil
	}
	for _, other := range m.stores[f] {
		if other.Parent() != fn && constructs(other) {
			return other
		}
	}
	return nil
}

// constructs reports whether st stores into a value that its function
// allocates and returns: a constructor setting the pair.
func constructs(st *ssa.Store) bool {
	fa, ok := st.Addr.(*ssa.FieldAddr)
	if !ok {
		return false
	}
	alloc, ok := fa.X.(*ssa.Alloc)
	if !ok {
		return false
	}
	for _, ref := range *alloc.Referrers() {
		if ret, ok := ref.(*ssa.Return); ok && slices.Contains(ret.Results, ssa.Value(alloc)) {
			return true
		}
	}
	return false
}

// nilGuarded reports whether b runs only on one branch of a test of a
// field of recv against nil (`if t.ctx == nil { t.ctx, t.cancel = ... }`):
// the store sets the pair only when it is not set.
func nilGuarded(b *ssa.BasicBlock, recv ssa.Value) bool {
	for _, d := range b.Parent().Blocks {
		if d == b || !d.Dominates(b) || len(d.Instrs) == 0 {
			continue
		}
		ifi, ok := d.Instrs[len(d.Instrs)-1].(*ssa.If)
		if !ok {
			continue
		}
		if cond, ok := ifi.Cond.(*ssa.BinOp); ok && (cond.Op == token.EQL || cond.Op == token.NEQ) {
			for _, x := range []ssa.Value{cond.X, cond.Y} {
				if fa := FieldLoad(x); fa != nil && fa.X == recv {
					return true
				}
			}
		}
	}
	return false
}

// callsReader reports whether fn calls, on recv, a method that reads f.
func (m *Model) callsReader(fn *ssa.Function, recv ssa.Value, f *types.Var) bool {
	readers := make(map[*ssa.Function]bool)
	for _, v := range m.reads[f] {
		readers[v.Parent()] = true
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			call, ok := in.(ssa.CallInstruction)
			if !ok {
				continue
			}
			c := call.Common()
			if callee := c.StaticCallee(); callee != nil && readers[callee] && len(c.Args) > 0 && c.Args[0] == recv {
				return true
			}
		}
	}
	return false
}

// DeleteLoses reports whether call, delete(x.f, k) on a map of func values
// kept in an unexported field, drops the value of the entry it deletes:
// the package calls the map's values somewhere (its entries are owed), the
// function is exported (its callers cannot reach the entry to call it
// first), and nothing in it reads the map's entries and calls them or
// hands them on. It returns the field's label ("Registry.jobs").
func (m *Model) DeleteLoses(call *ssa.Call) (string, bool) {
	b, ok := call.Call.Value.(*ssa.Builtin)
	if !ok || b.Name() != "delete" || len(call.Call.Args) != 2 {
		return "", false
	}
	fa := FieldLoad(call.Call.Args[0])
	if fa == nil {
		return "", false
	}
	return m.dropsOwed(fa, call.Parent())
}

// OverwriteLoses reports whether mu, x.f[k] = v on a map of func values
// kept in an unexported field, drops the value of the entry it
// overwrites, as DeleteLoses does for a delete. It returns the field's
// label.
func (m *Model) OverwriteLoses(mu *ssa.MapUpdate) (string, bool) {
	fa := FieldLoad(mu.Map)
	if fa == nil {
		return "", false
	}
	return m.dropsOwed(fa, mu.Parent())
}

// EmptyLoses reports whether in empties a map or slice of func values kept
// in an unexported field, dropping every entry while they are owed (as
// DeleteLoses drops one): clear(x.f); a store of nil or of x.f[:0]; or,
// into a field a constructor already filled with a map it made, a store of
// a new map (a Reset that makes the map again). It returns the field's
// label.
func (m *Model) EmptyLoses(in ssa.Instruction) (string, bool) {
	switch in := in.(type) {
	case *ssa.Call:
		if b, ok := in.Call.Value.(*ssa.Builtin); ok && b.Name() == "clear" && len(in.Call.Args) == 1 {
			if fa := FieldLoad(in.Call.Args[0]); fa != nil {
				return m.dropsOwed(fa, in.Parent())
			}
		}
	case *ssa.Store:
		fa, ok := in.Addr.(*ssa.FieldAddr)
		if !ok || fa.X != receiver(in.Parent()) || receiver(in.Parent()) == nil || !m.empties(in.Val, fa) {
			return "", false
		}
		return m.dropsOwed(fa, in.Parent())
	}
	return "", false
}

// empties reports whether v, stored into the field at fa, leaves it with
// no entries where it had some: nil, the field's slice cut to [:0], or a
// new map when a constructor made the field's first one.
func (m *Model) empties(v ssa.Value, fa *ssa.FieldAddr) bool {
	switch v := v.(type) {
	case *ssa.Const:
		return IsNil(v)
	case *ssa.Slice:
		high, ok := v.High.(*ssa.Const)
		old := FieldLoad(v.X)
		return ok && high.Value != nil && high.Value.ExactString() == "0" && old != nil && FieldOf(old) == FieldOf(fa)
	case *ssa.MakeMap:
		return m.constructorMakes(FieldOf(fa))
	}
	return false
}

// constructorMakes reports whether a constructor (see constructs) stores
// a map it makes into field f.
func (m *Model) constructorMakes(f *types.Var) bool {
	for _, fn := range m.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				st, ok := in.(*ssa.Store)
				if !ok {
					continue
				}
				if fa, ok := st.Addr.(*ssa.FieldAddr); ok && FieldOf(fa) == f && constructs(st) {
					if _, made := st.Val.(*ssa.MakeMap); made {
						return true
					}
				}
			}
		}
	}
	return false
}

// dropsOwed reports whether dropping entries of the map or slice of func
// values at fa in fn loses them: the field is unexported, fn exported (its
// callers cannot reach the entries to call them first), the package calls
// the entries somewhere (they are owed), and fn neither calls nor hands on
// any. It returns the field's label ("Registry.jobs").
func (m *Model) dropsOwed(fa *ssa.FieldAddr, fn *ssa.Function) (string, bool) {
	f := FieldOf(fa)
	if f == nil || f.Exported() || f.Pkg() != m.pkg || !exported(fn) {
		return "", false
	}
	if m.entriesReleased(f, fn) || !m.entriesReleased(f, nil) {
		return "", false
	}
	return FieldLabel(fa, f), true
}

// entriesReleased reports whether a function (only fn, if not nil) reads
// an entry of the map kept in f, by a lookup or a range, and calls it or
// hands it on.
func (m *Model) entriesReleased(f *types.Var, fn *ssa.Function) bool {
	for _, g := range m.funcs {
		if fn != nil && g != fn {
			continue
		}
		for _, b := range g.Blocks {
			for _, in := range b.Instrs {
				if v := entryOf(in, f); v != nil && m.Follow(v).Releases() {
					return true
				}
			}
		}
	}
	return false
}

// entryOf returns the entry value that in, a lookup or a range step over
// the map kept in f, or a load of an element of the slice kept in f,
// reads, or nil.
func entryOf(in ssa.Instruction, f *types.Var) ssa.Value {
	switch in := in.(type) {
	case *ssa.UnOp:
		if ia, ok := in.X.(*ssa.IndexAddr); ok && in.Op == token.MUL {
			if fa := FieldLoad(ia.X); fa != nil && FieldOf(fa) == f {
				return in
			}
		}
	case *ssa.Lookup:
		if fa := FieldLoad(in.X); fa == nil || FieldOf(fa) != f {
			return nil
		}
		if !in.CommaOk {
			return in
		}
		return extract(in, 0)
	case *ssa.Next:
		r, ok := in.Iter.(*ssa.Range)
		if !ok || in.IsString {
			return nil
		}
		if fa := FieldLoad(r.X); fa == nil || FieldOf(fa) != f {
			return nil
		}
		return extract(in, 2)
	}
	return nil
}

func extract(v ssa.Value, i int) ssa.Value {
	for _, ref := range *v.Referrers() {
		if ex, ok := ref.(*ssa.Extract); ok && ex.Index == i {
			return ex
		}
	}
	return nil
}

// FieldLoad returns the field address v loads from, or nil.
func FieldLoad(v ssa.Value) *ssa.FieldAddr {
	load, ok := v.(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return nil
	}
	fa, _ := load.X.(*ssa.FieldAddr)
	return fa
}

// exported reports whether other packages can call fn.
func exported(fn *ssa.Function) bool {
	obj, ok := fn.Object().(*types.Func)
	return ok && obj.Exported()
}
