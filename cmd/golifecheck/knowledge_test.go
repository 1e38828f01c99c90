package main_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestKnowledgeFileChecked: a bad -knowledge file is one error naming its
// line, exit 2, before any package is analyzed (not one per package, not
// a crash of the check nor a `defer ctx()` fix); under go vet, where a
// relative path names another file in each package directory and edits go
// unseen behind go vet's cache, the flag is refused with the remedy.
func TestKnowledgeFileChecked(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	write(t, dir, "go.mod", "module example.com/k\n\ngo 1.25.0\n")
	write(t, dir, "a/a.go", "package a\n\nimport \"context\"\n\nfunc A(ctx context.Context) context.Context {\n\tctx, _ = context.WithCancel(ctx)\n\treturn ctx\n}\n")
	write(t, dir, "b/b.go", "package b\n\nimport _ \"example.com/k/a\"\n")
	run := func(entry string, args ...string) (string, int) {
		write(t, dir, "k.txt", "# extra entries\n"+entry+"\n")
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		}
		return string(out), code
	}
	for entry, want := range map[string]string{
		"cancel context.WithCancel 5":        "k.txt:2: context.WithCancel: result 5 is not a function",
		"cancel context.WithCancel 0":        "k.txt:2: context.WithCancel: result 0 is not a function",
		"cancel context.WithCancel 1 done=9": "k.txt:2: context.WithCancel: done=9: result 9 is not a context.Context",
		"launcher time.AfterFunc 9":          "k.txt:2: time.AfterFunc: argument 9 is not a function",
		"launcher example.com/k/a.A 0":       "k.txt:2: example.com/k/a.A: argument 0 is not a function",
		"stopedby net/http.ListenAndServe":   `k.txt:2: unknown role "stopedby"`,
	} {
		out, code := run(entry, bin, "-knowledge=k.txt", "./...")
		if code != 2 || strings.Count(out, "\n") != 1 || !strings.Contains(out, want) {
			t.Errorf("-knowledge with %q: want exit 2 and one line with %q, got %d:\n%s", entry, want, code, out)
		}
	}
	if out, code := run("cancel context.WithCancel 1 done=0", bin, "-knowledge", "k.txt", "./..."); code != 3 || strings.Contains(out, "knowledge") {
		t.Errorf("a good knowledge file: want the finding and exit 3, got %d:\n%s", code, out)
	}
	out, code := run("cancel context.WithCancel 1", "go", "vet", "-vettool="+bin, "-knowledge=k.txt", "./...")
	if code == 0 || !strings.Contains(out, "-knowledge cannot be used under go vet") || !strings.Contains(out, "run golifecheck -knowledge=k.txt ./...") {
		t.Errorf("go vet -knowledge: want it refused with the remedy, got %d:\n%s", code, out)
	}
}
