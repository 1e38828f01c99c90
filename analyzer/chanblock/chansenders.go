package chanblock

import (
	"fmt"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// A sender is a goroutine, started once by the channel's maker, that sends
// on the channel at most n times on any path.
type sender struct {
	start ssa.Instruction
	last  protocol.Op // its last send
	n     int
}

// checkSenders reports the sends of several goroutines, each started once
// by the channel's maker outside loops, that together may send more values
// than the maker receives before it returns, plus the buffer: the
// goroutine that loses the race blocks forever (kubeadm's
// WaitForKubeletAndFunc, kubernetes#85017: a health check that sends only
// on failure and the function's own result, received once). It runs when
// no goroutine alone sends too many (see checkReceivers).
func (s *checker) checkSenders(ch *chanInfo, senders map[ssa.Instruction][]protocol.Op, recvs []protocol.Op, looped bool) {
	owner := ch.at.Parent()
	var all []sender
	for start, sends := range senders {
		if start.Block() == nil || start.Parent() != owner || protocol.InLoop(start.Block(), ch.at.Block()) {
			return // a goroutine started elsewhere, or many times: we cannot count
		}
		if slices.ContainsFunc(ch.ops, func(op protocol.Op) bool { return op.Start == start && op.Kind != protocol.Send }) ||
			slices.ContainsFunc(sends, func(op protocol.Op) bool { return op.Optional || op.Sync }) {
			return // it receives or closes too, or can give up sending
		}
		n := s.sendsOnAPath(start, sends)
		if n >= protocol.Many {
			return
		}
		last := sends[0]
		for _, op := range sends {
			if op.Instr.Pos() > last.Instr.Pos() {
				last = op
			}
		}
		all = append(all, sender{start, last, n})
	}
	if len(all) < 2 || looped {
		return
	}
	slices.SortFunc(all, func(a, b sender) int { return int(a.start.Pos() - b.start.Pos()) })
	for _, r := range recvs {
		if lifecycle.Reaches(all[0].start, r.Instr) && lifecycle.Reaches(r.Instr, all[len(all)-1].start) {
			return // a receive between the starts (start, wait, start again): we do not count
		}
	}
	blocks, edges := raceWeights(all, recvs)
	excess, ret := protocol.MostExcess(owner, blocks, edges)
	if ret == nil || excess <= ch.buf {
		return
	}
	total, every := 0, true
	for _, sd := range all {
		total += sd.n
		every = every && runsBefore(sd.start, all[len(all)-1].start)
	}
	got := total - excess
	race := fmt.Sprintf("%d goroutines may send %d values and %s receives %d", len(all), total, s.FuncName(owner), got)
	returns := lifecycle.Related(protocol.ReturnPos(ret), fmt.Sprintf("%s returns here after receiving %d of %d values", s.FuncName(owner), got, total))
	if !every { // some start on some paths only: the path's counts
		race = fmt.Sprintf("the goroutines started on one path may send %d more values than %s receives", excess, s.FuncName(owner))
		returns = lifecycle.Related(protocol.ReturnPos(ret), fmt.Sprintf("%s returns here with %d values unreceived", s.FuncName(owner), excess))
	}
	for _, sd := range all {
		d := analysis.Diagnostic{
			Pos: s.opPos(sd.last),
			Message: fmt.Sprintf("%s blocks forever if it loses the race: %s; make %s with a buffer of %d",
				s.opWhat(sd.last, ch), race, ch.name, total),
			Related: []analysis.RelatedInformation{returns, lifecycle.Related(sd.start.Pos(), "the goroutine starts here"), lifecycle.Related(ch.make.Pos(), ch.name+" is made here")},
		}
		s.reportOpDiag(sd.last, d)
	}
}

// raceWeights weighs the owner's paths for MostExcess: each start adds
// the values its goroutine may send, each receive takes one away (a
// select's on the edge that takes its case).
func raceWeights(all []sender, recvs []protocol.Op) (map[*ssa.BasicBlock]int, map[protocol.Edge]int) {
	blocks := make(map[*ssa.BasicBlock]int)
	edges := make(map[protocol.Edge]int)
	for _, sd := range all {
		blocks[sd.start.Block()] += sd.n
	}
	for _, r := range recvs {
		if sel, ok := r.Instr.(*ssa.Select); ok && r.Optional {
			if e, ok := protocol.CaseEdge(sel, r.SelIndex); ok {
				edges[e]--
			}
			continue
		}
		blocks[r.Instr.Block()]--
	}
	return blocks, edges
}

// runsBefore reports whether a runs before b on every path to b: in a
// block that dominates b's, or earlier in the same block.
func runsBefore(a, b ssa.Instruction) bool {
	if a.Block() != b.Block() {
		return a.Block().Dominates(b.Block())
	}
	return slices.Index(a.Block().Instrs, a) <= slices.Index(b.Block().Instrs, b)
}
