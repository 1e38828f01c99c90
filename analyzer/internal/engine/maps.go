package engine

import (
	"go/constant"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// mapObjOf returns the map object m refers to, nil if the model did not
// make it or code outside the model may change it.
func mapObjOf(s *state, m value) *object {
	r, ok := m.(refV)
	if !ok || r.path != "" || s.objs[r.obj].kind != mapObj || s.objs[r.obj].escaped {
		return nil
	}
	return s.objs[r.obj]
}

// mapObjToChange returns the map object m refers to, for the caller to
// change (see mobj), nil as mapObjOf does.
func mapObjToChange(s *state, m value) *object {
	if mapObjOf(s, m) == nil {
		return nil
	}
	return s.mobj(m.(refV).obj)
}

// mapUpdate stores v at key k of map m: an entry at a constant key, or a
// store the model loses track of: v escapes, and k too unless the map is
// the model's.
func (e *Explorer) mapUpdate(s *state, m, k, v value) {
	o := mapObjToChange(s, m)
	if o != nil {
		o.nonEmpty = true
	}
	if _, isConst := k.(constV); o == nil || !isConst {
		s.escape(v)
		if o == nil {
			// The key too is kept where the model does not follow it
			// (os/signal's handlers map keeps each channel Notify is
			// given, as a key, and sends on it).
			s.escape(k)
			return
		}
		o.lossy = true
		if hasRefs(k) {
			o.lostKeys = append(o.lostKeys, k) // they escape with the map
		}
		return
	}
	o.entries[keyOf(k)] = v
	if o.keys == nil {
		o.keys = make(map[string]value)
	}
	o.keys[keyOf(k)] = k
}

// mapDelete deletes key k of map m: the entry at a constant key; at a key
// the model does not know, any entry may be the one deleted, so none is
// known to be there any more.
func mapDelete(s *state, m, k value) {
	o := mapObjToChange(s, m)
	if o == nil {
		return
	}
	if _, isConst := k.(constV); isConst {
		delete(o.entries, keyOf(k))
		delete(o.keys, keyOf(k))
		o.nonEmpty = len(o.entries) > 0 // an entry at an unknown key may have been k's
		return
	}
	if len(o.entries) > 0 {
		o.entries, o.keys, o.lossy = map[string]value{}, nil, true
	}
	o.nonEmpty = false
}

// mapClear empties map m: no entry, known or not.
func mapClear(s *state, m value) {
	if o := mapObjToChange(s, m); o != nil {
		o.entries, o.keys, o.lossy, o.nonEmpty = map[string]value{}, nil, false, false
	}
}

// mapNext performs the Next of a range over a map. A map whose entries
// the model knows all of (none stored at a key it does not know) yields
// them, in the order of their keys' encodings (Go's order is unspecified:
// this is one of the orders a run may take), each key and value as
// stored. Otherwise a map known to hold an entry yields one on the first
// Next, a map known to be empty none, any other Next an entry or the end,
// as a symbol. The iterator Range made is the triple (map, started, the
// encoding of the last key yielded, nil before the first), which Next
// updates in its frame.
func (e *Explorer) mapNext(s *state, pi int, f *frame, in *ssa.Next) value {
	it, ok := e.eval(f, in.Iter).(tupV)
	var o *object
	if ok && len(it.elems) == 3 && !in.IsString {
		o = mapObjOf(s, it.elems[0])
	}
	if o == nil {
		return fresh(s, pi, f, in)
	}
	started := it.elems[1] == trueV
	if !o.lossy {
		last := ""
		if c, ok := it.elems[2].(constV); ok {
			last = constant.StringVal(c.c)
		}
		for _, k := range sortedKeys(o.entries) {
			if started && k <= last {
				continue
			}
			f.set(in.Iter, tupV{[]value{it.elems[0], trueV, constV{constant.MakeString(k)}}})
			return tupV{[]value{trueV, o.keys[k], o.entries[k]}}
		}
		f.set(in.Iter, tupV{[]value{it.elems[0], trueV, it.elems[2]}})
		return tupV{[]value{falseV, top, top}}
	}
	f.set(in.Iter, tupV{[]value{it.elems[0], trueV, it.elems[2]}})
	if o.nonEmpty && !started {
		entry := keyOf(fresh(s, pi, f, in))
		return tupV{[]value{trueV, symV{entry + ".k"}, symV{entry + ".v"}}}
	}
	return fresh(s, pi, f, in)
}

// lookup reads m[k] (with comma-ok, the pair): the entry at a constant key,
// the zero value where no entry can be, a symbol otherwise.
func (e *Explorer) lookup(s *state, pi int, f *frame, in *ssa.Lookup) value {
	elem := zero(in.Type())
	if in.CommaOk {
		elem = zero(in.Type().(*types.Tuple).At(0).Type())
	}
	m, k := e.eval(f, in.X), e.eval(f, in.Index)
	o := mapObjOf(s, m)
	_, isConst := k.(constV)
	var v, ok value
	switch {
	case o != nil && isConst && o.entries[keyOf(k)] != nil:
		v, ok = o.entries[keyOf(k)], trueV
	case o != nil && !o.lossy && (isConst || len(o.entries) == 0):
		v, ok = elem, falseV
	case o == nil && hasRefs(k) && !refsEscaped(s, k):
		// A map the model does not follow holds no key that refers to an
		// object only the model's code has seen (Notify looking up the
		// channel NotifyContext just made).
		v, ok = elem, falseV
	default:
		if _, isMap := in.X.Type().Underlying().(*types.Map); !isMap {
			return fresh(s, pi, f, in) // a string index
		}
		v = fresh(s, pi, f, in)
		ok = symV{keyOf(v) + ".ok"}
	}
	if in.CommaOk {
		return tupV{[]value{v, ok}}
	}
	return v
}

// refsEscaped reports whether any object v refers to has escaped.
func refsEscaped(s *state, v value) bool {
	escaped := false
	refs(v, func(id int) { escaped = escaped || s.objs[id].escaped })
	return escaped
}
