package pdf

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/fountainai/fountainai/internal/fountain"
)

// The tests read the PDFs back with poppler-utils, as a reader's viewer would.

func popplerTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found (poppler-utils): run `make test`, which installs it (scripts/ensure-poppler.sh)", name)
	}
	return path
}

// rendered is a document printed and read back.
type rendered struct {
	pdf   []byte
	file  string
	pages []page
}

type page struct {
	w, h  float64
	lines []line
}

// line is the words poppler found on one baseline, left to right.
type line struct {
	y     float64 // top of the words
	words []word
}

type word struct {
	x0, y0, x1, y1 float64
	text           string
}

func (l line) text() string {
	parts := make([]string, len(l.words))
	for i, w := range l.words {
		parts[i] = w.text
	}
	return strings.Join(parts, " ")
}

func (l line) x0() float64 { return l.words[0].x0 }
func (l line) x1() float64 { return l.words[len(l.words)-1].x1 }

// row is the line of the page's text area the words stand on, from 0.
func (l line) row() int { return int(math.Floor((l.y - marginTop) / lineHeight)) }

func render(t testing.TB, d *fountain.Document, o Options) *rendered {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, d, o); err != nil {
		t.Fatalf("Render: %v", err)
	}
	file := filepath.Join(t.TempDir(), "script.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(popplerTool(t, "pdftotext"), "-bbox", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	return &rendered{pdf: buf.Bytes(), file: file, pages: parseBBox(t, out)}
}

// parseBBox reads the XHTML pdftotext -bbox writes: pages of words with their boxes.
func parseBBox(t testing.TB, out []byte) []page {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	var pages []page
	var cur *word
	attr := func(e xml.StartElement, name string) float64 {
		for _, a := range e.Attr {
			if a.Name.Local == name {
				v, err := strconv.ParseFloat(a.Value, 64)
				if err != nil {
					t.Fatalf("pdftotext -bbox: %s=%q", name, a.Value)
				}
				return v
			}
		}
		t.Fatalf("pdftotext -bbox: no %s", name)
		return 0
	}
	var words [][]word
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "page":
				pages = append(pages, page{w: attr(e, "width"), h: attr(e, "height")})
				words = append(words, nil)
			case "word":
				cur = &word{x0: attr(e, "xMin"), y0: attr(e, "yMin"), x1: attr(e, "xMax"), y1: attr(e, "yMax")}
			}
		case xml.CharData:
			if cur != nil {
				cur.text += string(e)
			}
		case xml.EndElement:
			if e.Name.Local == "word" && cur != nil {
				words[len(words)-1] = append(words[len(words)-1], *cur)
				cur = nil
			}
		}
	}
	if len(pages) == 0 {
		t.Fatalf("pdftotext -bbox found no pages:\n%s", out)
	}
	for i, ws := range words {
		sort.SliceStable(ws, func(a, b int) bool {
			if math.Abs(ws[a].y0-ws[b].y0) > 1 {
				return ws[a].y0 < ws[b].y0
			}
			return ws[a].x0 < ws[b].x0
		})
		var lines []line
		for _, w := range ws {
			if n := len(lines); n > 0 && math.Abs(lines[n-1].y-w.y0) <= 1 {
				lines[n-1].words = append(lines[n-1].words, w)
				continue
			}
			lines = append(lines, line{y: w.y0, words: []word{w}})
		}
		pages[i].lines = lines
	}
	return pages
}

// find is the page (from 0) and line that contains s; it fails the test when there is none.
func (r *rendered) find(t testing.TB, s string) (int, line) {
	t.Helper()
	for i, p := range r.pages {
		for _, l := range p.lines {
			if strings.Contains(l.text(), s) {
				return i, l
			}
		}
	}
	t.Fatalf("%q not printed; the pages read:\n%s", s, r.dump())
	return 0, line{}
}

func (r *rendered) all() string {
	var b strings.Builder
	for _, p := range r.pages {
		for _, l := range p.lines {
			b.WriteString(l.text())
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func (r *rendered) dump() string {
	var b strings.Builder
	for i, p := range r.pages {
		fmt.Fprintf(&b, "--- page %d\n", i+1)
		for _, l := range p.lines {
			fmt.Fprintf(&b, "%6.1f %6.1f  %s\n", l.x0(), l.y, l.text())
		}
	}
	return b.String()
}

// body is a page's lines below the top margin: the page number is not among them.
func (p page) body() []line {
	var ls []line
	for _, l := range p.lines {
		if l.y >= marginTop {
			ls = append(ls, l)
		}
	}
	return ls
}

const tolerance = 0.5 // points

func near(a, b float64) bool { return math.Abs(a-b) <= tolerance }

func expectX(t testing.TB, what string, l line, x float64) {
	t.Helper()
	if !near(l.x0(), x) {
		t.Errorf("%s %q starts at x=%.2f, want %.2f (%.2f in)", what, l.text(), l.x0(), x, x/inch)
	}
}

func expectRightEdge(t testing.TB, what string, l line, x float64) {
	t.Helper()
	if !near(l.x1(), x) {
		t.Errorf("%s %q ends at x=%.2f, want %.2f", what, l.text(), l.x1(), x)
	}
}

func pdfinfo(t testing.TB, file string) string {
	t.Helper()
	out, err := exec.Command(popplerTool(t, "pdfinfo"), file).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	return string(out)
}

func pdffonts(t testing.TB, file string) string {
	t.Helper()
	out, err := exec.Command(popplerTool(t, "pdffonts"), file).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	return string(out)
}

var headingLine = regexp.MustCompile(`^(\S+ )?(INT\.|EXT\.|EST\.|INT\./EXT\.|I/E) `)
