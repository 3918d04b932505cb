package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fountainai/fountainai/internal/fountain"
)

type paperCase struct {
	name          string
	paper         Paper
	w, h          float64
	linesPerPage  int
	info          string // pdfinfo's Page size
	actionColumns int
}

var papers = []paperCase{
	{"Letter", Letter, 612, 792, 54, "612 x 792 pts (letter)", 60},
	{"A4", A4, 595.28, 841.89, 58, "595.28 x 841.89 pts (A4)", 57},
}

func (pc paperCase) right() float64 { return pc.w - marginRight }

func el(k fountain.Kind, text string) fountain.Element { return fountain.Element{Kind: k, Text: text} }

func cue(name, ext string) fountain.Element {
	return fountain.Element{Kind: fountain.Character, Name: name, Extension: ext}
}

// lines is an action of n one-word lines.
func lines(prefix string, n int) fountain.Element {
	ls := make([]string, n)
	for i := range ls {
		ls[i] = fmt.Sprintf("%s%d", prefix, i+1)
	}
	return el(fountain.Action, strings.Join(ls, "\n"))
}

func TestElementColumns(t *testing.T) {
	const action = "Steel, in the middle of a heated phone call, paces the length of the pool deck while Brick floats on an inflatable chair and pretends not to listen."
	doc := &fountain.Document{Elements: []fountain.Element{
		{Kind: fountain.Section, Text: "SECTIONTEXT act one", Depth: 1},
		el(fountain.Synopsis, "SYNOPSISTEXT the heroes meet"),
		{Kind: fountain.SceneHeading, Text: "ext. brick's pool - day", SceneNumber: "1A"},
		el(fountain.Action, action),
		el(fountain.Note, "NOTETEXT check this"),
		el(fountain.Boneyard, "BONEYARDTEXT cut scene"),
		cue("Steel", "(V.O.)"),
		el(fountain.Parenthetical, "(beat, then into the phone)"),
		el(fountain.Dialogue, "They're coming out of the woodwork [[INLINENOTE]] /* INLINEBONE */ and nobody we put away is staying put."),
		el(fountain.Lyrics, "Singing la la la"),
		el(fountain.Transition, "cut to:"),
		el(fountain.Centered, "THE END"),
		el(fountain.PageBreak, "==="),
		el(fountain.Action, "After the break. Café ☃ **bold** *italic* ***both*** _under_."),
	}}
	for _, pc := range papers {
		t.Run(pc.name, func(t *testing.T) {
			r := render(t, doc, Options{Paper: pc.paper})
			if len(r.pages) != 2 {
				t.Fatalf("%d pages, want 2:\n%s", len(r.pages), r.dump())
			}

			pg, h := r.find(t, "EXT. BRICK'S POOL - DAY")
			if pg != 0 || h.row() != 0 {
				t.Errorf("scene heading on page %d row %d, want the first row of page 1", pg+1, h.row())
			}
			if len(h.words) != 7 || h.words[0].text != "1A" || h.words[6].text != "1A" {
				t.Fatalf("scene heading line %q, want the number 1A on both sides", h.text())
			}
			if !near(h.words[0].x1, marginLeft-sceneNumberGap) || !near(h.words[1].x0, marginLeft) || !near(h.words[6].x0, pc.right()+sceneNumberGap) {
				t.Errorf("scene heading words at %.2f–%.2f, %.2f, %.2f; want the number to end at %.2f, the heading at %.2f, the number at %.2f",
					h.words[0].x0, h.words[0].x1, h.words[1].x0, h.words[6].x0, marginLeft-sceneNumberGap, marginLeft, pc.right()+sceneNumberGap)
			}

			// Action: wrapped to its column, from the left margin, one blank line under the heading.
			var got []string
			lastAction := -1
			for _, l := range r.pages[0].body() {
				if strings.Contains(action, l.text()) {
					expectX(t, "action", l, marginLeft)
					if l.x1() > marginLeft+float64(pc.actionColumns)*charWidth+tolerance {
						t.Errorf("action %q ends at %.2f, past its %d columns", l.text(), l.x1(), pc.actionColumns)
					}
					if lastAction < 0 && l.row() != h.row()+2 {
						t.Errorf("action starts on row %d, want %d", l.row(), h.row()+2)
					}
					lastAction = l.row()
					got = append(got, l.text())
				}
			}
			if strings.Join(got, " ") != action || len(got) < 3 {
				t.Errorf("action printed as %q", got)
			}

			_, c := r.find(t, "STEEL (V.O.)")
			expectX(t, "character cue", c, cueX)
			if c.row() != lastAction+2 {
				t.Errorf("cue on row %d, want %d (one blank line after the action)", c.row(), lastAction+2)
			}
			_, p := r.find(t, "(beat,")
			expectX(t, "parenthetical", p, parenX)
			if p.row() != c.row()+1 {
				t.Errorf("parenthetical on row %d, want %d", p.row(), c.row()+1)
			}
			_, p2 := r.find(t, "phone)")
			expectX(t, "parenthetical's second line", p2, parenX)
			if p.x1() > parenX+parenChars*charWidth+tolerance {
				t.Errorf("parenthetical %q past its 2 inches", p.text())
			}
			_, dl := r.find(t, "They're coming")
			expectX(t, "dialogue", dl, dialogueX)
			if dl.row() != p2.row()+1 {
				t.Errorf("dialogue on row %d, want %d", dl.row(), p2.row()+1)
			}
			_, dl2 := r.find(t, "put.")
			expectX(t, "dialogue's last line", dl2, dialogueX)
			for _, l := range []line{dl, dl2} {
				if l.x1() > dialogueX+dialChars*charWidth+tolerance {
					t.Errorf("dialogue %q past its 3.5 inches", l.text())
				}
			}
			_, ly := r.find(t, "Singing la la la")
			expectX(t, "lyrics", ly, dialogueX)
			if ly.row() != dl2.row()+1 {
				t.Errorf("lyrics on row %d, want %d", ly.row(), dl2.row()+1)
			}

			_, tr := r.find(t, "CUT TO:")
			expectRightEdge(t, "transition", tr, pc.right())
			_, ce := r.find(t, "THE END")
			if mid := (marginLeft + pc.right()) / 2; !near((ce.x0()+ce.x1())/2, mid) {
				t.Errorf("centered text's middle at %.2f, want %.2f", (ce.x0()+ce.x1())/2, mid)
			}

			all := r.all()
			for _, hidden := range []string{"SECTIONTEXT", "SYNOPSISTEXT", "NOTETEXT", "BONEYARDTEXT", "INLINENOTE", "INLINEBONE", "[[", "/*", "*", "_"} {
				if strings.Contains(all, hidden) {
					t.Errorf("%q printed:\n%s", hidden, all)
				}
			}
			pg, ab := r.find(t, "After the break.")
			if pg != 1 || ab.row() != 0 {
				t.Errorf("the action after the page break is on page %d row %d, want page 2 row 0", pg+1, ab.row())
			}
			if ab.text() != "After the break. Café ? bold italic both under." {
				t.Errorf("text with markup and characters outside Windows-1252 printed as %q", ab.text())
			}

			// Page numbers from the second page on.
			if top := r.pages[0].lines[0]; top.y < marginTop {
				t.Errorf("the first page is numbered: %q", top.text())
			}
			if n := r.pages[1].lines[0]; n.text() != "2." || n.y > marginTop-lineHeight || !near(n.x1(), pc.right()) {
				t.Errorf("page 2 starts with %q at (%.2f–%.2f, %.2f), want its number 2. flush right at %.2f in the top margin", n.text(), n.x0(), n.x1(), n.y, pc.right())
			}

			fonts := pdffonts(t, r.file)
			for _, f := range []string{"Courier ", "Courier-Bold ", "Courier-Oblique ", "Courier-BoldOblique "} {
				if !strings.Contains(fonts, f) {
					t.Errorf("font %s not used:\n%s", f, fonts)
				}
			}
			if info := pdfinfo(t, r.file); !strings.Contains(info, "Page size:       "+pc.info) {
				t.Errorf("pdfinfo:\n%s\nwant page size %s", info, pc.info)
			}
		})
	}
}

// Lyrics are italic: a script of lyrics alone uses Courier-Oblique and no upright face.
func TestLyricsItalic(t *testing.T) {
	r := render(t, &fountain.Document{Elements: []fountain.Element{el(fountain.Lyrics, "Row, row, row your boat")}}, Options{})
	fonts := pdffonts(t, r.file)
	if !strings.Contains(fonts, "Courier-Oblique ") || strings.Contains(fonts, "Courier ") || strings.Contains(fonts, "Courier-Bold") {
		t.Errorf("lyrics printed with:\n%s", fonts)
	}
	_, l := r.find(t, "Row, row, row your boat")
	expectX(t, "lyrics", l, dialogueX)
}

// A speech too long for the foot of the page goes on at the end of a sentence, with (MORE) under
// it and the cue repeated with (CONT'D) at the top of the next page.
func TestDialogueAcrossPages(t *testing.T) {
	var ss []string
	for i := 1; i <= 14; i++ {
		ss = append(ss, fmt.Sprintf("Sentence number %d is here to fill the page.", i))
	}
	speech := strings.Join(ss, " ")
	for _, pc := range papers {
		t.Run(pc.name, func(t *testing.T) {
			// Rows 0–39 of the page taken, the cue on 41: ten rows left for speech and (MORE).
			doc := &fountain.Document{Elements: []fountain.Element{
				lines("filler", pc.linesPerPage-14),
				cue("Steel", ""),
				el(fountain.Dialogue, speech),
				el(fountain.Action, "Afterwards."),
			}}
			r := render(t, doc, Options{Paper: pc.paper})
			if len(r.pages) != 2 {
				t.Fatalf("%d pages, want 2:\n%s", len(r.pages), r.dump())
			}
			first, second := r.pages[0].body(), r.pages[1].body()
			more := first[len(first)-1]
			if more.text() != "(MORE)" {
				t.Fatalf("page 1 ends with %q, want (MORE):\n%s", more.text(), r.dump())
			}
			expectX(t, "(MORE)", more, cueX)
			if more.row() >= pc.linesPerPage {
				t.Errorf("(MORE) on row %d, below the bottom margin", more.row())
			}
			before := first[len(first)-2]
			expectX(t, "the last line of speech on page 1", before, dialogueX)
			if !strings.HasSuffix(before.text(), "page.") {
				t.Errorf("page 1's speech ends with %q, not at the end of a sentence", before.text())
			}
			if more.row() < pc.linesPerPage-2 {
				t.Errorf("(MORE) on row %d of %d: the page ends early", more.row(), pc.linesPerPage)
			}
			cont := second[0]
			if cont.text() != "STEEL (CONT'D)" || cont.row() != 0 {
				t.Errorf("page 2 starts with %q on row %d, want STEEL (CONT'D) on row 0", cont.text(), cont.row())
			}
			expectX(t, "(CONT'D) cue", cont, cueX)

			var spoken []string
			for _, ls := range [][]line{first, second} {
				for _, l := range ls {
					if near(l.x0(), dialogueX) {
						spoken = append(spoken, l.text())
					}
				}
			}
			if got := strings.Join(spoken, " "); got != speech {
				t.Errorf("speech printed as\n%q\nwant\n%q", got, speech)
			}
			if _, l := r.find(t, "Afterwards."); l.row() != second[len(second)-2].row()+2 {
				t.Errorf("the action after the speech is on row %d", l.row())
			}
		})
	}
}

// A scene heading with room only for itself at the foot of a page goes to the next page with the
// action under it; a cue with no room for its first line goes there too, and a page does not end
// with a parenthetical.
func TestKeepWithNext(t *testing.T) {
	for _, pc := range papers {
		n := pc.linesPerPage
		tests := []struct {
			name  string
			els   []fountain.Element
			moved string
		}{
			{"heading", []fountain.Element{lines("filler", n-3), el(fountain.SceneHeading, "INT. HOUSE - DAY"), el(fountain.Action, "Quiet.")}, "INT. HOUSE - DAY"},
			{"heading before a long action", []fountain.Element{lines("filler", n-4), el(fountain.SceneHeading, "INT. HOUSE - DAY"), lines("more", 6)}, "INT. HOUSE - DAY"},
			{"cue", []fountain.Element{lines("filler", n-2), cue("Brick", ""), el(fountain.Dialogue, "Hi.")}, "BRICK"},
			{"cue and parenthetical", []fountain.Element{lines("filler", n-3), cue("Brick", ""), el(fountain.Parenthetical, "(quietly)"), el(fountain.Dialogue, "Hi. Hello. Hey.")}, "BRICK"},
		}
		for _, tt := range tests {
			t.Run(pc.name+"/"+tt.name, func(t *testing.T) {
				r := render(t, &fountain.Document{Elements: tt.els}, Options{Paper: pc.paper})
				pg, l := r.find(t, tt.moved)
				if pg != 1 || l.row() != 0 {
					t.Errorf("%q on page %d row %d, want page 2 row 0:\n%s", tt.moved, pg+1, l.row(), r.dump())
				}
				if strings.Contains(r.all(), "(MORE)") {
					t.Errorf("(MORE) printed:\n%s", r.dump())
				}
				body := r.pages[0].body()
				if last := body[len(body)-1]; !strings.HasPrefix(last.text(), "filler") {
					t.Errorf("page 1 ends with %q", last.text())
				}
			})
		}
		// Control: with one more line free, the heading stays with its action on page 1.
		t.Run(pc.name+"/heading that fits", func(t *testing.T) {
			r := render(t, &fountain.Document{Elements: []fountain.Element{lines("filler", n-5), el(fountain.SceneHeading, "INT. HOUSE - DAY"), el(fountain.Action, "Quiet.")}}, Options{Paper: pc.paper})
			if pg, _ := r.find(t, "INT. HOUSE - DAY"); pg != 0 {
				t.Errorf("heading moved to page %d:\n%s", pg+1, r.dump())
			}
		})
	}
}

func TestDualDialogue(t *testing.T) {
	doc := &fountain.Document{Elements: []fountain.Element{
		cue("Brick", ""),
		el(fountain.Dialogue, "Screw retirement, it was never the plan."),
		{Kind: fountain.Character, Name: "Steel", Dual: true},
		el(fountain.Parenthetical, "(at once)"),
		el(fountain.Dialogue, "Screw retirement."),
	}}
	for _, pc := range papers {
		t.Run(pc.name, func(t *testing.T) {
			r := render(t, doc, Options{Paper: pc.paper})
			half := (pc.right() - marginLeft) / 2
			body := r.pages[0].body()
			if len(body) < 3 {
				t.Fatalf("dual dialogue printed as:\n%s", r.dump())
			}
			// Row by row: the left speech's words, then the right speech's.
			cues := body[0]
			if cues.text() != "BRICK STEEL" {
				t.Fatalf("first row %q, want both cues side by side", cues.text())
			}
			if !near(cues.words[0].x0, marginLeft+inch) || !near(cues.words[1].x0, marginLeft+half+inch) {
				t.Errorf("cues at %.2f and %.2f, want %.2f and %.2f", cues.words[0].x0, cues.words[1].x0, marginLeft+inch, marginLeft+half+inch)
			}
			second := body[1]
			if !strings.HasPrefix(second.text(), "Screw retirement, it") || !strings.HasSuffix(second.text(), "(at once)") {
				t.Errorf("second row %q, want the left speech beside the right parenthetical", second.text())
			}
			if !near(second.x0(), marginLeft) {
				t.Errorf("left speech at %.2f, want %.2f", second.x0(), marginLeft)
			}
			for _, w := range second.words {
				if w.text == "(at" && !near(w.x0, marginLeft+half+3*charWidth) {
					t.Errorf("right parenthetical at %.2f, want %.2f", w.x0, marginLeft+half+3*charWidth)
				}
				if w.x0 < marginLeft+half && w.x1 > marginLeft+half {
					t.Errorf("%q crosses the middle of the page", w.text)
				}
			}
			third := body[2]
			var right *word
			for i, w := range third.words {
				if w.text == "Screw" && w.x0 > marginLeft+half-tolerance {
					right = &third.words[i]
				}
			}
			if right == nil || !near(right.x0, marginLeft+half) {
				t.Errorf("third row %q: want the right speech starting at %.2f", third.text(), marginLeft+half)
			}
		})
	}
}

func TestTitlePage(t *testing.T) {
	doc := &fountain.Document{
		TitlePage: []fountain.TitleEntry{
			{Key: "Title", Value: "_**BRICK & STEEL**_\n_**FULL RETIRED**_"},
			{Key: "Credit", Value: "Written by"},
			{Key: "Author", Value: "Stu Maschwitz"},
			{Key: "Source", Value: "Story by KTM"},
			{Key: "Draft date", Value: "1/27/2012"},
			{Key: "Contact", Value: "Next Level Productions\n1588 Mission Dr.\nSolvang, CA 93463"},
			{Key: "Copyright", Value: "(c) 2012 Stu"},
		},
		Elements: []fountain.Element{el(fountain.Action, "Page one."), el(fountain.PageBreak, "==="), el(fountain.Action, "Page two.")},
	}
	for _, pc := range papers {
		t.Run(pc.name, func(t *testing.T) {
			r := render(t, doc, Options{Paper: pc.paper})
			if len(r.pages) != 3 {
				t.Fatalf("%d pages, want the title page and two:\n%s", len(r.pages), r.dump())
			}
			mid := (marginLeft + pc.right()) / 2
			rows := map[string]int{}
			for _, s := range []string{"BRICK & STEEL", "FULL RETIRED", "Written by", "Stu Maschwitz", "Story by KTM"} {
				pg, l := r.find(t, s)
				if pg != 0 {
					t.Errorf("%q on page %d", s, pg+1)
				}
				if l.text() != s || !near((l.x0()+l.x1())/2, mid) {
					t.Errorf("%q printed as %q centred on %.2f, want %.2f", s, l.text(), (l.x0()+l.x1())/2, mid)
				}
				rows[s] = l.row()
			}
			if third := pc.h / 3; r.pages[0].body()[0].y < third-lineHeight || r.pages[0].body()[0].y > third+lineHeight {
				t.Errorf("title at y=%.2f, want about a third down (%.2f)", r.pages[0].body()[0].y, third)
			}
			for _, gap := range []struct {
				a, b string
				d    int
			}{{"BRICK & STEEL", "FULL RETIRED", 1}, {"FULL RETIRED", "Written by", 3}, {"Written by", "Stu Maschwitz", 2}, {"Stu Maschwitz", "Story by KTM", 3}} {
				if rows[gap.b]-rows[gap.a] != gap.d {
					t.Errorf("%q %d rows under %q, want %d", gap.b, rows[gap.b]-rows[gap.a], gap.a, gap.d)
				}
			}
			bottom := pc.linesPerPage - 1
			for i, s := range []string{"1/27/2012", "", "Next Level Productions", "1588 Mission Dr.", "Solvang, CA 93463"} {
				if s == "" {
					continue
				}
				_, l := r.find(t, s)
				expectX(t, "bottom left", l, marginLeft)
				if want := bottom - 4 + i; l.row() != want {
					t.Errorf("%q on row %d, want %d", s, l.row(), want)
				}
			}
			_, c := r.find(t, "(c) 2012 Stu")
			expectRightEdge(t, "bottom right", c, pc.right())
			if c.row() != bottom {
				t.Errorf("copyright on row %d, want %d", c.row(), bottom)
			}
			if fonts := pdffonts(t, r.file); !strings.Contains(fonts, "Courier-Bold ") {
				t.Errorf("the bold title is not bold:\n%s", fonts)
			}
			for i, want := range []string{"", "", "2."} {
				top := r.pages[i].lines[0]
				switch {
				case want == "" && top.y < marginTop:
					t.Errorf("page %d is numbered %q", i+1, top.text())
				case want != "" && (top.text() != want || top.y > marginTop):
					t.Errorf("page %d starts with %q, want its number %s", i+1, top.text(), want)
				}
			}
			if pg, l := r.find(t, "Page one."); pg != 1 || l.row() != 0 {
				t.Errorf("the script starts on page %d row %d", pg+1, l.row())
			}
		})
	}
}

func TestPaperSize(t *testing.T) {
	for _, pc := range papers {
		r := render(t, &fountain.Document{}, Options{Paper: pc.paper})
		info := pdfinfo(t, r.file)
		if !strings.Contains(info, "Page size:       "+pc.info) || !strings.Contains(info, "Pages:           1\n") {
			t.Errorf("%s:\n%s", pc.name, info)
		}
	}
}

func TestDeterministic(t *testing.T) {
	d := feature()
	var a, b bytes.Buffer
	if err := Render(&a, d, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, d, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders of one document differ")
	}
	if !bytes.Contains(a.Bytes(), []byte("/CreationDate (D:20000101000000")) {
		t.Error("the creation date is not the fixed one")
	}
}

func TestRenderErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, nil, Options{}); err == nil {
		t.Error("nil document rendered")
	}
	if err := Render(&buf, &fountain.Document{}, Options{Paper: 7}); err == nil {
		t.Error("unknown paper rendered")
	}
}

// A speech breaks before a parenthetical, not after it: the parenthetical introduces the line
// under it.
func TestParentheticalStaysWithItsLine(t *testing.T) {
	for _, pc := range papers {
		t.Run(pc.name, func(t *testing.T) {
			doc := &fountain.Document{Elements: []fountain.Element{
				lines("filler", pc.linesPerPage-7),
				cue("Brick", ""),
				el(fountain.Dialogue, "Hi."),
				el(fountain.Parenthetical, "(quietly)"),
				el(fountain.Dialogue, "one long sentence without an end that runs over five rows of the dialogue column and then some more words"),
			}}
			r := render(t, doc, Options{Paper: pc.paper})
			first := r.pages[0].body()
			var tail []string
			for _, l := range first[len(first)-3:] {
				tail = append(tail, l.text())
			}
			if strings.Join(tail, "|") != "BRICK|Hi.|(MORE)" {
				t.Errorf("page 1 ends with %q:\n%s", tail, r.dump())
			}
			second := r.pages[1].body()
			if len(second) < 2 || second[0].text() != "BRICK (CONT'D)" || second[1].text() != "(quietly)" {
				t.Errorf("page 2:\n%s", r.dump())
			}
		})
	}
}

func TestTitlePageAlone(t *testing.T) {
	r := render(t, &fountain.Document{TitlePage: []fountain.TitleEntry{{Key: "Title", Value: "Alone"}}}, Options{})
	if len(r.pages) != 1 {
		t.Errorf("%d pages, want the title page alone:\n%s", len(r.pages), r.dump())
	}
}

// A speech with no end of sentence within a page breaks between rows rather than overflow.
func TestSpeechWithoutSentences(t *testing.T) {
	words := make([]string, 600)
	for i := range words {
		words[i] = fmt.Sprintf("w%d", i)
	}
	speech := strings.Join(words, " ")
	r := render(t, &fountain.Document{Elements: []fountain.Element{cue("Brick", ""), el(fountain.Dialogue, speech)}}, Options{})
	if len(r.pages) < 2 {
		t.Fatalf("%d pages:\n%s", len(r.pages), r.dump())
	}
	var spoken []string
	for i, p := range r.pages {
		body := p.body()
		if i < len(r.pages)-1 && body[len(body)-1].text() != "(MORE)" {
			t.Errorf("page %d ends with %q", i+1, body[len(body)-1].text())
		}
		if i > 0 && body[0].text() != "BRICK (CONT'D)" {
			t.Errorf("page %d starts with %q", i+1, body[0].text())
		}
		for _, l := range body {
			if l.row() >= 54 {
				t.Errorf("page %d: %q in the bottom margin", i+1, l.text())
			}
			if near(l.x0(), dialogueX) {
				spoken = append(spoken, l.text())
			}
		}
	}
	if strings.Join(spoken, " ") != speech {
		t.Error("the speech lost or changed words across pages")
	}
}

// Two speeches too tall to stand side by side on a page are printed one after the other.
func TestDualDialogueTallerThanAPage(t *testing.T) {
	doc := &fountain.Document{Elements: []fountain.Element{
		cue("Brick", ""),
		lines("left", 60),
		{Kind: fountain.Character, Name: "Steel", Dual: true},
		el(fountain.Dialogue, "Right."),
	}}
	doc.Elements[1].Kind = fountain.Dialogue
	r := render(t, doc, Options{})
	for _, name := range []string{"BRICK", "STEEL"} {
		_, l := r.find(t, name)
		expectX(t, "cue", l, cueX)
	}
	_, l := r.find(t, "Right.")
	expectX(t, "dialogue", l, dialogueX)
	if !strings.Contains(r.all(), "BRICK (CONT'D)") {
		t.Errorf("the left speech does not continue on the next page:\n%s", r.dump())
	}
}

// Underlining is drawn, not a font: look for it under the words in a picture of the page.
func TestUnderlineDrawn(t *testing.T) {
	r := render(t, &fountain.Document{Elements: []fountain.Element{el(fountain.Action, "_under_ world")}}, Options{})
	const dpi = 144
	prefix := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command(popplerTool(t, "pdftoppm"), "-gray", "-r", fmt.Sprint(dpi), "-f", "1", "-l", "1", r.file, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(prefix + "*.pgm")
	if len(files) != 1 {
		t.Fatalf("pdftoppm wrote %v", files)
	}
	img, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var magic string
	var w, h, maxval int
	rd := bytes.NewReader(img)
	if _, err := fmt.Fscan(rd, &magic, &w, &h, &maxval); err != nil || magic != "P5" {
		t.Fatalf("not a binary PGM: %v", err)
	}
	// One whitespace byte ends the header.
	hdr := len(img) - rd.Len() + 1
	pix := img[hdr:]
	if len(pix) != w*h {
		t.Fatalf("PGM of %dx%d with %d bytes", w, h, len(pix))
	}
	_, l := r.find(t, "under world")
	scale := float64(dpi) / 72
	// Under the baseline, above the descenders' depth.
	base := l.y + 7.55
	inked := func(wd word) float64 {
		cols, hit := 0, 0
		for x := int(wd.x0*scale) + 1; x < int(wd.x1*scale)-1; x++ {
			cols++
			for y := int((base + 0.4) * scale); y <= int((base+2.5)*scale); y++ {
				if pix[y*w+x] < 128 {
					hit++
					break
				}
			}
		}
		return float64(hit) / float64(cols)
	}
	if got := inked(l.words[0]); got < 0.9 {
		t.Errorf("%.0f%% of the width of %q is underlined", got*100, l.words[0].text)
	}
	if got := inked(l.words[1]); got > 0.1 {
		t.Errorf("%.0f%% of the width of %q is underlined", got*100, l.words[1].text)
	}
}
