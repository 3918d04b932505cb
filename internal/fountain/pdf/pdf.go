// Package pdf prints a fountain.Document as a screenplay in the standard layout: Courier 12 pt,
// six lines to the inch, one-inch top and bottom margins, a left margin of an inch and a half and
// a right margin of an inch, each element in its column.
//
// The text is set in the PDF's core Courier faces, so no font is embedded: Courier and its Bold,
// Oblique and BoldOblique faces print emphasis, and underlining is drawn. Text is translated from
// UTF-8 to Windows-1252, the core fonts' encoding; a character that encoding lacks prints as '?'.
//
// Render writes the same bytes for the same document: the PDF's creation and modification dates
// are fixed (2000-01-01) rather than the time of rendering.
package pdf

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/fountainai/fountainai/internal/fountain"
)

// Paper is the sheet the script is printed on.
type Paper int

const (
	// Letter is US Letter, 8.5 × 11 inches, the default.
	Letter Paper = iota
	// A4 is ISO A4, 210 × 297 mm. Elements keep their distance from the left edge; action,
	// scene headings and centered text wrap at the one-inch right margin, a little narrower.
	A4
)

// Options chooses how the script is printed.
type Options struct {
	Paper Paper
}

// The layout, in points (1/72 inch).
const (
	inch       = 72.0
	lineHeight = inch / 6
	fontSize   = 12.0
	// charWidth is the advance of every Courier glyph: 600/1000 em.
	charWidth = fontSize * 0.6
	// baseline is where text sits within its line: Courier's ascender is 629/1000 em and its
	// descender 157/1000, centred in the line's 12 pt.
	baseline = 9.0

	marginTop    = inch
	marginBottom = inch
	marginLeft   = 1.5 * inch
	marginRight  = inch

	cueX       = 3.7 * inch
	parenX     = 3.1 * inch
	parenChars = 20 // 2 inches
	dialogueX  = 2.5 * inch
	dialChars  = 35 // 3.5 inches
	maxAction  = 60 // 6 inches

	// Scene numbers stand a quarter inch outside the text column, on both sides.
	sceneNumberGap = 0.25 * inch
	// The page number's baseline, half an inch from the top edge.
	pageNumberY = 0.5*inch + baseline
)

// fixedDate stands for the time of rendering in the PDF's metadata.
var fixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Render prints d to w.
//
// Scene headings, character cues and transitions are printed in capitals; sections, synopses,
// notes and boneyard are not printed. Dialogue that does not fit at the foot of a page continues
// on the next at the end of a sentence or line, with (MORE) under it and the cue repeated with
// (CONT'D); a scene heading is never the last thing on a page and a cue never stands without the
// first line of its speech. Dual dialogue is printed side by side, on one page; a pair taller
// than a page is printed one speech after the other. Pages after the first page of the script
// are numbered at the top right; the title page, printed when d has one, is not.
func Render(w io.Writer, d *fountain.Document, o Options) error {
	if d == nil {
		return errors.New("pdf: nil document")
	}
	size, err := paperSize(o.Paper)
	if err != nil {
		return err
	}
	f := fpdf.New("P", "pt", size, "")
	f.SetMargins(0, 0, 0)
	f.SetAutoPageBreak(false, 0)
	f.SetCreationDate(fixedDate)
	f.SetModificationDate(fixedDate)
	f.SetCatalogSort(true)
	w0, h0 := f.GetPageSize()
	p := &printer{
		f:      f,
		tr:     f.UnicodeTranslatorFromDescriptor("cp1252"),
		height: h0,
		rows:   int((h0 - marginTop - marginBottom) / lineHeight),
		right:  w0 - marginRight,
	}
	p.actionChars = min(maxAction, int((p.right-marginLeft)/charWidth+1e-9))
	p.metadata(d.TitlePage)
	bs := p.blocks(d.Elements)
	if len(d.TitlePage) > 0 {
		p.titlePage(d.TitlePage)
	}
	// A document of a title page alone is one page; a document of nothing is one blank page.
	if len(bs) > 0 || len(d.TitlePage) == 0 {
		p.newPage()
		p.paginate(bs)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return f.Output(w)
}

func paperSize(p Paper) (string, error) {
	switch p {
	case Letter:
		return "Letter", nil
	case A4:
		return "A4", nil
	}
	return "", fmt.Errorf("pdf: unknown paper %d", p)
}

// printer places rows of text on pages. A row is the pieces of text printed on one line, each
// at its own x.
type printer struct {
	f           *fpdf.Fpdf
	tr          func(string) string
	height      float64
	rows        int // lines per page
	right       float64
	actionChars int

	page    int // page of the script, from 1; the title page is not counted
	row     int // the next free line of the page
	style   uint8
	fontSet bool
}

type piece struct {
	x float64
	t text
}

type row []piece

func (p *printer) metadata(tp []fountain.TitleEntry) {
	for _, e := range tp {
		switch strings.ToLower(strings.TrimSpace(e.Key)) {
		case "title":
			p.f.SetTitle(strings.ReplaceAll(fountain.Plain(e.Value), "\n", " "), true)
		case "author", "authors":
			p.f.SetAuthor(strings.ReplaceAll(fountain.Plain(e.Value), "\n", " "), true)
		}
	}
}

func (p *printer) newPage() {
	p.f.AddPage()
	p.page++
	p.row = 0
	if p.page >= 2 {
		n := plainText(fmt.Sprintf("%d.", p.page))
		p.draw(pageNumberY, row{{p.right - width(n), n}})
	}
}

// avail is the number of lines left for a block with before blank lines ahead of it; blank
// lines are not printed at the top of a page.
func (p *printer) avail(before int) int {
	if p.row == 0 {
		return p.rows
	}
	return p.rows - p.row - before
}

func (p *printer) put(before int, rows []row) {
	if p.row > 0 {
		p.row += before
	}
	p.drawRows(p.row, rows)
	p.row += len(rows)
}

func (p *printer) draw(y float64, r row) {
	for _, pc := range r {
		x := pc.x
		for i := 0; i < len(pc.t.r); {
			j := i + 1
			for j < len(pc.t.r) && pc.t.s[j] == pc.t.s[i] {
				j++
			}
			p.setStyle(pc.t.s[i])
			p.f.Text(x, y, p.encode(pc.t.r[i:j]))
			x += float64(j-i) * charWidth
			i = j
		}
	}
}

func (p *printer) setStyle(s uint8) {
	if p.fontSet && s == p.style {
		return
	}
	st := ""
	if s&sBold != 0 {
		st += "B"
	}
	if s&sItalic != 0 {
		st += "I"
	}
	if s&sUnderline != 0 {
		st += "U"
	}
	p.f.SetFont("Courier", st, fontSize)
	p.style, p.fontSet = s, true
}

// encode turns runes into Windows-1252 bytes with fpdf's table, which prints a character it
// cannot map as '.'; '?' says more plainly that something is missing.
func (p *printer) encode(rs []rune) string {
	b := make([]byte, len(rs))
	for i, r := range rs {
		switch {
		case r < 0x80:
			b[i] = byte(r)
		default:
			c := p.tr(string(r))
			if c == "." || len(c) != 1 {
				b[i] = '?'
			} else {
				b[i] = c[0]
			}
		}
	}
	return string(b)
}

func width(t text) float64 { return float64(len(t.r)) * charWidth }

// rowsAt wraps t to chars per row, every row starting at x.
func rowsAt(t text, x float64, chars int) []row {
	var rows []row
	for _, l := range wrap(t, chars) {
		rows = append(rows, row{{x, l}})
	}
	return rows
}
