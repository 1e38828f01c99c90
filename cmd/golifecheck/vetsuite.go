package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/appends"
	"golang.org/x/tools/go/analysis/passes/asmdecl"
	"golang.org/x/tools/go/analysis/passes/assign"
	"golang.org/x/tools/go/analysis/passes/atomic"
	"golang.org/x/tools/go/analysis/passes/bools"
	"golang.org/x/tools/go/analysis/passes/buildtag"
	"golang.org/x/tools/go/analysis/passes/cgocall"
	"golang.org/x/tools/go/analysis/passes/composite"
	"golang.org/x/tools/go/analysis/passes/copylock"
	"golang.org/x/tools/go/analysis/passes/defers"
	"golang.org/x/tools/go/analysis/passes/directive"
	"golang.org/x/tools/go/analysis/passes/errorsas"
	"golang.org/x/tools/go/analysis/passes/framepointer"
	"golang.org/x/tools/go/analysis/passes/hostport"
	"golang.org/x/tools/go/analysis/passes/httpresponse"
	"golang.org/x/tools/go/analysis/passes/ifaceassert"
	"golang.org/x/tools/go/analysis/passes/loopclosure"
	"golang.org/x/tools/go/analysis/passes/lostcancel"
	"golang.org/x/tools/go/analysis/passes/nilfunc"
	"golang.org/x/tools/go/analysis/passes/printf"
	"golang.org/x/tools/go/analysis/passes/shift"
	"golang.org/x/tools/go/analysis/passes/sigchanyzer"
	"golang.org/x/tools/go/analysis/passes/slog"
	"golang.org/x/tools/go/analysis/passes/stdmethods"
	"golang.org/x/tools/go/analysis/passes/stdversion"
	"golang.org/x/tools/go/analysis/passes/stringintconv"
	"golang.org/x/tools/go/analysis/passes/structtag"
	"golang.org/x/tools/go/analysis/passes/testinggoroutine"
	"golang.org/x/tools/go/analysis/passes/tests"
	"golang.org/x/tools/go/analysis/passes/timeformat"
	"golang.org/x/tools/go/analysis/passes/unmarshal"
	"golang.org/x/tools/go/analysis/passes/unreachable"
	"golang.org/x/tools/go/analysis/passes/unsafeptr"
	"golang.org/x/tools/go/analysis/passes/unusedresult"
	"golang.org/x/tools/go/analysis/passes/waitgroup"
)

// go vet -vettool=golifecheck runs golifecheck instead of go vet's own
// tool, cmd/vet, and so instead of the analyzers cmd/vet runs (printf,
// copylocks, lostcancel...). So that the recommended way in loses none of
// them, golifecheck carries them and, under go vet, runs them with its
// lifecycle checks on the same type-checked package, one process per
// package as before: -vet=false switches the whole suite off, and each of
// its analyzers has go vet's own flag (-printf=false, -printf.funcs=...).
//
// The suite is the one of the Go release go vet runs under, which may not
// be the one golifecheck was built with (a go.mod's toolchain line makes
// the go command switch releases); see goRelease. The analyzers' code is
// that of golang.org/x/tools in go.mod, not the copy vendored in that
// release's cmd/vet, so a check may be a little newer than go vet's own.

// vetSuites lists, for each Go release from the oldest supported, go vet's
// default analyzers in that release: the suite variable of Go 1.26's
// src/cmd/vet/main.go, and for Go 1.27, golang.org/x/tools/go/analysis/
// suite/vet's Suite as vendored in Go 1.27.3's src/cmd/vendor, which names
// the same 35. TestVetSuiteIsGoVets checks the list of the release the
// tests run under against that release's vet tool.
var vetSuites = []struct {
	minor int // the release is go1.<minor>
	suite []*analysis.Analyzer
}{
	{26, suite126},
	{27, suite126},
}

// suite126 is go vet's suite in Go 1.26 and 1.27, in cmd/vet's order.
var suite126 = []*analysis.Analyzer{
	appends.Analyzer,
	asmdecl.Analyzer,
	assign.Analyzer,
	atomic.Analyzer,
	bools.Analyzer,
	buildtag.Analyzer,
	cgocall.Analyzer,
	composite.Analyzer,
	copylock.Analyzer,
	defers.Analyzer,
	directive.Analyzer,
	errorsas.Analyzer,
	framepointer.Analyzer,
	httpresponse.Analyzer,
	hostport.Analyzer,
	ifaceassert.Analyzer,
	loopclosure.Analyzer,
	lostcancel.Analyzer,
	nilfunc.Analyzer,
	printf.Analyzer,
	shift.Analyzer,
	sigchanyzer.Analyzer,
	slog.Analyzer,
	stdmethods.Analyzer,
	stdversion.Analyzer,
	stringintconv.Analyzer,
	structtag.Analyzer,
	tests.Analyzer,
	testinggoroutine.Analyzer,
	timeformat.Analyzer,
	unmarshal.Analyzer,
	unreachable.Analyzer,
	unsafeptr.Analyzer,
	unusedresult.Analyzer,
	waitgroup.Analyzer,
}

// vetSuite returns go vet's default analyzers in the Go release go1.minor:
// the list of the newest release carried that is not newer (a newer
// release than any carried gets the newest list, which may lack analyzers
// it added), or the oldest list for an older release.
func vetSuite(minor int) []*analysis.Analyzer {
	suite := vetSuites[0].suite
	for _, s := range vetSuites {
		if s.minor <= minor {
			suite = s.suite
		}
	}
	return suite
}

// allVet returns every analyzer of every release's suite, once each: the
// binary's flags are the same whatever the release (go vet asks for them
// with -flags, without a package), so each has its flag.
func allVet() []*analysis.Analyzer {
	var all []*analysis.Analyzer
	for _, s := range vetSuites {
		for _, a := range s.suite {
			if !slices.Contains(all, a) {
				all = append(all, a)
			}
		}
	}
	return all
}

// goRelease returns the minor number of the Go release golifecheck runs
// under (26 for go1.26.8). Under go vet (args end with its .cfg file) it is
// the release of the compiler that built the package's imports, from their
// export data's header, which names it ("go object linux amd64 go1.26.8
// ..."): the go command runs the vet tool of its own release on export
// data it compiled, so this is the release of the go vet running, even
// when it is not the one golifecheck was built with. go vet's cache key of
// a package's vet result includes the package's build, whose key names
// the compiler, so results from one release are never replayed under
// another. Otherwise (standalone, -flags, -V, or a package with no
// imports) it is the release golifecheck was built with. It returns 0 when
// neither names a release (a development build).
func goRelease(args []string) int {
	if underVet(args) {
		if minor := cfgRelease(args[len(args)-1]); minor != 0 {
			return minor
		}
	}
	return releaseOf(runtime.Version())
}

// cfgRelease returns the Go release that compiled the imports of the
// package go vet's configuration file cfg describes, or 0 if that cannot
// be read.
func cfgRelease(cfg string) int {
	data, err := os.ReadFile(cfg)
	if err != nil {
		return 0
	}
	var c struct{ PackageFile map[string]string }
	if json.Unmarshal(data, &c) != nil {
		return 0
	}
	for _, file := range c.PackageFile {
		if minor := exportRelease(file); minor != 0 {
			return minor
		}
	}
	return 0
}

// exportRelease returns the Go release named by the header of the export
// data file (gc's archive: "!<arch>", the __.PKGDEF member header, then
// "go object GOOS GOARCH VERSION ..."), or 0.
func exportRelease(file string) int {
	f, err := os.Open(file)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 0; i < 4 && sc.Scan(); i++ {
		if line, ok := strings.CutPrefix(sc.Text(), "go object "); ok {
			return releaseOf(line)
		}
	}
	return 0
}

var releaseRE = regexp.MustCompile(`\bgo1\.(\d+)`)

// releaseOf returns N of the first "go1.N" in s ("go1.26.8",
// "devel go1.27-abc..."), or 0.
func releaseOf(s string) int {
	m := releaseRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// vetFlag is the name of the flag that switches go vet's suite off.
const vetFlag = "vet"

// vetOn reports the value of the last -vet flag among flags, or on if
// there is none or its value is not a boolean (the flag package reports
// that).
func vetOn(flags []flagArg, on bool) bool {
	for _, f := range flags {
		if f.name != vetFlag {
			continue
		}
		on = true
		if f.hasValue {
			if v, err := strconv.ParseBool(f.value); err == nil {
				on = v
			}
		}
	}
	return on
}

// switchVetOff returns the command line args (without the program name)
// with, before them, -NAME=false for each analyzer of vet that is not to
// run: all of them if -vet=false is among the flags, else those absent
// from release's suite. x/tools' flag rule then drops them: any -NAME=false
// runs every analyzer but those named, while any -NAME=true runs only those
// named (go vet's rule: go vet -printf runs only printf); a flag the user
// writes comes after these and wins.
func switchVetOff(args []string, vet []*analysis.Analyzer, release int) []string {
	flags, _ := splitFlags(args)
	on := vetOn(flags, true)
	suite := vetSuite(release)
	var off []string
	for _, a := range vet {
		if !on || !slices.Contains(suite, a) {
			off = append(off, "-"+a.Name+"=false")
		}
	}
	return append(off, args...)
}

// registerFlags defines, on the command line's flag set, -vet and a
// flag of its own name for each flag of the lifecycle analyzers and of
// those they require (-ctxcancel=false, -knowledge=FILE), sharing its
// value: with several analyzers, x/tools names an analyzer's flags
// "ANALYZER.FLAG" (-golifecheck.ctxcancel), and golifecheck's are
// documented without the prefix. A flag named like an analyzer (whose
// enable flag x/tools defines) or already defined is left alone.
func registerFlags(lifecycle, vet []*analysis.Analyzer) {
	flag.Bool(vetFlag, true, "run go vet's own analyzers (printf, copylocks, lostcancel...) with the lifecycle checks; on under go vet, off standalone")
	names := make(map[string]bool)
	for _, a := range append(slices.Clone(lifecycle), vet...) {
		names[a.Name] = true
	}
	for _, a := range withRequired(lifecycle) {
		a.Flags.VisitAll(func(f *flag.Flag) {
			if !names[f.Name] && flag.Lookup(f.Name) == nil {
				flag.Var(f.Value, f.Name, f.Usage)
			}
		})
	}
}

// withRequired returns the analyzers and those they require, transitively,
// each once.
func withRequired(analyzers []*analysis.Analyzer) []*analysis.Analyzer {
	var all []*analysis.Analyzer
	var visit func([]*analysis.Analyzer)
	visit = func(as []*analysis.Analyzer) {
		for _, a := range as {
			if !slices.Contains(all, a) {
				all = append(all, a)
				visit(a.Requires)
			}
		}
	}
	visit(analyzers)
	return all
}

// lookupFlag returns the analyzers' flag of the name as golifecheck's
// command line has it, or nil: -vet, an analyzer's enable flag (-printf),
// a lifecycle analyzer's flag under its own name (-ctxcancel,
// -knowledge), any analyzer's flag as ANALYZER.FLAG (-printf.funcs), or
// one of go vet's legacy names for those taking a value (-printfuncs).
func lookupFlag(name string) *flag.Flag {
	if name == vetFlag {
		return &flag.Flag{Name: vetFlag, Value: new(boolValue)}
	}
	all := withRequired(append(slices.Clone(lifecycle), allVet()...))
	for _, a := range all {
		if a.Name == name {
			return &flag.Flag{Name: name, Value: new(boolValue)}
		}
	}
	for _, a := range withRequired(lifecycle) {
		if f := a.Flags.Lookup(name); f != nil {
			return f
		}
	}
	switch name {
	case "printfuncs":
		name = "printf.funcs"
	case "unusedfuncs":
		name = "unusedresult.funcs"
	case "unusedstringmethods":
		name = "unusedresult.stringmethods"
	}
	if prefix, rest, ok := strings.Cut(name, "."); ok {
		for _, a := range all {
			if a.Name == prefix {
				return a.Flags.Lookup(rest)
			}
		}
	}
	return nil
}

// isBoolFlag reports whether f is a boolean flag (written -f or -f=v,
// never -f v).
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// boolValue is a flag.Value of a boolean flag, for lookupFlag's answers
// about flags x/tools defines only when it parses the command line.
type boolValue bool

func (b *boolValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	*b = boolValue(v)
	return err
}
func (b *boolValue) String() string   { return strconv.FormatBool(bool(*b)) }
func (b *boolValue) IsBoolFlag() bool { return true }
