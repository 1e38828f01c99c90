// Command doccheck runs the shell commands of the documentation, so that
// what README.md and docs/*.md tell a user to type stays true.
//
// Usage:
//
//	go run ./scripts/doccheck [-list] [-run REGEXP] [-v] [FILE.md ...]
//
// With no files it checks README.md and docs/*.md of the repository it runs
// in (the current directory must be its root). It copies the repository's
// files (tracked and untracked, not ignored) into a scratch directory, makes
// that copy a git repository of one commit, and runs every block there.
//
// # Blocks
//
// A block is a fenced code block whose info string is sh, bash or console.
// An sh or bash block is a bash script. In a console block, a line starting
// with "$ " is a command (a line ending in a backslash continues it) and the
// lines after it are the output it prints; the output of the whole block
// (stdout and stderr together) must equal them, where a line "..." stands for
// any number of lines and the scratch repository's root, as a path prefix, is
// removed, so paths read relative to the repository root. A console block
// with no output lines checks only the exit status.
//
// Each block runs alone, under `bash -e -o pipefail`, in the repository's
// root, with golifecheck built into a directory first on PATH (GOBIN, so `go
// install` puts it there too), and with git redirecting
// https://github.com/golifecheck/golifecheck to the scratch repository, so a
// `git clone` of the project clones the copy under test. It must exit 0.
//
// # Markers
//
// An HTML comment on the line before the opening fence changes that:
//
//	<!-- doccheck status=3 -->        the block must exit 3
//	<!-- doccheck dir=demo -->        run it in this directory of the repository
//	<!-- doccheck dir=empty -->       run it in a new empty directory
//	<!-- doccheck ci -->              .ci/run runs it: every command line of the
//	                                  block is a line of .ci/run (so the two
//	                                  cannot drift apart); not run again here
//	<!-- doccheck skip="REASON" substitute="COMMAND" -->
//	                                  the block cannot run here (it needs
//	                                  GitHub, a release, push rights); COMMAND
//	                                  runs what it does another way. When
//	                                  COMMAND is a line of .ci/run, CI runs it
//	                                  already; otherwise doccheck runs it, in
//	                                  the repository's root, and it must exit 0
//
// A skip without a substitute, an unknown key, and a ci block with a line
// that is not in .ci/run are errors. -list prints every block and what
// doccheck does with it, running nothing.
//
// Exit status: 0 when every block passed, 1 when any failed, 2 for a usage
// error.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// projectURL is the clone URL the documentation uses; doccheck points git at
// the scratch repository instead.
const projectURL = "https://github.com/golifecheck/golifecheck"

// A block is one fenced shell block of a markdown file.
type block struct {
	file  string   // the markdown file, as given
	line  int      // line of the opening fence, 1-based
	lang  string   // sh, bash or console
	lines []string // the block's lines, its fence's indentation removed

	// from the marker
	status     int    // the exit status it must have
	dir        string // "" (the repository root), "empty", or a directory of the repository
	ci         bool   // .ci/run runs it
	skip       string // why it cannot run here
	substitute string // what runs instead
}

func (b *block) String() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

// script returns the bash script the block runs and, for a console block, the
// output it must print (nil when the block shows none).
func (b *block) script() (script string, want []string) {
	if b.lang != "console" {
		return strings.Join(b.lines, "\n") + "\n", nil
	}
	var cmds []string
	cont := false
	for _, l := range b.lines {
		switch {
		case cont:
			cmds = append(cmds, l)
		case strings.HasPrefix(l, "$ "):
			cmds = append(cmds, strings.TrimPrefix(l, "$ "))
		default:
			want = append(want, l)
			continue
		}
		cont = strings.HasSuffix(l, `\`)
	}
	return strings.Join(cmds, "\n") + "\n", want
}

// commands returns the block's command lines without comments, for the
// comparison with .ci/run.
func (b *block) commands() []string {
	s, _ := b.script()
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, " #"); i >= 0 {
			l = l[:i]
		}
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

var fenceRE = regexp.MustCompile("^( *)(```+)\\s*([A-Za-z]*)")
var markerRE = regexp.MustCompile(`^\s*<!--\s*doccheck\b(.*?)-->\s*$`)

// parse returns the shell blocks of a markdown file.
func parse(name string, r io.Reader) ([]*block, error) {
	var blocks []*block
	var cur *block
	var indent, fence string
	prev := "" // the last non-blank line outside a block
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if cur == nil {
			m := fenceRE.FindStringSubmatch(l)
			if m == nil {
				if strings.TrimSpace(l) != "" {
					prev = l
				}
				continue
			}
			indent, fence = m[1], m[2]
			cur = &block{file: name, line: n, lang: m[3]}
			if mm := markerRE.FindStringSubmatch(prev); mm != nil {
				if err := cur.mark(mm[1]); err != nil {
					return nil, fmt.Errorf("%s:%d: %v", name, n-1, err)
				}
			}
			prev = ""
			continue
		}
		if strings.TrimSpace(l) == fence {
			if cur.lang == "sh" || cur.lang == "bash" || cur.lang == "console" {
				blocks = append(blocks, cur)
			} else if cur.ci || cur.skip != "" || cur.dir != "" || cur.status != 0 {
				return nil, fmt.Errorf("%s:%d: a doccheck marker on a %q block, which doccheck does not run", name, cur.line, cur.lang)
			}
			cur = nil
			continue
		}
		cur.lines = append(cur.lines, strings.TrimPrefix(l, indent))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: the block is not closed", name, cur.line)
	}
	return blocks, nil
}

// mark sets the block's marker fields from the marker's text: key=value,
// key="quoted value", or the bare key ci.
func (b *block) mark(text string) error {
	rest := strings.TrimSpace(text)
	for rest != "" {
		key, val := rest, ""
		if i := strings.IndexAny(rest, "= "); i >= 0 && rest[i] == '=' {
			key, rest = rest[:i], rest[i+1:]
			if strings.HasPrefix(rest, `"`) {
				q, err := strconv.QuotedPrefix(rest)
				if err != nil {
					return fmt.Errorf("doccheck marker: %s: %v", key, err)
				}
				val, _ = strconv.Unquote(q)
				rest = rest[len(q):]
			} else {
				val, rest, _ = strings.Cut(rest, " ")
			}
		} else {
			key, rest, _ = strings.Cut(rest, " ")
		}
		rest = strings.TrimSpace(rest)
		switch key {
		case "status":
			s, err := strconv.Atoi(val)
			if err != nil {
				return fmt.Errorf("doccheck marker: status %q is not a number", val)
			}
			b.status = s
		case "dir":
			b.dir = val
		case "ci":
			b.ci = true
		case "skip":
			b.skip = val
		case "substitute":
			b.substitute = val
		default:
			return fmt.Errorf("doccheck marker: unknown key %q (want status, dir, ci, skip, substitute)", key)
		}
	}
	if (b.skip == "") != (b.substitute == "") {
		return fmt.Errorf("doccheck marker: skip and substitute go together: a block that cannot run names what runs instead")
	}
	if b.ci && b.skip != "" {
		return fmt.Errorf("doccheck marker: ci and skip together")
	}
	return nil
}

// checker runs blocks in a scratch copy of the repository.
type checker struct {
	root    string   // the scratch repository
	scratch string   // the scratch directory holding it
	env     []string // the blocks' environment
	ciLines map[string]bool
	verbose bool
	out     io.Writer
}

// check runs or checks one block; the error says why it failed.
func (c *checker) check(b *block) error {
	switch {
	case b.ci:
		cmds := b.commands()
		if len(cmds) == 0 {
			return fmt.Errorf("marked ci but has no command")
		}
		for _, cmd := range cmds {
			if !c.ciLines[cmd] {
				return fmt.Errorf("marked ci, but .ci/run has no line %q", cmd)
			}
		}
		return nil
	case b.skip != "":
		if c.ciLines[b.substitute] {
			return nil
		}
		status, out, err := c.run(b.substitute+"\n", c.root)
		if err != nil {
			return err
		}
		if status != 0 {
			return fmt.Errorf("substitute %q: exit status %d:\n%s", b.substitute, status, tail(out, 30))
		}
		return nil
	}
	dir := c.root
	switch b.dir {
	case "":
	case "empty":
		d, err := os.MkdirTemp(c.scratch, "empty")
		if err != nil {
			return err
		}
		dir = d
	default:
		dir = filepath.Join(c.root, filepath.FromSlash(b.dir))
	}
	script, want := b.script()
	status, out, err := c.run(script, dir)
	if err != nil {
		return err
	}
	if status != b.status {
		return fmt.Errorf("exit status %d, want %d:\n%s", status, b.status, tail(out, 30))
	}
	if want != nil {
		got := strings.Split(strings.TrimRight(strings.ReplaceAll(out, c.root+string(filepath.Separator), ""), "\n"), "\n")
		if !match(got, want) {
			return fmt.Errorf("the output differs from the block's:\n--- got\n%s\n--- want\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	return nil
}

// run runs script with bash in dir and returns its exit status and output.
func (c *checker) run(script, dir string) (int, string, error) {
	cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	if c.verbose {
		fmt.Fprintf(c.out, "%s", out)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out), nil
	}
	return 0, string(out), err
}

// match reports whether got equals want, where a want line "..." matches any
// number of lines; trailing spaces are ignored.
func match(got, want []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if strings.TrimSpace(want[0]) == "..." {
		for i := 0; i <= len(got); i++ {
			if match(got[i:], want[1:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && strings.TrimRight(got[0], " \t") == strings.TrimRight(want[0], " \t") && match(got[1:], want[1:])
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// what says what check does with b.
func what(b *block) string {
	switch {
	case b.ci:
		return "run by .ci/run"
	case b.skip != "":
		return fmt.Sprintf("not run (%s); substitute: %s", b.skip, b.substitute)
	}
	s := "run"
	if b.dir != "" {
		s += " in " + b.dir
	}
	if b.status != 0 {
		s += fmt.Sprintf(", exit %d", b.status)
	}
	if _, want := b.script(); want != nil {
		s += ", output compared"
	}
	return s
}

// setup copies the repository at root into a scratch git repository and
// returns a checker for it.
func setup(root string, ciRun string) (*checker, error) {
	scratch, err := os.MkdirTemp("", "doccheck")
	if err != nil {
		return nil, err
	}
	c := &checker{scratch: scratch, root: filepath.Join(scratch, "repo"), ciLines: map[string]bool{}, out: os.Stdout}
	for _, l := range strings.Split(ciRun, "\n") {
		c.ciLines[strings.TrimSpace(l)] = true
	}
	files, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return c, fmt.Errorf("listing the repository's files: %v", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		src := filepath.Join(root, f)
		st, err := os.Lstat(src)
		if err != nil {
			continue // deleted in the work tree
		}
		if !st.Mode().IsRegular() {
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return c, err
		}
		dst := filepath.Join(c.root, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return c, err
		}
		if err := os.WriteFile(dst, data, st.Mode().Perm()); err != nil {
			return c, err
		}
	}
	gobin := filepath.Join(scratch, "bin")
	c.env = append(os.Environ(),
		"GOBIN="+gobin,
		"PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=url.file://"+c.root+".insteadOf",
		"GIT_CONFIG_VALUE_0="+projectURL,
		"GIT_AUTHOR_NAME=doccheck", "GIT_AUTHOR_EMAIL=doccheck@example.com",
		"GIT_COMMITTER_NAME=doccheck", "GIT_COMMITTER_EMAIL=doccheck@example.com",
	)
	for _, s := range []string{
		"git init -q && git add -A && git commit -q -m 'doccheck: the documentation under test'",
		"go build -o \"$GOBIN/golifecheck\" ./cmd/golifecheck",
	} {
		status, out, err := c.run(s, c.root)
		if err == nil && status != 0 {
			err = fmt.Errorf("%s: exit status %d:\n%s", s, status, out)
		}
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

func main() {
	list := flag.Bool("list", false, "print every block and what doccheck does with it; run nothing")
	runRE := flag.String("run", "", "check only the blocks whose FILE:LINE matches this regular expression")
	verbose := flag.Bool("v", false, "print each block's output")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/doccheck [-list] [-run REGEXP] [-v] [FILE.md ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	sel, err := regexp.Compile(*runRE)
	if err != nil {
		fmt.Fprintln(os.Stderr, "doccheck: -run:", err)
		os.Exit(2)
	}
	files := flag.Args()
	if len(files) == 0 {
		docs, _ := filepath.Glob("docs/*.md")
		files = append([]string{"README.md"}, docs...)
	}
	var blocks []*block
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "doccheck:", err)
			os.Exit(2)
		}
		bs, err := parse(f, strings.NewReader(string(data)))
		if err != nil {
			fmt.Fprintln(os.Stderr, "doccheck:", err)
			os.Exit(1)
		}
		for _, b := range bs {
			if sel.MatchString(b.String()) {
				blocks = append(blocks, b)
			}
		}
	}
	if *list {
		for _, b := range blocks {
			fmt.Printf("%s: %s: %s\n", b, b.lang, what(b))
		}
		return
	}
	ciRun, err := os.ReadFile(".ci/run")
	if err != nil {
		fmt.Fprintln(os.Stderr, "doccheck:", err)
		os.Exit(2)
	}
	c, err := setup(".", string(ciRun))
	if c != nil {
		defer os.RemoveAll(c.scratch)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "doccheck: setting up the scratch repository:", err)
		os.Exit(1) // the deferred RemoveAll does not run: the scratch directory stays for a look
	}
	c.verbose = *verbose
	failed := 0
	for _, b := range blocks {
		start := time.Now()
		err := c.check(b)
		d := time.Since(start).Round(100 * time.Millisecond)
		if err != nil {
			failed++
			fmt.Printf("FAIL %s (%s, %s): %v\n", b, what(b), d, err)
			continue
		}
		fmt.Printf("ok   %s (%s, %s)\n", b, what(b), d)
	}
	if failed > 0 {
		fmt.Printf("doccheck: %d of %d blocks failed\n", failed, len(blocks))
		os.RemoveAll(c.scratch)
		os.Exit(1)
	}
}
