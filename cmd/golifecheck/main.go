// Command golifecheck reports goroutine lifecycle bugs in Go packages.
//
// Run it standalone:
//
//	golifecheck ./...
//	golifecheck -json ./...
//	golifecheck -fix ./...
//
// or under go vet:
//
//	go vet -vettool=$(which golifecheck) ./...
//
// "golifecheck help" prints the documentation of every check;
// "golifecheck help CHECK" prints one.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer"
	"golang.org/x/tools/go/analysis/singlechecker"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "help" {
		os.Exit(help(os.Args[2:]))
	}
	// On a bad flag, the flag package prints its error and calls this: say
	// where help is rather than print all of it (-h still prints it all).
	flag.CommandLine.Usage = func() {
		for _, arg := range os.Args[1:] {
			if arg == "-h" || arg == "-help" || arg == "--help" {
				flag.Usage()
				return
			}
		}
		fmt.Fprintln(os.Stderr, "usage: golifecheck [-flag] [package...]; golifecheck -h lists the flags, golifecheck help the checks")
	}
	singlechecker.Main(analyzer.Analyzer)
}

// help prints the documentation of the named checks, or of all of them.
func help(names []string) int {
	if len(names) == 0 {
		fmt.Println(analyzer.Analyzer.Doc)
		fmt.Println("\nRun 'golifecheck -h' for the flags.")
		return 0
	}
	for _, name := range names {
		doc, ok := analyzer.CheckDoc(name)
		if !ok {
			fmt.Fprintf(os.Stderr, "golifecheck: unknown check %q (checks: %s)\n", name, strings.Join(analyzer.Checks(), ", "))
			return 2
		}
		fmt.Printf("# %s\n\n%s\n", name, doc)
	}
	return 0
}
