package fountain_test

import (
	"testing"

	"github.com/fountainai/fountainai/internal/fountain"
)

// TestScreenplaysRoundTrip: Format writes back what Parse read (Parse(Format(d)) == d) and in the
// documented normal form (Format(Parse(x)) == Normalize(x)).
func TestScreenplaysRoundTrip(t *testing.T) {
	for _, s := range screenplays(t) {
		t.Run(s.name, func(t *testing.T) {
			doc, err := fountain.Parse(s.src)
			if err != nil {
				t.Fatal(err)
			}
			out := fountain.Format(doc)
			again, err := fountain.Parse(out)
			if err != nil {
				t.Fatalf("Parse(Format(doc)): %v\n%s", err, out)
			}
			if diff := diffDocuments(doc, again); diff != "" {
				t.Errorf("Parse(Format(doc)) differs: %s", diff)
			}
			if norm := fountain.Normalize(s.src); string(out) != string(norm) {
				t.Errorf("Format(Parse(x)) != Normalize(x):\n%s", lineDiff(string(norm), string(out)))
			}
		})
	}
}
