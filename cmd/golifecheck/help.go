package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer"
)

// topics are the help topics other than the checks, "golifecheck help
// TOPIC", in the order the usage lists them: name, one-line summary, text.
// The texts say what analyzer/doc.go ("# Analyzer golifecheck") and the
// README ("Silencing a finding") say, and what analyzer.go and
// suppress.go do.
var topics = []struct{ name, summary, doc string }{
	{"suppression", "silencing a finding", `Every finding's message ends with the name of its check in parentheses,
"(gostop)": the name a suppression gives. A comment on the finding's line,
or on the line above it, silences it:

	//golifecheck:ignore CHECK REASON

names one check and says why the finding is not a leak:

	//golifecheck:ignore gostop the metrics flusher lives as long as the process
	go flushForever()

A golifecheck:ignore comment without a check or a reason, naming an
unknown check, or silencing nothing (its check on) is itself reported, in
category suppression, so that stale suppressions do not pile up.

golangci-lint's //nolint, //nolint:all and //nolint:golifecheck silence
every check's findings on their line and the next; unused ones are left to
golangci-lint's nolintlint.

Findings in generated files ("// Code generated ... DO NOT EDIT.") are
not reported.`},
	{"internal", "internal errors", `An internal error is a bug in golifecheck: a panic while it analyzes a
package. It is reported as a finding in category internal, at the package
clause of the package's first file, naming golifecheck's line that
panicked:

	a.go:1:1: internal error in golifecheck: MESSAGE at FILE:LINE; please report it (internal)

The analysis of that package stops there (what it reported before is kept)
but the run goes on: the other packages are analyzed, so that one bad
package never stops a go vet run over a whole tree. The finding counts as
any other for the exit status (3 standalone, 1 under go vet, 0 with
-json) and no suppression comment silences it.

Please report it, with the message and the code it was analyzing.`},
}

// topicDoc returns the text of the named help topic.
func topicDoc(name string) (string, bool) {
	for _, t := range topics {
		if t.name == name {
			return t.doc, true
		}
	}
	return "", false
}

// topicNames lists the help topics' names.
func topicNames() []string {
	var names []string
	for _, t := range topics {
		names = append(names, t.name)
	}
	return names
}

// printUsage prints -h's text on stderr: a screenful of how to run
// golifecheck, ending with the flags.
func printUsage() {
	w := flag.CommandLine.Output()
	fmt.Fprintf(w, `golifecheck: report goroutine lifecycle bugs (leaked goroutines, channels and contexts)

Usage:
  golifecheck [-flag] [package...]    report the findings in the packages
  go vet -vettool=$(which golifecheck) [package...]
  golifecheck help                    the documentation of every check
  golifecheck help CHECK|TOPIC        one check's or topic's
  golifecheck version                 the version

Checks: %s (-CHECK=false switches one off).
`, strings.Join(analyzer.CheckNames(), ", "))
	for _, t := range topics {
		fmt.Fprintf(w, "Topic %s: %s.\n", t.name, t.summary)
	}
	fmt.Fprint(w, `
Exit status: 0 nothing found (with -json: the analysis ran), 3 findings,
1 a package failed to load or to be analyzed (the others' findings are
printed too), 2 a usage error.

Flags:
`)
	flag.PrintDefaults()
}
