package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// golifecheck precommit [-flag...] [--] FILE... is the pre-commit hook's
// entry (.pre-commit-hooks.yaml): pre-commit runs it in the repository's
// root with the flags of the hook's args and the staged .go files. A
// repository need not be a Go module at its root (a monorepo, modules in
// subdirectories, a go.work), so it groups the files by module, the
// directory of the nearest go.mod above each, and runs golifecheck -flag...
// on each module's packages (./... in its root), one run after the other,
// all of them whatever the first found. The whole module, not the files'
// packages: a change in one package can make a finding in another that
// uses it (facts cross packages), and go vet's cache makes the packages
// that did not change cheap.
//
// Modules that the go.work go would use for them ($GOWORK, or the nearest
// go.work above) lists are checked in one run, in the go.work's directory
// with a pattern for each (./app/... ./lib/...), as the workspace builds
// them: a module may import another through the workspace alone, and a
// package is analyzed once, as a package named, even when another module
// of the run imports it (where go vet would analyze it for its facts only).
// A module the go.work does not list is checked alone with GOWORK=off,
// since go refuses to build it in the workspace.
//
// Files the go command leaves out of ./... (under a directory named
// testdata, or starting with "." or "_") are not checked; a file in no
// module is said on stderr and not checked. The exit status is the
// highest of the runs' (0: nothing found; 3: findings; 1: a package failed
// to load or be analyzed; 2: a usage error), as golifecheck's.
const precommitCommand = "precommit"

// precommitMain runs the precommit subcommand and exits, if it is
// os.Args[1]; else it returns.
func precommitMain() {
	if len(os.Args) > 1 && os.Args[1] == precommitCommand {
		os.Exit(precommit(os.Args[2:]))
	}
}

// precommit runs golifecheck with the flags in args on the modules of the
// files in args (see precommitCommand) and returns the exit status.
func precommit(args []string) int {
	flags, files := splitFlags(args)
	if len(files) > 0 && files[0] == "--" {
		files = files[1:]
	}
	modules, skipped, err := groupByModule(files)
	if err != nil {
		fmt.Fprintln(os.Stderr, "golifecheck:", err)
		return 1
	}
	for _, s := range skipped {
		fmt.Fprintf(os.Stderr, "golifecheck: %s: in no Go module (no go.mod above it), not checked\n", s)
	}
	runs, err := planRuns(modules, os.Getenv("GOWORK"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "golifecheck:", err)
		return 1
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "golifecheck:", err)
		return 1
	}
	code := 0
	for _, r := range runs {
		cmd := exec.Command(exe, joinFlags(flags, r.patterns)...)
		cmd.Dir = r.dir
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if r.gowork != "" {
			cmd.Env = append(os.Environ(), "GOWORK="+r.gowork)
		}
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit) && exit.ExitCode() > 0:
			code = max(code, exit.ExitCode())
		case err != nil:
			fmt.Fprintf(os.Stderr, "golifecheck: %s: %v\n", r.dir, err)
			code = max(code, 1)
		}
	}
	return code
}

// A precommitRun is one run of golifecheck: in dir, on the package
// patterns, with GOWORK set to gowork unless it is "".
type precommitRun struct {
	dir      string
	patterns []string
	gowork   string
}

// planRuns returns the runs that check the modules (ordered by root), env
// being $GOWORK: one for the modules a go.work lists, in its directory,
// the modules in the order given; one for each other module, in its root,
// with GOWORK=off if a go.work that does not list it would be used there.
func planRuns(modules []moduleFiles, env string) ([]precommitRun, error) {
	var runs []precommitRun
	inWork := make(map[string]int) // go.work file -> index in runs
	for _, m := range modules {
		work, listed, err := workspaceOf(m.root, env)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", m.root, err)
		}
		if !listed {
			r := precommitRun{dir: m.root, patterns: []string{"./..."}}
			if work != "" {
				r.gowork = "off"
			}
			runs = append(runs, r)
			continue
		}
		i, ok := inWork[work]
		if !ok {
			i = len(runs)
			inWork[work] = i
			runs = append(runs, precommitRun{dir: filepath.Dir(work)})
		}
		rel, err := filepath.Rel(runs[i].dir, m.root)
		if err != nil {
			return nil, err
		}
		pattern := "./..."
		if rel != "." {
			pattern = filepath.ToSlash(rel) + "/..."
			if !strings.HasPrefix(pattern, "../") {
				pattern = "./" + pattern
			}
		}
		runs[i].patterns = append(runs[i].patterns, pattern)
	}
	return runs, nil
}

// A moduleFiles is a module's root directory (absolute) and the files
// given in it, as given.
type moduleFiles struct {
	root  string
	files []string
}

// groupByModule groups the .go files by the module they are in, the
// directory of the nearest go.mod at or above each file's directory,
// ordered by root. It leaves out the files the go command leaves out of
// ./... (see omitted) and returns those in no module in skipped, as given.
// An error is one other than a missing file or go.mod while looking.
func groupByModule(files []string) (modules []moduleFiles, skipped []string, err error) {
	byRoot := make(map[string][]string)
	for _, file := range files {
		abs, err := filepath.Abs(file)
		if err != nil {
			return nil, nil, err
		}
		root, err := moduleRoot(filepath.Dir(abs))
		if err != nil {
			return nil, nil, err
		}
		if root == "" {
			if !omitted(file) {
				skipped = append(skipped, file)
			}
			continue
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil {
			return nil, nil, err
		}
		if omitted(file) || omitted(rel) {
			continue
		}
		byRoot[root] = append(byRoot[root], file)
	}
	for root, files := range byRoot {
		modules = append(modules, moduleFiles{root, files})
	}
	slices.SortFunc(modules, func(a, b moduleFiles) int { return strings.Compare(a.root, b.root) })
	return modules, skipped, nil
}

// omitted reports whether a relative path has a directory that the go
// command leaves out of a pattern such as ./... (cmd/go's "go help
// packages": named testdata, or beginning with "." or "_"). An absolute
// path is not judged.
func omitted(path string) bool {
	if filepath.IsAbs(path) {
		return false
	}
	dirs := strings.Split(filepath.ToSlash(filepath.Dir(filepath.Clean(path))), "/")
	for _, d := range dirs {
		if d == "testdata" || d != "." && d != ".." && (strings.HasPrefix(d, ".") || strings.HasPrefix(d, "_")) {
			return true
		}
	}
	return false
}

// moduleRoot returns the nearest directory at or above dir (absolute)
// holding a go.mod file, or "" if there is none.
func moduleRoot(dir string) (string, error) {
	for {
		info, err := os.Stat(filepath.Join(dir, "go.mod"))
		if err == nil && !info.IsDir() {
			return dir, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// workspaceOf returns the go.work file go would use in the module at root
// (env is $GOWORK: off for none, a file's path for that file, else the
// nearest go.work at or above root, as cmd/go looks for it), or "" if none,
// and whether it lists root in its use directives.
func workspaceOf(root, env string) (work string, listed bool, err error) {
	switch env {
	case "off":
		return "", false, nil
	case "", "auto":
		for dir := root; ; {
			if info, err := os.Stat(filepath.Join(dir, "go.work")); err == nil && !info.IsDir() {
				work = filepath.Join(dir, "go.work")
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return "", false, nil
			}
			dir = parent
		}
	default:
		work = env
	}
	data, err := os.ReadFile(work)
	if err != nil {
		return "", false, err
	}
	wf, err := modfile.ParseWork(work, data, nil)
	if err != nil {
		return "", false, err
	}
	workDir := filepath.Dir(work)
	for _, u := range wf.Use {
		dir := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(workDir, dir)
		}
		if filepath.Clean(dir) == filepath.Clean(root) {
			return work, true, nil
		}
	}
	return work, false, nil
}
