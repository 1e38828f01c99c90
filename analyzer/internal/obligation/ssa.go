package obligation

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// ResultValue returns the value of result r of call, or nil if it is
// discarded.
func ResultValue(call *ssa.Call, r int) ssa.Value {
	if _, ok := call.Type().(*types.Tuple); !ok {
		for _, ref := range *call.Referrers() {
			if _, ok := ref.(*ssa.DebugRef); !ok && r == 0 {
				return call
			}
		}
		return nil
	}
	for _, ref := range *call.Referrers() {
		if ex, ok := ref.(*ssa.Extract); ok && ex.Index == r {
			return ex
		}
	}
	return nil
}

// IsNil reports whether v is the constant nil.
func IsNil(v ssa.Value) bool {
	c, ok := v.(*ssa.Const)
	return ok && c.Value == nil
}

// FieldOf returns the field that a FieldAddr selects, in its generic form,
// or nil.
func FieldOf(fa *ssa.FieldAddr) *types.Var {
	ptr, ok := fa.X.Type().Underlying().(*types.Pointer)
	if !ok {
		return nil
	}
	st, ok := ptr.Elem().Underlying().(*types.Struct)
	if !ok || fa.Field >= st.NumFields() {
		return nil
	}
	return st.Field(fa.Field).Origin()
}

// FieldLabel names a field with its struct type when it has a name:
// "Conn.cancel".
func FieldLabel(fa *ssa.FieldAddr, f *types.Var) string {
	if ptr, ok := fa.X.Type().Underlying().(*types.Pointer); ok {
		if named, ok := types.Unalias(ptr.Elem()).(*types.Named); ok {
			return named.Obj().Name() + "." + f.Name()
		}
	}
	return f.Name()
}

// IsFunc reports whether t is a function type.
func IsFunc(t types.Type) bool {
	_, ok := t.Underlying().(*types.Signature)
	return ok
}

func isPointer(v ssa.Value) bool {
	_, ok := v.Type().Underlying().(*types.Pointer)
	return ok
}

// IsErrorType reports whether t is the predeclared error type.
func IsErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}
