package main_test

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// modVersion returns the main module's version recorded in bin's build
// info, as go version -m prints it.
func modVersion(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^\tmod\tgithub.com/golifecheck/golifecheck\t(\S+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no main module in go version -m's output:\n%s", out)
	}
	return string(m[1])
}

var versionRE = regexp.MustCompile(`^golifecheck version (\S+(?: \S+)?) (go\S+) (\w+/\w+)\n$`)

// TestVersion: golifecheck version, -V and -V=true print one line, the
// same, with the main module's version from the build info and the Go
// release, and exit 0.
func TestVersion(t *testing.T) {
	t.Parallel()
	bin := build(t)
	dir := t.TempDir()
	code, want, stderr := run(t, dir, bin, "version")
	m := versionRE.FindStringSubmatch(want)
	if m == nil {
		t.Fatalf("golifecheck version: want golifecheck version VERSION GO OS/ARCH, got %d %q\n%s", code, want, stderr)
	}
	if v := modVersion(t, bin); !strings.HasPrefix(m[1], v) {
		t.Errorf("golifecheck version: want the module's version %s, got %q", v, want)
	}
	if m[2] != runtime.Version() || m[3] != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("golifecheck version: want %s %s/%s, got %q", runtime.Version(), runtime.GOOS, runtime.GOARCH, want)
	}
	for _, args := range [][]string{{"version"}, {"-V"}, {"-V=true"}} {
		if code, stdout, stderr := run(t, dir, bin, args...); code != 0 || stdout != want {
			t.Errorf("%v: want %q and exit 0, got %d\n%s%s", args, want, code, stdout, stderr)
		}
	}
	if code, _, stderr := run(t, dir, bin, "version", "extra"); code != 2 || !strings.Contains(stderr, "usage: golifecheck version") {
		t.Errorf("version extra: want a usage error and exit 2, got %d\n%s", code, stderr)
	}
}

// TestVersionFull: -V=full prints what go vet reads to key its cache
// (cmd/go/internal/work/buildid.go's toolID): "golifecheck version devel
// ... buildID=HASH", the hash the executable's, so that go vet keys its
// cache by the binary's content.
func TestVersionFull(t *testing.T) {
	t.Parallel()
	bin := build(t)
	code, out, stderr := run(t, t.TempDir(), bin, "-V=full")
	f := strings.Fields(out)
	if code != 0 || len(f) < 4 || f[0] != "golifecheck" || f[1] != "version" || !strings.Contains(f[2], "devel") {
		t.Fatalf("-V=full: want golifecheck version devel ... buildID=HASH, got %d\n%s%s", code, out, stderr)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("buildID=%x", sha256.Sum256(data)); f[len(f)-1] != want {
		t.Errorf("-V=full: want the last field %s, got %q", want, out)
	}
	_, line, _ := run(t, t.TempDir(), bin, "version")
	if m := versionRE.FindStringSubmatch(line); m == nil || !strings.Contains(out, " "+m[1]+" "+m[2]+" ") {
		t.Errorf("-V=full: want the version of golifecheck version (%q), got %q", line, out)
	}
}

// TestVetCaches: go vet -vettool=golifecheck, run twice on unchanged
// code, serves the second run from its cache (the tool is not run, the
// finding is printed again); a changed binary is run again.
func TestVetCaches(t *testing.T) {
	t.Parallel()
	bin := build(t)
	unique := func() { // bytes of its own: no result of it cached yet
		f, err := os.OpenFile(bin, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "%d", time.Now().UnixNano())
		f.Close()
	}
	unique()
	dir := writeModule(t, map[string]string{"g.go": unfixable})
	vet := func(wantRun bool) {
		t.Helper()
		code, _, stderr := run(t, dir, "go", "vet", "-x", "-vettool="+bin, "./...")
		if code != 1 || !strings.Contains(stderr, stopFinding) {
			t.Fatalf("go vet: want the finding and exit 1, got %d\n%s", code, stderr)
		}
		ran := false // go vet -x prints the tool's command line: BIN [-flag] $WORK/b001/vet.cfg
		for _, l := range strings.Split(stderr, "\n") {
			ran = ran || strings.Contains(l, bin+" ") && strings.HasSuffix(l, "vet.cfg")
		}
		if ran != wantRun {
			t.Errorf("go vet: want the tool run %v, got %v:\n%s", wantRun, ran, stderr)
		}
	}
	vet(true)
	vet(false)
	unique()
	vet(true)
}

// TestVersionFromVCS builds golifecheck in a git repository of its own
// (a copy of the packages it is built from) with -buildvcs=true: the
// version names the commit, then the tag, then "+dirty" with an
// uncommitted file.
func TestVersionFromVCS(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := copyModule(t)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "copy")
	rev := git("rev-parse", "HEAD")
	bin := filepath.Join(t.TempDir(), "golifecheck")
	version := func() string {
		t.Helper()
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/golifecheck")
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=true", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		_, out, stderr := run(t, repo, bin, "version")
		return out + stderr
	}
	if out := version(); !strings.Contains(out, rev[:12]) {
		t.Errorf("at a commit: want the revision %s in the version, got %q", rev[:12], out)
	}
	git("tag", "v0.3.0")
	if out := version(); !strings.HasPrefix(out, "golifecheck version v0.3.0 ") {
		t.Errorf("at tag v0.3.0: want version v0.3.0, got %q", out)
	}
	if err := os.WriteFile(filepath.Join(repo, "uncommitted.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := version(); !strings.Contains(out, "+dirty") {
		t.Errorf("with an uncommitted file: want +dirty in the version, got %q", out)
	}
}

// copyModule copies into a temporary directory what golifecheck is built
// from: the module's go.mod and go.sum and the files of the module's
// packages it imports, and returns the directory.
func copyModule(t *testing.T) string {
	t.Helper()
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	src := strings.TrimSpace(string(root))
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if .Module}}{{if .Module.Main}}{{.Dir}}{{end}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	dst := t.TempDir()
	copyFile := func(rel string) {
		data, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("go.mod")
	copyFile("go.sum")
	for _, dir := range strings.Fields(string(out)) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() {
				rel, err := filepath.Rel(src, filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				copyFile(rel)
			}
		}
	}
	return dst
}
