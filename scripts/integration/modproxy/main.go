// Command modproxy writes golifecheck's two modules, as this checkout has
// them, into a directory laid out as a Go module proxy (the GOPROXY
// protocol, served from a file:// URL), so that a build can consume them as
// a user's does: the analyzer module github.com/golifecheck/golifecheck and
// the plugin module github.com/golifecheck/golifecheck/golangci, both at one
// version, each with its go.mod as it is (the plugin's requires the
// analyzer module at its release, with no replace).
//
// Usage:
//
//	go run ./scripts/integration/modproxy -version v0.1.0 -o DIR [REPO]
//
// REPO (default ".") is the checkout's root. A module's files are those git
// tracks or would track (git ls-files --cached --others --exclude-standard:
// committed, edited and new files, not ignored ones such as bin/), less what
// a module zip leaves out (nested modules, vendor directories); the zips are
// made with golang.org/x/mod/zip, as the go command makes them. For each
// module it writes DIR/PATH/@v/{list,VERSION.info,VERSION.mod,VERSION.zip}
// (PATH escaped as module.EscapePath does) and prints the module, the
// version and the zip's hash as go.sum has it ("h1:..."), one a line.
// A consumer then builds with
//
//	GOPROXY=file://DIR,$(go env GOPROXY) GONOSUMDB=github.com/golifecheck
//
// (the versions are in no checksum database). The go command keeps what it
// downloads in its module cache by version, whatever the content: give the
// consumer a GOMODCACHE of its own, or it builds a stale copy.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// The modules and their directories in the repository.
var modules = []struct{ path, dir string }{
	{"github.com/golifecheck/golifecheck", "."},
	{"github.com/golifecheck/golifecheck/golangci", "golangci"},
}

func main() {
	version := flag.String("version", "v0.1.0", "the version to serve both modules at (semantic, e.g. v0.1.0)")
	out := flag.String("o", "", "the proxy directory to write (required)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: modproxy [-version V] -o DIR [REPO]")
		flag.PrintDefaults()
	}
	flag.Parse()
	repo := "."
	if flag.NArg() > 0 {
		repo = flag.Arg(0)
	}
	if *out == "" || flag.NArg() > 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(repo, *out, *version); err != nil {
		fmt.Fprintln(os.Stderr, "modproxy:", err)
		os.Exit(1)
	}
}

func run(repo, out, version string) error {
	files, err := gitFiles(repo)
	if err != nil {
		return err
	}
	for _, m := range modules {
		sum, err := writeModule(out, module.Version{Path: m.path, Version: version}, repo, m.dir, files)
		if err != nil {
			return fmt.Errorf("%s: %w", m.path, err)
		}
		fmt.Println(m.path, version, sum)
	}
	return nil
}

// gitFiles lists the files of the checkout at repo, relative to it, with
// slashes: tracked ones that still exist and untracked ones git does not
// ignore.
func gitFiles(repo string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = repo
	cmd.Stderr = os.Stderr
	data, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %w", err)
	}
	var files []string
	for _, f := range strings.Split(string(data), "\x00") {
		if f == "" {
			continue
		}
		if info, err := os.Lstat(filepath.Join(repo, f)); err == nil && info.Mode().IsRegular() {
			files = append(files, f)
		}
	}
	return files, nil
}

// writeModule writes module m, the files under dir of the repository, into
// the proxy directory out and returns its zip's hash.
func writeModule(out string, m module.Version, repo, dir string, files []string) (string, error) {
	var zfiles []modzip.File
	prefix := ""
	if dir != "." {
		prefix = dir + "/"
	}
	for _, f := range files {
		if rel, ok := strings.CutPrefix(f, prefix); ok {
			zfiles = append(zfiles, file{path: rel, abs: filepath.Join(repo, f)})
		}
	}
	gomod, err := os.ReadFile(filepath.Join(repo, dir, "go.mod"))
	if err != nil {
		return "", err
	}
	var zip bytes.Buffer
	if err := modzip.Create(&zip, m, zfiles); err != nil {
		return "", err
	}
	escaped, err := module.EscapePath(m.Path)
	if err != nil {
		return "", err
	}
	vdir := filepath.Join(out, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return "", err
	}
	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{m.Version, time.Now().UTC().Truncate(time.Second)})
	if err != nil {
		return "", err
	}
	zipFile := filepath.Join(vdir, m.Version+".zip")
	for name, data := range map[string][]byte{
		"list":              []byte(m.Version + "\n"),
		m.Version + ".info": info,
		m.Version + ".mod":  gomod,
		m.Version + ".zip":  zip.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
			return "", err
		}
	}
	return dirhash.HashZip(zipFile, dirhash.Hash1)
}

// file is a file of the checkout, as modzip.Create takes it.
type file struct{ path, abs string }

func (f file) Path() string                 { return f.path }
func (f file) Lstat() (os.FileInfo, error)  { return os.Lstat(f.abs) }
func (f file) Open() (io.ReadCloser, error) { return os.Open(f.abs) }
