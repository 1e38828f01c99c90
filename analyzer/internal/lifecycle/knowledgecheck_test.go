package lifecycle

import (
	"go/importer"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCheckKnowledge checks knowledge entries against the signatures of
// what they name, with the standard library's types.
func TestCheckKnowledge(t *testing.T) {
	pkgs := make(map[string]*types.Package)
	for _, path := range []string{"context", "time", "net/http", "sync", "io"} {
		pkg, err := importer.ForCompiler(token.NewFileSet(), "gc", nil).Import(path)
		if err != nil {
			t.Fatal(err)
		}
		pkgs[path] = pkg
	}
	for _, tc := range []struct{ entry, err string }{
		{"cancel context.WithCancel 1 done=0", ""},
		{"launcher (*sync.WaitGroup).Go 1", ""},
		{"neverclosed time.Ticker.C", ""},
		{"neverclosed time.After", ""},
		{"stoppedby (*net/http.Server).ListenAndServe (*net/http.Server).Shutdown", ""},
		{"cancel github.com/not/loaded.F 7", "no package of that path can be loaded"},
		{"stoppedby (*net/http.Server).Serve (*net/http.Server).Halt", "(*net/http.Server).Halt: no such method"},
		{"stoppedby (*net/http.Server).Serve net/http.ListenAndServe", "net/http.ListenAndServe: no such method"},
		{"cancel context.WithCancel 5", "result 5 is not a function"},
		{"cancel context.WithCancel 0", "result 0 is not a function"},
		{"cancel context.WithCancel 1 done=9", "done=9: result 9 is not a context.Context"},
		{"launcher (*sync.WaitGroup).Go 9", "argument 9 is not a function"},
		{"launcher (*sync.WaitGroup).Go 0", "argument 0 is not a function"},
		{"neverclosed time.Ticker.Reset", "neither a function returning a channel"},
		{"cancel context.NoSuch 1", "no such function, method or field in package context"},
		{"stoppedby time.Second", "is not a function or method"},
		{"mustclose (*net/http.Client).Do 0 Body", ""},
		{"mustclose (*net/http.Client).Do 0 Header", "result 0 is not a pointer to a struct whose field Header has a Close method"},
		{"mustclose (*net/http.Client).Do 1 Body", "result 1 is not a pointer"},
		{"reads io.Copy 1", ""},
		{"reads io.Copy 2", "argument 2 out of range"},
	} {
		file := filepath.Join(t.TempDir(), "k.txt")
		if err := os.WriteFile(file, []byte("# a comment\n"+tc.entry+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := CheckKnowledge(file, pkgs)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: unexpected error %v", tc.entry, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), file+":2: ")):
			t.Errorf("%q: want %s:2: ...%s..., got %v", tc.entry, file, tc.err, err)
		}
	}
}

// TestBuiltinKnowledge checks the built-in table's entries for the
// standard library against its types.
func TestBuiltinKnowledge(t *testing.T) {
	pkgs := make(map[string]*types.Package)
	var std []string
	for _, line := range strings.Split(builtinKnowledge, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") || !token.IsExported(f[1][strings.LastIndex(f[1], ".")+1:]) {
			continue // export data has no unexported names (runtime.main)
		}
		isStd := false
		for _, path := range candidatePaths(f[1]) {
			if strings.Contains(strings.Split(path, "/")[0], ".") {
				continue // a module's: its path starts with a domain
			}
			if pkg, err := importer.ForCompiler(token.NewFileSet(), "gc", nil).Import(path); err == nil {
				pkgs[path], isStd = pkg, true
			}
		}
		if !isStd {
			continue
		}
		std = append(std, line)
	}
	if len(std) < 20 {
		t.Fatalf("only %d standard-library entries found in the built-in table", len(std))
	}
	file := filepath.Join(t.TempDir(), "std.txt")
	if err := os.WriteFile(file, []byte(strings.Join(std, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckKnowledge(file, pkgs); err != nil {
		t.Error(err)
	}
}

func TestCandidatePaths(t *testing.T) {
	for name, want := range map[string][]string{
		"context.WithCancel":          {"context"},
		"(*net/http.Server).Shutdown": {"net/http"},
		"(*gopkg.in/tomb.v2.Tomb).Go": {"gopkg.in/tomb.v2", "gopkg.in/tomb"},
		"time.Ticker.C":               {"time.Ticker", "time"},
	} {
		if got := candidatePaths(name); !slices.Equal(got, want) {
			t.Errorf("candidatePaths(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestMisfitEntriesIgnored: an entry the check would refuse never reaches
// the analysis (no index out of range, no `defer ctx()` fix).
func TestMisfitEntriesIgnored(t *testing.T) {
	ctx, _ := importer.ForCompiler(token.NewFileSet(), "gc", nil).Import("context")
	fn := ctx.Scope().Lookup("WithCancel").(*types.Func)
	k := newKnowledge()
	if err := k.parse("k.txt", "cancel context.WithCancel 5\ncancel context.WithCancel 0\ncancel context.WithCancel 1 done=7\n"); err != nil {
		t.Fatal(err)
	}
	if got := k.cancelResults(fn); !slices.Equal(got, []int{1}) {
		t.Errorf("cancelResults = %v, want [1]", got)
	}
	if _, ok := k.DoneContext(fn); ok {
		t.Errorf("doneContext accepts done=7")
	}
}

// TestKnowledgeName: the guard on building full names lets through every
// function the table names, including one whose package path has a dot
// in its last element and a stop method, and nothing of a package or name
// the table does not mention.
func TestKnowledgeName(t *testing.T) {
	k := newKnowledge()
	if err := k.parse("k.txt", "launcher (*gopkg.in/tomb.v2.Tomb).Go 1\nstoppedby example.com/srv.Serve (*example.com/srv.Server).Close\n"); err != nil {
		t.Fatal(err)
	}
	tomb := types.NewPackage("gopkg.in/tomb.v2", "tomb")
	srv := types.NewPackage("example.com/srv", "srv")
	other := types.NewPackage("example.com/other", "other")
	method := func(pkg *types.Package, typ, name string) *types.Func {
		named := types.NewNamed(types.NewTypeName(token.NoPos, pkg, typ, nil), types.NewStruct(nil, nil), nil)
		recv := types.NewVar(token.NoPos, pkg, "r", types.NewPointer(named))
		return types.NewFunc(token.NoPos, pkg, name, types.NewSignatureType(recv, nil, nil, nil, nil, false))
	}
	fn := func(pkg *types.Package, name string) *types.Func {
		return types.NewFunc(token.NoPos, pkg, name, types.NewSignatureType(nil, nil, nil, nil, nil, false))
	}
	for _, tc := range []struct {
		fn   *types.Func
		want string
	}{
		{method(tomb, "Tomb", "Go"), "(*gopkg.in/tomb.v2.Tomb).Go"},
		{fn(srv, "Serve"), "example.com/srv.Serve"},
		{method(srv, "Server", "Close"), "(*example.com/srv.Server).Close"},
		{fn(srv, "Listen"), ""},
		{fn(other, "Serve"), ""},
		{method(other, "Tomb", "Go"), ""},
	} {
		if got := k.Name(tc.fn); got != tc.want {
			t.Errorf("name(%s) = %q, want %q", tc.fn.FullName(), got, tc.want)
		}
	}
}
