package httpapi_test

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

const httpapiPath = "github.com/fountainai/fountainai/internal/httpapi"

// TestServicesPassFailuresAsErrors keeps one way of refusing in the services: shared code returns
// its *httpapi.Failure as the error, and the handler splits it with httpapi.AsFailure. A function
// that returns a failure beside an error makes each caller check two values, and its callers sooner
// or later turn the pair back into one error, where a nil *Failure passed as an error is non-nil.
func TestServicesPassFailuresAsErrors(t *testing.T) {
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
		violations = append(violations, failuresBesideErrors(fset, f)...)
		return nil
	})
	require.NoError(t, err)
	for _, v := range violations {
		t.Error(v)
	}
}

// TestFailuresBesideErrorsFindsThem keeps the scan above from passing because it sees nothing.
func TestFailuresBesideErrorsFindsThem(t *testing.T) {
	t.Parallel()
	const src = `package p

import api "github.com/fountainai/fountainai/internal/httpapi"

func named() (n int, f *api.Failure, err error) { return }
func fine() (int, error)                           { return 0, nil }
func alone() *api.Failure                          { return nil }
var lit = func() (*api.Failure, error) { return nil, nil }
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	found := failuresBesideErrors(fset, f)
	require.Len(t, found, 2, "%q", found)
	require.Contains(t, found[0], "p.go:5:")
	require.Contains(t, found[1], "p.go:8:")
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
