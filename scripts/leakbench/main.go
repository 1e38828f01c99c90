// Command leakbench scores golifecheck on the goroutine-leak benchmarks that
// ship with Go: LeakProf's common patterns and GoBench's GoKer kernels, in
// $GOROOT/src/runtime/testdata/testgoroutineleakprofile, against the leaking
// goroutines listed in $GOROOT/src/runtime/goroutineleakprofile_test.go.
//
// Usage:
//
//	go run ./scripts/leakbench [-golifecheck BIN] [-markdown]
//
// For each kernel it prints one of:
//
//	site       a finding in an expected leaking goroutine's function (marked
//	           *), at the go statement that starts it (*), at a call of a
//	           function whose go statement starts it (^), or in a function
//	           it calls, directly or not (+): on the leaking goroutine's stack
//	elsewhere  findings in the kernel, none at an expected leak
//	miss       no finding in the kernel
//
// The expected leaks are regular expressions over runtime function names
// ("Cockroach1055.func2.1", "(*Store_cockroach2448).processRaft"); a
// finding's function is named the same way from the source.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	bin := flag.String("golifecheck", "", "golifecheck binary (default: build ./cmd/golifecheck)")
	markdown := flag.Bool("markdown", false, "print a markdown table")
	flag.Parse()
	if err := run(*bin, *markdown); err != nil {
		fmt.Fprintln(os.Stderr, "leakbench:", err)
		os.Exit(1)
	}
}

// A kernel is one test case of goroutineleakprofile_test.go.
type kernel struct {
	name  string
	dir   string           // testgoroutineleakprofile or its goker subdirectory
	leaks []*regexp.Regexp // function-name part of each expected leak
	file  string           // a GoKer kernel's file (see kernelFiles)
}

// A finding is a golifecheck diagnostic and the function it is about.
type finding struct {
	file, site, check, message string
	line                       int
}

func run(bin string, markdown bool) error {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return err
	}
	goroot := strings.TrimSpace(string(out))
	root := filepath.Join(goroot, "src", "runtime", "testdata", "testgoroutineleakprofile")
	kernels, err := parseKernels(filepath.Join(goroot, "src", "runtime", "goroutineleakprofile_test.go"))
	if err != nil {
		return err
	}
	files, err := kernelFiles(filepath.Join(root, "goker"))
	if err != nil {
		return err
	}
	for i, k := range kernels {
		if k.dir == "goker" {
			if kernels[i].file = files[k.name]; kernels[i].file == "" {
				return fmt.Errorf("no file in %s registers GoKer kernel %s", filepath.Join(root, "goker"), k.name)
			}
		}
	}
	names := newNamer()
	findings, err := analyze(bin, root, names)
	if err != nil {
		return err
	}

	counts := map[string]int{}
	var rows [][]string
	for _, k := range kernels {
		result, detail := score(k, findings, root, names)
		counts[result]++
		rows = append(rows, []string{k.name, result, detail})
	}
	if markdown {
		fmt.Println("| kernel | result | golifecheck findings |")
		fmt.Println("| --- | --- | --- |")
		for _, r := range rows {
			fmt.Printf("| %s | %s | %s |\n", r[0], r[1], r[2])
		}
		fmt.Println()
	} else {
		for _, r := range rows {
			fmt.Printf("%-32s %-9s %s\n", r[0], r[1], r[2])
		}
	}
	fmt.Printf("%d kernels: %d site, %d elsewhere, %d miss\n", len(kernels), counts["site"], counts["elsewhere"], counts["miss"])
	return nil
}

// parseKernels reads the common-pattern and GoKer test cases, with their
// expected leaks, from the runtime's test.
func parseKernels(testFile string) ([]kernel, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, testFile, nil, 0)
	if err != nil {
		return nil, err
	}
	var kernels []kernel
	ast.Inspect(f, func(n ast.Node) bool {
		assign, ok := n.(*ast.AssignStmt)
		if !ok || len(assign.Lhs) != 1 || len(assign.Rhs) != 1 {
			return true
		}
		dir := map[string]string{"patternTestCases": ".", "gokerTestCases": "goker"}[fmt.Sprint(assign.Lhs[0])]
		lit, ok := assign.Rhs[0].(*ast.CompositeLit)
		if dir == "" || !ok {
			return true
		}
		for _, elt := range lit.Elts {
			call, ok := elt.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				continue
			}
			k := kernel{dir: dir}
			for i, arg := range call.Args {
				s, err := strconv.Unquote(arg.(*ast.BasicLit).Value)
				if err != nil {
					return false
				}
				if i == 0 {
					k.name = s
					continue
				}
				// "Cockroach1055\.func2\(.* \[chan receive\]": keep the function.
				fn, _, _ := strings.Cut(s, `\(`)
				if fn == "" || strings.HasPrefix(s, `\(`) {
					fn, _, _ = strings.Cut(s, `\(.*`)
				}
				re, err := regexp.Compile("^" + fn + "$")
				if err != nil {
					return false
				}
				k.leaks = append(k.leaks, re)
			}
			kernels = append(kernels, k)
		}
		return false
	})
	if len(kernels) == 0 {
		return nil, fmt.Errorf("no test cases found in %s", testFile)
	}
	return kernels, nil
}

// analyze runs golifecheck -json on the benchmark packages and names the
// function each finding is about.
func analyze(bin, root string, names *namer) ([]finding, error) {
	if bin == "" {
		dir, err := os.MkdirTemp("", "leakbench")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "golifecheck")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/golifecheck").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building golifecheck (run from the repository root): %v\n%s", err, out)
		}
	}
	cmd := exec.Command(bin, "-json", "-chanblock.engine", "./...", ".")
	cmd.Dir = root
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v: %v", cmd.Args, err)
	}
	// {"pkg": {"golifecheck": [{"posn": ..., "message": ..., "category": ...}]}}
	var tree map[string]map[string][]struct{ Posn, Message, Category string }
	if err := json.Unmarshal(stdout.Bytes(), &tree); err != nil {
		return nil, fmt.Errorf("reading golifecheck -json: %v", err)
	}
	var findings []finding
	for _, analyzers := range tree {
		for _, diags := range analyzers {
			for _, d := range diags {
				parts := strings.Split(d.Posn, ":") // file:line:col
				if len(parts) < 3 {
					continue
				}
				line, _ := strconv.Atoi(parts[len(parts)-2])
				file := strings.Join(parts[:len(parts)-2], ":")
				findings = append(findings, finding{
					file: file, line: line, check: d.Category, message: d.Message,
					site: names.site(file, line),
				})
			}
		}
	}
	return findings, nil
}

// score classifies a kernel's findings.
func score(k kernel, findings []finding, root string, names *namer) (result, detail string) {
	var mine []string
	hit := false
	for _, f := range findings {
		if !k.owns(f, root) {
			continue
		}
		at, via := false, false
		for _, re := range k.leaks {
			at = at || re.MatchString(f.site)
		}
		starts := false
		if !at {
			for _, re := range k.leaks {
				via = via || names.calledFrom(f.file, re, f.site)
				starts = starts || names.startsAt(f.file, re, f.line)
			}
		}
		hit = hit || at || via || starts
		mark := ""
		switch {
		case at:
			mark = "*"
		case via:
			mark = "+"
		case starts:
			mark = "^"
		}
		mine = append(mine, fmt.Sprintf("%s%s:%d %s", mark, filepath.Base(f.file), f.line, f.check))
	}
	sort.Strings(mine)
	switch {
	case hit:
		return "site", strings.Join(mine, ", ")
	case len(mine) > 0:
		return "elsewhere", strings.Join(mine, ", ")
	}
	return "miss", ""
}

// register is the call by which a GoKer file registers its kernel.
var register = regexp.MustCompile(`register\("(\w+)"`)

// kernelFiles maps each GoKer kernel to the file that registers it: the
// file is named for the kernel but for one (Moby25348 is in moby25384.go,
// the number of the upstream pull request its header names).
func kernelFiles(dir string) (map[string]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	files := make(map[string]string)
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		for _, m := range register.FindAllSubmatch(data, -1) {
			files[string(m[1])] = path
		}
	}
	return files, nil
}

// owns reports whether a finding is in the kernel: in its GoKer file, or,
// for a common pattern, in a function its expected leaks name.
func (k kernel) owns(f finding, root string) bool {
	if k.dir == "goker" {
		return f.file == k.file
	}
	if filepath.Base(f.file) != "commonpatterns.go" {
		return false
	}
	top := strings.ToLower(strings.SplitN(strings.TrimLeft(f.site, "(*"), ".", 2)[0])
	for _, re := range k.leaks {
		want := strings.ToLower(strings.SplitN(strings.TrimLeft(re.String()[1:], `\(*`), `\.`, 2)[0])
		if strings.Contains(top, want) || strings.Contains(want, top) {
			return true
		}
	}
	return strings.EqualFold(top, k.name)
}

// A namer names the function a source line belongs to as the runtime
// names it: "F", "(*T).M", closures "F.func1", nested "F.func1.2". A `go`
// statement's line is named after the function it starts.
type namer struct {
	fset  *token.FileSet
	files map[string][]span
}

// startsAt reports whether line calls a function of file that starts,
// with a go statement, a goroutine whose function's name matches leak
// (like a go statement, the call is where that goroutine starts).
func (n *namer) startsAt(file string, leak *regexp.Regexp, line int) bool {
	spans := n.files[file]
	for _, call := range spans {
		if !call.callLine || call.start != line {
			continue
		}
		for _, decl := range spans {
			if decl.goLine || decl.callLine || (decl.name != call.name && !strings.HasSuffix(decl.name, "."+call.name)) {
				continue
			}
			for _, g := range spans {
				if g.goLine && decl.start <= g.start && g.start <= decl.end && leak.MatchString(g.name) {
					return true
				}
			}
		}
	}
	return false
}

// calledFrom reports whether the function named site is called, directly
// or through other calls (not go statements), by a function of file whose
// name matches leak: a finding there is on the leaking goroutine's stack.
func (n *namer) calledFrom(file string, leak *regexp.Regexp, site string) bool {
	spans := n.files[file]
	seen := map[string]bool{}
	var queue []string
	for _, s := range spans {
		if !s.goLine && !s.callLine && leak.MatchString(s.name) && !seen[s.name] {
			seen[s.name] = true
			queue = append(queue, s.name)
		}
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, s := range spans {
			if s.goLine || s.callLine || s.name != name {
				continue
			}
			for _, callee := range s.calls {
				for _, t := range spans {
					if t.goLine || t.callLine || seen[t.name] || (t.name != callee && !strings.HasSuffix(t.name, "."+callee)) {
						continue
					}
					if t.name == site {
						return true
					}
					seen[t.name] = true
					queue = append(queue, t.name)
				}
			}
		}
	}
	return false
}

type span struct {
	start, end int // lines
	name       string
	goLine     bool     // a go statement starting the function
	callLine   bool     // a call of the function
	calls      []string // names the function calls (not in go statements)
}

func newNamer() *namer { return &namer{fset: token.NewFileSet(), files: map[string][]span{}} }

func (n *namer) site(file string, line int) string {
	spans, ok := n.files[file]
	if !ok {
		spans = n.parse(file)
		n.files[file] = spans
	}
	best := ""
	width := 1 << 30
	for _, s := range spans {
		if s.goLine && s.start == line {
			return s.name
		}
		if !s.goLine && !s.callLine && s.start <= line && line <= s.end && s.end-s.start < width {
			best, width = s.name, s.end-s.start
		}
	}
	return best
}

func (n *namer) parse(file string) []span {
	f, err := parser.ParseFile(n.fset, file, nil, 0)
	if err != nil {
		return nil
	}
	var spans []span
	lines := func(node ast.Node) (int, int) {
		return n.fset.Position(node.Pos()).Line, n.fset.Position(node.End()).Line
	}
	var walk func(body ast.Node, name string, top bool) []string
	walk = func(body ast.Node, name string, top bool) []string {
		count := 0
		var calls []string
		ast.Inspect(body, func(node ast.Node) bool {
			if node == body {
				return true
			}
			switch node := node.(type) {
			case *ast.GoStmt:
				started := calleeName(node.Call.Fun)
				if _, ok := node.Call.Fun.(*ast.FuncLit); ok {
					started = closureName(name, count+1, top)
				}
				start, _ := lines(node)
				spans = append(spans, span{start: start, end: start, name: started, goLine: true})
				for _, arg := range node.Call.Args {
					ast.Inspect(arg, func(a ast.Node) bool {
						if c, ok := a.(*ast.CallExpr); ok {
							calls = append(calls, calleeName(c.Fun))
						}
						return true
					})
				}
				if _, ok := node.Call.Fun.(*ast.FuncLit); ok {
					return true // its literal is a function of its own
				}
				return false
			case *ast.CallExpr:
				calls = append(calls, calleeName(node.Fun))
				start, _ := lines(node)
				spans = append(spans, span{start: start, end: start, name: calleeName(node.Fun), callLine: true})
			case *ast.FuncLit:
				count++
				sub := closureName(name, count, top)
				start, end := lines(node)
				i := len(spans)
				spans = append(spans, span{start: start, end: end, name: sub})
				spans[i].calls = walk(node.Body, sub, false)
				return false
			}
			return true
		})
		return calls
	}
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		name := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			// The runtime's names: (*T).M, and T.M for a value receiver.
			if recv := recvName(fd.Recv.List[0].Type); strings.HasPrefix(recv, "*") {
				name = "(" + recv + ")." + name
			} else {
				name = recv + "." + name
			}
		}
		start, end := lines(fd)
		i := len(spans)
		spans = append(spans, span{start: start, end: end, name: name})
		spans[i].calls = walk(fd.Body, name, true)
	}
	return spans
}

// closureName is the runtime's name of the nth closure in a function:
// F.func1 in a declared function, F.func1.2 in a closure.
func closureName(parent string, n int, top bool) string {
	if top {
		return fmt.Sprintf("%s.func%d", parent, n)
	}
	return fmt.Sprintf("%s.%d", parent, n)
}

func recvName(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.StarExpr:
		return "*" + recvName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvName(t.X) + "[...]"
	}
	return fmt.Sprint(t)
}

func calleeName(fun ast.Expr) string {
	switch fun := fun.(type) {
	case *ast.Ident:
		return fun.Name
	case *ast.SelectorExpr:
		return fun.Sel.Name
	}
	return ""
}
