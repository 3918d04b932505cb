package fountain_test

import (
	"testing"

	"github.com/fountainai/fountainai/internal/fountain"
)

func TestFormat(t *testing.T) {
	dlg := func(text string) fountain.Element { return fountain.Element{Kind: dialogue, Text: text} }
	cases := []struct {
		name string
		doc  fountain.Document
		want string
		// forcedAt: elements that Format had to force, which Parse then reads as Forced.
		forcedAt []int
	}{
		{"action that reads as a transition", fountain.Document{Elements: []fountain.Element{{Kind: action, Text: "CUT TO:"}}}, "!CUT TO:\n", []int{0}},
		{"action that reads as a heading", fountain.Document{Elements: []fountain.Element{{Kind: action, Text: "INT. HOUSE"}}}, "!INT. HOUSE\n", []int{0}},
		{"action that reads as dialogue", fountain.Document{Elements: []fountain.Element{{Kind: action, Text: "BOB\nHi."}}}, "!BOB\nHi.\n", []int{0}},
		{"action that reads as action", fountain.Document{Elements: []fountain.Element{{Kind: action, Text: "Boom.\n\n\tIndented."}}}, "Boom.\n  \n\tIndented.\n", nil},
		{"forced action", fountain.Document{Elements: []fountain.Element{{Kind: action, Text: "quiet", Forced: true}}}, "!quiet\n", nil},
		{"heading without a prefix", fountain.Document{Elements: []fountain.Element{{Kind: fountain.SceneHeading, Text: "THE MOON"}}}, ".THE MOON\n", []int{0}},
		{"heading starting with a period", fountain.Document{Elements: []fountain.Element{{Kind: fountain.SceneHeading, Text: ".45 CALIBRE", Forced: true}}}, ". .45 CALIBRE\n", nil},
		{"scene number", fountain.Document{Elements: []fountain.Element{{Kind: fountain.SceneHeading, Text: "INT. HOUSE", SceneNumber: "1A"}}}, "INT. HOUSE #1A#\n", nil},
		{"lowercase cue", fountain.Document{Elements: []fountain.Element{{Kind: fountain.Character, Name: "McClane"}, dlg("Hi.")}}, "@McClane\nHi.\n", []int{0}},
		{"cue with lowercase extension", fountain.Document{Elements: []fountain.Element{{Kind: fountain.Character, Name: "BOB", Extension: "(cont'd)"}, dlg("Hi.")}}, "BOB (cont'd)\nHi.\n", nil},
		{"transition without TO:", fountain.Document{Elements: []fountain.Element{{Kind: fountain.Transition, Text: "Burn to White."}}}, "> Burn to White.\n", []int{0}},
		{"dual dialogue", fountain.Document{Elements: []fountain.Element{
			{Kind: fountain.Character, Name: "BOB"}, dlg("Hi."), {Kind: fountain.Character, Name: "ANNA", Extension: "(V.O.)", Dual: true}, dlg("Hi."),
		}}, "BOB\nHi.\n\nANNA (V.O.) ^\nHi.\n", nil},
		{"dialogue block", fountain.Document{Elements: []fountain.Element{
			{Kind: fountain.Character, Name: "BOB"}, {Kind: paren, Text: "(beat)"}, dlg("One.\n\nTwo."), {Kind: lyrics, Text: "la\n la"},
		}}, "BOB\n(beat)\nOne.\n  \nTwo.\n~la\n~  la\n", nil},
		{"lyrics after a block's lyrics", fountain.Document{Elements: []fountain.Element{
			{Kind: fountain.Character, Name: "BOB"}, {Kind: lyrics, Text: "a"}, {Kind: lyrics, Text: "b"},
		}}, "BOB\n~a\n\n~b\n", nil},
		{"title page", fountain.Document{TitlePage: []fountain.TitleEntry{{Key: "Title", Value: "A\nB"}, {Key: "Author", Value: "X"}, {Key: "Notes"}},
			Elements: []fountain.Element{{Kind: action, Text: "x"}}}, "Title:\n    A\n    B\nAuthor: X\nNotes:\n\nx\n", nil},
		{"title page only", fountain.Document{TitlePage: []fountain.TitleEntry{{Key: "Title", Value: "A"}}}, "Title: A\n", nil},
		{"first action that reads as a title page", fountain.Document{Elements: []fountain.Element{{Kind: action, Text: "Note: x"}}}, "\nNote: x\n", nil},
		{"marks", fountain.Document{Elements: []fountain.Element{
			{Kind: fountain.Section, Depth: 2, Text: "Seq"}, {Kind: fountain.Synopsis, Text: "Syn"}, {Kind: fountain.Centered, Text: "A\nB"},
			{Kind: fountain.PageBreak, Text: "===="}, {Kind: fountain.Note, Text: "n\n\nm"}, {Kind: fountain.Boneyard, Text: "\nold\n\n"},
		}}, "## Seq\n\n= Syn\n\n> A <\n> B <\n\n====\n\n[[n\n  \nm]]\n\n/*\nold\n\n*/\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(fountain.Format(&c.doc))
			if got != c.want {
				t.Fatalf("Format = %q, want %q", got, c.want)
			}
			doc, err := fountain.Parse([]byte(got))
			if err != nil {
				t.Fatal(err)
			}
			want := c.doc
			want.Elements = append([]fountain.Element(nil), want.Elements...)
			for _, i := range c.forcedAt {
				want.Elements[i].Forced = true
			}
			if diff := diffDocuments(&want, doc); diff != "" {
				t.Errorf("Parse(Format(d)) differs: %s", diff)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"line breaks, BOM, trailing spaces, empty lines", "\ufeffINT. HOUSE  \r\n\r\n\r\n\r\nBob.\t\r\n\n", "INT. HOUSE\n\nBob.\n"},
		{"title page", "Title:Big\nContact: A\n\tB\nDraft date:   today\n\n\n\nx", "Title: Big\nContact:\n    A\n    B\nDraft date: today\n\nx\n"},
		{"boneyard keeps empty lines", "a\n\n/*\n\n\n*/\n\n\nb", "a\n\n/*\n\n\n*/\n\nb\n"},
		{"two-space lines", "a\n  \nb\n\n  \nc  \n  \n", "a\n  \nb\n\nc\n"},
		{"leading empty line before a key line", "\n\nNote: x\n", "\nNote: x\n"},
		{"leading empty lines", "\n\nFADE IN:\n", "FADE IN:\n"},
		{"empty", "\n\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(fountain.Normalize([]byte(c.src))); got != c.want {
				t.Errorf("Normalize = %q, want %q", got, c.want)
			}
		})
	}
}
