package gostop

import (
	"fmt"
	"slices"

	"github.com/golifecheck/golifecheck/analyzer/internal/lifecycle"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// checkContracts reports the values a function makes whose methods start
// a goroutine with a stop contract (see stopContract) and that the
// function never stops: no stop method is called on them, and they do
// not leave the function.
func (s *checker) checkContracts(fn *ssa.Function) {
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Alloc:
				s.checkLocalValue(fn, in)
			case *ssa.Call:
				s.checkCtorCall(fn, in)
				s.checkStartCall(fn, in)
			}
		}
	}
}

// checkLocalValue checks a local variable (or composite literal) alloc:
// its fields are assigned channels made here, it is used only as the
// receiver of the type's methods, and one of them (Start), or a go
// statement of the function, starts a goroutine that only a stop method
// the function never calls can stop.
func (s *checker) checkLocalValue(fn *ssa.Function, alloc *ssa.Alloc) {
	u := s.ValueUses(alloc, false)
	if !u.Ok {
		return
	}
	c := s.StartedContract(u) // go v.loop() here
	var start ssa.CallInstruction
	for _, call := range u.Calls {
		if c != nil {
			break
		}
		if c = s.ContractOf(call.Common().StaticCallee()); c != nil {
			start = call // v.Start()
		}
	}
	if c == nil || !u.Made[c.Field] || u.Read[c.Field] {
		return
	}
	var discharges []ssa.CallInstruction
	for _, call := range u.Calls {
		if c.StoppedBy(call) {
			discharges = append(discharges, call)
		}
	}
	from := ssa.Instruction(alloc)
	if start != nil {
		from = start
	}
	if obligation.OnEveryPath(from, discharges) {
		return
	}
	name := s.AssignedTo(alloc.Pos())
	if name == "" {
		name = alloc.Comment
	}
	stop := c.Stoppers[0].Name()
	d := analysis.Diagnostic{Pos: c.Start}
	by := "here"
	if start != nil {
		by = "by " + name + "." + start.Common().StaticCallee().Name()
		d.Pos = start.Pos()
		if call, ok := start.(*ssa.Call); ok {
			d.Pos = s.CallStart(call)
		}
		d.Related = append(d.Related, lifecycle.Related(c.Start, "the goroutine starts here"))
	}
	if c.Waits.IsValid() {
		d.Related = append(d.Related, lifecycle.Related(c.Waits, "it waits here for "+c.Field.Name()))
	}
	never := "never calls"
	if len(discharges) > 0 {
		never = "only on some paths calls"
	}
	d.Message = fmt.Sprintf("goroutine started %s never stops: its only way out is field %s, which only %s signals, and %s %s %s.%s; defer %s.%s()",
		by, c.Field.Name(), stop, s.FuncName(fn), never, name, stop, name, stop)
	s.Report("gostop", d)
}

// checkCtorCall reports a call of a constructor whose result must be
// stopped (by its contract, or its mustStop fact for another package's)
// when the caller neither stops the result nor lets it go.
func (s *checker) checkCtorCall(fn *ssa.Function, call *ssa.Call) {
	callee := call.Call.StaticCallee()
	if callee == nil {
		return
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	var stops []string
	var c *lifecycle.StopContract
	if mc, ok := s.knownMustCall(callee, call); ok {
		s.checkMustCall(fn, call, callee, mc)
		return
	}
	if s.checkMustRead(call, callee) {
		return
	}
	if callee.Pkg == s.Pkg {
		if c = s.CtorContract(callee); c == nil {
			return
		}
		for _, stop := range c.Stoppers {
			stops = append(stops, stop.Name())
		}
	} else if stops = s.Sums.Of(callee).MustStop; len(stops) == 0 {
		return
	}
	result := ssa.Value(call)
	if call.Call.Signature().Results().Len() > 1 {
		result = nil
		for _, ref := range *call.Referrers() {
			if ex, ok := ref.(*ssa.Extract); ok && ex.Index == 0 {
				result = ex
			}
		}
		if result == nil {
			return // discarded: nothing can stop it either, but say nothing
		}
	}
	u := s.ValueUses(result, false)
	if !u.Ok {
		return // it goes where a stop method may be called
	}
	var discharges []ssa.CallInstruction
	for _, other := range u.Calls {
		if callee := other.Common().StaticCallee(); callee != nil && slices.Contains(stops, callee.Name()) {
			discharges = append(discharges, other)
		}
	}
	if obligation.OnEveryPath(call, discharges) {
		return
	}
	name := s.AssignedTo(call.Pos())
	if name == "" {
		name = "its result"
	}
	never := "never calls it"
	if len(discharges) > 0 {
		never = "calls it only on some paths"
	}
	d := analysis.Diagnostic{
		Pos: s.CallStart(call),
		Message: fmt.Sprintf("goroutine started by %s never stops: only %s.%s stops it, and %s %s; defer %s.%s()",
			s.FuncName(callee), name, stops[0], s.FuncName(fn), never, name, stops[0]),
	}
	if c != nil {
		d.Related = append(d.Related, lifecycle.Related(c.Start, "the goroutine starts here"))
		if c.Waits.IsValid() {
			d.Related = append(d.Related, lifecycle.Related(c.Waits, "it waits here for "+c.Field.Name()))
		}
	}
	s.Report("gostop", d)
}
