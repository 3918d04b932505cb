package pdf

import (
	"strings"

	"github.com/fountainai/fountainai/internal/fountain"
)

// titlePage prints the title page as the syntax page suggests: Title, Credit, Author (or
// Authors) and Source centred, the title a third of the way down; Contact and Draft date at the
// bottom left; any other key (Copyright, Notes, …) at the bottom right. Within each place the
// entries keep the order they were written in; only their values are printed.
func (p *printer) titlePage(tp []fountain.TitleEntry) {
	var title, credit, author, source, left, right []string
	for _, e := range tp {
		switch strings.ToLower(strings.TrimSpace(e.Key)) {
		case "title":
			title = append(title, e.Value)
		case "credit":
			credit = append(credit, e.Value)
		case "author", "authors":
			author = append(author, e.Value)
		case "source":
			source = append(source, e.Value)
		case "contact", "draft date":
			left = append(left, e.Value)
		default:
			right = append(right, e.Value)
		}
	}
	p.f.AddPage()
	usable := p.actionChars
	mid := (marginLeft + p.right) / 2
	var centred []row
	// Blank lines ahead of each group: two after the title and before the source, one
	// between the credit and the author.
	for _, g := range []struct {
		values []string
		gap    int
	}{{title, 0}, {credit, 2}, {author, 1}, {source, 2}} {
		if len(g.values) == 0 {
			continue
		}
		if len(centred) > 0 {
			centred = append(centred, make([]row, g.gap)...)
		}
		for _, l := range entryLines(g.values, usable) {
			l = l.trim()
			centred = append(centred, row{{mid - width(l)/2, l}})
		}
	}
	top := int((p.height/3 - marginTop) / lineHeight)
	p.drawRows(max(top, 0), centred)

	// Side by side, each bottom group has half the width; alone, all of it.
	chars := usable
	if len(left) > 0 && len(right) > 0 {
		chars = (usable - 2) / 2
	}
	var bl []row
	for _, l := range entryLines(left, chars) {
		bl = append(bl, row{{marginLeft, l}})
	}
	var br []row
	for _, l := range entryLines(right, chars) {
		l = l.trim()
		br = append(br, row{{p.right - width(l), l}})
	}
	p.drawRows(max(p.rows-len(bl), 0), bl)
	p.drawRows(max(p.rows-len(br), 0), br)
}

// entryLines is the rows of values, a blank row between two values.
func entryLines(values []string, chars int) []text {
	var lines []text
	for i, v := range values {
		if i > 0 {
			lines = append(lines, text{})
		}
		lines = append(lines, wrap(styled(fountain.Spans(v), false, 0), chars)...)
	}
	return lines
}

// drawRows prints rows from line start of the page on.
func (p *printer) drawRows(start int, rows []row) {
	for i, r := range rows {
		p.draw(marginTop+float64(start+i)*lineHeight+baseline, r)
	}
}
