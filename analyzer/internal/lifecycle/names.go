package lifecycle

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/ssa"
)

// funcNoun names fn for a message: its name, or "the function literal".
func FuncNoun(fn *ssa.Function) string {
	if fn.Parent() != nil {
		return "the function literal"
	}
	return fn.Name()
}

func IsMainMain(fn *ssa.Function) bool {
	return fn.Name() == "main" && fn.Parent() == nil && fn.Signature.Recv() == nil &&
		fn.Pkg != nil && fn.Pkg.Pkg.Name() == "main"
}

func Related(pos token.Pos, msg string) analysis.RelatedInformation {
	return analysis.RelatedInformation{Pos: pos, Message: msg}
}

// funcName names a function as a reader of the package would write it.
func (s *State) FuncName(fn *ssa.Function) string {
	return nameOf(fn, func(p *types.Package) string {
		if p == s.Pass.Pkg {
			return ""
		}
		return p.Name()
	})
}

// qualifiedName names a function for readers of any package:
// "spawner.Poll", "(*cache.Cache).janitor", "server.run$1".
func QualifiedName(fn *ssa.Function) string {
	return nameOf(fn, (*types.Package).Name)
}

func nameOf(fn *ssa.Function, qual types.Qualifier) string {
	if fn == nil {
		return "the call"
	}
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if parent := fn.Parent(); parent != nil {
		return "a function literal in " + nameOf(parent, qual) // not SSA's "run$1"
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok {
		return fn.Name()
	}
	if recv := obj.Signature().Recv(); recv != nil {
		return "(" + types.TypeString(recv.Type(), qual) + ")." + obj.Name()
	}
	if q := qual(obj.Pkg()); q != "" {
		return q + "." + obj.Name()
	}
	return obj.Name()
}

// enclosing returns the syntax enclosing pos, innermost first.
func (s *State) Enclosing(pos token.Pos) []ast.Node {
	for _, f := range s.Pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			path, _ := astutil.PathEnclosingInterval(f, pos, pos)
			return path
		}
	}
	return nil
}
