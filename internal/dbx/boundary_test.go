package dbx_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	dbxPath   = "github.com/fountainai/fountainai/internal/dbx"
	genPrefix = "github.com/fountainai/fountainai/gen/"
)

// TestServicesTranslateErrorsAtTheBoundary keeps driver errors out of the handlers: the services build
// every generated query package over dbx.Interpreted, which translates each error once, so none of
// them needs (or may add) a dbx.Interpret of its own. A query set built over a bare pool or
// transaction would hand pgx's errors to code that only tests the sentinels, and nothing else
// would notice.
func TestServicesTranslateErrorsAtTheBoundary(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	var violations []string
	err := filepath.WalkDir(filepath.Join("..", "..", "services"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		violations = append(violations, boundaryViolations(fset, f, strings.HasSuffix(path, "_test.go"))...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		t.Error(v)
	}
}

// boundaryViolations lists the calls of f that bypass the translation: dbx.Interpret anywhere, and,
// outside tests, a generated query package's New over anything but dbx.Interpreted(...).
func boundaryViolations(fset *token.FileSet, f *ast.File, isTest bool) []string {
	dbxName, queryPackages := "", map[string]bool{}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		switch {
		case path == dbxPath:
			dbxName = name
		case strings.HasPrefix(path, genPrefix) && strings.HasSuffix(path, "db"):
			queryPackages[name] = true
		}
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		pkg, fn := qualified(call.Fun)
		switch {
		case pkg != "" && pkg == dbxName && fn == "Interpret":
			out = append(out, fset.Position(call.Pos()).String()+": dbx.Interpret: build the queries over dbx.Interpreted instead")
		case !isTest && queryPackages[pkg] && fn == "New" && !interpreted(call, dbxName):
			out = append(out, fset.Position(call.Pos()).String()+": "+pkg+".New without dbx.Interpreted(...)")
		}
		return true
	})
	return out
}

// interpreted reports whether call's only argument is a call of dbx.Interpreted.
func interpreted(call *ast.CallExpr, dbxName string) bool {
	if len(call.Args) != 1 {
		return false
	}
	arg, ok := call.Args[0].(*ast.CallExpr)
	if !ok {
		return false
	}
	pkg, fn := qualified(arg.Fun)
	return pkg != "" && pkg == dbxName && fn == "Interpreted"
}

// qualified splits pkg.Fn; it gives "" for anything else.
func qualified(e ast.Expr) (pkg, fn string) {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return "", ""
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", ""
	}
	return x.Name, sel.Sel.Name
}
