package engine

import (
	"go/token"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// An object is something the root made that goroutines can share: a cell
// (the memory of an Alloc), a channel, or a context.
type object struct {
	kind objKind
	site ssa.Value // what made it, for messages
	// escaped: code the model cannot see may hold a reference to it, and
	// so may operate on it at any time.
	escaped bool
	v       value // a cell's contents
	// a channel's buffer size, buffered values and whether it is closed
	cap    int
	buf    []value
	closed bool
	isDone bool // a context's done channel: only ever closed
	// a context's done channel (-1: never done), and its children
	done     int
	children []int
	// timerProc: for a time.Timer or Ticker cell, its timer process
	timerProc int
	// a map's entries at constant keys (by keyOf), and whether it may
	// hold others (stored at keys the model does not know)
	entries map[string]value
	keys    map[string]value // the key of each entry, by its keyOf
	lossy   bool
	// lostKeys: keys holding references stored at entries the model does
	// not keep; they escape with the map
	lostKeys []value
	// nonEmpty: the map is known to hold an entry (one was stored and none
	// may have been deleted since), at a key known or not
	nonEmpty bool
	// owner is the state that may change the object in place; nil once
	// states share it (copy on write, as frames are: see mobj).
	owner *state
}

type objKind uint8

const (
	cellObj objKind = iota
	chanObj
	ctxObj
	mapObj
)

// A syncObj is the state of a mutex, read-write mutex, wait group, Once or
// condition variable, keyed by its address (see addrKey).
type syncObj struct {
	holder  int // a Mutex's or RWMutex's writer: process index, -1 if none
	readers int // an RWMutex's readers
	count   int // a WaitGroup's counter
	done    bool
	waiters []int // processes waiting on a Cond, in order
	lost    bool  // a WaitGroup's count is not known
	ctx     int   // an errgroup's context, cancelled by Wait; -1 if none
}

// A process is a goroutine of the model: the root, one a go statement
// started, or a timer that fires once (or a ticker, repeatedly).
type process struct {
	frames []*frame
	start  ssa.Instruction // the go statement or call that started it; nil for the root
	fn     *ssa.Function   // the function it started running
	// ready: between operations, its next step is to run on to the next
	// one (a new goroutine, or one a partner's operation released).
	ready bool
	done  bool
	exit  token.Pos // where it returned
	// waiting: blocked in Cond.Wait; woken: signalled since, and now
	// waiting for the lock.
	waiting, woken bool
	timer          *timer
	// onExit: the WaitGroup (or errgroup) whose Done the process calls
	// when it returns (WaitGroup.Go, errgroup's Go), "" if none.
	onExit string
}

// atOperation reports whether the process is stopped at an operation (not
// returned, not ready to run on, not a timer).
func (p *process) atOperation() bool {
	return !p.done && !p.ready && p.timer == nil && len(p.frames) > 0
}

// A timer is a process that does one thing once, at a time the model does
// not know: send on a channel (time.After, NewTimer), cancel a context
// (WithTimeout), start a function (AfterFunc); a ticker sends repeatedly.
type timer struct {
	ch       int   // channel it sends on, -1 if none
	ctx      int   // context it cancels, -1 if none
	fn       value // function it runs
	periodic bool
}

// A frame is a function's activation: its registers, its place and its
// deferred calls.
type frame struct {
	fn     *ssa.Function
	info   *fnInfo
	regs   regFile
	block  int
	pc     int
	pred   int // the block this one was entered from, for phis
	defers []deferred
	visits []uint8 // per block: times entered, for the loop bound
	// owner is the state that may change the frame in place; nil once
	// states share it (copy on write: see clone and topFrame).
	owner *state
}

// copy returns a copy of f that shares nothing it may change.
func (f *frame) copy() *frame {
	g := *f
	g.regs = f.regs.share()
	g.defers = slices.Clone(f.defers)
	g.visits = slices.Clone(f.visits)
	return &g
}

type deferred struct {
	call *ssa.CallCommon
	fn   value
	args []value
}

// A state of the search: the processes, the objects and what the path to
// it assumed of the symbols.
type state struct {
	procs []*process
	objs  []*object
	syncs map[string]*syncObj
	// facts: the truth assumed of boolean symbols; bounds: the range
	// assumed of integer symbols, inclusive.
	facts  layered[bool]
	bounds layered[[2]int64]
	trace  []event // the witness: what happened on the path, not hashed
	// imprecise: the path took a branch on data that others may change
	// behind the model's back (see volatile); its end states are not
	// reported.
	imprecise bool
	// env: code outside the model moved on the path (an escaped channel
	// was ready): the root's caller, not the root, answers for a root
	// blocked after that.
	env bool
	// clamp: the constant a counted loop was cut short of (see branch).
	clamp int64
}

// An event of the witness: process proc did what at pos.
type event struct {
	proc int
	pos  token.Pos
	what string
}

func (s *state) clone() *state {
	c := &state{
		procs:  make([]*process, len(s.procs)),
		objs:   make([]*object, len(s.objs)),
		syncs:  make(map[string]*syncObj, len(s.syncs)),
		facts:  s.facts.clone(),
		bounds: s.bounds.clone(),
		trace:  s.trace[:len(s.trace):len(s.trace)],

		imprecise: s.imprecise,
		env:       s.env,
		clamp:     s.clamp,
	}
	for i, p := range s.procs {
		q := *p
		// The frames are shared, and copied by the first state that
		// changes one (see topFrame): a move changes the innermost frame
		// of one process, and the rest of a state stays as it was.
		q.frames = slices.Clone(p.frames)
		for _, f := range p.frames {
			f.owner = nil
		}
		if p.timer != nil {
			t := *p.timer
			q.timer = &t
		}
		c.procs[i] = &q
	}
	// The objects are shared too, and copied by the first state that
	// changes one (see mobj).
	copy(c.objs, s.objs)
	for _, o := range s.objs {
		o.owner = nil
	}
	for k, o := range s.syncs {
		p := *o
		p.waiters = slices.Clone(o.waiters)
		c.syncs[k] = &p
	}
	return c
}

func (s *state) note(proc int, pos token.Pos, what string) {
	s.trace = append(s.trace, event{proc, pos, what})
}

// hash returns the state's canonical encoding: equal for states that
// behave the same from here on (the visit counts of loops aside). size is
// the length of an encoding like it (the last one made), to which the
// builders grow at once instead of in steps.
func (s *state) hash(size int) string {
	var b strings.Builder
	b.Grow(size)
	for _, p := range s.procs {
		b.WriteByte('P')
		for _, f := range [...]bool{p.ready, p.done, p.waiting, p.woken} {
			encBool(&b, f)
		}
		b.WriteString(p.onExit + "|")
		for _, f := range p.frames {
			encFrame(&b, f)
		}
	}
	for _, o := range s.objs {
		encObject(&b, o)
	}
	for _, k := range sortedKeys(s.syncs) {
		o := s.syncs[k]
		b.WriteString("S" + k + ":")
		for _, n := range [...]int{o.holder, o.readers, o.count} {
			encInt(&b, int64(n))
			b.WriteByte(',')
		}
		encBool(&b, o.done)
		encBool(&b, o.lost)
		encInts(&b, o.waiters)
	}
	b.WriteByte('I')
	encBool(&b, s.imprecise)
	encBool(&b, s.env)
	encInt(&b, s.clamp)
	// Symmetry reduction: the fresh symbols (call results, received
	// values) are renamed in the order they appear, so that states equal
	// but for which iteration made a value are one; what the path assumed
	// of a symbol no longer held anywhere is dropped.
	names := make(map[string]string)
	var a strings.Builder
	a.Grow(size)
	renameInto(&a, b.String(), func(k string) string {
		if n, ok := names[k]; ok {
			return n
		}
		names[k] = joinKey("#", len(names))
		return names[k]
	})
	rename := func(k string) (string, bool) {
		ok := true
		r := renameFresh(k, func(x string) string {
			n, found := names[x]
			ok = ok && found
			return n
		})
		return r, ok
	}
	var assumed []string
	for k, v := range s.facts.all() {
		if r, ok := rename(k); ok {
			t := "=f"
			if v {
				t = "=t"
			}
			assumed = append(assumed, "A"+r+t)
		}
	}
	for k, v := range s.bounds.all() {
		if r, ok := rename(k); ok {
			assumed = append(assumed, joinKey("B", r, "=", v[0], ",", v[1]))
		}
	}
	slices.Sort(assumed)
	for _, x := range assumed {
		a.WriteString(x)
	}
	return a.String()
}

// encFrame appends a frame's part of the state's encoding: its place, its
// live registers and its deferred calls.
func encFrame(b *strings.Builder, f *frame) {
	b.WriteByte('F')
	encPtr(b, f.fn)
	for _, n := range [...]int{f.block, f.pc, f.pred} {
		b.WriteByte('.')
		encInt(b, int64(n))
	}
	b.WriteByte('[')
	live := f.info.liveAt(f.fn, f.block, f.pc)
	f.regs.all(func(i int, r value) {
		if live.has(i) {
			encInt(b, int64(i))
			b.WriteByte('=')
			encValue(b, r)
			b.WriteByte(',')
		}
	})
	for _, d := range f.defers {
		b.WriteByte('D')
		encPtr(b, d.call)
		b.WriteByte(':')
		encValue(b, d.fn)
		encAll(b, d.args)
	}
	b.WriteByte(']')
}

// encObject appends an object's part of the state's encoding.
func encObject(b *strings.Builder, o *object) {
	b.WriteByte('O')
	encInt(b, int64(o.kind))
	encBool(b, o.escaped)
	encBool(b, o.closed)
	encInt(b, int64(o.done))
	b.WriteByte(':')
	encValue(b, o.v)
	encAll(b, o.buf)
	encInts(b, o.children)
	encBool(b, o.lossy)
	encBool(b, o.nonEmpty)
	encAll(b, o.lostKeys)
	for _, k := range sortedKeys(o.entries) {
		b.WriteString(k + "=")
		encValue(b, o.entries[k])
	}
}

// encInts appends a list of integers.
func encInts(b *strings.Builder, ns []int) {
	b.WriteByte('[')
	for _, n := range ns {
		encInt(b, int64(n))
		b.WriteByte(' ')
	}
	b.WriteByte(']')
}

// sortedKeys returns m's keys in order, without allocating for an empty
// map.
func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// renameFresh replaces each fresh symbol's key in x (from \x01 to \x02:
// see fresh and result) by what name returns for it.
func renameFresh(x string, name func(string) string) string {
	if strings.IndexByte(x, 1) < 0 {
		return x
	}
	var b strings.Builder
	renameInto(&b, x, name)
	return b.String()
}

// renameInto writes renameFresh(x, name) to b.
func renameInto(b *strings.Builder, x string, name func(string) string) {
	for {
		i := strings.IndexByte(x, 1)
		if i < 0 {
			b.WriteString(x)
			return
		}
		j := strings.IndexByte(x[i:], 2)
		if j < 0 {
			b.WriteString(x)
			return
		}
		b.WriteString(x[:i])
		b.WriteString(name(x[i : i+j+1]))
		x = x[i+j+1:]
	}
}

// newObj adds an object and returns its index.
func (s *state) newObj(o *object) int {
	o.owner = s
	s.objs = append(s.objs, o)
	return len(s.objs) - 1
}

// mobj returns object id for the caller to change: an object s shares
// with other states is copied first. An object obtained before s is cloned
// must be obtained again to be changed.
func (s *state) mobj(id int) *object {
	o := s.objs[id]
	if o.owner == s {
		return o
	}
	p := *o
	p.buf = slices.Clone(o.buf)
	p.children = slices.Clone(o.children)
	p.entries = maps.Clone(o.entries)
	p.keys = maps.Clone(o.keys)
	p.lostKeys = slices.Clone(o.lostKeys)
	p.owner = s
	s.objs[id] = &p
	return &p
}

// escape marks every object reachable from v as escaped.
func (s *state) escape(v value) {
	refs(v, func(id int) {
		if s.objs[id].escaped {
			return
		}
		o := s.mobj(id)
		o.escaped = true
		s.escape(o.v)
		for _, b := range o.buf {
			s.escape(b)
		}
		for _, v := range o.entries {
			s.escape(v)
		}
		for _, k := range o.lostKeys {
			s.escape(k)
		}
		if o.kind == ctxObj && o.done >= 0 {
			s.escape(refV{obj: o.done})
		}
	})
}

// sync returns the synchronization object at the address key, made on
// first use (a zero Mutex, WaitGroup, Once or Cond is ready to use).
func (s *state) sync(key string) *syncObj {
	o := s.syncs[key]
	if o == nil {
		o = &syncObj{holder: -1, ctx: -1}
		s.syncs[key] = o
	}
	return o
}
