package lifecycle

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"go/types"
	"go/version"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/objectpath"
)

// The standard library's facts, computed ahead of time.
//
// Under go vet, golifecheck runs on every package of the build, the
// standard library's included, to compute the facts that importers read;
// go vet discards the diagnostics of those runs (its VetxOnly mode). For
// the standard library that means building the SSA form of runtime, net
// and the rest on every run: it set golifecheck's peak memory at about
// 1.4x go vet's (issue 14). stdfacts-go1.N.json.gz holds, for each
// package of Go 1.N's std, a digest of its sources and the facts
// golifecheck computes for it; a run whose diagnostics are discarded
// exports those facts and builds no SSA, when the digest matches. There
// is a table for each Go release golifecheck supports (go1.26, go1.27),
// and a run uses that of the release whose standard library it analyzes
// (see stdRelease).
//
// The digest of a package is the SHA-256 of its source files' names and
// contents (for cgo's output, those of the files it was made from) and of
// the digests of the packages it imports, so that a table computed
// for another Go point release, GOOS, GOARCH or set of build tags never
// matches: the package is then analyzed as any other. TestStdFacts
// recomputes the table of the Go release running it and fails when it
// drifts from the analyzer; `go test ./analyzer/internal/lifecycle -run
// TestStdFacts -update` rewrites it (with GOTOOLCHAIN=go1.27.3 in the
// environment, Go 1.27's).

//go:embed stdfacts-go1.*.json.gz
var stdFactsFS embed.FS

// stdFactsFile is the name of the table of a Go release ("go1.26.8"):
// stdfacts-go1.26.json.gz.
func stdFactsFile(release string) string {
	return "stdfacts-" + version.Lang(release) + ".json.gz"
}

// stdRelease is the Go release whose standard library is analyzed: under
// go vet, go vet's, which it names in the tool's environment (GOVERSION,
// "go1.27.3"); else, as under go/packages, the release golifecheck was
// built with, which is that of the go command in the usual case.
func stdRelease() string {
	if v := os.Getenv("GOVERSION"); version.IsValid(v) {
		return v
	}
	return runtime.Version()
}

// A stdTable is the content of a stdfacts-go1.N.json.gz.
type stdTable struct {
	// Go is the release, GOOS and GOARCH the table was computed with
	// ("go1.26.8 linux/amd64"), for the record: the digests decide.
	Go       string
	Packages map[string]*stdPackage
}

// A stdPackage is one package's entry: the digest of its sources and its
// facts, by object path (golang.org/x/tools/go/types/objectpath): the
// funcFacts, and the functions with the noReturn fact.
type stdPackage struct {
	Digest   string
	Facts    map[string]*FuncFact `json:",omitempty"`
	NoReturn []string             `json:",omitempty"`
}

// stdDigest is the package fact that carries a standard-library
// package's digest to its importers, whose own digests include it.
type stdDigest struct{ Sum string }

func (*stdDigest) AFact()           {}
func (d *stdDigest) String() string { return "digest" }

var (
	stdTableOnce sync.Once
	stdTableJSON []byte // the table of the release analyzed, decompressed

	stdEntriesMu sync.Mutex
	stdEntries   = make(map[string]*stdPackage) // stdEntry's answers, nil included
)

// stdEntry returns the table's entry for the package path, nil if it has
// none. It decodes that entry alone, found by its key: a process analyzes
// one package, and decoding the whole table cost about 0.7 ms a process, a
// few percent of go vet std's CPU. The key of an entry ("net/http":{) is
// the only place a package path is followed by an object in the table
// (the facts are keyed by object paths, which hold no slash). Each path's
// answer is kept: the summaries ask once per function (inStdTable), and
// looking the entry up each time cost 2.5% of go vet std's CPU.
func stdEntry(path string) *stdPackage {
	stdEntriesMu.Lock()
	defer stdEntriesMu.Unlock()
	p, ok := stdEntries[path]
	if !ok {
		p = decodeStdEntry(path)
		stdEntries[path] = p
	}
	return p
}

// decodeStdEntry finds and decodes the table's entry for path.
func decodeStdEntry(path string) *stdPackage {
	key, err := json.Marshal(path)
	if err != nil {
		return nil
	}
	table := stdTableData()
	i := bytes.Index(table, append(key, ':', '{'))
	if i < 0 {
		return nil
	}
	var p stdPackage
	if json.NewDecoder(bytes.NewReader(table[i+len(key)+1:])).Decode(&p) != nil {
		return nil
	}
	return &p
}

// stdTableData returns the embedded table of the Go release analyzed (see
// stdRelease), decompressed, once; nil if the release has none or it
// cannot be read, and then every package is analyzed.
func stdTableData() []byte {
	stdTableOnce.Do(func() {
		gz, err := stdFactsFS.ReadFile(stdFactsFile(stdRelease()))
		if err != nil {
			return
		}
		r, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			return
		}
		if data, err := io.ReadAll(r); err == nil {
			stdTableJSON = data
		}
	})
	return stdTableJSON
}

// factsOnly, when set by a driver, reports whether the diagnostics of a
// package are discarded, so that only its facts matter.
var factsOnly func(*types.Package) bool

// SetFactsOnly tells golifecheck which packages the driver analyzes for
// their facts alone, discarding their diagnostics: under go vet, those of
// a run whose vet.cfg says VetxOnly. golifecheck's command sets it; other
// drivers need not. For a standard-library package whose sources match
// the embedded table, golifecheck then exports the table's facts instead
// of analyzing the package.
func SetFactsOnly(f func(*types.Package) bool) { factsOnly = f }

// computingStdFacts, set by TestStdFacts, has every package export its
// digest and none use the table.
var computingStdFacts bool

// diagnosticsDiscarded reports whether the driver discards the package's
// diagnostics (see SetFactsOnly).
func diagnosticsDiscarded(pass *analysis.Pass) bool {
	return factsOnly != nil && factsOnly(pass.Pkg)
}

// useStdFacts exports the package's digest, if it is a standard-library
// package of the table, and then, if the driver discards its diagnostics
// and the table's digest matches, the table's facts. It reports whether
// it did the latter: then nothing is left to do.
func useStdFacts(pass *analysis.Pass) bool {
	if !computingStdFacts && !maybeStd(pass.Pkg.Path()) {
		return false // spare the table's decoding, about 2 ms a process
	}
	entry := stdEntry(pass.Pkg.Path())
	if entry == nil && !computingStdFacts {
		return false
	}
	sum, ok := digest(pass)
	if !ok {
		return false
	}
	pass.ExportPackageFact(&stdDigest{sum})
	if computingStdFacts || sum != entry.Digest || !diagnosticsDiscarded(pass) || !defaultConfig() {
		logStdFacts(pass.Pkg.Path() + " analyzed")
		return false
	}
	logStdFacts(pass.Pkg.Path() + " from the table")
	export := func(path string, fact analysis.Fact) bool {
		obj, err := objectpath.Object(pass.Pkg, objectpath.Path(path))
		if err != nil {
			return false // cannot happen when the digest matches
		}
		pass.ExportObjectFact(obj, fact)
		return true
	}
	for path, fact := range entry.Facts {
		if !export(path, fact) {
			return false
		}
	}
	for _, path := range entry.NoReturn {
		if !export(path, new(noReturn)) {
			return false
		}
	}
	return true
}

// inStdTable reports whether path names a standard-library package the
// std facts table lists.
func inStdTable(path string) bool {
	return maybeStd(path) && stdEntry(path) != nil
}

// maybeStd reports whether path may name a standard-library package:
// the standard library's paths have no dot in their first element (the
// Go modules reference, "Module paths"; cmd/go's isStandardImportPath).
func maybeStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// defaultConfig reports whether no knowledge file is given: the
// configuration the table was computed with.
func defaultConfig() bool {
	return knowledgeFile == ""
}

// digest returns the digest of the package being analyzed (see above),
// or false if a file cannot be read or an import has no digest.
func digest(pass *analysis.Pass) (string, bool) {
	h := sha256.New()
	var names []string
	seen := make(map[string]bool)
	for _, f := range pass.Files {
		// The source a file comes from: cgo's rewrite of a file that
		// imports "C" names it in a //line directive. The rest of cgo's
		// output (_cgo_gotypes.go and _cgo_import.go under go vet, files
		// named by a hash, with no .go, in the build cache under
		// go/packages) is made from those files.
		name := pass.Fset.Position(f.Package).Filename
		base := filepath.Base(name)
		if !seen[name] && strings.HasSuffix(base, ".go") && !strings.HasPrefix(base, "_cgo_") {
			seen[name] = true
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool { return filepath.Base(names[i]) < filepath.Base(names[j]) })
	// One buffer for every file: io.Copy from an *os.File (a WriterTo)
	// would make one per file, 32 KB each, a few MB a large package.
	buf := make([]byte, 32<<10)
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return "", false
		}
		io.WriteString(h, filepath.Base(name)+"\x00")
		_, err = io.CopyBuffer(h, struct{ io.Reader }{f}, buf)
		f.Close()
		if err != nil {
			return "", false
		}
	}
	imports := append([]*types.Package(nil), pass.Pkg.Imports()...)
	sort.Slice(imports, func(i, j int) bool { return imports[i].Path() < imports[j].Path() })
	for _, imp := range imports {
		if imp == types.Unsafe {
			continue
		}
		var d stdDigest
		if !pass.ImportPackageFact(imp, &d) {
			return "", false
		}
		io.WriteString(h, imp.Path()+"\x00"+d.Sum+"\x00")
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// stdFactsLogEnv names a file to which each run on a standard-library
// package of the table appends whether it took the table's facts: tests
// read it to see what go vet's runs did.
const stdFactsLogEnv = "GOLIFECHECK_STDFACTS_LOG"

func logStdFacts(line string) {
	name := os.Getenv(stdFactsLogEnv)
	if name == "" {
		return
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	io.WriteString(f, line+"\n")
}
