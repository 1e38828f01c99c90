package analyzer

import (
	_ "embed"
	"flag"
	"fmt"
	"go/token"
	"go/types"
	"runtime/debug"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer/internal/obligation"
	"github.com/golifecheck/golifecheck/analyzer/internal/protocol"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

//go:embed doc.go
var docSource string

// Analyzer reports goroutine lifecycle bugs; see the package documentation.
var Analyzer = &analysis.Analyzer{
	Name:      "golifecheck",
	Doc:       analyzerDoc(),
	URL:       "https://pkg.go.dev/github.com/golifecheck/golifecheck/analyzer",
	Run:       run,
	FactTypes: []analysis.Fact{new(funcFact), new(noReturn), new(stdDigest)},
	Flags:     newFlags(),
}

// A check is one family of findings. Each has its own file, its own
// section of doc.go ("# Check NAME"), its diagnostic Category and a flag of
// its name that switches it off.
type check struct {
	name string
	run  func(*state)
	on   *bool
}

var checks = []*check{
	{name: "ctxcancel", run: runCtxcancel},
	{name: "chanblock", run: runChanblock}, // before gostop: see blockedStarts
	{name: "gostop", run: runGostop},
}

// beforeChecks, if set, runs before the checks: tests use it to make the
// analyzer fail.
var beforeChecks func(*state)

// knowledgeFile is the -knowledge flag: extra entries for the knowledge table.
var knowledgeFile string

func newFlags() flag.FlagSet {
	var fs flag.FlagSet
	for _, c := range checks {
		c.on = fs.Bool(c.name, true, "enable the "+c.name+" check")
	}
	fs.StringVar(&knowledgeFile, "knowledge", "", "file of extra knowledge-table entries (format of analyzer/knowledge.txt)")
	return fs
}

// Checks returns the names of golifecheck's checks.
func Checks() []string {
	var names []string
	for _, c := range checks {
		names = append(names, c.name)
	}
	return names
}

// CheckDoc returns the documentation of the named check from doc.go.
func CheckDoc(name string) (string, bool) {
	doc, ok := docSections(docSource)["Check "+name]
	return doc, ok
}

// analyzerDoc is the Analyzer's Doc: its own section of doc.go, whose first
// line is the title, followed by every check's section.
func analyzerDoc() string {
	sections := docSections(docSource)
	var b strings.Builder
	b.WriteString(sections["Analyzer golifecheck"])
	for _, c := range checks {
		fmt.Fprintf(&b, "\n\n# Check %s\n\n%s", c.name, sections["Check "+c.name])
	}
	return b.String()
}

// docSections splits the package comment of a doc.go source into its
// "# Heading" sections, keyed by heading.
func docSections(src string) map[string]string {
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

// state is what the checks share while analyzing one package.
type state struct {
	pass  *analysis.Pass
	pkg   *ssa.Package
	funcs []*ssa.Function // source functions, closures included
	know  *knowledge
	sums  summaries
	// own is the ownership model of the package's cancels and stops.
	own *obligation.Model
	// generated holds the names of generated files, which are not reported on.
	generated map[string]bool
	// sups are the package's suppression comments.
	sups suppressions
	// signalled holds the chan-typed fields that may be closed or sent on
	// (see neverSignalled), computed on first use.
	signalled map[*types.Var]bool
	// mutexes holds each function's operations on mutexes (see
	// mutexOps), computed on first use.
	mutexes  map[*ssa.Function]map[mutexKey][]protocol.LockOp
	effects  map[*ssa.Function]map[mutexKey]protocol.Effect // see lockEffects
	holdings map[heldIn]*protocol.Holding                   // see holding
	// writers and handed hold the mutexes the package write-locks and
	// hands between functions (see writeLocked, handedOn).
	writers map[mutexIdent]map[*ssa.Function]bool
	handed  map[mutexIdent]bool
	// unevaluated holds the ranges of operands the language never
	// evaluates (see evaluated), computed on first use.
	unevaluated [][2]token.Pos
	// blockedStarts holds the goroutine starts that chanblock reported
	// blocked forever: gostop does not report them again.
	blockedStarts map[ssa.Instruction]bool
	// blockedFuncs holds the functions in which chanblock reported an
	// operation that blocks forever: gostop does not report goroutines
	// started to run them.
	blockedFuncs map[*ssa.Function]bool
	// contracts memoizes contractOf, ctors ctorContract.
	contracts, ctors map[*ssa.Function]*stopContract
	// calls indexes the package's static calls by callee (see callsOf),
	// funcValues the functions used as values (see usedAsValue).
	calls      map[*ssa.Function][]*ssa.Call
	funcValues map[*ssa.Function]bool
	// addrs indexes the package's FieldAddr instructions by field (see
	// fieldAddrs).
	addrs map[*types.Var][]*ssa.FieldAddr
}

func run(pass *analysis.Pass) (_ any, err error) {
	defer func() {
		if r := recover(); r != nil {
			reportInternal(pass, r)
			err = nil
		}
	}()
	if useStdFacts(pass) {
		return nil, nil // a standard-library package whose facts are known
	}
	know, err := loadKnowledge(knowledgeFile)
	if err != nil {
		return nil, err
	}
	s := &state{
		pass:          pass,
		know:          know,
		sups:          parseSuppressions(pass),
		blockedStarts: make(map[ssa.Instruction]bool),
		blockedFuncs:  make(map[*ssa.Function]bool),
		contracts:     make(map[*ssa.Function]*stopContract),
		ctors:         make(map[*ssa.Function]*stopContract),
	}
	noReturn := noReturns(pass)
	if !needsSSA(pass, know) {
		s.sups.reportMisuse(pass)
		return nil, nil
	}
	s.pkg, s.funcs = buildSSA(pass, noReturn)
	s.sums.init(s)
	s.own = obligation.New(s.pass.Pkg, s.funcs, &s.sums)
	s.generated = generatedFiles(pass)
	if beforeChecks != nil {
		beforeChecks(s)
	}
	s.sums.export()
	if diagnosticsDiscarded(pass) {
		return nil, nil // only the facts are wanted: no check needs to run
	}
	for _, c := range checks {
		if *c.on {
			c.run(s)
		}
	}
	s.sups.reportMisuse(pass) // only once every check has had its say
	return nil, nil
}

// report emits d under the check's category unless it lies in a generated
// file or a suppression comment silences it.
func (s *state) report(category string, d analysis.Diagnostic) {
	if f := s.pass.Fset.File(d.Pos); f == nil || s.generated[f.Name()] {
		return
	}
	if s.sups.silences(category, s.pass.Fset.Position(d.Pos)) {
		return
	}
	d.Category = category
	if s.pass.Fset.Position(d.Pos).Filename != s.pass.Fset.File(d.Pos).Name() {
		// A //line directive (cgo's rewrite of a file importing "C"):
		// the edits would be made to the generated copy.
		d.SuggestedFixes = nil
	}
	s.pass.Report(named(d))
}

// named ends a diagnostic's message with the name of the check that made
// it, as staticcheck names its checks, so that the text says what
// //golifecheck:ignore CHECK must name: "... (ctxcancel)".
func named(d analysis.Diagnostic) analysis.Diagnostic {
	d.Message += " (" + d.Category + ")"
	return d
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

// enabled reports whether the named check is switched on.
func enabled(name string) bool {
	for _, c := range checks {
		if c.name == name {
			return *c.on
		}
	}
	return false
}
