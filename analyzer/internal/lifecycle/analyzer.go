package lifecycle

import (
	_ "embed"
	"flag"
	"fmt"
	"go/token"
	"go/types"
	"maps"
	"reflect"
	"runtime/debug"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// Analyzer computes the lifecycle model the checks share (see the package
// documentation) and reports golifecheck's own problems: an internal error
// while building the model, and suppression comments that name no check or
// give no reason. Its Result is a *Result; its facts are FuncFact (a
// function's lifecycle summary), noReturn and the standard library's
// digest.
var Analyzer = &analysis.Analyzer{
	Name:       "golifecheck",
	Doc:        "golifecheck: the lifecycle model golifecheck's checks share\n\nIt builds the SSA form of a package, summarizes what each function does with cancels, goroutines, channels and stop methods, exports the summaries as facts, and reports misused suppression comments and internal errors.",
	URL:        "https://pkg.go.dev/github.com/golifecheck/golifecheck/analyzer",
	Run:        run,
	FactTypes:  []analysis.Fact{new(FuncFact), new(noReturn), new(stdDigest)},
	Flags:      newFlags(),
	ResultType: reflect.TypeOf(new(Result)),
}

// CheckNames are the names of golifecheck's checks, in the order they are
// documented: a suppression comment must name one of them.
var CheckNames = []string{"ctxcancel", "chanblock", "gostop"}

// beforeChecks, if set, runs before the model's facts are exported: tests
// use it to make the analyzer fail.
var beforeChecks func(*State)

// knowledgeFile is the -knowledge flag: extra entries for the knowledge table.
var knowledgeFile string

func newFlags() flag.FlagSet {
	var fs flag.FlagSet
	fs.StringVar(&knowledgeFile, "knowledge", "", "file of extra knowledge-table entries (format of analyzer/internal/lifecycle/knowledge.txt)")
	return fs
}

// DocSections splits the package comment of a doc.go source into its
// "# Heading" sections, keyed by heading.
func DocSections(src string) map[string]string {
	sections := make(map[string]string)
	var heading string
	var body []string
	flush := func() {
		if heading != "" {
			sections[heading] = strings.TrimSpace(strings.Join(body, "\n"))
		}
	}
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "//") {
			if strings.HasPrefix(line, "package ") {
				break
			}
			continue
		}
		line = strings.TrimPrefix(strings.TrimPrefix(line, "//"), " ")
		if h, ok := strings.CutPrefix(line, "# "); ok {
			flush()
			heading, body = h, nil
			continue
		}
		body = append(body, line)
	}
	flush()
	return sections
}

// A Result is the model of one package. Each check takes its own State
// from it (ForCheck): the State's caches, filled on demand, are then the
// check's alone, so that checks run in parallel share nothing they write.
type Result struct {
	state *State // nil when no check has anything to do (see run)
}

// ForCheck returns a State for the check whose pass is pass: the model's
// immutable parts, the summaries computed so far, and caches of its own.
// It returns nil when there is nothing to check: the package needs no SSA
// form, its diagnostics are discarded (facts-only runs under go vet), or
// building the model failed (reported by Analyzer).
func (r *Result) ForCheck(pass *analysis.Pass) *State {
	if r == nil || r.state == nil {
		return nil
	}
	s := *r.state
	s.Pass = pass
	s.sups = s.sups.clone()
	// The memo tables filled while the facts were computed are kept, each a
	// copy: they are pure functions of the package.
	s.signalled, s.unassigned, s.calls, s.funcValues, s.addrs = maps.Clone(s.signalled), maps.Clone(s.unassigned), maps.Clone(s.calls), maps.Clone(s.funcValues), maps.Clone(s.addrs)
	s.Mutexes, s.Effects, s.Holdings = maps.Clone(s.Mutexes), maps.Clone(s.Effects), maps.Clone(s.Holdings)
	s.Writers, s.Handed = maps.Clone(s.Writers), maps.Clone(s.Handed)
	s.contracts, s.ctors = maps.Clone(s.contracts), maps.Clone(s.ctors)
	s.Sums = r.state.Sums.clone(&s)
	s.Own = obligation.New(s.Pass.Pkg, s.Funcs, &s.Sums)
	return &s
}

// A State is what a check reads of the model while analyzing one package,
// and the caches it fills on demand.
type State struct {
	Pass  *analysis.Pass
	Pkg   *ssa.Package
	Funcs []*ssa.Function // source functions, closures included
	Know  *knowledge
	Sums  summaries
	// own is the ownership model of the package's cancels and stops.
	Own *obligation.Model
	// generated holds the names of generated files, which are not reported on.
	generated map[string]bool
	// sups are the package's suppression comments.
	sups suppressions
	// signalled holds the chan-typed fields that may be closed or sent on
	// (see neverSignalled), computed on first use.
	signalled map[*types.Var]bool
	// unassigned holds the chan-typed fields nothing in the package
	// assigns (see UnassignedField), computed with signalled.
	unassigned map[*types.Var]bool
	// mutexes holds each function's operations on mutexes (see
	// mutexOps), computed on first use.
	Mutexes  map[*ssa.Function]map[MutexKey][]protocol.LockOp
	Effects  map[*ssa.Function]map[MutexKey]protocol.Effect // see lockEffects
	Holdings map[HeldIn]*protocol.Holding                   // see holding
	// writers and handed hold the mutexes the package write-locks and
	// hands between functions (see writeLocked, handedOn).
	Writers map[MutexIdent]map[*ssa.Function]bool
	Handed  map[MutexIdent]bool
	// unevaluated holds the ranges of operands the language never
	// evaluates (see evaluated), computed on first use.
	unevaluated [][2]token.Pos
	// contracts memoizes contractOf, ctors ctorContract.
	contracts, ctors map[*ssa.Function]*StopContract
	// calls indexes the package's static calls by callee (see callsOf),
	// funcValues the functions used as values (see usedAsValue).
	calls      map[*ssa.Function][]*ssa.Call
	funcValues map[*ssa.Function]bool
	// addrs indexes the package's FieldAddr instructions by field (see
	// fieldAddrs).
	addrs map[*types.Var][]*ssa.FieldAddr
}

// run builds the model of the package, exports its facts, reports misused
// suppression comments and returns the model for the checks.
func run(pass *analysis.Pass) (res any, err error) {
	res = new(Result)
	defer func() {
		if r := recover(); r != nil {
			reportInternal(pass, r)
			res, err = new(Result), nil
		}
	}()
	if useStdFacts(pass) {
		return res, nil // a standard-library package whose facts are known
	}
	know, err := loadKnowledge(knowledgeFile)
	if err != nil {
		return nil, err
	}
	s := &State{
		Pass:      pass,
		Know:      know,
		sups:      parseSuppressions(pass),
		contracts: make(map[*ssa.Function]*StopContract),
		ctors:     make(map[*ssa.Function]*StopContract),
	}
	s.sups.reportMalformed(pass)
	noReturn := noReturns(pass)
	if !needsSSA(pass, know) {
		return res, nil
	}
	s.Pkg, s.Funcs = buildSSA(pass, noReturn)
	s.Sums.init(s)
	s.Own = obligation.New(s.Pass.Pkg, s.Funcs, &s.Sums)
	s.generated = generatedFiles(pass)
	if beforeChecks != nil {
		beforeChecks(s)
	}
	s.Sums.export()
	if diagnosticsDiscarded(pass) {
		return res, nil // only the facts are wanted: no check needs to run
	}
	return &Result{state: s}, nil
}

// Check runs a check's body on pass, the check's pass: with the check's own
// State from the model, if there is anything to check (see ForCheck); a
// panic in it becomes an internal-error diagnostic (recoverInternal); afterwards,
// the suppression comments naming the check that silenced nothing are
// reported.
func Check(pass *analysis.Pass, body func(*State)) {
	defer recoverInternal(pass)
	s := pass.ResultOf[Analyzer].(*Result).ForCheck(pass)
	if s == nil {
		return
	}
	body(s)
	s.sups.reportUnused(pass, pass.Analyzer.Name)
}

// report emits d under the check's category unless it lies in a generated
// file or a suppression comment silences it.
func (s *State) Report(category string, d analysis.Diagnostic) {
	if f := s.Pass.Fset.File(d.Pos); f == nil || s.generated[f.Name()] {
		return
	}
	if s.sups.silences(category, s.Pass.Fset.Position(d.Pos)) {
		return
	}
	d.Category = category
	if s.Pass.Fset.Position(d.Pos).Filename != s.Pass.Fset.File(d.Pos).Name() {
		// A //line directive (cgo's rewrite of a file importing "C"):
		// the edits would be made to the generated copy.
		d.SuggestedFixes = nil
	}
	s.Pass.Report(named(d))
}

// named ends a diagnostic's message with the name of the check that made
// it, as staticcheck names its checks, so that the text says what
// //golifecheck:ignore CHECK must name: "... (ctxcancel)".
func named(d analysis.Diagnostic) analysis.Diagnostic {
	d.Message += " (" + d.Category + ")"
	return d
}

// recoverInternal, deferred by Check, turns a panic inside the check into
// a diagnostic (see reportInternal).
func recoverInternal(pass *analysis.Pass) {
	if r := recover(); r != nil {
		reportInternal(pass, r)
	}
}

// reportInternal turns a panic inside the analyzer into a diagnostic, so
// that one bad package never kills a go vet run over a whole tree.
func reportInternal(pass *analysis.Pass, r any) {
	pos := token.NoPos
	if len(pass.Files) > 0 {
		pos = pass.Files[0].Package
	}
	// Name the analyzer's line that panicked: the first of ours below panic().
	frame, panicked := "", false
	for _, line := range strings.Split(string(debug.Stack()), "\n") {
		if strings.HasPrefix(line, "panic(") {
			panicked = true
		} else if panicked && strings.Contains(line, "/analyzer/") && strings.Contains(line, ".go:") {
			frame = " at " + strings.TrimSpace(line)
			break
		}
	}
	pass.Report(named(analysis.Diagnostic{
		Pos:      pos,
		Category: "internal",
		Message:  fmt.Sprintf("internal error in golifecheck: %v%s; please report it", r, frame),
	}))
}
