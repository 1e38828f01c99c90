package engine

import (
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// A value is the abstraction of a Go value the engine keeps: a constant, a
// symbol (a value the model cannot compute, named so that two tests of it
// agree), a reference to an object the root made, a closure, or an
// aggregate of values. Values are immutable.
type value interface {
	// enc appends the value's canonical encoding, from which states are
	// hashed.
	enc(b *strings.Builder)
}

type (
	// constV is a constant of a basic type.
	constV struct{ c constant.Value }
	// nilV is the nil of a pointer, channel, func, map, slice or interface.
	nilV struct{}
	// symV is a value the model does not compute. Two symbols with the
	// same key are the same value: the same parameter, the same field of
	// it, the same comparison of the two. A key starting with '!' is the
	// negation of the boolean named by the rest.
	symV struct{ key string }
	// topV is a value of which nothing is known, not even its identity: a
	// test of it may go either way each time.
	topV struct{}
	// refV points to an object (a channel, a cell, a context) or, with a
	// path, into a cell: the field or element reached by the path's
	// steps, each ".N" (a struct field) or "[N]" (an array element).
	refV struct {
		obj  int
		path string
	}
	// closV is a function value: a function with the values of its free
	// variables (none for a declared function).
	closV struct {
		fn    *ssa.Function
		binds []value
	}
	// aggV is a struct or array value.
	aggV struct{ elems []value }
	// tupV is the result of a multi-value instruction (Extract reads it).
	tupV struct{ elems []value }
	// ifaceV is an interface value with the dynamic type it holds.
	ifaceV struct {
		typ types.Type
		v   value
	}
	// cmpV is the comparison of an integer symbol with a constant,
	// decided by the bounds the path assumed of the symbol (see decide).
	cmpV struct {
		sym string
		op  token.Token // LSS, LEQ, GTR, GEQ, EQL or NEQ
		k   int64
	}
	// libV is a function of the library the engine models (a context's
	// cancel, a timer's callback stopper) with its receiver object.
	libV struct {
		kind string
		obj  int
	}
)

var (
	top    value = topV{}
	nilVal value = nilV{}
	trueV  value = constV{constant.MakeBool(true)}
	falseV value = constV{constant.MakeBool(false)}
)

// hasRefs reports whether v holds a reference to an object.
func hasRefs(v value) bool {
	found := false
	refs(v, func(int) { found = true })
	return found
}

func (v constV) enc(b *strings.Builder) { b.WriteString("c" + v.c.ExactString()) }
func (nilV) enc(b *strings.Builder)     { b.WriteString("nil") }
func (v symV) enc(b *strings.Builder)   { b.WriteString("s{" + v.key + "}") }
func (topV) enc(b *strings.Builder)     { b.WriteString("T") }
func (v refV) enc(b *strings.Builder) {
	b.WriteByte('r')
	encInt(b, int64(v.obj))
	b.WriteString(v.path)
}
func (v libV) enc(b *strings.Builder) {
	b.WriteString("l" + v.kind)
	encInt(b, int64(v.obj))
}
func (v cmpV) enc(b *strings.Builder) {
	b.WriteString("k{" + v.sym + v.op.String())
	encInt(b, v.k)
	b.WriteByte('}')
}
func (v closV) enc(b *strings.Builder) {
	b.WriteByte('f')
	encPtr(b, v.fn)
	b.WriteByte('(')
	encAll(b, v.binds)
	b.WriteByte(')')
}
func (v aggV) enc(b *strings.Builder) { b.WriteByte('{'); encAll(b, v.elems); b.WriteByte('}') }
func (v tupV) enc(b *strings.Builder) { b.WriteByte('<'); encAll(b, v.elems); b.WriteByte('>') }
func (v ifaceV) enc(b *strings.Builder) {
	b.WriteByte('i')
	encPtr(b, v.typ)
	b.WriteByte(':')
	encValue(b, v.v)
}

func encAll(b *strings.Builder, vs []value) {
	for _, v := range vs {
		encValue(b, v)
		b.WriteByte(',')
	}
}

func encValue(b *strings.Builder, v value) {
	if v == nil {
		b.WriteByte('_')
		return
	}
	v.enc(b)
}

// keyOf is the symbol key naming v inside a derived symbol's key.
func keyOf(v value) string {
	var b strings.Builder
	encValue(&b, v)
	return b.String()
}

// negate returns the boolean negation of a symbol key.
func negate(key string) string {
	if rest, ok := strings.CutPrefix(key, "!"); ok {
		return rest
	}
	return "!" + key
}

// zero returns the zero value of type t: aggregates for structs and
// arrays (of a few elements), constants for basic types, nil otherwise.
func zero(t types.Type) value {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return falseV
		case u.Info()&types.IsString != 0:
			return constV{constant.MakeString("")}
		case u.Info()&types.IsInteger != 0:
			return constV{constant.MakeInt64(0)}
		case u.Info()&types.IsFloat != 0, u.Info()&types.IsComplex != 0:
			return constV{constant.MakeInt64(0)}
		case u.Kind() == types.UnsafePointer, u.Kind() == types.UntypedNil:
			return nilVal
		}
		return top
	case *types.Struct:
		elems := make([]value, u.NumFields())
		for i := range elems {
			elems[i] = zero(u.Field(i).Type())
		}
		return aggV{elems}
	case *types.Array:
		if u.Len() > 8 {
			return top
		}
		elems := make([]value, u.Len())
		for i := range elems {
			elems[i] = zero(u.Elem())
		}
		return aggV{elems}
	case *types.Tuple:
		elems := make([]value, u.Len())
		for i := range elems {
			elems[i] = zero(u.At(i).Type())
		}
		return tupV{elems}
	}
	return nilVal
}

// pathSteps splits a refV path into its steps' indices.
func pathSteps(path string) []int {
	var steps []int
	for path != "" {
		end := strings.IndexAny(path[1:], ".[")
		if end < 0 {
			end = len(path) - 1
		}
		step := strings.TrimSuffix(path[1:end+1], "]")
		n, err := strconv.Atoi(step)
		if err != nil {
			return nil
		}
		steps = append(steps, n)
		path = path[end+1:]
	}
	return steps
}

// getPath returns the part of v the steps reach, top if v is not an
// aggregate that deep.
func getPath(v value, steps []int) value {
	if part, ok := lookupPath(v, steps); ok {
		return part
	}
	return top
}

// lookupPath returns the part of v the steps reach, and whether v is an
// aggregate that deep (whether setPath keeps what it stores there).
func lookupPath(v value, steps []int) (value, bool) {
	for _, i := range steps {
		a, ok := v.(aggV)
		if !ok || i < 0 || i >= len(a.elems) {
			return nil, false // not modelled, or out of range (the program panics)
		}
		v = a.elems[i]
	}
	return v, true
}

// setPath returns v with the part the steps reach replaced by x.
func setPath(v value, steps []int, x value) value {
	if len(steps) == 0 {
		return x
	}
	a, ok := v.(aggV)
	if !ok || steps[0] < 0 || steps[0] >= len(a.elems) {
		return v // a store into what we do not model: lost
	}
	elems := append([]value(nil), a.elems...)
	elems[steps[0]] = setPath(elems[steps[0]], steps[1:], x)
	return aggV{elems}
}

// parts calls f with v and with each value v holds: a closure's bound
// values, an aggregate's or a tuple's elements, what an interface holds
// (not what a reference points to).
func parts(v value, f func(value)) {
	f(v)
	switch v := v.(type) {
	case closV:
		for _, b := range v.binds {
			parts(b, f)
		}
	case aggV:
		for _, e := range v.elems {
			parts(e, f)
		}
	case tupV:
		for _, e := range v.elems {
			parts(e, f)
		}
	case ifaceV:
		parts(v.v, f)
	}
}

// refs calls f for each object reference directly in v.
func refs(v value, f func(obj int)) {
	parts(v, func(x value) {
		switch x := x.(type) {
		case refV:
			f(x.obj)
		case libV:
			if x.obj >= 0 {
				f(x.obj)
			}
		}
	})
}
