package engine

import (
	"go/constant"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// maxSlice is the longest slice the model keeps element by element.
const maxSlice = 16

// A slice the model made is a cell holding its elements (an aggV), its
// length exact: MakeSlice of a constant length, a slice of an array or of
// such a slice at constant bounds, append of such slices. Appending and
// slicing copy the elements: the model does not share a backing array
// between two slices (a store through one is not seen through the other).

// elemsOf returns the elements of the slice or array cell v refers to.
func elemsOf(s *state, v value) ([]value, bool) {
	switch v := v.(type) {
	case nilV:
		return nil, true
	case refV:
		o := s.objs[v.obj]
		if o.kind != cellObj || o.escaped {
			return nil, false
		}
		a, ok := getPath(o.v, pathSteps(v.path)).(aggV)
		return a.elems, ok
	}
	return nil, false
}

// newSlice returns a slice cell holding elems.
func newSlice(s *state, site ssa.Value, elems []value) value {
	return refV{obj: s.newObj(&object{kind: cellObj, site: site, v: aggV{elems}, done: -1, timerProc: -1})}
}

// slice evaluates x[lo:hi] on a slice or array the model keeps.
func (e *Explorer) slice(s *state, pi int, f *frame, in *ssa.Slice) value {
	elems, ok := elemsOf(s, e.eval(f, in.X))
	if !ok || in.Max != nil {
		return e.sliceOfLength(s, pi, f, in)
	}
	lo, hi, ok := e.sliceBounds(f, in, int64(len(elems)))
	if !ok {
		return fresh(s, pi, f, in)
	}
	return newSlice(s, in, append([]value(nil), elems[lo:hi]...))
}

// sliceBounds returns the bounds of x[lo:hi] on an x of length n, and
// whether they are constants within it (a missing lo is 0, hi n).
func (e *Explorer) sliceBounds(f *frame, in *ssa.Slice, n int64) (lo, hi int64, ok bool) {
	lo, hi = 0, n
	for _, b := range []struct {
		v   ssa.Value
		ptr *int64
	}{{in.Low, &lo}, {in.High, &hi}} {
		if b.v == nil {
			continue
		}
		k, ok := e.eval(f, b.v).(constV)
		if !ok {
			return 0, 0, false
		}
		if *b.ptr, ok = intOf(constant.ToInt(k.c)); !ok {
			return 0, 0, false
		}
	}
	return lo, hi, 0 <= lo && lo <= hi && hi <= n
}

// appendSlices evaluates append(x, ys...) on slices the model keeps; false
// if it keeps neither.
func (e *Explorer) appendSlices(s *state, x, ys value) (value, bool) {
	a, ok1 := elemsOf(s, x)
	b, ok2 := elemsOf(s, ys)
	if !ok1 || !ok2 || len(a)+len(b) > maxSlice {
		return nil, false
	}
	return newSlice(s, nil, append(append([]value(nil), a...), b...)), true
}

// sliceOfLength returns x[lo:hi] as a symbol, whose length the path knows
// when x is an array the model does not keep element by element and the
// bounds are constants (make([]T, 100) is new([100]T)[:100] in SSA): a test
// of the length is decided, and a loop over the slice is not taken as
// running zero times.
func (e *Explorer) sliceOfLength(s *state, pi int, f *frame, in *ssa.Slice) value {
	r := fresh(s, pi, f, in)
	ptr, ok := in.X.Type().Underlying().(*types.Pointer)
	if !ok {
		return r
	}
	arr, ok := ptr.Elem().Underlying().(*types.Array)
	if !ok {
		return r
	}
	if lo, hi, ok := e.sliceBounds(f, in, arr.Len()); ok {
		s.bounds.set("len:"+r.(symV).key, [2]int64{hi - lo, hi - lo})
	}
	return r
}
