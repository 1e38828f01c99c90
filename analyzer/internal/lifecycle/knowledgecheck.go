package lifecycle

import (
	"fmt"
	"go/types"
	"os"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// A knowledgeEntry is one line of a knowledge file, for checking it
// against the signature of the function it names.
type knowledgeEntry struct {
	file   string
	line   int
	fields []string // ROLE NAME [ARG...]
}

// KnowledgePackages parses the knowledge file named file (the -knowledge
// flag's format) and returns the import paths of the packages whose
// functions, methods and fields it names (each name's possible paths: see
// candidatePaths), in the order they first appear. A
// syntax error is returned as "FILE:LINE: message".
func KnowledgePackages(file string) ([]string, error) {
	k, err := parseKnowledgeFile(file)
	if err != nil {
		return nil, err
	}
	var paths []string
	seen := make(map[string]bool)
	for _, e := range k.entries {
		names := e.fields[1:2]
		if (e.fields[0] == "stoppedby" || e.fields[0] == "closedby") && len(e.fields) == 3 {
			names = append(names, strings.Split(e.fields[2], ",")...)
		}
		for _, name := range names {
			for _, p := range candidatePaths(name) {
				if !seen[p] {
					seen[p] = true
					paths = append(paths, p)
				}
			}
		}
	}
	return paths, nil
}

// CheckKnowledge checks every entry of the knowledge file named file
// against the declaration it names, looked up in pkgs (keyed by import
// path): the name must exist, a cancel result must be a function, a done=
// result a context.Context, a launcher argument a function, a neverclosed
// name a function returning a channel or a channel field, a once name a
// function or a field of a function type, a stoppedby name
// a function or method and its stop methods. A package missing from
// pkgs is an error too (a typo in the path is the likely cause). It returns
// the first misfit as "FILE:LINE: message".
func CheckKnowledge(file string, pkgs map[string]*types.Package) error {
	k, err := parseKnowledgeFile(file)
	if err != nil {
		return err
	}
	for _, e := range k.entries {
		if msg := checkEntry(e.fields, pkgs); msg != "" {
			return fmt.Errorf("%s:%d: %s", e.file, e.line, msg)
		}
	}
	return nil
}

// parseKnowledgeFile parses file alone, without the built-in table.
func parseKnowledgeFile(file string) (*knowledge, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	k := newKnowledge()
	if err := k.parse(file, string(data)); err != nil {
		return nil, err
	}
	return k, nil
}

// checkEntry returns what is wrong with a syntactically valid entry,
// given the packages that declare what it names, or "".
func checkEntry(f []string, pkgs map[string]*types.Package) string {
	name := f[1]
	pkg := packageOf(name, pkgs)
	if pkg == nil {
		return fmt.Sprintf("%s: no package of that path can be loaded here (a typo in the import path, or a module this build does not require?)", name)
	}
	obj := lookupFullName(pkg, name)
	if obj == nil {
		return fmt.Sprintf("%s: no such function, method or field in package %s", name, pkg.Path())
	}
	fn, _ := obj.(*types.Func)
	if fn == nil && f[0] != "neverclosed" && f[0] != "once" {
		return fmt.Sprintf("%s is not a function or method", name)
	}
	switch f[0] {
	case "cancel":
		r, _ := strconv.Atoi(f[2])
		if !isFuncResult(fn.Signature(), r) {
			return fmt.Sprintf("%s: result %d is not a function (%s)", name, r, fn.Signature())
		}
		if len(f) == 4 {
			d, _ := strconv.Atoi(strings.TrimPrefix(f[3], "done="))
			if !isContextResult(fn.Signature(), d) {
				return fmt.Sprintf("%s: done=%d: result %d is not a context.Context (%s)", name, d, d, fn.Signature())
			}
		}
	case "launcher":
		a, _ := strconv.Atoi(f[2])
		if !launchable(fn.Signature(), a) {
			return fmt.Sprintf("%s: argument %d is not a function (%s; a method's receiver is argument 0)", name, a, fn.Signature())
		}
	case "keeps":
		r, _ := strconv.Atoi(f[2])
		a, _ := strconv.Atoi(f[3])
		if r >= fn.Signature().Results().Len() || a >= argCount(fn.Signature()) {
			return fmt.Sprintf("%s: result %d or argument %d out of range (%s; a method's receiver is argument 0)", name, r, a, fn.Signature())
		}
	case "mustcall":
		res := fn.Signature().Results()
		if res.Len() == 0 {
			return fmt.Sprintf("%s has no result to call methods on", name)
		}
		for _, m := range strings.Split(f[2], ",") {
			if obj, _, _ := types.LookupFieldOrMethod(res.At(0).Type(), true, fn.Pkg(), m); obj == nil {
				return fmt.Sprintf("%s: its result %s has no method %s", name, res.At(0).Type(), m)
			}
		}
	case "mustclose":
		r, _ := strconv.Atoi(f[2])
		if !hasCloser(fn.Signature(), r, f[3]) {
			return fmt.Sprintf("%s: result %d is not a pointer to a struct whose field %s has a Close method (%s)", name, r, f[3], fn.Signature())
		}
	case "reads":
		a, _ := strconv.Atoi(f[2])
		if a >= argCount(fn.Signature()) {
			return fmt.Sprintf("%s: argument %d out of range (%s; a method's receiver is argument 0)", name, a, fn.Signature())
		}
	case "mustread":
		if !yieldsChan(fn) {
			return fmt.Sprintf("%s does not return a channel (%s)", name, fn.Signature())
		}
	case "closedby":
		if fn.Signature().Recv() == nil || !yieldsChan(fn) {
			return fmt.Sprintf("%s is not a method returning a channel (%s)", name, fn.Signature())
		}
		fallthrough
	case "stoppedby":
		if len(f) == 3 {
			for _, stop := range strings.Split(f[2], ",") {
				if msg := checkMethod(stop, pkgs); msg != "" {
					return msg
				}
			}
		}
	case "release":
		if fn.Signature().Recv() == nil {
			return fmt.Sprintf("%s is not a method", name)
		}
	case "once":
		if _, isFunc := obj.Type().Underlying().(*types.Signature); !isFunc {
			return fmt.Sprintf("%s is neither a function nor a field of a function type", name)
		}
	case "neverclosed":
		if !yieldsChan(obj) {
			return fmt.Sprintf("%s is neither a function returning a channel nor a channel field", name)
		}
	}
	return ""
}

// hasCloser reports whether result r of sig points to a struct whose
// field is named field and has a Close method.
func hasCloser(sig *types.Signature, r int, field string) bool {
	if r >= sig.Results().Len() {
		return false
	}
	ptr, ok := sig.Results().At(r).Type().Underlying().(*types.Pointer)
	if !ok {
		return false
	}
	st, ok := ptr.Elem().Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := range st.NumFields() {
		if f := st.Field(i); f.Name() == field {
			obj, _, _ := types.LookupFieldOrMethod(f.Type(), true, f.Pkg(), "Close")
			_, isFunc := obj.(*types.Func)
			return isFunc
		}
	}
	return false
}

// argCount returns the number of arguments of sig as the table counts
// them: a method's receiver is argument 0.
func argCount(sig *types.Signature) int {
	n := sig.Params().Len()
	if sig.Recv() != nil {
		n++
	}
	return n
}

// checkMethod returns what is wrong with name as a stop method, or "".
func checkMethod(name string, pkgs map[string]*types.Package) string {
	pkg := packageOf(name, pkgs)
	if pkg == nil {
		return fmt.Sprintf("%s: no package of that path can be loaded here", name)
	}
	fn, ok := lookupFullName(pkg, name).(*types.Func)
	if !ok || fn.Signature().Recv() == nil {
		return fmt.Sprintf("%s: no such method in package %s", name, pkg.Path())
	}
	return ""
}

// isFuncResult reports whether result i of sig is a function.
func isFuncResult(sig *types.Signature, i int) bool {
	if i < 0 || i >= sig.Results().Len() {
		return false
	}
	_, ok := sig.Results().At(i).Type().Underlying().(*types.Signature)
	return ok
}

// launchable reports whether argument i of a call of sig (a method's
// receiver first) is a function.
func launchable(sig *types.Signature, i int) bool {
	if sig.Recv() != nil {
		i--
	}
	if i < 0 || i >= sig.Params().Len() {
		return false
	}
	t := sig.Params().At(i).Type()
	if sig.Variadic() && i == sig.Params().Len()-1 {
		t = t.(*types.Slice).Elem()
	}
	_, ok := t.Underlying().(*types.Signature)
	return ok
}

// yieldsChan reports whether obj is a function whose first result is a
// channel, or a field of channel type.
func yieldsChan(obj types.Object) bool {
	t := obj.Type()
	if sig, ok := t.(*types.Signature); ok {
		if sig.Results().Len() == 0 {
			return false
		}
		t = sig.Results().At(0).Type()
	}
	_, ok := t.Underlying().(*types.Chan)
	return ok
}

// candidatePaths returns the import paths that a full name as go/types
// prints it may start with, longest first: a dot in the path's last
// element is ambiguous ("(*gopkg.in/tomb.v2.Tomb).Go" is in
// "gopkg.in/tomb.v2", "time.Ticker.C" in "time").
func candidatePaths(name string) []string {
	name = strings.TrimPrefix(strings.TrimPrefix(name, "("), "*")
	if i := strings.Index(name, ")"); i >= 0 {
		name = name[:i]
	}
	slash := strings.LastIndex(name, "/")
	var paths []string
	for i := len(name) - 1; i > slash+1; i-- {
		if name[i] == '.' {
			paths = append(paths, name[:i])
		}
	}
	return paths
}

// packageOf returns the package of pkgs that name's full name is in.
func packageOf(name string, pkgs map[string]*types.Package) *types.Package {
	for _, p := range candidatePaths(name) {
		if pkg := pkgs[p]; pkg != nil {
			return pkg
		}
	}
	return nil
}

// lookupFullName returns the function, method or field of pkg that a full
// name as go/types prints it denotes ("(*net/http.Server).Shutdown",
// "time.Ticker.C"), or nil.
func lookupFullName(pkg *types.Package, name string) types.Object {
	rest := strings.TrimPrefix(strings.TrimPrefix(name, "("), "*")
	rest, ok := strings.CutPrefix(rest, pkg.Path()+".")
	if !ok {
		return nil
	}
	rest = strings.Replace(rest, ").", ".", 1)
	typeName, member, isMember := strings.Cut(rest, ".")
	obj := pkg.Scope().Lookup(typeName)
	if !isMember || obj == nil {
		return obj
	}
	if _, ok := obj.(*types.TypeName); !ok {
		return nil
	}
	m, _, _ := types.LookupFieldOrMethod(types.NewPointer(obj.Type()), true, pkg, member)
	return m
}

// isContextResult reports whether result i of sig is a context.Context.
func isContextResult(sig *types.Signature, i int) bool {
	return i >= 0 && i < sig.Results().Len() && IsContext(sig.Results().At(i).Type())
}

// CheckKnowledgeFile checks the knowledge file named file: KnowledgePackages,
// then CheckKnowledge against those of its packages that the build can load
// (from export data) from the working directory.
func CheckKnowledgeFile(file string) error {
	paths, err := KnowledgePackages(file)
	if err != nil {
		return err
	}
	return CheckKnowledge(file, loadTypes(paths))
}

// loadTypes returns the type information of the packages of paths that
// the build can load, keyed by import path; the others are left out, which
// CheckKnowledge reports.
func loadTypes(paths []string) map[string]*types.Package {
	pkgs := make(map[string]*types.Package)
	if len(paths) == 0 {
		return pkgs
	}
	loaded, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, paths...)
	if err != nil {
		return pkgs
	}
	for _, p := range loaded {
		if len(p.Errors) == 0 && p.Types != nil {
			pkgs[p.PkgPath] = p.Types
		}
	}
	return pkgs
}
