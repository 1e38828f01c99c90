package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// checkMarkdown parses md and checks its blocks in a scratch directory with
// ciRun as .ci/run's text; it returns each block's error, in order.
func checkMarkdown(t *testing.T, md, ciRun string) []error {
	t.Helper()
	blocks, err := parse("x.md", strings.NewReader(md))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	root := t.TempDir()
	c := &checker{root: root, scratch: t.TempDir(), env: os.Environ(), ciLines: map[string]bool{}}
	for _, l := range strings.Split(ciRun, "\n") {
		c.ciLines[strings.TrimSpace(l)] = true
	}
	var errs []error
	for _, b := range blocks {
		errs = append(errs, c.check(b))
	}
	return errs
}

func TestBlocks(t *testing.T) {
	for _, tc := range []struct {
		name, md, ci string
		wantErr      string // "" for none; else a substring of the error
	}{
		{"sh ok", "```sh\ntrue\n```\n", "", ""},
		{"unmarked failing block", "```sh\nfalse\n```\n", "", "exit status 1, want 0"},
		{"bash runs under -e", "```bash\nfalse\ntrue\n```\n", "", "exit status 1, want 0"},
		{"pipefail", "```sh\nfalse | true\n```\n", "", "exit status 1, want 0"},
		{"status marker", "<!-- doccheck status=3 -->\n```sh\nexit 3\n```\n", "", ""},
		{"status marker, other status", "<!-- doccheck status=3 -->\n```sh\ntrue\n```\n", "", "exit status 0, want 3"},
		{"console output", "```console\n$ echo a; echo b >&2\na\nb\n```\n", "", ""},
		{"console output differs", "```console\n$ echo a\nb\n```\n", "", "the output differs"},
		{"console wildcard", "```console\n$ printf 'a\\nb\\nc\\nd\\n'\na\n...\nd\n```\n", "", ""},
		{"console continuation", "```console\n$ echo a \\\n  b\na b\n```\n", "", ""},
		{"console without output checks the status", "```console\n$ false\n```\n", "", "exit status 1"},
		{"dir marker", "<!-- doccheck dir=sub -->\n```sh\ntest \"$(basename \"$PWD\")\" = sub\n```\n", "", "no such file"},
		{"dir=empty", "<!-- doccheck dir=empty -->\n```sh\ntest -z \"$(ls -A)\"\n```\n", "", ""},
		{"ci block in .ci/run", "<!-- doccheck ci -->\n```sh\ngo test -race ./...   # the tests\n```\n", "set -e\ngo test -race ./...\n", ""},
		{"ci block not in .ci/run", "<!-- doccheck ci -->\n```sh\ngo test ./...\n```\n", "go test -race ./...\n", `.ci/run has no line "go test ./..."`},
		{"substitute in .ci/run is not run again", `<!-- doccheck skip="needs GitHub" substitute="bash scripts/x.sh" -->` + "\n```sh\nfalse\n```\n", "bash scripts/x.sh\n", ""},
		{"substitute run here", `<!-- doccheck skip="needs GitHub" substitute="true" -->` + "\n```sh\nfalse\n```\n", "", ""},
		{"substitute that fails", `<!-- doccheck skip="needs GitHub" substitute="exit 4" -->` + "\n```sh\ntrue\n```\n", "", "exit status 4"},
		{"other languages are not run", "```go\nfalse\n```\n```\nfalse\n```\n", "", ""},
		{"indented block", "1. step:\n   ```sh\n   true\n   ```\n", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := checkMarkdown(t, tc.md, tc.ci)
			if tc.wantErr == "" {
				for _, err := range errs {
					if err != nil {
						t.Errorf("got error %v, want none", err)
					}
				}
				return
			}
			if len(errs) != 1 || errs[0] == nil || !strings.Contains(errs[0].Error(), tc.wantErr) {
				t.Errorf("got %v, want one error containing %q", errs, tc.wantErr)
			}
		})
	}
}

func TestMarkerErrors(t *testing.T) {
	for _, tc := range []struct{ md, want string }{
		{`<!-- doccheck skip="needs GitHub" -->` + "\n```sh\ntrue\n```\n", "skip and substitute go together"},
		{`<!-- doccheck substitute="true" -->` + "\n```sh\ntrue\n```\n", "skip and substitute go together"},
		{"<!-- doccheck runs=2 -->\n```sh\ntrue\n```\n", `unknown key "runs"`},
		{"<!-- doccheck status=x -->\n```sh\ntrue\n```\n", "not a number"},
		{"<!-- doccheck ci -->\n```yaml\na: b\n```\n", "does not run"},
		{"```sh\ntrue\n", "not closed"},
	} {
		if _, err := parse("x.md", strings.NewReader(tc.md)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parse(%q): got %v, want an error containing %q", tc.md, err, tc.want)
		}
	}
}

// TestRepositoryDocs parses README.md and docs/*.md of this repository and
// checks what can be checked without running them: every marker is well
// formed, every skipped block names a substitute, and every block marked ci
// is in .ci/run (the README's test command is CI's). The blocks themselves
// run in CI (go run ./scripts/doccheck).
func TestRepositoryDocs(t *testing.T) {
	root := filepath.Join("..", "..")
	ciRun, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ciRun), "go run ./scripts/doccheck") {
		t.Errorf(".ci/run does not run go run ./scripts/doccheck")
	}
	c := &checker{ciLines: map[string]bool{}}
	for _, l := range strings.Split(string(ciRun), "\n") {
		c.ciLines[strings.TrimSpace(l)] = true
	}
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files := append([]string{filepath.Join(root, "README.md")}, docs...)
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		blocks, err := parse(f, strings.NewReader(string(data)))
		if err != nil {
			t.Error(err)
			continue
		}
		for _, b := range blocks {
			n++
			if b.ci {
				if err := c.check(b); err != nil {
					t.Errorf("%s: %v", b, err)
				}
			}
		}
	}
	if n == 0 {
		t.Errorf("no shell blocks found in %v", files)
	}
}

// linkRE matches a markdown link's target; codeRE an inline code span,
// removed first (`chan[0](sends=2)` is no link).
var linkRE = regexp.MustCompile(`\]\(([^)\s]+)\)`)
var codeRE = regexp.MustCompile("`[^`]*`")

// TestRepositoryDocLinks checks that every relative link of README.md and
// docs/*.md names a file or directory of the repository (a page moved to
// docs/ leaves no link behind).
func TestRepositoryDocLinks(t *testing.T) {
	root := filepath.Join("..", "..")
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	for _, f := range append([]string{filepath.Join(root, "README.md")}, docs...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range linkRE.FindAllStringSubmatch(codeRE.ReplaceAllString(string(data), ""), -1) {
			target, _, _ := strings.Cut(m[1], "#")
			if target == "" || strings.Contains(target, "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(f), filepath.FromSlash(target))); err != nil {
				t.Errorf("%s: link %s: %v", f, m[1], err)
			}
		}
	}
}
