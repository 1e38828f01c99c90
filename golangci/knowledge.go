package golangci

import (
	"go/types"

	"golang.org/x/tools/go/packages"

	"github.com/golifecheck/golifecheck/analyzer"
)

// checkKnowledge checks the knowledge file as the standalone command checks
// its -knowledge file (cmd/golifecheck/knowledge.go), once, when the plugin
// is made: its syntax, then each entry against the signature of what it
// names, in the packages the file names that the build can load from the
// working directory. Its error names the file as given and the line
// ("extra.txt:2: context.WithCancel: result 5 is not a function"), the
// standalone command's words; without it a bad entry would be taken as it
// is and fail the analysis of every package (an index out of range).
func checkKnowledge(file string) error {
	paths, err := analyzer.KnowledgePackages(file)
	if err != nil {
		return err
	}
	return analyzer.CheckKnowledge(file, loadTypes(paths))
}

// loadTypes returns the type information of the packages of paths that
// the build can load (from export data), keyed by import path; the others
// are left out, which CheckKnowledge reports. It is cmd/golifecheck's
// loadTypes: the command is a main package, and this module cannot import it.
func loadTypes(paths []string) map[string]*types.Package {
	pkgs := make(map[string]*types.Package)
	if len(paths) == 0 {
		return pkgs
	}
	loaded, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, paths...)
	if err != nil {
		return pkgs
	}
	for _, p := range loaded {
		if len(p.Errors) == 0 && p.Types != nil {
			pkgs[p.PkgPath] = p.Types
		}
	}
	return pkgs
}
