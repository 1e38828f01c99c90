package chanblock

import (
	"fmt"
	"go/token"
	"go/types"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/ssa"
)

// A fieldChan gathers what the package does with the channels kept in one
// unexported struct field: every load of the field is followed like a
// local channel, every store must be a make (or nil).
type fieldChan struct {
	field   *types.Var
	ops     []protocol.Op
	unknown bool // a use the analysis cannot follow
	// outRecv: code outside the package may receive from it (an exported
	// accessor returns it receive-only).
	outRecv bool
	// bufs are the buffer sizes of the channels stored in the field (-1: not
	// a constant).
	bufs []int
	// stored: some store puts a value in the field (nil too).
	stored bool
	// followed holds the values whose operations are collected.
	followed map[ssa.Value]bool
}

// checkFieldChans reports the blocking operations on channels kept in
// unexported fields of the package's structs that nothing in the package
// can ever complete: a receive from a field nothing sends on or closes, a
// send on a field of unbuffered channels nothing receives from.
func (s *checker) checkFieldChans() {
	fields := make(map[*types.Var]*fieldChan)
	var order []*fieldChan
	get := func(f *types.Var) *fieldChan {
		fc := fields[f]
		if fc == nil {
			fc = &fieldChan{field: f}
			fields[f] = fc
			order = append(order, fc)
		}
		return fc
	}
	for _, fn := range s.Funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				switch in := in.(type) {
				case *ssa.FieldAddr:
					if f := obligation.FieldOf(in); s.ChanField(f) {
						s.fieldAddrUses(get(f), in)
					}
				case *ssa.Field:
					st, ok := in.X.Type().Underlying().(*types.Struct)
					if !ok {
						continue
					}
					if f := st.Field(in.Field).Origin(); s.ChanField(f) {
						s.followField(get(f), in)
					}
				}
			}
		}
	}
	if len(order) == 0 || !s.HasAllTests() {
		return
	}
	for _, fc := range order {
		if !fc.unknown && len(fc.bufs) == 0 && !fc.stored {
			s.checkNeverMade(fc)
		}
		if fc.unknown || len(fc.bufs) == 0 {
			continue // never assigned a channel made here
		}
		var send, recv, closed bool
		for _, op := range fc.ops {
			send = send || op.Kind == protocol.Send || op.Kind == protocol.Close
			recv = recv || op.Kind == protocol.Recv
			closed = closed || op.Kind == protocol.Close
		}
		name := fc.field.Name()
		s.checkLockWaits(fc.ops, "field "+name, allUnbuffered(fc.bufs))
		if op, ok := selfClosedRange(fc.ops); ok {
			s.reportChanOp(op, fmt.Sprintf("range over %s never ends: the only close of field %s runs in this goroutine, after the range; close %s when its owner stops (its Close method), or leave the loop when the context is done", name, name, name))
			continue
		}
		if !closed && !fc.outRecv {
			if op, ok := drainingOp(fc.ops); ok {
				s.reportChanOp(op, fmt.Sprintf("range over field %s never ends: nothing in the package closes %s; close it when its owner stops (its Close method)", name, name))
				continue
			}
		}
		switch {
		case !send:
			for _, op := range fc.ops {
				if op.Kind == protocol.Recv && !op.Optional {
					s.reportChanOp(op, fmt.Sprintf("receive from field %s blocks forever: nothing in the package sends on %s or closes it", name, name))
				}
			}
		case !recv && !fc.outRecv && (allUnbuffered(fc.bufs) || !closed):
			msg := fmt.Sprintf("send on field %s blocks forever: nothing in the package receives from %s", name, name)
			if !allUnbuffered(fc.bufs) {
				msg = fmt.Sprintf("send on field %s blocks forever once its buffer is full: nothing in the package receives from %s", name, name)
			} else if closed {
				msg = fmt.Sprintf("send on field %s never completes: nothing in the package receives from %s, and closing it makes the send panic", name, name)
			}
			for _, op := range fc.ops {
				if op.Kind == protocol.Send && !op.Optional {
					s.reportChanOp(op, msg)
				}
			}
		case !closed && allUnbuffered(fc.bufs) && !fc.outRecv:
			s.checkStoppedLoop(fc)
		}
	}
}

// checkStoppedLoop reports the sends on an unbuffered channel field whose
// only receiver is a select in the loop of one goroutine that the loop can
// leave (on a stop channel, a context, a condition): a send outside a
// select after the loop has returned blocks forever (etcd#6857's Status,
// istio#17860's runWait).
func (s *checker) checkStoppedLoop(fc *fieldChan) {
	var loop *ssa.Function
	var recv protocol.Op
	for _, op := range fc.ops {
		if op.Kind != protocol.Recv {
			continue
		}
		if _, ok := op.Instr.(*ssa.Select); !ok || !op.Optional || op.Callee != nil || (loop != nil && op.Instr.Parent() != loop) || !protocol.InLoop(op.Instr.Block(), nil) {
			return
		}
		loop, recv = op.Instr.Parent(), op
	}
	if loop == nil || len(s.CallsOf(loop)) > 0 || protocol.CaseLeaves(recv.Instr.(*ssa.Select), recv.SelIndex) {
		return // no receiver, one run in place, or the loop's stop signal
	}
	exit := stopCaseExit(recv.Instr.(*ssa.Select))
	if exit == nil {
		return // the loop leaves on no stop signal: a count of its own, perhaps (every sender gone)
	}
	name := fc.field.Name()
	for _, op := range fc.ops {
		if op.Kind == protocol.Send && !op.Optional && op.Instr.Parent() != loop && op.Callee == nil {
			s.reportChanOp(op, fmt.Sprintf("send on field %s blocks forever once %s has returned: its loop is %s's only receiver; select on a channel closed when the loop returns around the send", name, s.FuncName(loop), name),
				lifecycle.Related(protocol.ReturnPos(exit), s.FuncName(loop)+" returns here, and nothing receives from "+name+" any more"))
		}
	}
}

// stopCaseExit returns the return that a stop signal leads the loop of
// sel to: another receive case of sel that always leaves the loop (`case
// <-n.stop: return`, `case <-ctx.Done(): return`), or nil.
func stopCaseExit(sel *ssa.Select) *ssa.Return {
	for i, st := range sel.States {
		if st.Dir != types.RecvOnly || !protocol.CaseLeaves(sel, i) {
			continue
		}
		e, _ := protocol.CaseEdge(sel, i)
		if ret := exitReturn(sel.Parent(), e); ret != nil {
			return ret
		}
	}
	return nil
}

// checkNeverMade reports the blocking operations on a channel field that
// nothing in the package ever assigns: it is nil in every value of the
// struct, and an operation outside a select blocks forever.
func (s *checker) checkNeverMade(fc *fieldChan) {
	name := fc.field.Name()
	built, _ := s.BuiltWithout(fc.field)
	for _, op := range fc.ops {
		if op.Optional || op.Kind == protocol.Close || op.Callee != nil {
			continue
		}
		what := "receive from"
		if op.Kind == protocol.Send {
			what = "send on"
		}
		msg := fmt.Sprintf("%s field %s blocks forever: nothing in the package makes %s, so it is nil; make the channel where the struct is built", what, name, name)
		s.reportChanOp(op, msg, built)
	}
}

func allUnbuffered(bufs []int) bool {
	for _, n := range bufs {
		if n != 0 {
			return false
		}
	}
	return len(bufs) > 0
}

// fieldAddrUses follows the loads of the field at fa and checks its stores.
func (s *checker) fieldAddrUses(fc *fieldChan, fa *ssa.FieldAddr) {
	for _, ref := range *fa.Referrers() {
		switch ref := ref.(type) {
		case *ssa.UnOp:
			if ref.Op != token.MUL {
				fc.unknown = true
				continue
			}
			s.followField(fc, ref)
		case *ssa.Store:
			fc.stored = true
			switch v := lifecycle.MadeChan(ref.Val).(type) {
			case *ssa.MakeChan:
				fc.bufs = append(fc.bufs, s.BufSize(v))
				s.followField(fc, v) // its uses before (and besides) the store
			case *ssa.Const: // nil
			default:
				fc.unknown = true // a channel made elsewhere
			}
			if ref.Addr != fa {
				fc.unknown = true
			}
		case *ssa.DebugRef:
		default:
			fc.unknown = true // &x.f handed on
		}
	}
}

// followField collects the operations on a value loaded from the field
// (or made to be stored there).
func (s *checker) followField(fc *fieldChan, v ssa.Value) {
	if fc.unknown || fc.followed[v] {
		return
	}
	if fc.followed == nil {
		fc.followed = make(map[ssa.Value]bool)
	}
	fc.followed[v] = true
	w := lifecycle.NewChanWalk(&s.Sums)
	w.Accessors, w.Field = s.State, fc.field
	w.Value(v, lifecycle.WalkCtx{})
	fc.ops = append(fc.ops, w.Ops...)
	fc.unknown = fc.unknown || w.Escapes
	fc.outRecv = fc.outRecv || w.OutRecv
}

// selfClosedRange returns a range over the field's channel (a comma-ok
// receive in a loop: whatever else ends the loop needs a value first)
// whose goroutine holds every close of the channel, each after the range: deferred, or where the loop cannot come back to (minio-go's
// GetObject, #1681: `defer close(reqCh)` in the goroutine that ranges over
// reqCh, which Close never closes). Such a close cannot end the range.
func selfClosedRange(ops []protocol.Op) (protocol.Op, bool) {
	for _, op := range ops {
		if op.Kind != protocol.Recv || !op.CommaOk || op.Callee != nil || !protocol.InLoop(op.Instr.Block(), nil) {
			continue // not a range (or a comma-ok receive loop)
		}
		closes, after := 0, true
		for _, c := range ops {
			if c.Kind != protocol.Close {
				continue
			}
			closes++
			after = after && c.Start == op.Start && c.Instr.Parent() == op.Instr.Parent() && closesAfter(c.Instr, op.Instr)
		}
		if closes > 0 && after {
			return op, true
		}
	}
	return protocol.Op{}, false
}

// closesAfter reports whether the close at c runs only once the loop
// around the receive recv is over: deferred, or in a block recv's block
// dominates and from which no path leads back to recv.
func closesAfter(c, recv ssa.Instruction) bool {
	if _, ok := c.(*ssa.Defer); ok {
		return true
	}
	return recv.Block().Dominates(c.Block()) && !lifecycle.Reaches(c, recv)
}

// drainingOp returns an operation that ends only when the channel is
// closed (a range, a receive loop with no other way out), in a goroutine's
// own body, if any.
func drainingOp(ops []protocol.Op) (protocol.Op, bool) {
	for _, op := range ops {
		if op.Drains && op.Callee == nil {
			return op, true
		}
	}
	return protocol.Op{}, false
}
