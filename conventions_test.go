package fountainai_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The conventions every service keeps, checked on the sources of services/: what CONTRIBUTING.md
// calls the database boundary and the one way of refusing a request.

const (
	dbxPath     = "github.com/fountainai/fountainai/internal/dbx"
	httpapiPath = "github.com/fountainai/fountainai/internal/httpapi"
	genPrefix   = "github.com/fountainai/fountainai/gen/"
)

// scanServices parses every Go file under services/ and returns what check finds in them.
func scanServices(t *testing.T, check func(fset *token.FileSet, f *ast.File, isTest bool) []string) []string {
	t.Helper()
	fset := token.NewFileSet()
	var found []string
	err := filepath.WalkDir("services", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		found = append(found, check(fset, f, strings.HasSuffix(path, "_test.go"))...)
		return nil
	})
	require.NoError(t, err)
	return found
}

// TestServicesTranslateErrorsAtTheBoundary keeps driver errors out of the handlers: the services build
// every generated query package over dbx.Interpreted, which translates each error once, so none of
// them needs (or may add) a dbx.Interpret of its own. A query set built over a bare pool or
// transaction would hand pgx's errors to code that only tests the sentinels, and nothing else
// would notice.
func TestServicesTranslateErrorsAtTheBoundary(t *testing.T) {
	t.Parallel()
	for _, v := range scanServices(t, boundaryViolations) {
		t.Error(v)
	}
}

// TestServicesPassFailuresAsErrors keeps one way of refusing in the services: shared code returns
// its *httpapi.Failure as the error, and the handler splits it with httpapi.AsFailure. A function
// that returns a failure beside an error makes each caller check two values, and its callers sooner
// or later turn the pair back into one error, where a nil *Failure passed as an error is non-nil.
func TestServicesPassFailuresAsErrors(t *testing.T) {
	t.Parallel()
	for _, v := range scanServices(t, func(fset *token.FileSet, f *ast.File, _ bool) []string { return failuresBesideErrors(fset, f) }) {
		t.Error(v)
	}
}

// TestConventionChecksFindViolations keeps the scans above from passing because they see nothing.
func TestConventionChecksFindViolations(t *testing.T) {
	t.Parallel()
	const src = `package p

import (
	api "github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/gen/sessionsdb"
)

func named() (n int, f *api.Failure, err error) { return }
func fine() (int, error)                           { return 0, nil }
func alone() *api.Failure                          { return nil }
var lit = func() (*api.Failure, error) { return nil, nil }

func queries(pool dbx.DB) {
	_ = sessionsdb.New(dbx.Interpreted(pool))
	_ = sessionsdb.New(pool)
	_ = dbx.Interpret(nil)
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	failures := failuresBesideErrors(fset, f)
	require.Len(t, failures, 2, "%q", failures)
	require.Contains(t, failures[0], "p.go:9:")
	require.Contains(t, failures[1], "p.go:12:")
	bypasses := boundaryViolations(fset, f, false)
	require.Len(t, bypasses, 2, "%q", bypasses)
	require.Contains(t, bypasses[0], "p.go:16:")
	require.Contains(t, bypasses[1], "p.go:17:")
	require.Len(t, boundaryViolations(fset, f, true), 1, "a test may build queries over anything, never call Interpret")
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

// failuresBesideErrors lists the function types of f, declared or literal, whose results hold both
// a *httpapi.Failure and an error.
func failuresBesideErrors(fset *token.FileSet, f *ast.File) []string {
	name := ""
	for _, imp := range f.Imports {
		if path, _ := strconv.Unquote(imp.Path.Value); path == httpapiPath {
			name = "httpapi"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	if name == "" {
		return nil
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncType)
		if !ok || fn.Results == nil {
			return true
		}
		var failure, plain bool
		for _, r := range fn.Results.List {
			switch t := r.Type.(type) {
			case *ast.StarExpr:
				if sel, ok := t.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "Failure" {
					if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == name {
						failure = true
					}
				}
			case *ast.Ident:
				plain = plain || t.Name == "error"
			}
		}
		if failure && plain {
			out = append(out, fset.Position(fn.Pos()).String()+": returns *"+name+".Failure beside an error: return the failure as the error")
		}
		return true
	})
	return out
}
