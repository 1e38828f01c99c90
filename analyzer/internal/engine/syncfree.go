package engine

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// syncFree reports whether a call of fn can matter to no goroutine but
// through its results, and its results depend on its arguments only:
// neither it nor the functions of the package it calls (to depth calls
// deep) make or operate on a channel, start a goroutine, defer, call a
// function value or an interface method (but the standard library's),
// call the synchronization, context or timer library, or read or write
// memory it did not allocate (but package variables, which the model does
// not hold). The search then takes its results as unknown instead of
// running it (the parsing, formatting and bookkeeping of real code, whose
// branches would multiply the states and decide nothing).
func (e *Explorer) syncFree(fn *ssa.Function, depth int) bool {
	key := freeKey{fn, depth}
	if v, ok := e.free[key]; ok {
		return v
	}
	e.free[key] = false // recursion: not free
	v := e.computeSyncFree(fn, depth)
	e.free[key] = v
	return v
}

type freeKey struct {
	fn    *ssa.Function
	depth int
}

func (e *Explorer) computeSyncFree(fn *ssa.Function, depth int) bool {
	if depth == 0 || len(fn.FreeVars) > 0 || returnsCode(fn) {
		return false
	}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Go, *ssa.Defer, *ssa.Send, *ssa.Select, *ssa.MakeChan, *ssa.MakeClosure:
				return false
			case *ssa.UnOp:
				if in.Op == token.ARROW || in.Op == token.MUL && !ownMemory(in.X) {
					return false // a receive, or a read of memory the model may hold
				}
			case *ssa.Store:
				if !localAddr(in.Addr) {
					return false
				}
			case *ssa.MapUpdate:
				if _, ok := in.Map.(*ssa.MakeMap); !ok {
					return false
				}
			case *ssa.Call:
				if !e.freeCall(&in.Call, depth) {
					return false
				}
			}
		}
	}
	return true
}

// freeCall reports whether a call inside a sync-free function keeps it so.
func (e *Explorer) freeCall(c *ssa.CallCommon, depth int) bool {
	if c.IsInvoke() {
		// A standard interface's method (reflect.Type, io.Writer, error),
		// but for contexts and lockers.
		pkg := c.Method.Pkg()
		if pkg == nil {
			return c.Method.Name() == "Error" // error's
		}
		p := pkg.Path()
		return !strings.Contains(p, ".") && p != "context" && p != "sync"
	}
	switch v := c.Value.(type) {
	case *ssa.Builtin:
		return v.Name() != "close"
	case *ssa.Function:
		if len(v.Blocks) > 0 {
			return e.syncFree(v, depth-1)
		}
		n := e.name(v)
		for _, p := range []string{"sync.", "(*sync.", "sync/", "(*sync/", "context.", "time.", "(*time.", "golang.org/x/sync", "(*golang.org/x/sync", "runtime.", "os.Exit", "log.Fatal", "log.Panic", "(*log.Logger).Fatal", "(*log.Logger).Panic"} {
			if strings.HasPrefix(n, p) {
				return n == "time.Now" || n == "time.Since" || n == "time.Sleep" || strings.HasPrefix(n, "(time.")
			}
		}
		return !funcParams(v)
	}
	return false
}

// funcParams reports whether fn takes a function or channel, which it may
// call or operate on.
func funcParams(fn *ssa.Function) bool {
	for i := 0; i < fn.Signature.Params().Len(); i++ {
		switch fn.Signature.Params().At(i).Type().Underlying().(type) {
		case *types.Signature, *types.Chan, *types.Pointer, *types.Map, *types.Slice, *types.Struct:
			return true // code to run, or memory it may have made for the caller
		}
	}
	return false
}

// base returns the memory addr is part of: it walks fields and elements
// back to an Alloc, a package variable, a call's result or a parameter,
// and with loads, through pointers loaded from memory.
func base(addr ssa.Value, loads bool) ssa.Value {
	for {
		switch a := addr.(type) {
		case *ssa.FieldAddr:
			addr = a.X
		case *ssa.IndexAddr:
			addr = a.X
		case *ssa.UnOp:
			if !loads || a.Op != token.MUL {
				return addr
			}
			addr = a.X
		default:
			return addr
		}
	}
}

// localAddr reports whether addr is memory the function allocated: an
// Alloc, a field or element of one.
func localAddr(addr ssa.Value) bool {
	_, ok := base(addr, false).(*ssa.Alloc)
	return ok
}

// ownMemory reports whether addr is memory the function allocated or got
// from a call, or a package variable: not memory it was given, which the
// model may hold.
func ownMemory(addr ssa.Value) bool {
	switch base(addr, true).(type) {
	case *ssa.Alloc, *ssa.Global, *ssa.Call:
		return true
	}
	return false
}

// returnsCode reports whether fn returns what holds references: a
// function, a channel, an interface (but error), a pointer, or a
// container or struct of any of these. The caller may run or operate on
// it, or it is memory the model must keep exact; plain data (numbers,
// strings, slices and maps of them) is only tested.
func returnsCode(fn *ssa.Function) bool {
	res := fn.Signature.Results()
	for i := 0; i < res.Len(); i++ {
		if holdsRefs(res.At(i).Type(), 0) {
			return true
		}
	}
	return false
}

func holdsRefs(t types.Type, depth int) bool {
	if depth > 4 {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Interface:
		return !types.Identical(t, errorType)
	case *types.Slice:
		return holdsRefs(u.Elem(), depth+1)
	case *types.Array:
		return holdsRefs(u.Elem(), depth+1)
	case *types.Map:
		return holdsRefs(u.Key(), depth+1) || holdsRefs(u.Elem(), depth+1)
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if holdsRefs(u.Field(i).Type(), depth+1) {
				return true
			}
		}
		return false
	}
	return true // pointers, channels, functions, type parameters
}
