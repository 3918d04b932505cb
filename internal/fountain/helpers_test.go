package fountain_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fountainai/fountainai/internal/fountain"
)

type screenplay struct {
	name string
	src  []byte
}

// screenplays reads testdata/screenplays/*.fountain; there must be some.
func screenplays(tb testing.TB) []screenplay {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "screenplays", "*.fountain"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) < 4 {
		tb.Fatalf("testdata/screenplays holds %d screenplays, want at least 4", len(paths))
	}
	out := make([]screenplay, len(paths))
	for i, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = screenplay{name: filepath.Base(p), src: src}
	}
	return out
}

// diffDocuments describes the first difference between a and b, Line aside ("" when none).
func diffDocuments(a, b *fountain.Document) string {
	if len(a.TitlePage) != len(b.TitlePage) {
		return fmt.Sprintf("title page has %d entries, then %d", len(a.TitlePage), len(b.TitlePage))
	}
	for i := range a.TitlePage {
		if a.TitlePage[i] != b.TitlePage[i] {
			return fmt.Sprintf("title entry %d: %#v, then %#v", i, a.TitlePage[i], b.TitlePage[i])
		}
	}
	for i := 0; i < len(a.Elements) && i < len(b.Elements); i++ {
		x, y := a.Elements[i], b.Elements[i]
		y.Line = x.Line
		if x != y {
			return fmt.Sprintf("element %d: %#v, then %#v", i, a.Elements[i], b.Elements[i])
		}
	}
	if len(a.Elements) != len(b.Elements) {
		return fmt.Sprintf("%d elements, then %d", len(a.Elements), len(b.Elements))
	}
	return ""
}

// lineDiff shows the first line where want and got part.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var x, y string
		if i < len(w) {
			x = w[i]
		}
		if i < len(g) {
			y = g[i]
		}
		if x != y || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("line %d: want %q, got %q", i+1, x, y)
		}
	}
	return "identical"
}
