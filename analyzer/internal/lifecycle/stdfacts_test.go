package lifecycle

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"go/types"
	"os"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/objectpath"
)

var update = flag.Bool("update", false, "rewrite the table of the Go release running the test (stdfacts-go1.N.json.gz) from the analyzer")

// TestStdFacts recomputes the standard library's facts and digests (see
// stdfacts.go) and compares them with the embedded table of the Go release
// running the test (stdfacts-go1.26.json.gz under Go 1.26.8, go1.27's
// under GOTOOLCHAIN=go1.27.3): it fails when there is no such table, when
// none of its packages' sources are those of this release, and when the
// analyzer's facts have drifted from the table, for every package whose
// sources are those the table was computed from. With -update it rewrites
// that table instead.
//
// It analyzes all of std (about a minute and 2 GB), so it is skipped
// under -race and -short; CI runs it on its own.
func TestStdFacts(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("analyzes all of std: run without -race and -short")
	}
	got := computeStdFacts(t)
	if *update {
		writeStdFacts(t, got)
		return
	}
	name := stdFactsFile(stdRelease())
	if _, err := stdFactsFS.ReadFile(name); err != nil {
		t.Fatalf("no table for %s (%s): run go test ./analyzer/internal/lifecycle -run TestStdFacts -update", stdRelease(), name)
	}
	want := loadStdFacts()
	matched := 0
	for path, g := range got.Packages {
		w := want.Packages[path]
		switch {
		case w == nil:
			t.Errorf("%s: not in the table: run go test ./analyzer/internal/lifecycle -run TestStdFacts -update", path)
		case w.Digest != g.Digest:
			// Other sources (another Go release or platform): the
			// table does not apply, and the package is analyzed.
		case !reflect.DeepEqual(w.Facts, g.Facts) || !slices.Equal(w.NoReturn, g.NoReturn):
			t.Errorf("%s: the table's facts drifted from the analyzer's:\n table: %v, noReturn %v\n now:   %v, noReturn %v\nrun go test ./analyzer/internal/lifecycle -run TestStdFacts -update", path, w.Facts, w.NoReturn, g.Facts, g.NoReturn)
		default:
			matched++
		}
	}
	t.Logf("%d of %d packages match %s (computed with %s; this is %s)", matched, len(got.Packages), name, want.Go, goPlatform())
	if matched == 0 {
		t.Errorf("no package's sources match the table computed with %s: run go test ./analyzer/internal/lifecycle -run TestStdFacts -update", want.Go)
	}
}

// TestStdFactsInVetxOnlyMode checks that a standard-library package
// analyzed only for its facts takes them from the table: the same facts,
// and no SSA built.
func TestStdFactsInVetxOnlyMode(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("loads net/http and its dependencies from source")
	}
	table := loadStdFacts()
	built := 0
	beforeChecks = func(*State) { built++ }
	SetFactsOnly(func(*types.Package) bool { return true })
	defer func() { beforeChecks = nil; SetFactsOnly(nil) }()
	graph := analyzeStd(t, "net/http")
	for act := range graph.All() {
		if act.Analyzer != Analyzer {
			continue
		}
		path := act.Package.PkgPath
		if table.Packages[path] == nil {
			t.Errorf("%s: not in the table", path)
			continue
		}
		if g := ownFacts(t, act); !reflect.DeepEqual(g, table.Packages[path].Facts) {
			t.Errorf("%s: exported %v, the table has %v", path, g, table.Packages[path].Facts)
		}
		if g := ownNoReturns(act); !slices.Equal(g, table.Packages[path].NoReturn) {
			t.Errorf("%s: exported noReturn for %v, the table has %v", path, g, table.Packages[path].NoReturn)
		}
	}
	if built != 0 {
		t.Errorf("SSA was built for %d packages whose facts the table holds", built)
	}
}

// computeStdFacts analyzes every package of std and returns its table.
func computeStdFacts(t *testing.T) *stdTable {
	computingStdFacts = true
	SetFactsOnly(func(*types.Package) bool { return true }) // no check needs to run
	defer func() { computingStdFacts = false; SetFactsOnly(nil) }()
	graph := analyzeStd(t, "std")
	table := &stdTable{Go: goPlatform(), Packages: make(map[string]*stdPackage)}
	for act := range graph.All() {
		if act.Analyzer != Analyzer {
			continue
		}
		var d stdDigest
		if !act.PackageFact(act.Package.Types, &d) {
			t.Fatalf("%s: no digest", act.Package.PkgPath)
		}
		entry := &stdPackage{Digest: d.Sum, Facts: ownFacts(t, act), NoReturn: ownNoReturns(act)}
		table.Packages[act.Package.PkgPath] = entry
	}
	return table
}

// analyzeStd loads the patterns' packages and their dependencies from
// source and runs the analyzer on them, failing on any error.
func analyzeStd(t *testing.T, patterns ...string) *checker.Graph {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax}, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{Analyzer}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for act := range graph.All() {
		if act.Err != nil {
			t.Fatalf("%s: %v", act, act.Err)
		}
	}
	return graph
}

// ownFacts returns the funcFacts the action exported for its own
// package's objects, by object path, or nil if there are none.
func ownFacts(t *testing.T, act *checker.Action) map[string]*FuncFact {
	var facts map[string]*FuncFact
	for _, f := range act.AllObjectFacts() {
		fact, ok := f.Fact.(*FuncFact)
		if !ok || f.Object.Pkg() != act.Package.Types {
			continue
		}
		path, err := objectpath.For(f.Object)
		if err != nil {
			continue // not encodable: go vet drops it too
		}
		if facts == nil {
			facts = make(map[string]*FuncFact)
		}
		facts[string(path)] = fact
	}
	return facts
}

// ownNoReturns returns the object paths of the action's own functions
// with the noReturn fact, sorted, or nil if there are none.
func ownNoReturns(act *checker.Action) []string {
	var paths []string
	for _, f := range act.AllObjectFacts() {
		if _, ok := f.Fact.(*noReturn); !ok || f.Object.Pkg() != act.Package.Types {
			continue
		}
		if path, err := objectpath.For(f.Object); err == nil {
			paths = append(paths, string(path))
		}
	}
	slices.Sort(paths)
	return paths
}

// writeStdFacts writes the table, gzipped JSON with sorted keys, to the
// file of the Go release running the test (stdfacts-go1.N.json.gz).
func writeStdFacts(t *testing.T, table *stdTable) {
	data, err := json.Marshal(table) // maps are written in key order
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stdFactsFile(stdRelease()), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	withFacts, noReturns := 0, 0
	for _, p := range table.Packages {
		if len(p.Facts) > 0 {
			withFacts++
		}
		noReturns += len(p.NoReturn)
	}
	t.Logf("wrote %s: %d packages (%d with funcFacts), %d functions that never return, %d bytes", stdFactsFile(stdRelease()), len(table.Packages), withFacts, noReturns, buf.Len())
}

// goPlatform names the Go release and platform: "go1.26.8 linux/amd64".
func goPlatform() string {
	return fmt.Sprintf("%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// TestMaybeStd: every package of the table passes the guard that spares
// other packages the table's decoding, and module paths do not.
func TestMaybeStd(t *testing.T) {
	if len(loadStdFacts().Packages) == 0 {
		t.Fatal("the table is empty")
	}
	for path := range loadStdFacts().Packages {
		if !maybeStd(path) {
			t.Errorf("maybeStd(%q) = false for a package of the table", path)
		}
	}
	for _, path := range []string{"github.com/nats-io/nats-server/v2/server", "gopkg.in/yaml.v3", "golang.org/x/tools/go/ssa", "k8s.io/client-go/tools/cache"} {
		if maybeStd(path) {
			t.Errorf("maybeStd(%q) = true", path)
		}
	}
}

var (
	stdOnce  sync.Once
	stdFacts *stdTable
)

// loadStdFacts decodes the whole embedded table of the Go release analyzed
// (see stdRelease), once. A release with no table, or a table that
// cannot be decoded, gives an empty one: every package is then analyzed.
func loadStdFacts() *stdTable {
	stdOnce.Do(func() {
		stdFacts = &stdTable{}
		if json.Unmarshal(stdTableData(), stdFacts) != nil {
			stdFacts = &stdTable{}
		}
	})
	return stdFacts
}

// BenchmarkStdEntry measures what a process pays for the table: decoding
// it and one package's entry (go test -bench StdEntry -benchmem).
func BenchmarkStdEntry(b *testing.B) {
	for b.Loop() {
		stdTableOnce = sync.Once{}
		if stdEntry("net/http") == nil {
			b.Fatal("no entry for net/http")
		}
	}
}

// TestStdEntry checks that stdEntry, which decodes one entry found by its
// key, gives each package the entry the whole table's decoding gives, and
// none to a package the table lacks.
func TestStdEntry(t *testing.T) {
	table := loadStdFacts()
	if len(table.Packages) == 0 {
		t.Fatal("the table of this release is empty")
	}
	for path, want := range table.Packages {
		if got := stdEntry(path); !reflect.DeepEqual(got, want) {
			t.Errorf("stdEntry(%q) = %+v, want %+v", path, got, want)
		}
	}
	for _, path := range []string{"example.com/x", "net/htt", "http", ""} {
		if got := stdEntry(path); got != nil {
			t.Errorf("stdEntry(%q) = %+v, want nil", path, got)
		}
	}
}
