package lifecycle

import (
	_ "embed"
	"fmt"
	"go/types"
	"os"
	"strconv"
	"strings"
	"sync"
)

// builtinKnowledge is the table of standard-library and third-party API
// behaviour that golifecheck cannot infer from function bodies. Its format is
// documented at its top.
//
//go:embed knowledge.txt
var builtinKnowledge string

// knowledge is the parsed table.
type knowledge struct {
	// cancels maps a function's full name to the indices of its results
	// that the caller must call (the cancel of context.WithCancel).
	cancels map[string][]int
	// doneCtx maps a function's full name to the index of its context
	// result whose being done leaves its cancel nothing to release.
	doneCtx map[string]int
	// launchers maps a function's full name to the arguments (receiver
	// first) that it runs in a new goroutine.
	launchers map[string][]int
	// maybe holds the launchers that may never run their argument (a
	// timer that can be stopped first).
	maybe map[string]bool
	// neverClosed holds the functions whose result, and the struct fields
	// ("time.Ticker.C"), that are channels nobody closes.
	neverClosed map[string]bool
	// stoppedBy maps a function that serves until stopped to the methods
	// that stop it when called on the same receiver (none: unstoppable).
	StoppedBy map[string][]string
	// keeps maps a function's full name to the pairs (result, argument,
	// receiver first) where the result holds on to the argument's context:
	// http.NewRequestWithContext's request keeps its context.
	keeps map[string][][2]int
	// mustCalls maps a function's full name to the methods of which one
	// must be called on its result (runtime.Start's Task: Stop or Wait).
	MustCalls map[string]MustCall
	// mustRead holds the functions whose result, a channel their
	// goroutines send on, must be read (runtime.Pool's results).
	MustRead map[string]bool
	// once holds the functions that run at most once per process, besides
	// main.main and the init functions (runtime.main), and the fields
	// whose function does (cobra.Command.RunE: a command line runs one
	// command).
	Once map[string]bool
	// closedBy maps a method returning a channel to the methods whose call
	// on the same receiver closes it (runtime.Stopper.Stopping: Stop).
	closedBy map[string][]string
	// mustClose maps a function's full name to the result and field that
	// must be closed (net/http.Get: result 0's Body).
	mustClose map[string]MustClose
	// closeFields holds the fields mustClose names (Body).
	closeFields map[string]bool
	// reads maps a function's full name to the arguments it only reads
	// from, neither closing nor keeping them (io.ReadAll: 0).
	reads map[string][]int
	// release holds the methods that end their receiver's life besides
	// Close, Stop, Shutdown and Wait (a pool's Drain).
	release map[string]bool
	// entries are the lines the table was parsed from, for checkEntry.
	entries []knowledgeEntry
	// paths holds every package path the table's names may belong to,
	// and leaves the last identifier of each name (see name).
	paths, leaves map[string]bool
}

// name returns fn's full name, the key of the tables, or "" if the table
// names nothing of fn's package or name. Building a full name allocates,
// and most callees are ones the table never mentions: on nats-server's
// server package, unguarded lookups made 194 MB of names.
func (k *knowledge) Name(fn *types.Func) string {
	if !k.leaves[fn.Name()] || fn.Pkg() != nil && !k.paths[fn.Pkg().Path()] {
		return ""
	}
	return fn.FullName()
}

// addName records the last identifier of name, a full name as
// types.Func.FullName or a field's ("time.Ticker.C") spells it, and the
// package paths it may belong to (candidatePaths).
func (k *knowledge) addName(name string) {
	k.leaves[name[strings.LastIndex(name, ".")+1:]] = true
	for _, p := range candidatePaths(name) {
		k.paths[p] = true
	}
}

// launcherParams returns the arguments of fn that it runs in a new
// goroutine; an entry whose argument is not a function of fn's signature is
// ignored (see checkEntry).
func (k *knowledge) launcherParams(fn *types.Func) []int {
	return fitting(k.launchers[k.Name(fn)], func(i int) bool { return launchable(fn.Signature(), i) })
}

// mayNotRun reports whether fn, a launcher, may never run its argument.
func (k *knowledge) mayNotRun(fn *types.Func) bool {
	return k.maybe[k.Name(fn)]
}

// doneContext returns the result of fn, a context, once done of which its
// cancel has nothing left to release.
func (k *knowledge) DoneContext(fn *types.Func) (int, bool) {
	i, ok := k.doneCtx[k.Name(fn)]
	return i, ok && isContextResult(fn.Signature(), i)
}

// cancelResults returns the results of fn that the caller must call; an
// entry whose result is not a function is ignored (see checkEntry).
func (k *knowledge) cancelResults(fn *types.Func) []int {
	return fitting(k.cancels[k.Name(fn)], func(i int) bool { return isFuncResult(fn.Signature(), i) })
}

// fitting returns the indices that fit, nil if none does.
func fitting(indices []int, fits func(int) bool) []int {
	var out []int
	for _, i := range indices {
		if fits(i) {
			out = append(out, i)
		}
	}
	return out
}

// parseKnowledge adds the entries of text, read from the named file, to k.
func (k *knowledge) parse(name, text string) error {
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		k.entries = append(k.entries, knowledgeEntry{file: name, line: i + 1, fields: f})
		if len(f) > 1 {
			k.addName(f[1])
		}
		if len(f) > 2 && (f[0] == "stoppedby" || f[0] == "closedby") {
			for _, stop := range strings.Split(f[2], ",") {
				k.addName(stop)
			}
		}
		switch f[0] {
		case "cancel":
			if len(f) != 3 && (len(f) != 4 || !strings.HasPrefix(f[3], "done=")) {
				return fmt.Errorf("%s:%d: want \"cancel FUNCTION RESULT [done=RESULT]\", got %q", name, i+1, line)
			}
			r, err := strconv.Atoi(f[2])
			if err != nil || r < 0 {
				return fmt.Errorf("%s:%d: result index %q is not a non-negative integer", name, i+1, f[2])
			}
			k.cancels[f[1]] = append(k.cancels[f[1]], r)
			if len(f) == 4 {
				d, err := strconv.Atoi(strings.TrimPrefix(f[3], "done="))
				if err != nil || d < 0 {
					return fmt.Errorf("%s:%d: %q: want done=RESULT", name, i+1, f[3])
				}
				k.doneCtx[f[1]] = d
			}
		case "launcher":
			if len(f) != 3 && (len(f) != 4 || f[3] != "maybe") {
				return fmt.Errorf("%s:%d: want \"launcher FUNCTION ARGUMENT [maybe]\", got %q", name, i+1, line)
			}
			a, err := strconv.Atoi(f[2])
			if err != nil || a < 0 {
				return fmt.Errorf("%s:%d: argument index %q is not a non-negative integer", name, i+1, f[2])
			}
			k.launchers[f[1]] = append(k.launchers[f[1]], a)
			if len(f) == 4 {
				k.maybe[f[1]] = true
			}
		case "stoppedby":
			if len(f) != 2 && len(f) != 3 {
				return fmt.Errorf("%s:%d: want \"stoppedby FUNCTION [STOP,STOP...]\", got %q", name, i+1, line)
			}
			k.StoppedBy[f[1]] = []string{}
			if len(f) == 3 {
				k.StoppedBy[f[1]] = strings.Split(f[2], ",")
			}
		case "closedby":
			if len(f) != 3 {
				return fmt.Errorf("%s:%d: want \"closedby METHOD STOP[,STOP...]\", got %q", name, i+1, line)
			}
			k.closedBy[f[1]] = strings.Split(f[2], ",")
		case "once":
			if len(f) != 2 {
				return fmt.Errorf("%s:%d: want \"once FUNCTION-OR-FIELD\", got %q", name, i+1, line)
			}
			k.Once[f[1]] = true
		case "mustread":
			if len(f) != 2 {
				return fmt.Errorf("%s:%d: want \"mustread FUNCTION\", got %q", name, i+1, line)
			}
			k.MustRead[f[1]] = true
		case "neverclosed":
			if len(f) != 2 {
				return fmt.Errorf("%s:%d: want \"neverclosed FUNCTION-OR-FIELD\", got %q", name, i+1, line)
			}
			k.neverClosed[f[1]] = true
		case "mustcall":
			if len(f) != 3 && (len(f) != 4 || !strings.HasPrefix(f[3], "background=")) {
				return fmt.Errorf("%s:%d: want \"mustcall FUNCTION METHOD[,METHOD...] [background=ARGUMENT]\", got %q", name, i+1, line)
			}
			mc := MustCall{Methods: strings.Split(f[2], ","), Background: -1}
			if len(f) == 4 {
				b, err := strconv.Atoi(strings.TrimPrefix(f[3], "background="))
				if err != nil || b < 0 {
					return fmt.Errorf("%s:%d: %q: want background=ARGUMENT", name, i+1, f[3])
				}
				mc.Background = b
			}
			k.MustCalls[f[1]] = mc
		case "mustclose":
			r, err := strconv.Atoi(f[len(f)-2])
			if len(f) != 4 || err != nil || r < 0 {
				return fmt.Errorf("%s:%d: want \"mustclose FUNCTION RESULT FIELD\", got %q", name, i+1, line)
			}
			k.mustClose[f[1]] = MustClose{Result: r, Field: f[3]}
			k.closeFields[f[3]] = true
		case "release":
			if len(f) != 2 {
				return fmt.Errorf("%s:%d: want \"release METHOD\", got %q", name, i+1, line)
			}
			k.release[f[1]] = true
		case "reads":
			a, err := strconv.Atoi(f[len(f)-1])
			if len(f) != 3 || err != nil || a < 0 {
				return fmt.Errorf("%s:%d: want \"reads FUNCTION ARGUMENT\", got %q", name, i+1, line)
			}
			k.reads[f[1]] = append(k.reads[f[1]], a)
		case "keeps":
			if len(f) != 4 {
				return fmt.Errorf("%s:%d: want \"keeps FUNCTION RESULT ARGUMENT\", got %q", name, i+1, line)
			}
			r, err1 := strconv.Atoi(f[2])
			a, err2 := strconv.Atoi(f[3])
			if err1 != nil || err2 != nil || r < 0 || a < 0 {
				return fmt.Errorf("%s:%d: result and argument indices must be non-negative integers, got %q", name, i+1, line)
			}
			k.keeps[f[1]] = append(k.keeps[f[1]], [2]int{r, a})
		default:
			return fmt.Errorf("%s:%d: unknown role %q (want cancel, closedby, keeps, launcher, mustcall, mustclose, mustread, neverclosed, once, reads or stoppedby)", name, i+1, f[0])
		}
	}
	return nil
}

func newKnowledge() *knowledge {
	return &knowledge{
		cancels:     make(map[string][]int),
		doneCtx:     make(map[string]int),
		launchers:   make(map[string][]int),
		maybe:       make(map[string]bool),
		neverClosed: make(map[string]bool),
		StoppedBy:   make(map[string][]string),
		keeps:       make(map[string][][2]int),
		MustCalls:   make(map[string]MustCall),
		MustRead:    make(map[string]bool),
		closedBy:    make(map[string][]string),
		Once:        make(map[string]bool),
		mustClose:   make(map[string]MustClose),
		closeFields: make(map[string]bool),
		reads:       make(map[string][]int),
		release:     make(map[string]bool),
		paths:       make(map[string]bool),
		leaves:      make(map[string]bool),
	}
}

// A mustCall is the obligation a function's result carries: one of its
// methods (short names) must be called on it, if the function's argument
// background (when not -1) is a context that is never cancelled.
type MustCall struct {
	Methods    []string
	Background int
}

// A MustClose is the obligation a function's result carries: its field
// Field must be closed (Close called on it) where the error is nil.
type MustClose struct {
	Result int
	Field  string
}

// closerField returns the field to close of a value of type t: t is the
// result type, a pointer to a struct, of a mustclose entry's function
// (*http.Response, whose Body), and the field has a Close method.
func (k *knowledge) closerField(t types.Type) (string, bool) {
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return "", false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return "", false
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok {
		return "", false
	}
	for f := range st.Fields() {
		if k.closeFields[f.Name()] && hasClose(f.Type()) && k.mustCloseResult(ptr, named.Obj().Pkg(), f.Name()) {
			return f.Name(), true
		}
	}
	return "", false
}

// mustCloseResult reports whether a mustclose entry's function, declared
// in pkg (that of t's element type), returns t with field to close.
func (k *knowledge) mustCloseResult(t *types.Pointer, pkg *types.Package, field string) bool {
	pkgs := map[string]*types.Package{pkg.Path(): pkg}
	for name, mc := range k.mustClose {
		if mc.Field != field || packageOf(name, pkgs) == nil {
			continue
		}
		fn, ok := lookupFullName(pkg, name).(*types.Func)
		if ok && mc.Result < fn.Signature().Results().Len() && types.Identical(fn.Signature().Results().At(mc.Result).Type(), t) {
			return true
		}
	}
	return false
}

// hasClose reports whether t's method set has Close.
func hasClose(t types.Type) bool {
	obj, _, _ := types.LookupFieldOrMethod(t, false, nil, "Close")
	_, ok := obj.(*types.Func)
	return ok
}

// MustCloseOf returns what of fn's results must be closed, if anything.
func (k *knowledge) MustCloseOf(fn *types.Func) (MustClose, bool) {
	mc, ok := k.mustClose[k.Name(fn)]
	return mc, ok && mc.Result < fn.Signature().Results().Len()
}

// Reads reports whether fn only reads from its argument i (receiver
// first).
func (k *knowledge) Reads(fn *types.Func, i int) bool {
	return contains(k.reads[k.Name(fn)], i)
}

// Releases reports whether fn, a method, ends its receiver's life by a
// release entry.
func (k *knowledge) Releases(fn *types.Func) bool {
	return k.release[k.Name(fn)]
}

// keptBy returns the results of fn that keep its argument i's context.
func (k *knowledge) keptBy(fn *types.Func, i int) []int {
	var results []int
	for _, p := range k.keeps[k.Name(fn)] {
		if p[1] == i && p[0] < fn.Signature().Results().Len() {
			results = append(results, p[0])
		}
	}
	return results
}

var (
	knowledgeMu    sync.Mutex
	knowledgeCache = map[string]*knowledge{}
)

// loadKnowledge returns the built-in table extended by the file named by
// the -knowledge flag, if any. It parses each file once per process.
func loadKnowledge(extra string) (*knowledge, error) {
	knowledgeMu.Lock()
	defer knowledgeMu.Unlock()
	if k, ok := knowledgeCache[extra]; ok {
		return k, nil
	}
	k := newKnowledge()
	if err := k.parse("knowledge.txt", builtinKnowledge); err != nil {
		return nil, err
	}
	if extra != "" {
		data, err := os.ReadFile(extra)
		if err != nil {
			return nil, fmt.Errorf("-knowledge: %v", err)
		}
		if err := k.parse(extra, string(data)); err != nil {
			return nil, err
		}
	}
	knowledgeCache[extra] = k
	return k, nil
}

// hasMustCall reports whether the table puts a mustcall or mustread
// obligation on fn's result.
func (k *knowledge) hasMustCall(fn *types.Func) bool {
	name := k.Name(fn)
	_, ok := k.MustCalls[name]
	return ok || k.MustRead[name]
}
