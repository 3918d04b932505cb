package fountain_test

import (
	"errors"
	"testing"

	"github.com/fountainai/fountainai/internal/fountain"
)

type parseCase struct {
	name  string
	src   string
	title []fountain.TitleEntry
	want  []fountain.Element
}

func el(k fountain.Kind, line int, text string) fountain.Element {
	return fountain.Element{Kind: k, Line: line, Text: text}
}

func forced(e fountain.Element) fountain.Element {
	e.Forced = true
	return e
}

func heading(line int, text, number string) fountain.Element {
	return fountain.Element{Kind: fountain.SceneHeading, Line: line, Text: text, SceneNumber: number}
}

func section(line, depth int, text string) fountain.Element {
	return fountain.Element{Kind: fountain.Section, Line: line, Depth: depth, Text: text}
}

func cue(line int, name, ext string, dual bool) fountain.Element {
	return fountain.Element{Kind: fountain.Character, Line: line, Name: name, Extension: ext, Dual: dual}
}

const (
	action   = fountain.Action
	dialogue = fountain.Dialogue
	paren    = fountain.Parenthetical
	lyrics   = fountain.Lyrics
)

// parseCases holds one or more cases for each rule of the syntax page.
var parseCases = []parseCase{
	// Scene headings.
	{"scene heading INT.", "INT. HOUSE - DAY\n\nBob enters.\n", nil, []fountain.Element{
		heading(1, "INT. HOUSE - DAY", ""), el(action, 3, "Bob enters.")}},
	{"scene heading prefixes", "EXT. PARK\n\nEST. CITY\n\nINT./EXT. CAR\n\nINT/EXT CAR\n\nI/E DOOR\n\nint. kitchen\n\nExt park\n\nINT HALL\n", nil, []fountain.Element{
		heading(1, "EXT. PARK", ""), heading(3, "EST. CITY", ""), heading(5, "INT./EXT. CAR", ""),
		heading(7, "INT/EXT CAR", ""), heading(9, "I/E DOOR", ""), heading(11, "int. kitchen", ""),
		heading(13, "Ext park", ""), heading(15, "INT HALL", "")}},
	{"not a scene heading", "INTERIOR DESIGN\n\nINTO the night\n\nint. house\nwith a line after\n", nil, []fountain.Element{
		el(action, 1, "INTERIOR DESIGN"), el(action, 3, "INTO the night"), el(action, 5, "int. house\nwith a line after")}},
	{"forced scene heading", ".SNIPER SCOPE POV\n\n...and then nothing.\n\n.\n", nil, []fountain.Element{
		forced(heading(1, "SNIPER SCOPE POV", "")), el(action, 3, "...and then nothing."), forced(heading(5, "", ""))}},
	{"scene numbers", "INT. HOUSE - DAY #1#\n\nEXT. PARK #1A#\n\nINT. CAR #I-1-A#\n\n.FLASHBACK #110.2#\n\nINT. HALL #a b#\n\nINT. LOFT ##\n", nil, []fountain.Element{
		heading(1, "INT. HOUSE - DAY", "1"), heading(3, "EXT. PARK", "1A"), heading(5, "INT. CAR", "I-1-A"),
		forced(heading(7, "FLASHBACK", "110.2")), heading(9, "INT. HALL #a b#", ""), heading(11, "INT. LOFT ##", "")}},
	{"indented scene heading", "  INT. HOUSE\n\nx\n", nil, []fountain.Element{heading(1, "INT. HOUSE", ""), el(action, 3, "x")}},

	// Sections and synopses.
	{"sections", "# Act One\n\n## Sequence\n\n###   Scene group  \n\n#NoSpace\n", nil, []fountain.Element{
		section(1, 1, "Act One"), section(3, 2, "Sequence"), section(5, 3, "Scene group"), section(7, 1, "NoSpace")}},
	{"synopsis", "= Set up the hero.\n\n=No space\n\n=  two spaces\n\n=\n", nil, []fountain.Element{
		el(fountain.Synopsis, 1, "Set up the hero."), el(fountain.Synopsis, 3, "No space"),
		el(fountain.Synopsis, 5, " two spaces"), el(fountain.Synopsis, 7, "")}},

	// Action.
	{"action", "They run.\nThey hide.\n\nBOOM.\n", nil, []fountain.Element{
		el(action, 1, "They run.\nThey hide."), el(action, 4, "BOOM.")}},
	{"forced action", "!SCANNING THE AISLES...\n\n!BOB\nis a name on a door.\n\n!\n", nil, []fountain.Element{
		forced(el(action, 1, "SCANNING THE AISLES...")), forced(el(action, 3, "BOB\nis a name on a door.")),
		forced(el(action, 6, ""))}},
	{"action indentation", "\tIndented with a tab.\n    With four spaces.\n\t\tTwo tabs.   \n", nil, []fountain.Element{
		el(action, 1, "\tIndented with a tab.\n    With four spaces.\n\t\tTwo tabs.")}},
	{"action two-space line", "First.\n  \nSecond.\n  \n  \nThird.\n", nil, []fountain.Element{
		el(action, 1, "First.\n\nSecond.\n\n\nThird.")}},
	{"two-space line at paragraph edge is empty", "First.\n  \n\nSecond.\n", nil, []fountain.Element{
		el(action, 1, "First."), el(action, 4, "Second.")}},

	// Character cues.
	{"character", "STEEL\nThe man's a myth!\n", nil, []fountain.Element{cue(1, "STEEL", "", false), el(dialogue, 2, "The man's a myth!")}},
	{"character extensions", "HANS (on the radio)\nRock on!\n\nMOM (O. S.)\nLuke!\n\nBOB (V.O.) (CONT'D)\nStill here.\n\nR2D2\nBeep.\n", nil, []fountain.Element{
		cue(1, "HANS", "(on the radio)", false), el(dialogue, 2, "Rock on!"),
		cue(4, "MOM", "(O. S.)", false), el(dialogue, 5, "Luke!"),
		cue(7, "BOB", "(V.O.) (CONT'D)", false), el(dialogue, 8, "Still here."),
		cue(10, "R2D2", "", false), el(dialogue, 11, "Beep.")}},
	{"forced character", "@McCLANE\nYippie ki-yay!\n\n@bob (v.o.)\nhi\n", nil, []fountain.Element{
		forced(cue(1, "McCLANE", "", false)), el(dialogue, 2, "Yippie ki-yay!"),
		forced(cue(4, "bob", "(v.o.)", false)), el(dialogue, 5, "hi")}},
	{"not a character", "McClane\nsays hi.\n\nBOB\n\n(V.O.)\nhi\n", nil, []fountain.Element{
		el(action, 1, "McClane\nsays hi."), el(action, 4, "BOB"), el(action, 6, "(V.O.)\nhi")}},
	{"dual dialogue", "BRICK\nScrew retirement.\n\nSTEEL ^\nScrew retirement.\n\nBOB (V.O.)^\nMe too.\n", nil, []fountain.Element{
		cue(1, "BRICK", "", false), el(dialogue, 2, "Screw retirement."),
		cue(4, "STEEL", "", true), el(dialogue, 5, "Screw retirement."),
		cue(7, "BOB", "(V.O.)", true), el(dialogue, 8, "Me too.")}},

	// Parentheticals and dialogue.
	{"parentheticals", "STEEL\n(starting the engine)\nSo much for retirement!\n(beat)\n(then)\nGo.\n", nil, []fountain.Element{
		cue(1, "STEEL", "", false), el(paren, 2, "(starting the engine)"), el(dialogue, 3, "So much for retirement!"),
		el(paren, 4, "(beat)"), el(paren, 5, "(then)"), el(dialogue, 6, "Go.")}},
	{"parenthetical over lines", "ANNA\n(a long direction\nthat wraps)\nHi.\n(unclosed\nstill dialogue\n", nil, []fountain.Element{
		cue(1, "ANNA", "", false), el(paren, 2, "(a long direction\nthat wraps)"), el(dialogue, 4, "Hi.\n(unclosed\nstill dialogue")}},
	{"dialogue lines", "DEAN\nOne line.\nTwo lines.\n  \nAfter an empty line.\n", nil, []fountain.Element{
		cue(1, "DEAN", "", false), el(dialogue, 2, "One line.\nTwo lines.\n\nAfter an empty line.")}},
	{"dialogue starts with two-space line", "DEAN\n  \nHi.\n", nil, []fountain.Element{
		cue(1, "DEAN", "", false), el(dialogue, 2, "\nHi.")}},

	// Lyrics.
	{"lyrics in dialogue", "WONKA\n~Willy Wonka! Willy Wonka!\n~ The amazing chocolatier!\nThat's me.\n", nil, []fountain.Element{
		cue(1, "WONKA", "", false), el(lyrics, 2, "Willy Wonka! Willy Wonka!\nThe amazing chocolatier!"), el(dialogue, 4, "That's me.")}},
	{"lyrics on their own", "~Willy Wonka!\n~Is it time?\n\n~\n", nil, []fountain.Element{
		el(lyrics, 1, "Willy Wonka!\nIs it time?"), el(lyrics, 4, "")}},

	// Transitions.
	{"transition", "CUT TO:\n\nSMASH CUT TO:\n\nCut to:\n\nFADE OUT.\n", nil, []fountain.Element{
		el(fountain.Transition, 1, "CUT TO:"), el(fountain.Transition, 3, "SMASH CUT TO:"),
		el(action, 5, "Cut to:"), el(action, 7, "FADE OUT.")}},
	{"forced transition", "> Burn to White.\n\n>FADE OUT.\n\n>\n", nil, []fountain.Element{
		forced(el(fountain.Transition, 1, "Burn to White.")), forced(el(fountain.Transition, 3, "FADE OUT.")),
		forced(el(fountain.Transition, 5, ""))}},
	{"transition needs its own paragraph", "CUT TO:\nthe chase\n", nil, []fountain.Element{
		cue(1, "CUT TO:", "", false), el(dialogue, 2, "the chase")}},

	// Centered.
	{"centered", "> THE END <\n\n>Two<\n>  lines  <\n\n><\n", nil, []fountain.Element{
		el(fountain.Centered, 1, "THE END"), el(fountain.Centered, 3, "Two\nlines"), el(fountain.Centered, 6, "")}},

	// Page breaks.
	{"page breaks", "===\n\n========\n\n==\n", nil, []fountain.Element{
		el(fountain.PageBreak, 1, "==="), el(fountain.PageBreak, 3, "========"), el(fountain.Synopsis, 5, "=")}},

	// Emphasis and escapes.
	{"emphasis and escapes", "*italic* **bold** ***bold italic*** _underline_\n\\*not italic\\* \\_not underlined\\_ \\@ \\# \\\\\n\n\\!LOUD\n", nil, []fountain.Element{
		el(action, 1, "*italic* **bold** ***bold italic*** _underline_\n\\*not italic\\* \\_not underlined\\_ \\@ \\# \\\\"),
		el(action, 4, "\\!LOUD")}},

	// Notes.
	{"note paragraph", "[[This whole paragraph is a note.]]\n\n[[A note\nover lines\n  \nwith an empty one.]]\n", nil, []fountain.Element{
		el(fountain.Note, 1, "This whole paragraph is a note."), el(fountain.Note, 3, "A note\nover lines\n\nwith an empty one.")}},
	{"inline notes", "He opens the door. [[Is it locked?]] It opens.\n\n[[one]] [[two]]\n\nAnd a [[note\nover a line]] inside.\n\nBOB\nHi [[wave?]] there.\n", nil, []fountain.Element{
		el(action, 1, "He opens the door. [[Is it locked?]] It opens."), el(action, 3, "[[one]] [[two]]"),
		el(action, 5, "And a [[note\nover a line]] inside."), cue(8, "BOB", "", false), el(dialogue, 9, "Hi [[wave?]] there.")}},
	{"note keeps lines opaque", "[[INT. HOUSE\n~la\n(beat)]]\n", nil, []fountain.Element{el(fountain.Note, 1, "INT. HOUSE\n~la\n(beat)")}},

	// Boneyard.
	{"boneyard block", "/*\nINT. GARAGE - DAY\n\nBRICK\nHi.\n*/\n\nAfter.\n", nil, []fountain.Element{
		el(fountain.Boneyard, 1, "\nINT. GARAGE - DAY\n\nBRICK\nHi.\n"), el(action, 8, "After.")}},
	{"boneyard on one line", "/* cut */\n\n/**/\n", nil, []fountain.Element{el(fountain.Boneyard, 1, " cut "), el(fountain.Boneyard, 3, "")}},
	{"inline boneyard", "He runs /* fast */ home.\n\n/* not */ the whole paragraph.\n\nShe waits /* for a long\n\n\ntime */ and leaves.\n\nEnd.\n", nil, []fountain.Element{
		el(action, 1, "He runs /* fast */ home."), el(action, 3, "/* not */ the whole paragraph."),
		el(action, 5, "She waits /* for a long\n\n\ntime */ and leaves."), el(action, 10, "End.")}},
	{"boneyard and notes do not nest", "/* a [[ b */\n\n[[ c /* d ]]\n", nil, []fountain.Element{
		el(fountain.Boneyard, 1, " a [[ b "), el(fountain.Note, 3, " c /* d ")}},

	// Title page.
	{"title page", "Title: Big Fish\nCredit: written by\nAuthor: John August\nSource: based on the novel\nDraft date: 1/20/2012\nContact:\n    John August\n\tjohn@example.com\nCopyright: (c) 2012\nNotes: A draft.\nSet Designer: Ann\n\nFADE IN:\n", []fountain.TitleEntry{
		{Key: "Title", Value: "Big Fish"}, {Key: "Credit", Value: "written by"}, {Key: "Author", Value: "John August"},
		{Key: "Source", Value: "based on the novel"}, {Key: "Draft date", Value: "1/20/2012"},
		{Key: "Contact", Value: "John August\njohn@example.com"}, {Key: "Copyright", Value: "(c) 2012"},
		{Key: "Notes", Value: "A draft."}, {Key: "Set Designer", Value: "Ann"}}, []fountain.Element{el(action, 13, "FADE IN:")}},
	{"title value on the key line and below", "Title: The Pitch\n   part two\nAuthors:\n    One\n    Two\n", []fountain.TitleEntry{
		{Key: "Title", Value: "The Pitch\npart two"}, {Key: "Authors", Value: "One\nTwo"}}, nil},
	{"no title page after an empty line", "\nTitle: not a title page\n", nil, []fountain.Element{el(action, 2, "Title: not a title page")}},

	// Encoding.
	{"line breaks and BOM", "\ufeffINT. HOUSE\r\n\r\nBob.\rAnd more.\r\n", nil, []fountain.Element{
		heading(1, "INT. HOUSE", ""), el(action, 3, "Bob.\nAnd more.")}},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := fountain.Parse([]byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.TitlePage) != len(c.title) {
				t.Fatalf("title page %#v, want %#v", doc.TitlePage, c.title)
			}
			for i := range c.title {
				if doc.TitlePage[i] != c.title[i] {
					t.Errorf("title entry %d = %#v, want %#v", i, doc.TitlePage[i], c.title[i])
				}
			}
			if len(doc.Elements) != len(c.want) {
				t.Fatalf("%d elements %#v, want %d", len(doc.Elements), doc.Elements, len(c.want))
			}
			for i := range c.want {
				if doc.Elements[i] != c.want[i] {
					t.Errorf("element %d = %#v,\n want %#v", i, doc.Elements[i], c.want[i])
				}
			}
			again, err := fountain.Parse(fountain.Format(doc))
			if err != nil {
				t.Fatalf("Parse(Format(doc)): %v", err)
			}
			if diff := diffDocuments(doc, again); diff != "" {
				t.Errorf("Parse(Format(doc)) differs: %s\n%s", diff, fountain.Format(doc))
			}
		})
	}
}

type errorCase struct {
	name string
	src  string
	want fountain.SyntaxError
}

var errorCases = []errorCase{
	{"empty", "", fountain.SyntaxError{Line: 1, Rule: "document", Message: "empty"}},
	{"only empty lines", "\ufeff\n  \n\t\n\r\n", fountain.SyntaxError{Line: 1, Rule: "document", Message: "empty"}},
	{"title page", "Title: X\nAuthor: Y\nnot a key line\n\nAction.\n", fountain.SyntaxError{Line: 3, Rule: "title page"}},
	{"title page two-space line", "Title: X\n  \nAuthor: Y\n", fountain.SyntaxError{Line: 2, Rule: "title page"}},
	{"dual dialogue first", "BOB ^\nHi.\n", fountain.SyntaxError{Line: 1, Rule: "dual dialogue"}},
	{"dual dialogue after action", "BOB\nHi.\n\nThey stare.\n\nANNA ^\nHi.\n", fountain.SyntaxError{Line: 6, Rule: "dual dialogue"}},
	{"unclosed note", "Action.\n\nHe waits [[ for what\n\nMore.\n", fountain.SyntaxError{Line: 3, Rule: "notes"}},
	{"unclosed note at the end", "Action.\n[[ open\n", fountain.SyntaxError{Line: 2, Rule: "notes"}},
	{"unclosed boneyard", "Action.\n\n/* cut\n\nall of this\n", fountain.SyntaxError{Line: 3, Rule: "boneyard"}},
	{"invalid UTF-8", "Fine.\n\nbad \xff byte\n", fountain.SyntaxError{Line: 3, Rule: "encoding"}},
	{"truncated UTF-8", "caf\xc3", fountain.SyntaxError{Line: 1, Rule: "encoding"}},
	{"NUL", "Fine.\r\nNUL\x00 here\n", fountain.SyntaxError{Line: 2, Rule: "characters"}},
	{"bell", "\x07", fountain.SyntaxError{Line: 1, Rule: "characters"}},
	{"form feed", "a\n\nb\n\n\x0c\n", fountain.SyntaxError{Line: 5, Rule: "characters"}},
}

func TestParseErrors(t *testing.T) {
	for _, c := range errorCases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := fountain.Parse([]byte(c.src))
			var se *fountain.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %#v, %v; want a SyntaxError", doc, err)
			}
			if se.Line != c.want.Line || se.Rule != c.want.Rule {
				t.Errorf("error %q, want line %d, rule %q", se, c.want.Line, c.want.Rule)
			}
			if c.want.Message != "" && se.Message != c.want.Message || se.Message == "" {
				t.Errorf("message %q, want %q", se.Message, c.want.Message)
			}
			t.Log(se)
		})
	}
}
