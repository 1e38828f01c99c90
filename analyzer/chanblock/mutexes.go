package chanblock

import (
	"cmp"
	"go/token"
	"go/types"
	"maps"
	"slices"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// mutexAt returns the key of what the address v points into, following
// fields (through pointer fields too) back to their root.
func mutexAt(v ssa.Value) lifecycle.MutexKey {
	var fields []string
	loads := false
	for {
		switch x := v.(type) {
		case *ssa.MakeInterface: // &s.mu as a sync.Locker
			v = x.X
		case *ssa.ChangeType:
			v = x.X
		}
		if load, ok := v.(*ssa.UnOp); ok && load.Op == token.MUL {
			if fa, ok := load.X.(*ssa.FieldAddr); ok {
				v, loads = fa, true // s.inner.mu, inner a pointer
			}
		}
		fa, ok := v.(*ssa.FieldAddr)
		if !ok {
			break
		}
		f := obligation.FieldOf(fa)
		if f == nil {
			break
		}
		fields = append([]string{f.Name()}, fields...)
		v = fa.X
	}
	if o := lifecycle.OuterValue(v); o != nil {
		v = o
	}
	return lifecycle.MutexKey{Root: v, Path: strings.Join(fields, "."), Loads: loads}
}

// mutexName names the mutex k as the source does: "s.mu", "lock".
func (s *checker) mutexName(k lifecycle.MutexKey) string {
	var root string
	switch r := k.Root.(type) {
	case *ssa.Alloc:
		root = r.Comment
		if !token.IsIdentifier(root) || root == "complit" || root == "new" {
			root = s.AssignedTo(r.Pos()) // mu := &sync.Mutex{}, g := &T{}
		}
	case *ssa.Parameter, *ssa.Global, *ssa.FreeVar:
		root = r.Name()
	}
	switch {
	case root == "" && k.Path == "":
		return "the mutex"
	case root == "":
		return k.Path
	case k.Path == "":
		return root
	}
	return root + "." + k.Path
}

// syncLockKind returns what a method of sync.Mutex or sync.RWMutex does
// to it, and false for any other function.
func syncLockKind(fn *ssa.Function) (protocol.LockKind, bool) {
	recv := fn.Signature.Recv()
	if recv == nil || !lifecycle.IsSyncMutex(recv.Type()) {
		return 0, false
	}
	switch fn.Name() {
	case "Lock":
		return protocol.Acquire, true
	case "RLock":
		return protocol.RAcquire, true
	case "Unlock", "RUnlock":
		return protocol.Release, true
	}
	return protocol.Opaque, true // TryLock, RLocker
}

// mutexOps returns, for each mutex fn locks or unlocks (itself or
// through a callee of the package), its operations in fn in order,
// opaque calls included: a callee the analysis cannot see that is given
// the mutex, or what holds it.
func (s *checker) mutexOps(fn *ssa.Function) map[lifecycle.MutexKey][]protocol.LockOp {
	if ops, ok := s.Mutexes[fn]; ok {
		return ops
	}
	if s.Mutexes == nil {
		s.Mutexes = make(map[*ssa.Function]map[lifecycle.MutexKey][]protocol.LockOp)
	}
	s.Mutexes[fn] = nil // a recursive call sees no operations, and is opaque: see lockCall
	ops := make(map[lifecycle.MutexKey][]protocol.LockOp)
	var unseenCalls []ssa.CallInstruction // calls of code the analysis cannot see
	var unseen []lockRef                  // values handed to it
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			call, ok := in.(ssa.CallInstruction)
			if !ok {
				continue
			}
			if !isGo(in) {
				if s.lockCall(call, ops) {
					unseenCalls = append(unseenCalls, call)
				}
				continue
			}
			// A goroutine given the mutex may unlock it later (a lock
			// handed on, grpc's resetTransportAndUnlock): what it does
			// happens in another goroutine, at a time this one does not
			// know.
			started := make(map[lifecycle.MutexKey][]protocol.LockOp)
			if s.lockCall(call, started) {
				unseenCalls = append(unseenCalls, call)
			}
			for k := range started {
				unseen = append(unseen, lockRef{in, k})
			}
		}
	}
	if len(ops) == 0 {
		s.Mutexes[fn] = ops
		return ops // most functions: what they hand on does not matter
	}
	for _, call := range unseenCalls {
		unseen = append(unseen, s.unseenRefs(call)...)
	}
	for k, list := range ops {
		for _, ref := range unseen {
			if ref.key.Within(k) {
				list = append(list, protocol.LockOp{Kind: protocol.Opaque, Instr: ref.instr, Deferred: isDefer(ref.instr)})
			}
		}
		ops[k] = sortedLockOps(fn, list)
	}
	s.Mutexes[fn] = ops
	return ops
}

// mutexKeys returns the keys of ops in the order of their first
// operations, for findings in a stable order.
func mutexKeys(ops map[lifecycle.MutexKey][]protocol.LockOp) []lifecycle.MutexKey {
	keys := slices.Collect(maps.Keys(ops))
	first := func(k lifecycle.MutexKey) token.Pos {
		if len(ops[k]) == 0 {
			return token.NoPos
		}
		return ops[k][0].Instr.Pos()
	}
	slices.SortStableFunc(keys, func(a, b lifecycle.MutexKey) int { return cmp.Compare(first(a), first(b)) })
	return keys
}

// A lockRef is a value handed to a callee the analysis cannot see.
type lockRef struct {
	instr ssa.Instruction
	key   lifecycle.MutexKey
}

// lockCall adds the call's operations on mutexes to ops, and reports
// whether it calls code the analysis cannot see.
func (s *checker) lockCall(call ssa.CallInstruction, ops map[lifecycle.MutexKey][]protocol.LockOp) bool {
	common := call.Common()
	if _, ok := common.Value.(*ssa.Builtin); ok {
		return false
	}
	deferred := isDefer(call)
	callee := common.StaticCallee()
	if callee == nil && !common.IsInvoke() {
		if mc, ok := lifecycle.OuterValue(common.Value).(*ssa.MakeClosure); ok {
			callee = mc.Fn.(*ssa.Function) // a closure called through the variable that holds it
		}
	}
	if callee != nil {
		if kind, ok := syncLockKind(callee); ok && len(common.Args) > 0 {
			k := mutexAt(common.Args[0])
			ops[k] = append(ops[k], protocol.LockOp{Kind: kind, Instr: call, Deferred: deferred})
			return false
		}
		if callee.Pkg == s.Pkg && callee.Blocks != nil && !s.inProgress(callee) {
			for k, e := range s.lockEffects(callee) {
				if (e.Exit == protocol.Held || e.Exit == protocol.RHeld) && callee.Signature.Results().Len() > 0 {
					// It returns holding the lock with a handle that releases
					// it (etcd's Write returns a TxnWrite whose End unlocks):
					// when is the handle's to say.
					e.Exit = protocol.Mixed
				}
				if k, ok := calleeKey(k, callee, common); ok {
					ops[k] = append(ops[k], protocol.LockOp{Kind: protocol.Call, Instr: call, Deferred: deferred, Effect: e})
				}
			}
			return false
		}
	}
	return true
}

// unseenRefs returns the values a call of code the analysis cannot see
// is handed: the mutexes it may lock or unlock.
func (s *checker) unseenRefs(call ssa.CallInstruction) []lockRef {
	common := call.Common()
	var refs []lockRef
	args := common.Args
	if common.IsInvoke() {
		args = append([]ssa.Value{common.Value}, args...)
	}
	for _, a := range args {
		if mc, ok := a.(*ssa.MakeClosure); ok {
			for k := range s.lockEffects(mc.Fn.(*ssa.Function)) {
				refs = append(refs, lockRef{call, k}) // run by code the analysis cannot see
			}
			continue
		}
		if mayHoldMutex(a.Type()) {
			refs = append(refs, lockRef{call, mutexAt(a)})
		}
	}
	return refs
}

// inProgress reports whether fn's operations are being computed: a
// recursive call.
func (s *checker) inProgress(fn *ssa.Function) bool {
	ops, ok := s.Mutexes[fn]
	return ok && ops == nil
}

// lockEffects summarizes what fn does with the mutexes its callers can
// reach: those of its parameters, free variables and globals.
func (s *checker) lockEffects(fn *ssa.Function) map[lifecycle.MutexKey]protocol.Effect {
	if effects, ok := s.Effects[fn]; ok {
		return effects
	}
	if s.Effects == nil {
		s.Effects = make(map[*ssa.Function]map[lifecycle.MutexKey]protocol.Effect)
	}
	effects := make(map[lifecycle.MutexKey]protocol.Effect)
	for k := range s.mutexOps(fn) {
		if local(k.Root, fn) {
			continue
		}
		if e := s.holding(fn, k).Effect(); e.First != 0 || e.Exit != protocol.Entry {
			effects[k] = e
		}
	}
	s.Effects[fn] = effects
	return effects
}

// holding returns the must analysis of the mutex k in fn, computed once.
func (s *checker) holding(fn *ssa.Function, k lifecycle.MutexKey) *protocol.Holding {
	key := lifecycle.HeldIn{Fn: fn, K: k}
	h, ok := s.Holdings[key]
	if !ok {
		if s.Holdings == nil {
			s.Holdings = make(map[lifecycle.HeldIn]*protocol.Holding)
		}
		h = protocol.Hold(fn, s.mutexOps(fn)[k])
		s.Holdings[key] = h
	}
	return h
}

// local reports whether v is a value of fn's own that no caller sees.
func local(v ssa.Value, fn *ssa.Function) bool {
	switch v := v.(type) {
	case *ssa.Parameter, *ssa.Global:
		return false
	case ssa.Instruction:
		return v.Parent() == fn
	}
	return true
}

// calleeKey maps a mutex key of callee to the caller's terms: a
// parameter's key becomes the argument's; one of a free variable or a
// global is the same in both.
func calleeKey(k lifecycle.MutexKey, callee *ssa.Function, common *ssa.CallCommon) (lifecycle.MutexKey, bool) {
	p, ok := k.Root.(*ssa.Parameter)
	if !ok || p.Parent() != callee {
		return k, true
	}
	for i, q := range callee.Params {
		if q == p && i < len(common.Args) {
			a := mutexAt(common.Args[i])
			if k.Path != "" {
				a.Path = strings.TrimPrefix(a.Path+"."+k.Path, ".")
			}
			a.Loads = a.Loads || k.Loads
			return a, true
		}
	}
	return lifecycle.MutexKey{}, false
}

// mayHoldMutex reports whether a value of type t can lead to a mutex: a
// pointer, an interface or a function.
func mayHoldMutex(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Interface, *types.Signature:
		return true
	}
	return false
}

func isGo(in ssa.Instruction) bool {
	_, ok := in.(*ssa.Go)
	return ok
}

func isDefer(in ssa.Instruction) bool {
	_, ok := in.(*ssa.Defer)
	return ok
}

// sortedLockOps puts ops in the order of fn's instructions.
func sortedLockOps(fn *ssa.Function, ops []protocol.LockOp) []protocol.LockOp {
	at := make(map[ssa.Instruction][]protocol.LockOp)
	for _, op := range ops {
		at[op.Instr] = append(at[op.Instr], op)
	}
	var out []protocol.LockOp
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			out = append(out, at[in]...)
		}
	}
	return out
}
