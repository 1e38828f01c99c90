package lifecycle

import (
	"slices"

	"golang.org/x/tools/go/ssa"
)

// reaches reports whether a path leads from instruction a to b.
func Reaches(a, b ssa.Instruction) bool {
	ab := a.Block()
	for i, in := range ab.Instrs {
		if in == a {
			if slices.Contains(ab.Instrs[i+1:], b) {
				return true
			}
			break
		}
	}
	seen := make(map[*ssa.BasicBlock]bool)
	stack := slices.Clone(ab.Succs)
	for len(stack) > 0 {
		blk := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[blk] {
			continue
		}
		seen[blk] = true
		if blk == b.Block() {
			return true
		}
		stack = append(stack, blk.Succs...)
	}
	return false
}
