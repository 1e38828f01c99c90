package golangci_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"
)

// TestKnowledgeChecked: a knowledge file the standalone command rejects
// (cmd/golifecheck's TestKnowledgeFileChecked: an index past a signature,
// a result that is not a function or not a context, an unknown role) is
// rejected by New, at start, with the standalone command's message, rather
// than taken as it is; a good one is accepted.
func TestKnowledgeChecked(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"go.mod": "module example.com/k\n\ngo 1.25.0\n",
		"a/a.go": "package a\n\nimport \"context\"\n\nfunc A(ctx context.Context) context.Context {\n\tctx, _ = context.WithCancel(ctx)\n\treturn ctx\n}\n",
	} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir) // golangci-lint makes the plugin in the directory it lints
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "")
	write := func(entry string) {
		t.Helper()
		if err := os.WriteFile("k.txt", []byte("# extra entries\n"+entry+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for entry, want := range map[string]string{
		"cancel context.WithCancel 5":        "k.txt:2: context.WithCancel: result 5 is not a function",
		"cancel context.WithCancel 0":        "k.txt:2: context.WithCancel: result 0 is not a function",
		"cancel context.WithCancel 1 done=9": "k.txt:2: context.WithCancel: done=9: result 9 is not a context.Context",
		"launcher time.AfterFunc 9":          "k.txt:2: time.AfterFunc: argument 9 is not a function",
		"launcher example.com/k/a.A 0":       "k.txt:2: example.com/k/a.A: argument 0 is not a function",
		"stopedby net/http.ListenAndServe":   `k.txt:2: unknown role "stopedby"`,
		"cancel example.com/k/nosuch.F 1":    "k.txt:2: example.com/k/nosuch.F: no package of that path can be loaded here",
	} {
		write(entry)
		p, err := newPlugin(t, map[string]any{"knowledge": "k.txt"})
		if err == nil {
			t.Errorf("knowledge entry %q: New = %v, nil; want an error with %q", entry, p, want)
			continue
		}
		// The message may go on with the signature, as the command's does.
		if got := err.Error(); !strings.HasPrefix(got, "golifecheck settings: knowledge: "+want) {
			t.Errorf("knowledge entry %q: New: %q; want %q", entry, got, "golifecheck settings: knowledge: "+want)
		}
	}
	write("cancel context.WithCancel 1 done=0")
	if _, err := newPlugin(t, map[string]any{"knowledge": "k.txt"}); err != nil {
		t.Errorf("a good knowledge file: New: %v", err)
	}
}

// inTestdataGOPATH returns a function that makes packages load from the
// testdata directory in GOPATH mode, as analysistest loads them, while it
// calls f: New loads the packages a knowledge file names to check it. The
// working directory is put back after f, since the tests name testdata
// relative to it.
func inTestdataGOPATH(t *testing.T, f func()) {
	t.Helper()
	testdata, err := filepath.Abs(analysistest.TestData())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOPATH", testdata)
	t.Setenv("GO111MODULE", "off")
	t.Setenv("GOWORK", "off")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(filepath.Join(testdata, "src")); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := os.Chdir(wd); err != nil {
			t.Fatal(err)
		}
	}()
	f()
}
