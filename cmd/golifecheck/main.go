// Command golifecheck reports goroutine lifecycle bugs in Go packages.
//
// Run it standalone:
//
//	golifecheck ./...
//	golifecheck -tags integration ./...
//	golifecheck -json ./...
//	golifecheck -fix ./...
//	golifecheck -diff ./...
//
// or under go vet:
//
//	go vet -vettool=$(which golifecheck) ./...
//
// "golifecheck help" prints the documentation of every check;
// "golifecheck help CHECK" prints one, "golifecheck help suppression" how
// to silence a finding, "golifecheck help internal" what an internal error
// is. "golifecheck version" (or -V) prints the version.
//
// go vet -vettool=golifecheck runs golifecheck in place of go vet's own
// tool, so golifecheck carries go vet's default analyzers (printf,
// copylocks, lostcancel...: the list of the Go release go vet runs under,
// see vetsuite.go) and, under go vet, runs them with its lifecycle checks
// on each package's one type-check: the recommended way in loses nothing
// go vet reports. -vet=false switches that suite off; each of its
// analyzers keeps go vet's flag (-printf=false, -printf.funcs=...), and a
// lifecycle check's flag (-ctxcancel=false) switches only that check off.
// As with go vet, naming an analyzer with a true value (-printf) runs only
// the analyzers so named. Standalone, the suite is off unless -vet is
// given: golifecheck ./... is the lifecycle linter, run beside go vet
// rather than in its place, and its findings are the lifecycle checks'
// alone (the suite's lostcancel, say, would repeat ctxcancel's findings in
// go vet's words).
//
// Standalone, golifecheck runs go vet with itself as the vet tool and prints
// the findings in the standalone format (see vetrun.go): go vet's cache and
// the standard library's precomputed facts make a run over unchanged code
// cost what go vet's cache lookup does. -knowledge, -c, -test and x/tools'
// debugging flags, which go vet cannot pass on, keep the in-process checker,
// which loads every package from source. -tags LIST adds -tags=LIST to
// GOFLAGS, where both find it. -fix applies every suggested fix, then
// reports the findings that remain; -diff prints the fixes as a diff instead
// of applying them, then reports the findings.
//
// Exit status, standalone: 0 when nothing is found (or, with -json, whenever
// the analysis ran: the findings are in the JSON, as with go vet -json); 3
// when findings are printed, including those left after -fix; 1 when a
// package fails to load or to be analyzed (the other packages' findings are
// printed too); 2 for a usage error such as a bad flag. Under go vet, go vet sets the exit status (1 for findings).
package main

import (
	"errors"
	"flag"
	"fmt"
	"go/types"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer"
	"golang.org/x/tools/go/analysis/multichecker"
)

// lifecycle is golifecheck's own analyzers.
var lifecycle = analyzer.Analyzers()

// fixingEnv, set in the environment of the child process that applies the
// fixes, tells it to run as a plain checker with the flags it is given.
const fixingEnv = "GOLIFECHECK_APPLYING_FIXES"

func main() {
	precommitMain() // golifecheck precommit FILE...: the pre-commit hook (precommit.go)
	if len(os.Args) > 1 && os.Args[1] == "help" {
		os.Exit(help(os.Args[2:]))
	}
	if len(os.Args) > 1 && os.Args[1] == "version" {
		os.Exit(version(os.Args[2:]))
	}
	if code, done := checkVetRelease(os.Args[1:]); done {
		os.Exit(code)
	}
	flag.CommandLine.Usage = usage
	registerVersionFlag()
	if underVet(os.Args[1:]) {
		collectLate(firstCollection, softLimit) // a process per package: see gc.go
	}
	if args := os.Args[1:]; underVet(args) && vetxOnly(lastArg(args)) {
		// go vet discards the package's diagnostics: only its facts count.
		analyzer.SetFactsOnly(func(*types.Package) bool { return true })
	}
	if code, done := standalone(); done {
		os.Exit(code)
	}
	vet := allVet() // the suite of each release, switched off but for goRelease's (see vetsuite.go)
	os.Args = append(os.Args[:1:1], switchVetOff(os.Args[1:], vet, goRelease(os.Args[1:]))...)
	registerFlags(lifecycle, vet)
	flag.Usage = func() { // for -h (see usage): multichecker.Main sets none
		fmt.Fprintln(os.Stderr, "usage: golifecheck [-flag] [package...]\n\n'golifecheck help' documents the checks, 'go tool vet help' go vet's analyzers.\n\nFlags:")
		flag.PrintDefaults()
	}
	multichecker.Main(append(slices.Clone(lifecycle), vet...)...)
}

// standalone checks the -knowledge file (refused under go vet) and, unless
// go vet runs golifecheck, takes -tags out of os.Args into GOFLAGS and
// -fix and -diff out of os.Args, applying or showing the fixes in a child
// process first; then it reports the findings through go vet (see
// vetrun.go), or leaves os.Args for multichecker.Main when go vet cannot
// take the flags. It returns the exit status and whether it is done.
func standalone() (code int, done bool) {
	flags, rest := splitFlags(os.Args[1:])
	if os.Getenv(fixingEnv) != "" {
		return 0, false
	}
	if err := checkKnowledge(knowledgeFlag(flags), underVet(rest), lastArg(rest)); err != nil {
		if err != errQuiet {
			fmt.Fprintln(os.Stderr, "golifecheck:", err)
		}
		return 2, true
	}
	if leaveAsIs(flags, rest) {
		return 0, false
	}
	if !slices.ContainsFunc(flags, func(f flagArg) bool { return f.name == vetFlag }) {
		// go vet's suite is for go vet -vettool=golifecheck, where it stands in
		// for go vet's own tool; standalone, golifecheck is the lifecycle linter.
		flags = append([]flagArg{{name: vetFlag, value: "false", hasValue: true, args: []string{"-" + vetFlag + "=false"}}}, flags...)
	}
	if len(rest) == 0 {
		fmt.Fprintln(os.Stderr, "golifecheck: no packages named; usage: golifecheck [-flag] [package...], e.g. golifecheck ./...")
		return 2, true
	}
	flags, fix, diff := takeFix(takeTags(flags))
	fixFailed := false
	if fix {
		code := applyFixes(flags, rest, diff)
		// Exit status 1 (a package that does not build, say) still
		// reports the other packages' findings through go vet.
		if code != 0 && (code != 1 || !viaVet(flags)) {
			return code, true
		}
		fixFailed = code == 1
	}
	if viaVet(flags) {
		if code := runVet(flags, rest); !fixFailed {
			return code, true
		}
		return 1, true
	}
	os.Args = append([]string{os.Args[0]}, joinFlags(flags, rest)...)
	return 0, false
}

// usage is called by the flag package on a bad flag or -h: on a bad flag,
// after the flag package's error, it says where help is; -h prints a
// short usage and the flags (see printUsage).
func usage() {
	for _, arg := range os.Args[1:] {
		if arg == "-h" || arg == "-help" || arg == "--help" {
			describeFlags()
			printUsage()
			return
		}
	}
	fmt.Fprintln(os.Stderr, "usage: golifecheck [-flag] [package...]; golifecheck -h lists the flags, golifecheck help the checks")
}

// describeFlags corrects the usage of the flags whose meaning golifecheck
// changes from x/tools' (which says -tags has no effect).
func describeFlags() {
	if f := flag.Lookup("tags"); f != nil {
		f.Usage = "comma-separated build tags of the files to analyze (added to GOFLAGS)"
	}
	if f := flag.Lookup("diff"); f != nil {
		f.Usage = "print the suggested fixes as a unified diff, without applying them, then the findings"
	}
	if f := flag.Lookup("fix"); f != nil {
		f.Usage = "apply all suggested fixes, then report the findings that remain"
	}
}

// A flagArg is a flag on the command line: its name, its value if it has
// one, and the one or two arguments it was written as ("-c=3" or "-c 3").
type flagArg struct {
	name, value string
	hasValue    bool
	args        []string
}

// splitFlags splits the arguments into the flags and what follows them (the
// packages, or "--" and the packages), as the flag package does.
func splitFlags(args []string) (flags []flagArg, rest []string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" || len(arg) < 2 || arg[0] != '-' {
			return flags, args[i:]
		}
		f := flagArg{args: []string{arg}}
		name := strings.TrimPrefix(arg[1:], "-") // -name or --name
		f.name, f.value, f.hasValue = strings.Cut(name, "=")
		if !f.hasValue && takesValue(f.name) && i+1 < len(args) {
			i++
			f.value, f.hasValue = args[i], true
			f.args = append(f.args, args[i])
		}
		flags = append(flags, f)
	}
	return flags, nil
}

// takesValue reports whether the named flag takes a value, which may be the
// next argument: the driver's string and int flags and the analyzers'
// non-boolean ones.
func takesValue(name string) bool {
	switch name {
	case "tags", "c", "debug", "cpuprofile", "memprofile", "trace":
		return true
	}
	f := lookupFlag(name)
	return f != nil && !isBoolFlag(f)
}

// joinFlags is the command line of the flags followed by the rest.
func joinFlags(flags []flagArg, rest []string) []string {
	var args []string
	for _, f := range flags {
		args = append(args, f.args...)
	}
	return append(args, rest...)
}

// leaveAsIs reports whether go vet runs golifecheck (as a unitchecker, on a
// .cfg file, or asking for its flags or version), or whether it is asked for
// help: then the command line is left as it is.
func leaveAsIs(flags []flagArg, rest []string) bool {
	if underVet(rest) {
		return true
	}
	for _, f := range flags {
		switch f.name {
		case "flags", "V", "h", "help":
			return true
		}
	}
	return false
}

// lastArg returns the last of args, or "".
func lastArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[len(args)-1]
}

// underVet reports whether go vet runs golifecheck on a package: the last
// argument is go vet's .cfg file.
func underVet(rest []string) bool {
	return len(rest) > 0 && strings.HasSuffix(rest[len(rest)-1], ".cfg")
}

// takeTags removes the -tags flags and adds the last one's value to GOFLAGS,
// where go/packages' go list finds it; a space-separated list (the old
// syntax) becomes comma-separated. A -tags without a value is left for the
// flag package to report.
func takeTags(flags []flagArg) []flagArg {
	var kept []flagArg
	tags, found := "", false
	for _, f := range flags {
		if f.name == "tags" && f.hasValue {
			tags, found = strings.Join(strings.Fields(f.value), ","), true
			continue
		}
		kept = append(kept, f)
	}
	if found {
		os.Setenv("GOFLAGS", strings.TrimSpace(os.Getenv("GOFLAGS")+" -tags="+tags))
	}
	return kept
}

// takeFix removes the -fix and -diff flags and reports whether fixes are to
// be applied (-fix) or shown (-diff, with or without -fix). A flag with a
// value that is not a boolean is left for the flag package to report.
func takeFix(flags []flagArg) (kept []flagArg, fix, diff bool) {
	for _, f := range flags {
		if f.name != "fix" && f.name != "diff" {
			kept = append(kept, f)
			continue
		}
		on, err := true, error(nil)
		if f.hasValue {
			on, err = strconv.ParseBool(f.value)
		}
		switch {
		case err != nil:
			kept = append(kept, f)
		case f.name == "fix":
			fix = on
		default:
			diff = on
		}
	}
	return kept, fix || diff, diff
}

// applyFixes runs golifecheck -fix (with -diff, if diff) as a child process
// with the other flags and the packages, its output passed through, and
// returns its exit status (1 if it could not be run).
func applyFixes(flags []flagArg, rest []string, diff bool) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "golifecheck:", err)
		return 1
	}
	args := []string{"-fix"}
	if diff {
		args = append(args, "-diff")
	}
	cmd := exec.Command(exe, append(args, joinFlags(flags, rest)...)...)
	cmd.Env = append(os.Environ(), fixingEnv+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() > 0 {
		return exit.ExitCode()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "golifecheck:", err)
		return 1
	}
	return 0
}

// help prints the documentation of the named checks and topics (see
// help.go), or of all the checks.
func help(names []string) int {
	if len(names) == 0 {
		fmt.Println("golifecheck: " + analyzer.Doc())
		for _, a := range analyzer.Checks {
			fmt.Printf("\n# Check %s\n\n%s\n", a.Name, a.Doc)
		}
		fmt.Printf("\nRun 'golifecheck -h' for the flags, 'golifecheck help TOPIC' for a topic (%s).\n", strings.Join(topicNames(), ", "))
		return 0
	}
	for _, name := range names {
		if doc, ok := topicDoc(name); ok {
			fmt.Printf("# %s\n\n%s\n", name, doc)
			continue
		}
		doc, ok := analyzer.CheckDoc(name)
		if !ok {
			fmt.Fprintf(os.Stderr, "golifecheck: unknown check %q (checks: %s; topics: %s)\n", name, strings.Join(analyzer.CheckNames(), ", "), strings.Join(topicNames(), ", "))
			return 2
		}
		fmt.Printf("# %s\n\n%s\n", name, doc)
	}
	return 0
}
