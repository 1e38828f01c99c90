package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	goversion "go/version"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// The Go releases golifecheck runs under, and a go vet bug it works around.
//
// golifecheck supports Go 1.26 and later: go vet of Go 1.25 and older
// writes -json's output to stderr, where the standalone command does not
// read it. Under go vet, go vet says which release it is in the tool's
// environment (GOVERSION, "go1.26.8"); standalone, golifecheck asks
// `go env GOVERSION` before it runs go vet. An older release is refused
// with an error, as is a go vet newer than the Go release golifecheck was
// built with, whose export data golifecheck cannot read ("export data
// version 5 is greater than maximum supported version 2" under Go 1.27 from
// a build with Go 1.26).
//
// The bug: go vet of Go 1.26 keys its cache of a package's vet result (the
// facts, and the findings it prints) by the tool, the flags, the package
// and its dependencies' facts, but not by whether the run was for the
// facts alone (vet.cfg's VetxOnly, for a package vetted only as a
// dependency, whose findings are discarded). A package vetted first as a
// dependency (golifecheck ./b, b importing a) is then served from the cache
// with no findings when vetted for its own (golifecheck ./...): a's leak
// is lost, with exit status 0. Go 1.27's cmd/go adds VetxOnly to the key
// (cmd/go/internal/work/exec.go, Builder.vet: `vetxonly %v`). On a release
// with the bug, golifecheck's -V=full line, by which go vet keys the
// results of its tool (see versionFlag), also hashes a key naming the
// command go vet runs: its directory, its arguments and GOFLAGS, which
// decide which packages are vetted for their findings and which for their
// facts alone. A run of the same command in the same directory reuses the
// cache; a run of another command (./... after ./b) vets anew. The
// standalone command passes that key in GOLIFECHECK_VET_KEY; under go vet
// run by hand it is read from go vet's process (/proc, on Linux), else it
// is random, and nothing is reused.

// vetKeyEnv names the variable in which the standalone command passes
// go vet's command (see vetCacheKey) to the -V=full run go vet makes.
const vetKeyEnv = "GOLIFECHECK_VET_KEY"

// oldestGo is the oldest Go release golifecheck runs under.
const oldestGo = "go1.26"

// vetCacheKeyedByVetxOnly reports whether go vet of the release
// ("go1.26.8") keys its cache by VetxOnly: from Go 1.27 on. A release that
// cannot be parsed (a development build) is taken to have the fix.
func vetCacheKeyedByVetxOnly(release string) bool {
	return !goversion.IsValid(release) || goversion.Compare(goversion.Lang(release), "go1.27") >= 0
}

// checkGoRelease returns an error if golifecheck cannot run under the Go
// release go vet is of ("go1.25.0"): one older than oldestGo, or one
// newer than the release golifecheck was built with.
func checkGoRelease(release string) error {
	if !goversion.IsValid(release) {
		return nil // a development build: let it try
	}
	if goversion.Compare(goversion.Lang(release), oldestGo) < 0 {
		return fmt.Errorf("%s is not supported: golifecheck needs Go 1.26 or later", release)
	}
	if built := runtime.Version(); goversion.IsValid(built) && goversion.Compare(goversion.Lang(release), goversion.Lang(built)) > 0 {
		return fmt.Errorf("built with Go %s, golifecheck cannot read the packages of Go %s: rebuild it with Go %s", strings.TrimPrefix(built, "go"), strings.TrimPrefix(release, "go"), strings.TrimPrefix(release, "go"))
	}
	return nil
}

// checkVetRelease is checkGoRelease for the release of the go vet that
// runs golifecheck as its tool (-V=full, or a package's vet.cfg; not
// -flags, whose errors go vet does not print): go vet names it in
// GOVERSION. It returns the exit status and whether golifecheck is done:
// on an unsupported release it prints why and returns 1.
func checkVetRelease(args []string) (code int, done bool) {
	release := os.Getenv("GOVERSION")
	if release == "" || !invokedByVet(args) {
		return 0, false
	}
	if err := checkGoRelease(release); err != nil {
		fmt.Fprintln(os.Stderr, "golifecheck:", err)
		return 1, true
	}
	return 0, false
}

// invokedByVet reports whether the arguments are those go vet runs its
// tool with to key its cache or on a package: -V=full, or flags and a
// vet.cfg file.
func invokedByVet(args []string) bool {
	if len(args) == 1 && args[0] == "-V=full" {
		return true
	}
	return underVet(args)
}

// checkGoOnPath returns an error if golifecheck cannot run under the
// release of the go command on PATH (see checkGoRelease), or if that
// release cannot be asked for.
func checkGoOnPath() error {
	release, err := pathGoVersion()
	if err != nil {
		return err
	}
	return checkGoRelease(release)
}

// pathGoVersion returns the release of the go command on PATH, as
// `go env GOVERSION` prints it ("go1.26.8").
func pathGoVersion() (string, error) {
	out, err := runGo("env", "GOVERSION")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// runGo runs the go command with args and returns its output, or an
// error with what it wrote to stderr.
func runGo(args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.String(), nil
}

// standaloneVetKey returns GOLIFECHECK_VET_KEY=KEY for the environment of
// the go vet the standalone command runs with args: KEY names the command
// (see vetCacheKey).
func standaloneVetKey(args []string) string {
	dir, _ := os.Getwd()
	return vetKeyEnv + "=" + commandKey(dir, args)
}

// commandKey is the hex SHA-256 of the directory, GOFLAGS and arguments
// of a go vet command, each followed by a NUL byte.
func commandKey(dir string, args []string) string {
	h := sha256.New()
	for _, s := range append([]string{dir, os.Getenv("GOFLAGS")}, args...) {
		h.Write([]byte(s + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// vetCacheKey returns what -V=full hashes besides the executable: "" when
// go vet keys its cache by VetxOnly (or GOVERSION is not set: golifecheck
// -V=full run by hand), else a key naming the go vet command that asks:
// GOLIFECHECK_VET_KEY when the standalone command set it, else go vet's
// directory, GOFLAGS and command line, read from /proc/PPID, else random
// bytes.
func vetCacheKey() string {
	release := os.Getenv("GOVERSION")
	if release == "" || vetCacheKeyedByVetxOnly(release) {
		return ""
	}
	if key := os.Getenv(vetKeyEnv); key != "" {
		return key
	}
	proc := filepath.Join("/proc", strconv.Itoa(os.Getppid()))
	if cmdline, err := os.ReadFile(filepath.Join(proc, "cmdline")); err == nil {
		if dir, err := os.Readlink(filepath.Join(proc, "cwd")); err == nil {
			return commandKey(dir, strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00"))
		}
	}
	return "random " + rand.Text()
}
