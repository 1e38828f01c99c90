package lifecycle

import (
	"go/types"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"golang.org/x/tools/go/ssa"
)

// fieldAddrs returns the instructions of the package that take the
// address of field f (in its generic form), indexed on first use.
func (s *State) FieldAddrs(f *types.Var) []*ssa.FieldAddr {
	if s.addrs == nil {
		s.addrs = make(map[*types.Var][]*ssa.FieldAddr)
		for _, fn := range s.Funcs {
			for _, b := range fn.Blocks {
				for _, in := range b.Instrs {
					if fa, ok := in.(*ssa.FieldAddr); ok {
						if g := obligation.FieldOf(fa); g != nil {
							s.addrs[g] = append(s.addrs[g], fa)
						}
					}
				}
			}
		}
	}
	return s.addrs[f]
}
