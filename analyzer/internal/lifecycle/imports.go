package lifecycle

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// createImports creates the SSA packages of the package's direct imports
// that building its SSA form needs: each import (the package initializer
// calls theirs), with the package-level functions and variables that the
// package refers to as its members. The builder creates the methods it
// calls, and the instances of generic functions, on demand.
//
// x/tools' buildssa creates every member of every import instead: each
// function, variable and constant, and each method of each type, which
// also decodes the whole of each import's export data. On client-go,
// whose packages import large generated API packages, creating only what
// is used took the peak of a go vet run from 166 MB to 147 MB (go vet's:
// 144-156 MB). The members are declared to ssa as
// bodiless declarations, as for functions written in assembly, so that
// ssa.Program.CreatePackage takes them from syntax; they are never built.
func createImports(prog *ssa.Program, pass *analysis.Pass) {
	used := importedMembers(pass)
	for _, imp := range pass.Pkg.Imports() {
		info := &types.Info{Defs: make(map[*ast.Ident]types.Object)}
		file := &ast.File{Name: ast.NewIdent(imp.Name()), Package: token.NoPos}
		for _, obj := range used[imp] {
			id := ast.NewIdent(obj.Name())
			info.Defs[id] = obj
			switch obj.(type) {
			case *types.Func:
				file.Decls = append(file.Decls, &ast.FuncDecl{Name: id, Type: &ast.FuncType{Params: &ast.FieldList{}}})
			case *types.Var:
				file.Decls = append(file.Decls, &ast.GenDecl{Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{id}}}})
			}
		}
		prog.CreatePackage(imp, []*ast.File{file}, info, true)
	}
}

// importedMembers returns, for each package the package imports, the
// package-level functions and variables of it that the package refers
// to, in the order of their names.
func importedMembers(pass *analysis.Pass) map[*types.Package][]types.Object {
	seen := make(map[types.Object]bool)
	used := make(map[*types.Package][]types.Object)
	for _, obj := range pass.TypesInfo.Uses {
		switch obj.(type) {
		case *types.Func, *types.Var:
		default:
			continue
		}
		p := obj.Pkg()
		if p == nil || p == pass.Pkg || seen[obj] || p.Scope().Lookup(obj.Name()) != obj {
			continue // not a package-level member of an import
		}
		seen[obj] = true
		used[p] = append(used[p], obj)
	}
	for _, objs := range used {
		slices.SortFunc(objs, func(a, b types.Object) int { return cmp.Compare(a.Name(), b.Name()) })
	}
	return used
}

// DeclaredIn reports whether fn is declared in the package of the given
// path. It asks fn's types object, not fn.Pkg, which is nil for the
// methods of imported types that the builder creates on demand.
func DeclaredIn(fn *ssa.Function, path string) bool {
	obj := fn.Object()
	return obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == path
}
