package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// build compiles golifecheck into a temporary directory.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "golifecheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var findingLine = regexp.MustCompile(`(?m)^.*?(src/\S+:\d+:\d+: .*)$`)

// findings runs cmd in GOPATH mode over the analyzer's testdata and returns
// its findings, paths from src/ on, sorted.
func findings(t *testing.T, cmd *exec.Cmd) []string {
	t.Helper()
	dir, gopath := testdataGOPATH(t)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GO111MODULE=off", "GOPATH="+gopath, "GOFLAGS=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err == nil {
		t.Fatalf("%v found nothing:\n%s", cmd.Args, out.String())
	}
	var lines []string
	for _, m := range findingLine.FindAllStringSubmatch(out.String(), -1) {
		lines = append(lines, m[1])
	}
	slices.Sort(lines)
	return lines
}

// testdataGOPATH returns analyzer/testdata and a GOPATH of the checks'
// testdata trees under it (analyzer/testdata/CHECK/src/...).
func testdataGOPATH(t *testing.T) (dir, gopath string) {
	t.Helper()
	dir, err := filepath.Abs("../../analyzer/testdata")
	if err != nil {
		t.Fatal(err)
	}
	var roots []string
	for _, check := range []string{"ctxcancel", "chanblock", "gostop"} {
		roots = append(roots, filepath.Join(dir, check))
	}
	return dir, strings.Join(roots, string(os.PathListSeparator))
}

// inProcess is a flag that keeps golifecheck's in-process checker, which
// loads every package from source, rather than go vet (see vetrun.go):
// -test, which go vet does not have, at its default.
const inProcess = "-test"

// TestVetAndStandaloneAgree runs golifecheck under go vet, one package at a
// time with facts passed between runs, and with its in-process checker, on
// packages whose findings need another package's facts: the findings must
// be the same.
func TestVetAndStandaloneAgree(t *testing.T) {
	bin := build(t)
	pkgs := []string{"cancelhelper", "cancelhelperuse", "spawner", "spawneruse", "chanhelper", "chanhelperuse", "noreturn", "noreturnuse"}
	// -vet=false: go vet's own lostcancel would add its findings to ctxcancel's.
	vet := findings(t, exec.Command("go", append([]string{"vet", "-vettool=" + bin, "-vet=false"}, pkgs...)...))
	alone := findings(t, exec.Command(bin, append([]string{inProcess}, pkgs...)...))
	if !slices.Equal(vet, alone) {
		t.Fatalf("go vet and standalone disagree\ngo vet:\n%s\nstandalone:\n%s", strings.Join(vet, "\n"), strings.Join(alone, "\n"))
	}
	// Six findings in cancelhelperuse (one on a wrapper's mustClose
	// fact), five in spawneruse, five in chanhelperuse and one in
	// noreturnuse, each needing a fact of the package it imports
	// (noreturnuse's other functions are silent only with noreturn's
	// noReturn facts).
	for pkg, want := range map[string]int{"cancelhelperuse": 6, "spawneruse": 5, "chanhelperuse": 5, "noreturnuse": 1} {
		n := 0
		for _, l := range vet {
			if strings.HasPrefix(l, "src/"+pkg+"/") && !strings.Contains(l, ": \t") {
				n++
			}
		}
		if n != want {
			t.Errorf("want %d findings in %s, got %d:\n%s", want, pkg, n, strings.Join(vet, "\n"))
		}
	}
}

// TestEngineVetAndStandaloneAgree runs chanblock's testdata with the
// engine on (-chanblock.engine) under go vet and with the in-process
// checker: the findings must be the same, and the engine must add to the
// rules' (its own findings are part of the testdata's wants).
func TestEngineVetAndStandaloneAgree(t *testing.T) {
	bin := build(t)
	pkgs := []string{"chanblock", "stopchan"}
	vet := findings(t, exec.Command("go", append([]string{"vet", "-vettool=" + bin, "-vet=false", "-chanblock.engine"}, pkgs...)...))
	alone := findings(t, exec.Command(bin, append([]string{inProcess, "-chanblock.engine"}, pkgs...)...))
	if !slices.Equal(vet, alone) {
		t.Fatalf("go vet and standalone disagree with the engine on\ngo vet:\n%s\nstandalone:\n%s", strings.Join(vet, "\n"), strings.Join(alone, "\n"))
	}
	rules := findings(t, exec.Command("go", append([]string{"vet", "-vettool=" + bin, "-vet=false"}, pkgs...)...))
	t.Logf("%d findings with the engine, %d without", len(vet), len(rules))
	if len(vet) <= len(rules) {
		t.Errorf("the engine added nothing: %d findings with it, %d without", len(vet), len(rules))
	}
}

func TestHelp(t *testing.T) {
	bin := build(t)
	out, err := exec.Command(bin, "help", "ctxcancel").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ctxcancel: report cancel functions") {
		t.Errorf("golifecheck help ctxcancel: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "help", "nosuchcheck").CombinedOutput()
	if err == nil || !strings.Contains(string(out), `unknown check "nosuchcheck"`) {
		t.Errorf("golifecheck help nosuchcheck: want an error naming the check, got %v\n%s", err, out)
	}
}

// TestCheckFlag switches the checks off.
func TestCheckFlag(t *testing.T) {
	bin := build(t)
	dir, gopath := testdataGOPATH(t)
	cmd := exec.Command(bin, "-ctxcancel=false", "-gostop=false", "-chanblock=false", "cancelhelperuse", "spawneruse", "chanhelperuse")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GO111MODULE=off", "GOPATH="+gopath, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("with the checks off: want no findings and exit 0, got %v\n%s", err, out)
	}
}

// TestBadFlag: a flag golifecheck does not know is a short error and a
// non-zero exit, not a crash.
func TestBadFlag(t *testing.T) {
	bin := build(t)
	out, err := exec.Command(bin, "-nosuchcheck=false", "./...").CombinedOutput()
	if err == nil {
		t.Fatalf("want a non-zero exit for an unknown flag, got success:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 || lines[0] != "flag provided but not defined: -nosuchcheck" || !strings.HasPrefix(lines[1], "usage: golifecheck") {
		t.Fatalf("want the flag error and a one-line usage, got:\n%s", out)
	}
}

// TestVetAndStandaloneAgreeInAModule is TestVetAndStandaloneAgree in module
// mode: the same packages copied into a module with several packages,
// and the standalone command (through go vet) as well.
func TestVetAndStandaloneAgreeInAModule(t *testing.T) {
	bin := build(t)
	dir := filepath.Join(t.TempDir(), "m")
	for pkg, check := range map[string]string{
		"cancelhelper": "ctxcancel", "cancelhelperuse": "ctxcancel", "noreturn": "ctxcancel", "noreturnuse": "ctxcancel",
		"spawner": "gostop", "spawneruse": "gostop", "chanhelper": "chanblock", "chanhelperuse": "chanblock",
	} {
		src := filepath.Join("..", "..", "analyzer", "testdata", check, "src", pkg)
		files, err := filepath.Glob(filepath.Join(src, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no files in %s: %v", src, err)
		}
		if err := os.MkdirAll(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			data = regexp.MustCompile(`"(cancelhelper|spawner|chanhelper|noreturn)"`).ReplaceAll(data, []byte(`"example.com/m/$1"`))
			if err := os.WriteFile(filepath.Join(dir, pkg, filepath.Base(f)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.25.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) []string {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
		out, _ := cmd.CombinedOutput()
		var lines []string
		for _, l := range strings.Split(string(out), "\n") {
			if strings.Contains(l, ".go:") { // go vet prints relative paths, standalone absolute ones
				lines = append(lines, strings.TrimPrefix(strings.TrimPrefix(l, dir+string(filepath.Separator)), "./"))
			}
		}
		slices.Sort(lines)
		return lines
	}
	vet := run("go", "vet", "-vettool="+bin, "-vet=false", "./...") // without go vet's suite, as standalone
	for _, args := range [][]string{{inProcess, "./..."}, {"./..."}} {
		alone := run(bin, args...)
		if len(vet) < 9 || !slices.Equal(vet, alone) {
			t.Fatalf("go vet and golifecheck %v disagree (or found too little)\ngo vet:\n%s\ngolifecheck:\n%s", args, strings.Join(vet, "\n"), strings.Join(alone, "\n"))
		}
	}
}
