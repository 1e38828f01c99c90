package protocol

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"

	"golang.org/x/tools/go/ssa"
)

// A Closing says on which of a party's paths it closes the channel.
type Closing uint8

const (
	NeverCloses Closing = iota // no path closes it
	ClosesSome                 // some path returns with the channel open
	ClosesEvery                // every path that returns closes it
)

// A Stream summarizes a channel that a function makes, hands to one
// goroutine it starts, and returns: a generator, a pipeline stage, an
// asynchronous result, an iterator. It says what the goroutine does with
// the channel, which is what a caller needs to know to tell whether it may
// stop receiving. The analyzer exports it in a function's fact; its
// exported fields travel between packages.
type Stream struct {
	// Result is the index of the result that carries the channel.
	Result int
	// Sends is the most values the goroutine sends on one path: 1, 2, or
	// Many (a send in a loop).
	Sends int
	// Bound, when not -1, is the parameter (SSA numbering: a receiver is
	// parameter 0) that the goroutine's send loop counts to: a range over
	// its elements, or a loop up to its value. A consumer whose receive
	// loop counts to the same argument receives every value.
	Bound int
	// Buffer is the channel's constant buffer size, -1 if not a constant.
	Buffer int
	// Blocking: some send waits for a receiver and nothing else.
	Blocking bool
	// Stop names the method of the returning function's receiver that
	// ends the goroutine's other sends (an iterator's Stop): each of them
	// selects on a channel that method closes. "" if none.
	Stop string
	// Closes says whether the goroutine closes the channel on every path.
	Closes Closing
	// Forever: the goroutine never returns (a generator without end): a
	// consumer that takes any finite number of values leaves it blocked.
	Forever bool
	// SendAt and LeaveAt locate, as "file.go:line", a send that may block
	// and a return of the goroutine that leaves the channel open, for
	// messages in other packages.
	SendAt, LeaveAt string

	sendPos, leavePos token.Pos // the same, in the package that summarized it
	sendIn            *ssa.Function
	// boundVal is the value, in the frame of the function that starts the
	// goroutine, that its send loop counts to (a local channel's stream:
	// see Producer.Outer).
	boundVal ssa.Value
}

// SendPos and LeavePos return the positions of SendAt and LeaveAt in the
// package that computed the stream (token.NoPos in any other).
func (st *Stream) SendPos() token.Pos  { return st.sendPos }
func (st *Stream) LeavePos() token.Pos { return st.leavePos }

// SendIn returns the function whose send SendPos is (nil in other
// packages).
func (st *Stream) SendIn() *ssa.Function { return st.sendIn }

func (st Stream) String() string {
	s := fmt.Sprintf("stream[%d](sends=%d", st.Result, st.Sends)
	if st.Bound >= 0 {
		s += fmt.Sprintf(",per=%d", st.Bound)
	}
	if st.Buffer != 0 {
		s += fmt.Sprintf(",buf=%d", st.Buffer)
	}
	if st.Stop != "" {
		s += ",stop=" + st.Stop
	}
	if !st.Blocking {
		s += ",select"
	}
	if st.Forever {
		s += ",forever"
	}
	return s + [...]string{",open", ",closes?", ""}[st.Closes] + ")"
}

// A Producer is the goroutine behind a stream, as the analyzer found it.
type Producer struct {
	Body *ssa.Function // the goroutine's function
	Ops  []Op          // every operation on the channel; all in this goroutine
	// Buffer is the buffer size if constant (else -1); BufferBound is the
	// parameter whose length (or value) sizes it (else -1).
	Buffer, BufferBound int
	// Param returns which parameter of the returning function v (a value
	// of Body: a free variable, a parameter) is, or -1.
	Param func(v ssa.Value) int
	// StopCase names the method of the receiver that makes case i of sel
	// ready by closing its channel, or "".
	StopCase func(sel *ssa.Select, i int) string
	// Outer, if set, returns the value of the starting function that a
	// value of Body is (a captured variable), so that a local channel's
	// consumer can compare its loop bound with the producer's.
	Outer func(v ssa.Value) ssa.Value
}

// Summarize returns the stream the producer feeds, or false if no send of
// it can block (each selects on another case, or there is room in the
// buffer for every value) or its operations cannot be counted.
func (p *Producer) Summarize(fset *token.FileSet) (Stream, bool) {
	st := Stream{Buffer: p.Buffer, Bound: -1}
	weights := make(map[*ssa.BasicBlock]int)
	var blocking []Op
	for _, op := range p.Ops {
		switch op.Kind {
		case Recv:
			return st, false // it also receives: not a plain producer
		case Send:
			stop, counts := p.sendStop(op)
			if !counts {
				continue
			}
			if stop != "" {
				if st.Stop != "" && st.Stop != stop {
					return st, false
				}
				st.Stop = stop
			} else {
				st.Blocking = true
			}
			blocking = append(blocking, op)
			switch {
			case op.Instr == op.Start: // go f(ch): f's summary counts its sends
				weights[p.Body.Blocks[0]] += min(op.Weight, Many)
			case op.Sync:
				return st, false // in a closure it calls (a deferred one): not counted
			case op.Weight >= Many || op.Instr.Parent() != p.Body:
				weights[p.Body.Blocks[0]] += Many
			default:
				weights[op.Instr.Block()] += op.Weight
			}
		}
	}
	if len(blocking) == 0 {
		return st, false
	}
	st.Sends = MostOnAPath(p.Body, weights)
	var count ssa.Value
	st.Bound, st.boundVal, count = p.bound(blocking)
	if k, ok := count.(*ssa.Const); ok && k.Value != nil && st.Buffer >= 0 && int64(st.Buffer) >= k.Int64() {
		return st, false // a constant count the buffer holds
	}
	st.Forever = !returns(p.Body)
	if st.Bound >= 0 && st.Bound == p.BufferBound {
		return st, false // a buffer slot for every value
	}
	if st.Buffer >= st.Sends && st.Sends < Many {
		return st, false
	}
	if st.Buffer > 0 && st.Sends >= Many && p.watchesStop(blocking) {
		// Each turn of the send loop also waits on a stop signal (ctx.Done())
		// that ends it: once the consumer signals, at most one more send,
		// which the buffer holds.
		return st, false
	}
	var leave *ssa.Return
	st.Closes, leave = p.closing()
	st.sendPos, st.sendIn = OpPos(blocking[0]), blocking[0].Instr.Parent()
	st.SendAt = at(fset, st.sendPos)
	if leave != nil {
		st.leavePos = ReturnPos(leave)
		st.LeaveAt = at(fset, st.leavePos)
	}
	return st, true
}

// sendStop says whether the send op can block, and if only a Stop method
// can end the wait, which.
func (p *Producer) sendStop(op Op) (stop string, blocks bool) {
	if !op.Optional {
		return "", true
	}
	sel, ok := op.Instr.(*ssa.Select)
	if !ok || !sel.Blocking || p.StopCase == nil {
		return "", false // a default, or a callee's select
	}
	for i, other := range sel.States {
		if i == op.SelIndex {
			continue
		}
		name := p.StopCase(sel, i)
		if other.Dir != types.RecvOnly || name == "" || (stop != "" && name != stop) {
			return "", false // another way out the consumer may take
		}
		stop = name
	}
	return stop, true
}

// watchesStop reports whether the loop around the single send also
// selects on a case that always leaves it.
func (p *Producer) watchesStop(sends []Op) bool {
	if len(sends) != 1 || sends[0].Instr.Parent() != p.Body {
		return false
	}
	loop := CycleOf(sends[0].Instr.Block())
	for _, b := range p.Body.Blocks {
		if !loop[b] {
			continue
		}
		for _, in := range b.Instrs {
			sel, ok := in.(*ssa.Select)
			if !ok {
				continue
			}
			for i, st := range sel.States {
				if st.Dir == types.RecvOnly && CaseLeaves(sel, i) {
					return true
				}
			}
		}
	}
	return false
}

// CaseLeaves reports whether case i of sel always leaves the loop sel is
// in: from its branch, sel cannot be reached again (`case <-stop: return`).
func CaseLeaves(sel *ssa.Select, i int) bool {
	e, ok := CaseEdge(sel, i)
	if !ok {
		return false
	}
	target := e.From.Succs[e.Succ]
	return target != sel.Block() && !Reach(target, func(b *ssa.BasicBlock) []*ssa.BasicBlock { return b.Succs })[sel.Block()]
}

// bound returns the parameter a loop around the single send counts to,
// or -1, (with Outer) the value it counts to in the starter's frame, and
// that value in Body's.
func (p *Producer) bound(sends []Op) (int, ssa.Value, ssa.Value) {
	if len(sends) != 1 || sends[0].Sync || sends[0].Instr.Parent() != p.Body || p.Param == nil {
		return -1, nil, nil
	}
	loop := CycleOf(sends[0].Instr.Block())
	for _, b := range p.Body.Blocks {
		if !loop[b] {
			continue
		}
		cond, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
		if !ok || (loop[b.Succs[0]] && loop[b.Succs[1]]) {
			continue
		}
		var val, raw ssa.Value
		i := LoopBound(cond, func(v ssa.Value) int {
			if raw == nil { // the first candidate: the bound, not the induction variable
				raw = v
				if p.Outer != nil {
					val = p.Outer(v)
				}
			}
			return p.Param(v)
		})
		if i >= 0 || raw != nil {
			return i, val, raw
		}
	}
	return -1, nil, nil
}

// returns reports whether some path of fn ends: reaches a return, a panic
// or a call that does not return (runtime.Goexit runs the defers too).
func returns(fn *ssa.Function) bool {
	for _, b := range fn.Blocks {
		if len(b.Succs) == 0 && (b.Index == 0 || len(b.Preds) > 0) {
			return true
		}
	}
	return false
}

// LoopBound returns what the loop exit cond counts to, as index(v) for
// the value v it compares with (or whose length it compares with), or -1.
func LoopBound(cond *ssa.If, index func(ssa.Value) int) int {
	cmp, ok := cond.Cond.(*ssa.BinOp)
	if !ok {
		return -1
	}
	if t, ok := cmp.X.Type().Underlying().(*types.Basic); !ok || t.Info()&types.IsInteger == 0 {
		return -1 // not a count: err != nil
	}
	switch cmp.Op {
	case token.LSS, token.LEQ, token.GTR, token.GEQ, token.NEQ:
	default:
		return -1
	}
	if !induction(cmp.X) && !induction(cmp.Y) {
		return -1 // v > limit on a received value: not a loop count
	}
	if down(cmp.X) || down(cmp.Y) {
		return -1 // for ; n > 0; n--: the count is where n starts
	}
	for _, v := range []ssa.Value{cmp.Y, cmp.X} { // i < n: the bound is usually Y
		if induction(v) {
			continue
		}
		v = counted(v)
		if i := index(v); i >= 0 {
			return i
		}
	}
	return -1
}

// counted returns what a loop bound v counts: the slice (or map, string)
// of len(x), or v itself.
func counted(v ssa.Value) ssa.Value {
	if call, ok := v.(*ssa.Call); ok {
		if b, ok := call.Call.Value.(*ssa.Builtin); ok && b.Name() == "len" {
			return call.Call.Args[0]
		}
	}
	return v
}

// induction reports whether v can be a loop's induction variable: a phi
// that a constant step advances, that step (i+1), or a load of a
// per-iteration variable (a phi of its copies). An accumulator (sum+v) is
// none.
func induction(v ssa.Value) bool {
	switch v := v.(type) {
	case *ssa.Phi:
		for _, e := range v.Edges {
			if step, ok := e.(*ssa.BinOp); ok && (step.X == v || step.Y == v) && constStep(step) {
				return true
			}
		}
	case *ssa.BinOp:
		_, phi := v.X.(*ssa.Phi)
		return phi && constStep(v)
	case *ssa.UnOp:
		_, phi := v.X.(*ssa.Phi)
		return phi && v.Op == token.MUL
	}
	return false
}

// down reports whether v is an induction variable that counts down.
func down(v ssa.Value) bool {
	switch v := v.(type) {
	case *ssa.Phi:
		for _, e := range v.Edges {
			if step, ok := e.(*ssa.BinOp); ok && (step.X == v || step.Y == v) && constStep(step) {
				return step.Op == token.SUB
			}
		}
	case *ssa.BinOp:
		return constStep(v) && v.Op == token.SUB
	}
	return false
}

// constStep reports whether b adds or subtracts a constant.
func constStep(b *ssa.BinOp) bool {
	_, c := b.Y.(*ssa.Const)
	return c && (b.Op == token.ADD || b.Op == token.SUB)
}

// closing says whether the goroutine closes the channel on every path to
// its returns, and if not, a return it reaches with the channel open.
func (p *Producer) closing() (Closing, *ssa.Return) {
	closes := make(map[*ssa.BasicBlock]bool)
	for _, op := range p.Ops {
		if op.Kind != Close {
			continue
		}
		if op.Instr.Parent() != p.Body {
			return ClosesEvery, nil // in a callee or closure: cannot tell
		}
		closes[op.Instr.Block()] = true // a call or a defer: from there on
	}
	seen := make(map[*ssa.BasicBlock]bool)
	stack := []*ssa.BasicBlock{p.Body.Blocks[0]}
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[b] || closes[b] {
			continue
		}
		seen[b] = true
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok {
			if len(closes) == 0 {
				return NeverCloses, ret
			}
			return ClosesSome, ret
		}
		stack = append(stack, b.Succs...)
	}
	return ClosesEvery, nil
}

// OpPos is where op is: its instruction, or for a select, its case.
func OpPos(op Op) token.Pos {
	if sel, ok := op.Instr.(*ssa.Select); ok && op.SelIndex < len(sel.States) && sel.States[op.SelIndex].Pos.IsValid() {
		return sel.States[op.SelIndex].Pos
	}
	return op.Instr.Pos()
}

// ReturnPos is the position of a return, or of the closing brace of its
// function for the implicit return at its end.
func ReturnPos(ret *ssa.Return) token.Pos {
	if ret.Pos().IsValid() {
		return ret.Pos()
	}
	switch syn := ret.Parent().Syntax().(type) {
	case *ast.FuncDecl:
		return syn.Body.Rbrace
	case *ast.FuncLit:
		return syn.Body.Rbrace
	}
	return ret.Parent().Pos()
}

func at(fset *token.FileSet, pos token.Pos) string {
	if !pos.IsValid() {
		return ""
	}
	p := fset.Position(pos)
	return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
}
