package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// registerVersionFlag registers golifecheck's -V on the command line
// before x/tools' driver registers its own, which it then leaves out.
func registerVersionFlag() {
	flag.Var(versionFlag{}, "V", "print the version and exit (-V=full: the line go vet keys its cache by)")
}

// version is the version subcommand: it prints the version line (see
// versionLine) and returns 0, or, given arguments, a usage error and 2.
func version(args []string) int {
	if len(args) > 0 {
		fmt.Fprintln(os.Stderr, "usage: golifecheck version")
		return 2
	}
	fmt.Println(versionLine())
	return 0
}

// versionLine is the version of golifecheck and of the Go toolchain that
// built it, in go version's form:
//
//	golifecheck version v0.1.0 go1.26.8 linux/amd64
//	golifecheck version v0.0.0-20261130234547-90c2e7b16848+dirty go1.26.8 linux/amd64
//	golifecheck version (devel) 90c2e7b16848 go1.26.8 linux/amd64
func versionLine() string {
	info, _ := debug.ReadBuildInfo()
	return fmt.Sprintf("golifecheck version %s %s %s/%s", buildVersion(info), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// buildVersion is the main module's version as the go command recorded it
// in the build info, with the VCS revision it recorded when the version
// does not already include it. go install ...@v0.1.0 records the tag,
// v0.1.0; go build in a clone records, from Go 1.24 on, the tag of the
// checked-out commit or a pseudo-version naming the commit, with "+dirty"
// for uncommitted changes; a build without VCS information (-buildvcs=false,
// a git worktree, Go 1.23 and older) records "(devel)", followed here by
// the first 12 digits of vcs.revision (and "+dirty" when vcs.modified)
// when the build has them. With no build info it is "(devel)".
func buildVersion(info *debug.BuildInfo) string {
	if info == nil {
		return "(devel)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" || strings.Contains(v, rev) {
		return v
	}
	if modified {
		rev += "+dirty"
	}
	return v + " " + rev
}

// versionFlag is the -V flag. -V (or -V=true) prints the version line and
// exits 0, as the version subcommand does. -V=full prints what go vet asks
// a vet tool for (cmd/go's toolID in cmd/go/internal/work/buildid.go):
//
//	golifecheck version devel VERSION... buildID=SHA256
//
// where VERSION is buildVersion's and the Go release, and SHA256 the hex
// SHA-256 of the executable, as x/tools' own -V=full prints it (and, under
// a go vet whose cache has the bug vetcache.go describes, of a key naming
// go vet's command). go vet
// keys its cache of the tool's results and facts by that line: for a third
// field containing "devel" it takes the last field, the executable's hash,
// so a rebuilt binary is never served the results of another one; for any
// other it would take the whole line, and two binaries with the same
// version (built with different Go releases, say) would share results.
type versionFlag struct{}

func (versionFlag) IsBoolFlag() bool { return true }
func (versionFlag) Get() any         { return nil }
func (versionFlag) String() string   { return "" }

func (versionFlag) Set(s string) error {
	if s == "full" {
		line, err := fullVersionLine()
		if err != nil {
			fmt.Fprintln(os.Stderr, "golifecheck: -V=full:", err)
			os.Exit(1)
		}
		fmt.Println(line)
		os.Exit(0)
	}
	on, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want -V, -V=full or -V=false")
	}
	if on {
		fmt.Println(versionLine())
		os.Exit(0)
	}
	return nil
}

// fullVersionLine is -V=full's line (see versionFlag), or the error
// reading the executable.
func fullVersionLine() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	io.WriteString(h, vetCacheKey()) // see vetcache.go: "" but on Go 1.26
	info, _ := debug.ReadBuildInfo()
	return fmt.Sprintf("golifecheck version devel %s %s buildID=%x", buildVersion(info), runtime.Version(), h.Sum(nil)), nil
}
