package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestVetSuiteIsGoVets: the suite carried for the Go release the tests run
// under (the go command on PATH, GOTOOLCHAIN included) is the one its own
// vet tool runs: the analyzers whose enable flags cmd/vet -flags lists.
// CI runs it on each supported release.
func TestVetSuiteIsGoVets(t *testing.T) {
	out, err := exec.Command("go", "env", "GOVERSION", "GOTOOLDIR").Output()
	if err != nil {
		t.Fatal(err)
	}
	env := strings.Fields(string(out))
	release := releaseOf(env[0])
	if release == 0 {
		t.Skipf("go env GOVERSION = %s names no release", env[0])
	}
	out, err = exec.Command(filepath.Join(env[1], "vet"), "-flags").Output()
	if err != nil {
		t.Fatalf("vet -flags: %v", err)
	}
	var flags []struct {
		Name  string
		Bool  bool
		Usage string
	}
	if err := json.Unmarshal(out, &flags); err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, f := range flags {
		if f.Bool && !strings.Contains(f.Name, ".") && strings.HasPrefix(f.Usage, "enable ") {
			want = append(want, f.Name)
		}
	}
	for _, a := range vetSuite(release) {
		got = append(got, a.Name)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s: go vet runs\n\t%s\ngolifecheck carries\n\t%s\n(add the release's list to vetSuites)", env[0], strings.Join(want, " "), strings.Join(got, " "))
	}
}

// TestGoRelease: under go vet, the release is read from the export data
// of the package's imports, whatever the release golifecheck was built
// with.
func TestGoRelease(t *testing.T) {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := releaseOf(string(out))
	out, err = exec.Command("go", "list", "-export", "-f", "{{.Export}}", "fmt").Output()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	other := filepath.Join(dir, "other.a")
	header := "!<arch>\n__.PKGDEF       0           0     0     644     42791     `\ngo object linux amd64 go1.99.1 X:none\n"
	if err := os.WriteFile(other, []byte(header), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		files map[string]string
		want  int
	}{
		{map[string]string{"fmt": strings.TrimSpace(string(out))}, want},
		{map[string]string{"other": other}, 99},
		{map[string]string{"missing": filepath.Join(dir, "missing")}, releaseOf(runtime.Version())},
		{nil, releaseOf(runtime.Version())},
	} {
		data, _ := json.Marshal(map[string]any{"PackageFile": c.files})
		cfg := filepath.Join(dir, "vet.cfg")
		if err := os.WriteFile(cfg, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := goRelease([]string{"-json", cfg}); got != c.want {
			t.Errorf("PackageFile %v: want release 1.%d, got 1.%d", c.files, c.want, got)
		}
	}
	if got, want := goRelease([]string{"-flags"}), releaseOf(runtime.Version()); got != want {
		t.Errorf("without a vet.cfg: want the release golifecheck was built with, 1.%d, got 1.%d", want, got)
	}
	for s, want := range map[string]int{"go1.26.8": 26, "go1.27rc1": 27, "devel go1.28-0123abcd Mon Jan 1": 28, "gccgo": 0} {
		if got := releaseOf(s); got != want {
			t.Errorf("releaseOf(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestSwitchVetOff: -vet=false switches every analyzer of the suite off,
// an analyzer absent from the release's suite is switched off, and the
// user's own flags come after and win.
func TestSwitchVetOff(t *testing.T) {
	vet := allVet()
	count := func(args []string) (off int) {
		for _, a := range args {
			if strings.HasSuffix(a, "=false") && a != "-vet=false" {
				off++
			}
		}
		return off
	}
	if got := switchVetOff([]string{"x.cfg"}, vet, 26); len(got) != 1 {
		t.Errorf("release 1.26, no flags: want nothing switched off, got %v", got)
	}
	if got := switchVetOff([]string{"-vet=false", "-printf", "x.cfg"}, vet, 26); count(got) != len(vet) || !slices.Equal(got[len(got)-3:], []string{"-vet=false", "-printf", "x.cfg"}) {
		t.Errorf("-vet=false: want all %d switched off before the user's flags, got %v", len(vet), got)
	}
	if got := switchVetOff([]string{"-vet=0", "-vet", "x.cfg"}, vet, 26); count(got) != 0 {
		t.Errorf("-vet=0 -vet: the last wins, want nothing switched off, got %v", got)
	}
	extra := *vet[0]
	extra.Name = "newcheck"
	if got := switchVetOff([]string{"x.cfg"}, append(slices.Clone(vet), &extra), 26); !slices.Equal(got, []string{"-newcheck=false", "x.cfg"}) {
		t.Errorf("an analyzer of no 1.26 suite: want it switched off, got %v", got)
	}
}
