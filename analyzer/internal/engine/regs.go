package engine

import "slices"

// A regFile is a frame's registers, one per SSA value of its function
// (see fnInfo.slot), held in chunks that the copies of a frame share until
// one of them writes to a chunk: a move writes a register or two of one
// frame, and copying all of a large function's registers for every state
// was most of the search's copying (copy on write, as for frames: see
// state.clone).
type regFile struct {
	chunks [][]value
	own    []bool // own[c]: chunks[c] is this file's alone, written in place
}

// regChunk is the number of registers in a chunk.
const regChunk = 16

// newRegFile returns n registers, none set.
func newRegFile(n int) regFile {
	r := regFile{chunks: make([][]value, (n+regChunk-1)/regChunk), own: make([]bool, (n+regChunk-1)/regChunk)}
	for c := range r.chunks {
		r.chunks[c] = make([]value, min(regChunk, n-c*regChunk))
		r.own[c] = true
	}
	return r
}

// get returns register i, nil if never set.
func (r *regFile) get(i int) value { return r.chunks[i/regChunk][i%regChunk] }

// set sets register i to v, copying its chunk first if it is shared.
func (r *regFile) set(i int, v value) {
	c := i / regChunk
	if !r.own[c] {
		r.chunks[c] = slices.Clone(r.chunks[c])
		r.own[c] = true
	}
	r.chunks[c][i%regChunk] = v
}

// share returns a copy of r that shares r's chunks; r must not be written
// in place afterwards (its frame is shared: see frame.copy).
func (r *regFile) share() regFile {
	return regFile{chunks: slices.Clone(r.chunks), own: make([]bool, len(r.own))}
}

// all calls yield with each register's index and value, in order.
func (r *regFile) all(yield func(int, value)) {
	for c, ch := range r.chunks {
		for j, v := range ch {
			yield(c*regChunk+j, v)
		}
	}
}
