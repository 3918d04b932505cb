package fountain_test

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"github.com/fountainai/fountainai/internal/fountain"
	"github.com/fountainai/fountainai/internal/fountain/fountaintest"
)

const tenMB = 10 << 20

// repeat returns unit repeated to about size bytes.
func repeat(unit string, size int) []byte {
	return bytes.Repeat([]byte(unit), size/len(unit))
}

// TestLargeDocuments parses 10 MB documents, pathological ones included, that a parser which
// backtracks or rescans the rest of the document on each line would not finish in useful time.
// It asserts what each reads as, not how long it takes: the benchmarks measure that.
func TestLargeDocuments(t *testing.T) {
	cues := repeat("BOB\nHi.\n\n", tenMB)
	cases := []struct {
		name     string
		src      []byte
		rule     string // the SyntaxError's rule, or "" when the document parses
		elements int
	}{
		{"one 10 MB line", repeat("word ", tenMB), "", 1},
		{"10 MB of emphasis marks", repeat("*_", tenMB), "", 1},
		{"10 MB of asterisks on short lines", repeat("***\n", tenMB), "", 1},
		{"unclosed boneyard at the start", append([]byte("/*"), repeat("x\n\n", tenMB)...), "boneyard", 0},
		{"boneyard openers", repeat("/*", tenMB), "boneyard", 0},
		{"10 MB of note openers", repeat("[[", tenMB), "notes", 0},
		{"note openers on lines", repeat("[[\n", tenMB), "notes", 0},
		{"short cues", cues, "", 2 * (len(cues) / len("BOB\nHi.\n\n"))},
		{"unclosed parentheticals", append([]byte("BOB\n"), repeat("(\n", tenMB)...), "", 2},
		{"two-space lines", append([]byte("a\n"), append(repeat("  \n", tenMB), 'b')...), "", 1},
		{"empty lines", append(repeat("\n", tenMB), 'x'), "", 1},
		{"centered lines", repeat(">x<\n", tenMB), "", 1},
		{"feature", fountaintest.Feature(tenMB / 65), "", -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := fountain.Parse(c.src)
			if c.rule != "" {
				var se *fountain.SyntaxError
				if !errors.As(err, &se) || se.Rule != c.rule {
					t.Fatalf("Parse = %v, want a %q error", err, c.rule)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.elements >= 0 && len(doc.Elements) != c.elements {
				t.Fatalf("%d elements, want %d", len(doc.Elements), c.elements)
			}
			if c.elements >= 0 {
				return
			}
			// The realistic document also goes through Format; FuzzParse covers the rest.
			again, err := fountain.Parse(fountain.Format(doc))
			if err != nil {
				t.Fatal(err)
			}
			if diff := diffDocuments(doc, again); diff != "" {
				t.Fatalf("Parse(Format(doc)) differs: %s", diff)
			}
		})
	}
}

func benchmarkSizes(b *testing.B, run func(*testing.B, []byte)) {
	for _, size := range []int{1 << 20, tenMB} {
		src := fountaintest.Feature(size / 65)
		b.Run(strconv.Itoa(size>>20)+"MB", func(b *testing.B) { run(b, src) })
	}
}

func parse(b *testing.B, src []byte) {
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fountain.Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}

func format(b *testing.B, src []byte) {
	doc, err := fountain.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		fountain.Format(doc)
	}
}

func BenchmarkParse(b *testing.B)  { benchmarkSizes(b, parse) }
func BenchmarkFormat(b *testing.B) { benchmarkSizes(b, format) }

// The feature is the screenplay of fountaintest.Feature(3000), about 120 pages.
func BenchmarkParseFeature(b *testing.B)  { parse(b, fountaintest.Feature(3000)) }
func BenchmarkFormatFeature(b *testing.B) { format(b, fountaintest.Feature(3000)) }
