package protocol

import "golang.org/x/tools/go/ssa"

// A Consumer is a function that calls a stream's producer and receives
// from the channel it returns, in its own body.
type Consumer struct {
	Call ssa.Instruction // the call of the producer
	Ops  []Op            // the consumer's operations on the channel
	// Args are the call's arguments (SSA numbering: a receiver first).
	Args []ssa.Value
	// Stops are the calls (or defers) of the stream's Stop method on the
	// receiver the producer was called on.
	Stops []ssa.Instruction
	// Same reports whether two values are the same variable's value (a
	// parameter, loads of one local): the consumer's loop bound and the
	// call's argument.
	Same func(a, b ssa.Value) bool
}

// A Verdict is what a consumer leaves blocked.
type Verdict struct {
	// Return is where the consumer may return, after Got receives, while
	// the producer still has a value to send (nil if it cannot).
	Return *ssa.Return
	Got    int
	// Unclosed is the consumer's range that never ends on the producer's
	// paths that leave the channel open (nil if there is none).
	Unclosed *Op
}

// Check composes the consumer with the stream's producer.
func (c *Consumer) Check(st *Stream) Verdict {
	var v Verdict
	for i, op := range c.Ops {
		if op.Kind != Recv {
			return v // it sends or closes too: not a plain consumer
		}
		if op.Drains && op.Callee == nil && st.Closes != ClosesEvery && v.Unclosed == nil {
			v.Unclosed = &c.Ops[i]
		}
	}
	if v.Unclosed != nil || c.countsToBound(st) || c.stopDeferred(st) || c.drainDeferred() {
		return v
	}
	fn := c.Call.Parent()
	avoid := c.notEarly(st)
	got, ret := Fewest(fn, c.Call, c.Ops, avoid)
	switch {
	case ret == nil:
	case st.Sends >= Many && st.Buffer >= 0:
		// A producer that loops: its count is not known, so a consumer
		// that stops after a count of its own may be following a protocol
		// (read until EOF, five round trips). A leak is leaving a loop
		// that receives other than by its count or the close, or taking
		// any finite number from a producer that never stops.
		if r := c.leavesLoop(fn, avoid); r != nil {
			v.Return, v.Got = r, got
		} else if st.Forever {
			v.Return, v.Got = ret, got
		}
	case st.Sends < Many && st.Buffer >= 0 && got+st.Buffer < st.Sends:
		v.Return, v.Got = ret, got
	}
	return v
}

// leavesLoop returns a return the consumer reaches by leaving a loop that
// receives from the channel through an edge other than the loop's count
// exit and those in avoid (a break or return in a range), or nil.
func (c *Consumer) leavesLoop(fn *ssa.Function, avoid map[Edge]bool) *ssa.Return {
	for _, op := range c.Ops {
		if op.Callee != nil {
			continue
		}
		loop := CycleOf(op.Instr.Block())
		if loop == nil {
			recv, ok := op.Instr.(*ssa.UnOp)
			if !ok || !op.CommaOk {
				continue
			}
			if _, ranged := ClosedExit(recv); !ranged {
				continue
			}
			// A range whose body always leaves has no cycle: it takes
			// one value and goes.
			loop = map[*ssa.BasicBlock]bool{op.Instr.Block(): true}
		}
		countExit, _ := LoopExit(op.Instr.Block())
		for _, b := range fn.Blocks {
			if !loop[b] {
				continue
			}
			for i, succ := range b.Succs {
				e := Edge{b, i}
				if loop[succ] || avoid[e] || e == countExit || Panics(succ) || !leavesOnValue(b, op) {
					continue
				}
				if len(succ.Instrs) > 0 {
					if ret, ok := succ.Instrs[len(succ.Instrs)-1].(*ssa.Return); ok {
						return ret
					}
				}
				if _, ret := Fewest(fn, succ.Instrs[0], nil, avoid); ret != nil {
					return ret
				}
			}
		}
	}
	return nil
}

// leavesOnValue reports whether the consumer's way out of its loop at b
// is its own decision about what it received: b's test depends on the
// received value (`if v > limit`, the ok of a range whose body always
// leaves), or b lies in another case of the select that receives (a
// timeout, ctx.Done()). A loop left on a flag or a count of its own
// (`for !done`, a protocol's round trips) is not one.
func leavesOnValue(b *ssa.BasicBlock, op Op) bool {
	if sel, ok := op.Instr.(*ssa.Select); ok {
		for i := range sel.States {
			if i == op.SelIndex {
				continue
			}
			if e, ok := CaseEdge(sel, i); ok && e.From.Succs[e.Succ].Dominates(b) {
				return true
			}
		}
	}
	switch last := b.Instrs[len(b.Instrs)-1].(type) {
	case *ssa.If:
		return dependsOn(last.Cond, op.Instr.(ssa.Value), 8)
	case *ssa.Return, *ssa.Jump:
		// a return or break right in a branch: its test is the dominator's
		if idom := b.Idom(); idom != nil && idom != b {
			if cond, ok := idom.Instrs[len(idom.Instrs)-1].(*ssa.If); ok {
				return dependsOn(cond.Cond, op.Instr.(ssa.Value), 8)
			}
		}
	}
	return false
}

// dependsOn reports whether v is computed from src within depth steps.
func dependsOn(v, src ssa.Value, depth int) bool {
	if v == src {
		return true
	}
	in, ok := v.(ssa.Instruction)
	if !ok || depth == 0 {
		return false
	}
	switch x := v.(type) {
	case *ssa.Phi:
		return false // a loop-carried value: a count, a flag
	case *ssa.Alloc: // a local the value was stored in (p := <-ch; p.Err)
		for _, ref := range *x.Referrers() {
			if st, ok := ref.(*ssa.Store); ok && st.Addr == x && dependsOn(st.Val, src, depth-1) {
				return true
			}
		}
		return false
	}
	for _, op := range in.Operands(nil) {
		if *op != nil && dependsOn(*op, src, depth-1) {
			return true
		}
	}
	return false
}

// notEarly returns the edges on which the consumer has received every
// value or stopped the producer: a range's exit when the channel is
// closed, a callee that drains it, a call of the Stop method.
func (c *Consumer) notEarly(st *Stream) map[Edge]bool {
	avoid := make(map[Edge]bool)
	cut := func(b *ssa.BasicBlock) { CutInto(avoid, b) } // no early path goes through b
	for _, op := range c.Ops {
		if recv, ok := op.Instr.(*ssa.UnOp); ok && op.CommaOk {
			if e, ok := ClosedExit(recv); ok {
				avoid[e] = true
			}
		}
		if sel, ok := op.Instr.(*ssa.Select); ok {
			if e, ok := ClosedExit(sel); ok {
				avoid[e] = true // case v, ok := <-ch: if !ok
			}
		}
		if op.Drains && op.Callee != nil {
			cut(op.Instr.Block())
		}
	}
	if !st.Blocking {
		for _, stop := range c.Stops {
			cut(stop.Block())
		}
	}
	return avoid
}

// stopDeferred reports whether the consumer defers the Stop that ends
// every send of the producer.
func (c *Consumer) stopDeferred(st *Stream) bool {
	if st.Blocking {
		return false
	}
	for _, stop := range c.Stops {
		if _, ok := stop.(*ssa.Defer); ok {
			return true
		}
	}
	return false
}

// drainDeferred reports whether the consumer defers a call that drains
// the channel.
func (c *Consumer) drainDeferred() bool {
	for _, op := range c.Ops {
		if _, ok := op.Instr.(*ssa.Defer); ok && op.Drains {
			return true
		}
	}
	return false
}

// countsToBound reports whether a receive of the consumer sits in a loop
// that counts to the argument the producer's send loop counts to: equal
// counts.
func (c *Consumer) countsToBound(st *Stream) bool {
	if c.Same == nil {
		return false
	}
	var arg ssa.Value
	switch {
	case st.boundVal != nil:
		arg = st.boundVal
	case st.Bound >= 0 && st.Bound < len(c.Args):
		arg = c.Args[st.Bound]
	default:
		return false
	}
	index := func(v ssa.Value) int {
		if c.Same(v, arg) {
			return 0
		}
		return -1
	}
	for _, op := range c.Ops {
		loop := CycleOf(op.Instr.Block())
		for _, b := range op.Instr.Parent().Blocks {
			if !loop[b] {
				continue
			}
			if cond, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If); ok && LoopBound(cond, index) == 0 {
				return true
			}
		}
	}
	return false
}
