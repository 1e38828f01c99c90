package engine

import "golang.org/x/tools/go/ssa"

// fnInfo numbers a function's values: each parameter, free variable and
// value-producing instruction has a register.
type fnInfo struct {
	slot map[ssa.Value]int
	n    int
}

func (e *Explorer) info(fn *ssa.Function) *fnInfo {
	if in := e.infos[fn]; in != nil {
		return in
	}
	in := &fnInfo{slot: make(map[ssa.Value]int)}
	add := func(v ssa.Value) { in.slot[v] = in.n; in.n++ }
	for _, p := range fn.Params {
		add(p)
	}
	for _, fv := range fn.FreeVars {
		add(fv)
	}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if v, ok := instr.(ssa.Value); ok {
				add(v)
			}
		}
	}
	e.infos[fn] = in
	return in
}

// newFrame returns a frame entering fn with the given arguments (the
// receiver first) and free-variable bindings.
func (e *Explorer) newFrame(fn *ssa.Function, args, binds []value) *frame {
	in := e.info(fn)
	f := &frame{fn: fn, info: in, regs: make([]value, in.n), pred: -1, visits: make([]uint8, len(fn.Blocks))}
	for i, p := range fn.Params {
		if i < len(args) {
			f.regs[in.slot[p]] = args[i]
		} else {
			f.regs[in.slot[p]] = top
		}
	}
	for i, fv := range fn.FreeVars {
		if i < len(binds) {
			f.regs[in.slot[fv]] = binds[i]
		} else {
			f.regs[in.slot[fv]] = top
		}
	}
	if len(fn.Blocks) > 0 {
		f.visits[0] = 1
	}
	return f
}
