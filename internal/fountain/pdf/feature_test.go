package pdf

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fountainai/fountainai/internal/fountain"
)

var (
	featureNames = []string{"STEEL", "BRICK", "MARGARET", "DETECTIVE OKAFOR", "THE DRIVER"}
	featureWords = strings.Fields("the a door window gun car night rain coffee truth money city " +
		"slowly quietly never always looks turns walks runs stops waits listens laughs " +
		"we you they it this that what where why how here there now later tonight")
	featureParens = []string{"(beat)", "(quietly)", "(into phone)", "(to Brick, not looking up from the file)", "(re: the gun)"}
)

func sentence(r *rand.Rand) string {
	n := 3 + r.IntN(7)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = featureWords[r.IntN(len(featureWords))]
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	if r.IntN(6) == 0 {
		ws[n/2] = "*" + ws[n/2] + "*"
	}
	return strings.Join(ws, " ") + [...]string{".", ".", "?", "!", "..."}[r.IntN(5)]
}

func sentences(r *rand.Rand, n int) string {
	ss := make([]string, n)
	for i := range ss {
		ss[i] = sentence(r)
	}
	return strings.Join(ss, " ")
}

// feature is a feature-length script, the same each time: a title page, 60 scenes of action
// and dialogue with parentheticals, a long speech and dual dialogue now and then, and
// transitions; about 3000 elements.
func feature() *fountain.Document {
	r := rand.New(rand.NewPCG(1, 2))
	d := &fountain.Document{TitlePage: []fountain.TitleEntry{
		{Key: "Title", Value: "_**BRICK & STEEL**_\n_**FULL RETIRED**_"},
		{Key: "Credit", Value: "Written by"},
		{Key: "Author", Value: "Stu Maschwitz"},
		{Key: "Source", Value: "Story by KTM"},
		{Key: "Draft date", Value: "1/27/2012"},
		{Key: "Contact", Value: "Next Level Productions\n1588 Mission Dr.\nSolvang, CA 93463"},
	}}
	add := func(e fountain.Element) { d.Elements = append(d.Elements, e) }
	for s := 1; s <= 60; s++ {
		add(fountain.Element{Kind: fountain.SceneHeading, Text: fmt.Sprintf("%s. location %d - %s", []string{"int", "ext"}[s%2], s, []string{"day", "night"}[s%3%2]), SceneNumber: fmt.Sprint(s)})
		add(fountain.Element{Kind: fountain.Action, Text: sentences(r, 2+r.IntN(4))})
		for len(d.Elements) < s*50-1 {
			switch k := r.IntN(10); {
			case k < 2:
				add(fountain.Element{Kind: fountain.Action, Text: sentences(r, 1+r.IntN(3))})
			case k == 2 && s%4 == 0:
				add(fountain.Element{Kind: fountain.Character, Name: "Brick"})
				add(fountain.Element{Kind: fountain.Dialogue, Text: sentences(r, 1+r.IntN(3))})
				add(fountain.Element{Kind: fountain.Character, Name: "Steel", Dual: true})
				add(fountain.Element{Kind: fountain.Dialogue, Text: sentences(r, 1+r.IntN(3))})
			default:
				add(fountain.Element{Kind: fountain.Character, Name: featureNames[r.IntN(len(featureNames))], Extension: []string{"", "", "", "(V.O.)", "(O.S.)"}[r.IntN(5)]})
				if r.IntN(3) == 0 {
					add(fountain.Element{Kind: fountain.Parenthetical, Text: featureParens[r.IntN(len(featureParens))]})
				}
				n := 1 + r.IntN(2)
				if r.IntN(25) == 0 {
					n = 25 // a speech longer than most of a page
				}
				add(fountain.Element{Kind: fountain.Dialogue, Text: sentences(r, n)})
			}
		}
		add(fountain.Element{Kind: fountain.Transition, Text: "cut to:"})
	}
	return d
}

func BenchmarkRender(b *testing.B) {
	d := feature()
	var buf bytes.Buffer
	var pages int
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, d, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	pages = bytes.Count(buf.Bytes(), []byte("/Type /Page\n"))
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/render")
	b.ReportMetric(float64(len(d.Elements)), "elements")
	b.ReportMetric(float64(pages), "pages")
}

// TestFeaturePages checks the rules of pagination on every page of a feature-length script.
func TestFeaturePages(t *testing.T) {
	d := feature()
	for _, pc := range papers {
		t.Run(pc.name, func(t *testing.T) {
			r := render(t, d, Options{Paper: pc.paper})
			if len(r.pages) < 100 {
				t.Fatalf("%d pages", len(r.pages))
			}
			mores, headings := 0, 0
			for i, p := range r.pages[1:] {
				n := i + 1 // the page of the script
				where := fmt.Sprintf("page %d (script page %d)", i+2, n)
				if n == 1 && p.lines[0].y < marginTop {
					t.Errorf("%s is numbered: %q", where, p.lines[0].text())
				}
				if n > 1 {
					top := p.lines[0]
					if top.text() != fmt.Sprintf("%d.", n) || top.y >= marginTop || !near(top.x1(), pc.right()) {
						t.Errorf("%s starts with %q at (%.2f, %.2f), want its number", where, top.text(), top.x1(), top.y)
					}
				}
				body := p.body()
				if len(body) == 0 {
					t.Fatalf("%s is empty", where)
				}
				for j, l := range body {
					if l.row() >= pc.linesPerPage {
						t.Errorf("%s: %q on row %d, in the bottom margin", where, l.text(), l.row())
					}
					if headingLine.MatchString(l.text()) {
						headings++
						continue // its numbers stand outside the margins
					}
					if l.x0() < marginLeft-tolerance || l.x1() > pc.right()+tolerance {
						t.Errorf("%s: %q at %.2f–%.2f, outside the margins", where, l.text(), l.x0(), l.x1())
					}
					if near(l.x0(), cueX) && l.text() != "(MORE)" && j == len(body)-1 {
						t.Errorf("%s ends with the cue %q", where, l.text())
					}
				}
				last := body[len(body)-1]
				if headingLine.MatchString(last.text()) {
					t.Errorf("%s ends with the scene heading %q", where, last.text())
				}
				if near(last.x0(), parenX) {
					t.Errorf("%s ends with the parenthetical %q", where, last.text())
				}
				if last.text() != "(MORE)" {
					continue
				}
				mores++
				expectX(t, where+" (MORE)", last, cueX)
				var name string
				for _, l := range body {
					if near(l.x0(), cueX) && l.text() != "(MORE)" {
						name = strings.TrimSuffix(l.text(), " (CONT'D)")
					}
				}
				if name == "" || i+2 >= len(r.pages) {
					t.Fatalf("%s: (MORE) without a cue above it or a page after it", where)
				}
				next := r.pages[i+2].body()
				if next[0].text() != name+" (CONT'D)" || !near(next[0].x0(), cueX) || next[0].row() != 0 {
					t.Errorf("%s ends with (MORE) under %s; the next page starts with %q at %.2f", where, name, next[0].text(), next[0].x0())
				}
				if len(next) < 2 || !(near(next[1].x0(), dialogueX) || near(next[1].x0(), parenX)) {
					t.Errorf("the page after %s: no speech under the (CONT'D) cue", where)
				}
			}
			if headings != 60 {
				t.Errorf("%d scene headings printed, want 60", headings)
			}
			if mores == 0 {
				t.Error("no speech continued on another page: the script does not test it")
			}
			t.Logf("%d pages, %d speeches continued", len(r.pages), mores)
		})
	}
}
