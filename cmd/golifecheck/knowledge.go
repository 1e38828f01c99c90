package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/golifecheck/golifecheck/analyzer"
)

// knowledgeFlag returns the value of the last -knowledge flag, or "".
func knowledgeFlag(flags []flagArg) string {
	file := ""
	for _, f := range flags {
		if isKnowledge(f.name) {
			file = f.value
		}
	}
	return file
}

// isKnowledge reports whether the named flag is -knowledge, as golifecheck
// names it or as x/tools does with several analyzers (ANALYZER.knowledge).
func isKnowledge(name string) bool {
	return name == "knowledge" || strings.HasSuffix(name, ".knowledge")
}

// checkKnowledge checks the -knowledge file once, before any package is
// analyzed, so that a bad file is one error with its line rather than one
// per package: its syntax, then each entry against the signature of what
// it names, in the packages that the file names and the build can load.
// Under go vet (vet set; cfg is go vet's configuration file) the flag is
// refused, once per package named on go vet's command line (errQuiet for
// the dependencies go vet analyzes for their facts only): go vet runs the tool in each
// package's directory and caches its results by flags and sources, so a
// relative path would be misread and an edit to the file never seen.
func checkKnowledge(file string, vet bool, cfg string) error {
	if file == "" {
		return nil
	}
	if vet {
		if vetxOnly(cfg) {
			return errQuiet // a dependency, analyzed for facts only: say it once, for the packages named
		}
		return fmt.Errorf("-knowledge cannot be used under go vet, which caches results without reading %s (edits would go unseen) and runs golifecheck in each package's directory; run golifecheck -knowledge=%s ./... instead", file, file)
	}
	if err := analyzer.CheckKnowledgeFile(file); err != nil {
		return fmt.Errorf("-knowledge: %w", err)
	}
	return nil
}

// errQuiet asks for exit status 2 with nothing printed.
var errQuiet = errors.New("")

// vetxOnly reports whether go vet's configuration file cfg asks for facts
// only (a dependency of the packages named), not for findings.
func vetxOnly(cfg string) bool {
	data, err := os.ReadFile(cfg)
	if err != nil {
		return false
	}
	var c struct{ VetxOnly bool }
	return json.Unmarshal(data, &c) == nil && c.VetxOnly
}
