package leaktest

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// labelKey is the pprof label with which Check marks the test's goroutine.
// Its value is the space-separated ids of the checks under way on that
// goroutine (more than one when Check is called twice in one test); every
// goroutine started from it inherits the label, and so on down.
const labelKey = "leaktest"

var (
	marksMu sync.Mutex
	lastID  uint64
	// marks holds, by goroutine id, the ids of the checks under way whose
	// label that goroutine carries, oldest first.
	marks = make(map[uint64][]string)
)

// mark labels the calling goroutine with a new check id, keeping the ids of
// the checks already under way on it, and returns the id and the goroutine's.
func mark() (id string, gid uint64) {
	gid = goroutineID()
	marksMu.Lock()
	lastID++
	id = strconv.FormatUint(lastID, 10)
	marks[gid] = append(marks[gid], id)
	value := strings.Join(marks[gid], " ")
	marksMu.Unlock()
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(labelKey, value)))
	return id, gid
}

// unmark ends check id, begun on goroutine gid, and, if it runs on that
// goroutine (as a test's cleanups do), labels it with the checks still under
// way, or with no label.
func unmark(id string, gid uint64) {
	marksMu.Lock()
	ids := slices.DeleteFunc(marks[gid], func(x string) bool { return x == id })
	if len(ids) == 0 {
		delete(marks, gid)
	} else {
		marks[gid] = ids
	}
	value := strings.Join(ids, " ")
	marksMu.Unlock()
	if goroutineID() != gid {
		return
	}
	ctx := context.Background()
	if value != "" {
		ctx = pprof.WithLabels(ctx, pprof.Labels(labelKey, value))
	}
	pprof.SetGoroutineLabels(ctx)
}

// goroutineID returns the id of the calling goroutine, from the first line
// of its stack dump, "goroutine 18 [running]:".
func goroutineID() uint64 {
	var buf [64]byte
	rest, _ := strings.CutPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine ")
	idText, _, _ := strings.Cut(rest, " ")
	id, _ := strconv.ParseUint(idText, 10, 64)
	return id
}

// A record is one entry of a goroutine or goroutineleak profile written with
// debug=1: count goroutines with the same stack and labels.
type record struct {
	count  int
	labels map[string]string
	funcs  []string // the function of each frame, innermost first
	text   string   // the record as printed
	key    string   // the file:line of its frames but the runtime's, as stackKey
}

// profileRecords returns the records of profile p (debug=1), or nil if the
// toolchain lacks it.
func profileRecords(name string) []record {
	p := pprof.Lookup(name)
	if p == nil {
		return nil
	}
	var b strings.Builder
	if err := p.WriteTo(&b, 1); err != nil {
		return nil
	}
	return parseProfile(b.String())
}

// parseProfile parses the text of a count profile written with debug=1:
//
//	goroutine profile: total 3
//	2 @ 0x47d92e 0x4158ee 0x4dc325 0x483e41
//	# labels: {"leaktest":"7"}
//	#	0x4dc324	main.leak+0x24	/tmp/main.go:11
//
// (runtime/pprof's printCountProfile and printStackRecord). Lines it does not
// know are kept in the text and otherwise ignored.
func parseProfile(text string) []record {
	var recs []record
	var cur *record
	var keys []string
	flush := func() {
		if cur != nil {
			cur.key = strings.Join(keys, "\n")
			cur.text = strings.TrimRight(cur.text, "\n")
			recs = append(recs, *cur)
		}
		cur, keys = nil, nil
	}
	for line := range strings.Lines(text) {
		trimmed := strings.TrimRight(line, "\n")
		if countText, _, ok := strings.Cut(trimmed, " @ "); ok && !strings.HasPrefix(trimmed, "#") {
			if n, err := strconv.Atoi(countText); err == nil {
				flush()
				cur = &record{count: n}
			}
		}
		if cur == nil {
			continue
		}
		cur.text += line
		if l, ok := strings.CutPrefix(trimmed, "# labels: "); ok {
			cur.labels = parseLabels(l)
			continue
		}
		if frame, ok := strings.CutPrefix(trimmed, "#\t"); ok {
			// 0x4dc324	main.leak+0x24	/tmp/main.go:11, the columns
			// padded with more tabs (text/tabwriter)
			fields := strings.FieldsFunc(frame, func(r rune) bool { return r == '\t' })
			if len(fields) < 3 {
				continue
			}
			fn := fields[1]
			if i := strings.LastIndex(fn, "+0x"); i >= 0 {
				fn = fn[:i]
			}
			cur.funcs = append(cur.funcs, fn)
			if !isRuntimeFunc(fn) {
				keys = append(keys, strings.TrimSpace(fields[len(fields)-1]))
			}
		}
	}
	flush()
	return recs
}

// parseLabels parses runtime/pprof's printing of a label set,
// {"k1":"v1", "k2":"v2"}, with Go-quoted keys and values.
func parseLabels(s string) map[string]string {
	labels := make(map[string]string)
	s = strings.TrimPrefix(s, "{")
	for s != "" && s != "}" {
		k, rest, ok := quoted(s)
		if !ok {
			break
		}
		rest, ok = strings.CutPrefix(rest, ":")
		if !ok {
			break
		}
		v, rest, ok := quoted(rest)
		if !ok {
			break
		}
		labels[k] = v
		s = strings.TrimPrefix(rest, ", ")
	}
	return labels
}

// quoted unquotes the Go string literal at the start of s and returns the
// rest of s.
func quoted(s string) (value, rest string, ok bool) {
	lit, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", s, false
	}
	value, err = strconv.Unquote(lit)
	return value, s[len(lit):], err == nil
}

// isRuntimeFunc reports whether fn is the Go runtime's: the goroutine dump
// and the profiles hide such frames in different places, so the keys of
// records leave them out.
func isRuntimeFunc(fn string) bool {
	return strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/runtime/")
}

// owns reports whether the goroutines of r carry the label of check id.
func (r record) owns(id string) bool {
	return slices.Contains(strings.Fields(r.labels[labelKey]), id)
}

// has reports whether one of r's frames is in function fn.
func (r record) has(fn string) bool { return slices.Contains(r.funcs, fn) }

// selfFunc is the function whose frame marks the goroutine that runs the
// check in the goroutine profile, so that it does not count itself.
var selfFunc = runtime.FuncForPC(reflect.ValueOf(goroutineRecords).Pointer()).Name()

// goroutineRecords returns the records of the goroutine profile; the record
// of the calling goroutine has its frame.
//
//go:noinline
func goroutineRecords() []record { return profileRecords("goroutine") }

// labelled returns the records of the goroutines running now that carry the
// label of check id, but for the calling goroutine and the ignored ones.
func labelled(id string) []record {
	var mine []record
	self := false
	for _, r := range goroutineRecords() {
		if !r.owns(id) || r.isIgnored() {
			continue
		}
		if !self && r.has(selfFunc) {
			self = true
			if r.count--; r.count == 0 {
				continue
			}
		}
		mine = append(mine, r)
	}
	return mine
}

// isIgnored reports whether r's goroutines are among those the standard
// library keeps for the life of the process.
func (r record) isIgnored() bool {
	return slices.ContainsFunc(ignored, r.has)
}

// total returns the number of goroutines of recs.
func total(recs []record) int {
	n := 0
	for _, r := range recs {
		n += r.count
	}
	return n
}

// findLabelled returns the records of the goroutines of check id, retrying
// with backoff until there are none or d has passed.
func findLabelled(id string, d time.Duration) []record {
	deadline := time.Now().Add(d)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		leaks := labelled(id)
		left := time.Until(deadline)
		if len(leaks) == 0 || left <= 0 {
			return leaks
		}
		time.Sleep(min(wait, left))
	}
}

// reportLabelled describes the goroutines of check id left running: their
// records in the goroutine dump, which give each one's id, state and creator,
// and, where the goroutineleak profile exists, how many the garbage collector
// proved leaked, with "(leaked)" in their state.
func reportLabelled(id string, leaks []record, d time.Duration) string {
	// The goroutineleak profile, which carries labels, counts the test's
	// proven leaks by stack.
	var proven map[string]int
	if leakRecs := profileRecords("goroutineleak"); pprof.Lookup("goroutineleak") != nil {
		proven = make(map[string]int)
		for _, r := range leakRecs {
			if r.owns(id) {
				proven[r.key] += r.count
			}
		}
	}
	// The profile and the dump are two snapshots: a goroutine may have moved
	// on between them. Take both again, a few times, until they agree.
	dumped := dumpByKey()
	for range 3 {
		if matched(leaks, dumped) {
			break
		}
		if now := labelled(id); len(now) > 0 {
			leaks = now
		}
		dumped = dumpByKey()
	}

	var b strings.Builder
	fmt.Fprintf(&b, "leaktest: %d goroutine(s) started by this test still running %v after it ended", total(leaks), d)
	if proven != nil {
		n := 0
		for _, r := range leaks {
			n += min(r.count, proven[r.key])
		}
		if n > 0 {
			fmt.Fprintf(&b, "; the garbage collector proved %d of them leaked, blocked forever on channels "+
				"or locks that nothing else can reach (goroutineleak profile; their state says \"leaked\")", n)
		} else {
			b.WriteString("; the garbage collector proved none of them blocked forever (goroutineleak profile)")
		}
	}
	b.WriteString(":\n")
	for _, r := range leaks {
		// Goroutines of another test may have the same stack: the dump
		// cannot tell them apart, and shows any of them.
		gs := dumped[r.key]
		n := min(r.count, len(gs))
		p := min(n, proven[r.key])
		for i, g := range gs[:n] {
			stack := g.stack
			if i < p {
				stack = markLeaked(stack)
			}
			fmt.Fprintf(&b, "\n%s\n", stack)
		}
		dumped[r.key] = gs[n:]
		if n < r.count {
			fmt.Fprintf(&b, "\n%s\n", r.text)
		}
	}
	return b.String()
}

// dumpByKey returns the records of the goroutine dump by stackKey.
func dumpByKey() map[string][]goroutine {
	dumped := make(map[string][]goroutine)
	for _, g := range dump() {
		k := stackKey(g.stack)
		dumped[k] = append(dumped[k], g)
	}
	return dumped
}

// matched reports whether the dump has a record for each goroutine of recs.
func matched(recs []record, dumped map[string][]goroutine) bool {
	need := make(map[string]int)
	for _, r := range recs {
		need[r.key] += r.count
	}
	for k, n := range need {
		if len(dumped[k]) < n {
			return false
		}
	}
	return true
}

// markLeaked writes "(leaked)" after the wait reason in the first line of a
// goroutine's record, as the runtime does for a goroutine that the last leak
// detection found leaked: "goroutine 7 [chan receive (leaked)]:". The
// runtime forgets the mark at the next garbage collection, which may come
// between the goroutineleak profile and the dump.
func markLeaked(stack string) string {
	header, rest, _ := strings.Cut(stack, "\n")
	open := strings.Index(header, "[")
	if open < 0 || strings.Contains(header, "(leaked)") {
		return stack
	}
	end := strings.IndexAny(header[open:], ",]")
	if end < 0 {
		return stack
	}
	end += open
	return header[:end] + " (leaked)" + header[end:] + "\n" + rest
}

// stackKey returns the key of a record of the goroutine dump that
// parseProfile gives the profile record of the same goroutine: the file:line
// of each frame, innermost first, leaving out the runtime's frames and the
// "created by" line.
func stackKey(stack string) string {
	var keys []string
	lines := strings.Split(stack, "\n")
	for i := 1; i+1 < len(lines); i++ { // lines[0] is "goroutine N [state]:"
		fn, loc := lines[i], lines[i+1]
		if !strings.HasPrefix(loc, "\t") || strings.HasPrefix(fn, "\t") {
			continue
		}
		i++
		if strings.HasPrefix(fn, "created by ") {
			break
		}
		if p := strings.LastIndex(fn, "("); p > 0 {
			fn = fn[:p]
		}
		if isRuntimeFunc(fn) {
			continue
		}
		loc = strings.TrimSpace(loc)
		if sp := strings.LastIndex(loc, " +0x"); sp >= 0 {
			loc = loc[:sp]
		}
		keys = append(keys, loc)
	}
	return strings.Join(keys, "\n")
}
