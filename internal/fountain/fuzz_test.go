package fountain_test

import (
	"errors"
	"testing"

	"github.com/fountainai/fountainai/internal/fountain"
)

// FuzzParse checks that Parse never panics, fails only with a SyntaxError, and that whatever it
// reads, Format writes so that Parse reads the same document again.
func FuzzParse(f *testing.F) {
	for _, c := range parseCases {
		f.Add([]byte(c.src))
	}
	for _, c := range errorCases {
		f.Add([]byte(c.src))
	}
	for _, s := range screenplays(f) {
		f.Add(s.src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := fountain.Parse(src)
		if err != nil {
			var se *fountain.SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Rule == "" || se.Message == "" {
				t.Fatalf("Parse(%q) failed with %#v, want a complete SyntaxError", src, err)
			}
			return
		}
		out := fountain.Format(doc)
		again, err := fountain.Parse(out)
		if err != nil {
			t.Fatalf("Parse(Format(Parse(%q))) = %v; Format wrote %q", src, err, out)
		}
		if diff := diffDocuments(doc, again); diff != "" {
			t.Fatalf("Parse(Format(Parse(%q))) differs: %s\nFormat wrote %q", src, diff, out)
		}
	})
}
