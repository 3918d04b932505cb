package pdf

import (
	"iter"
	"strings"

	"github.com/fountainai/fountainai/internal/fountain"
)

type blockKind int

const (
	// plainBlock is laid out once; split says it may break between any two rows.
	plainBlock blockKind = iota
	// headingBlock keeps with the start of the block after it.
	headingBlock
	dialogueBlock
	// dualBlock is two dialogue blocks side by side.
	dualBlock
	pageBreak
)

type block struct {
	kind   blockKind
	before int // blank lines ahead of it
	rows   []row
	split  bool
	dlg    *dialogue
	right  *dialogue // the second speech of a dual block
}

// blocks lays out the printed elements. A dialogue block gathers the parentheticals, dialogue
// and lyrics that follow a cue; parts that print nothing are left out.
func (p *printer) blocks(els []fountain.Element) []block {
	var bs []block
	var cur *dialogue
	for _, e := range els {
		switch e.Kind {
		case fountain.Section, fountain.Synopsis, fountain.Note, fountain.Boneyard:
			continue
		case fountain.Character:
			d := p.newDialogue(e, singleColumn)
			if last := len(bs) - 1; e.Dual && last >= 0 && bs[last].kind == dialogueBlock && bs[last].dlg.hasCue {
				left := bs[last].dlg
				left.g = p.column(0)
				d.g = p.column(1)
				bs[last] = block{kind: dualBlock, before: 1, dlg: left, right: d}
			} else {
				bs = append(bs, block{kind: dialogueBlock, before: 1, dlg: d})
			}
			cur = d
			continue
		case fountain.Parenthetical, fountain.Dialogue, fountain.Lyrics:
			t := styled(fountain.Spans(e.Text), false, lyricStyle(e.Kind))
			if t.blank() {
				continue
			}
			if cur == nil {
				cur = &dialogue{g: singleColumn}
				bs = append(bs, block{kind: dialogueBlock, before: 1, dlg: cur})
			}
			cur.parts = append(cur.parts, part{e.Kind, t})
			continue
		}
		cur = nil
		switch e.Kind {
		case fountain.PageBreak:
			bs = append(bs, block{kind: pageBreak})
		case fountain.SceneHeading:
			if rows := p.heading(e); rows != nil {
				bs = append(bs, block{kind: headingBlock, before: 1, rows: rows})
			}
		case fountain.Transition:
			t := styled(fountain.Spans(e.Text), true, 0)
			if t.blank() {
				continue
			}
			var rows []row
			for _, l := range wrap(t, p.actionChars) {
				rows = append(rows, row{{p.right - width(l), l}})
			}
			bs = append(bs, block{kind: plainBlock, before: 1, rows: rows})
		case fountain.Centered:
			t := styled(fountain.Spans(e.Text), false, 0)
			if t.blank() {
				continue
			}
			mid := (marginLeft + p.right) / 2
			var rows []row
			for _, l := range wrap(t, p.actionChars) {
				l = l.trim()
				rows = append(rows, row{{mid - width(l)/2, l}})
			}
			bs = append(bs, block{kind: plainBlock, before: 1, rows: rows, split: true})
		default: // action, and any kind this package does not know, printed as action
			t := styled(fountain.Spans(e.Text), false, 0)
			if len(t.r) == 0 {
				continue
			}
			bs = append(bs, block{kind: plainBlock, before: 1, rows: rowsAt(t, marginLeft, p.actionChars), split: true})
		}
	}
	return bs
}

func lyricStyle(k fountain.Kind) uint8 {
	if k == fountain.Lyrics {
		return sItalic
	}
	return 0
}

// heading is a scene heading's rows, in capitals, its number on both sides of the first.
func (p *printer) heading(e fountain.Element) []row {
	t := styled(fountain.Spans(e.Text), true, 0)
	if t.blank() {
		return nil
	}
	rows := rowsAt(t, marginLeft, p.actionChars)
	if n := strings.TrimSpace(e.SceneNumber); n != "" {
		num := plainText(n)
		rows[0] = append(rows[0],
			piece{marginLeft - sceneNumberGap - width(num), num},
			piece{p.right + sceneNumberGap, num})
	}
	return rows
}

// paginate places the blocks page by page.
func (p *printer) paginate(bs []block) {
	for i := range bs {
		b := &bs[i]
		switch b.kind {
		case pageBreak:
			if p.row > 0 {
				p.newPage()
			}
		case headingBlock:
			need := len(b.rows)
			if i+1 < len(bs) && bs[i+1].kind != pageBreak {
				need += bs[i+1].before + p.minFirst(&bs[i+1])
			}
			if p.row > 0 && need > p.avail(b.before) {
				p.newPage()
			}
			p.placeRows(b.before, b.rows, false)
		case plainBlock:
			p.placeRows(b.before, b.rows, b.split)
		case dialogueBlock:
			p.placeDialogue(b.before, b.dlg)
		case dualBlock:
			rows := sideBySide(b.dlg.rows(), b.right.rows())
			if len(rows) > p.rows {
				p.placeDialogue(b.before, b.dlg.single())
				p.placeDialogue(b.before, b.right.single())
				continue
			}
			if len(rows) > p.avail(b.before) {
				p.newPage()
			}
			p.put(b.before, rows)
		}
	}
}

// minFirst is the fewest lines of b that may end a page.
func (p *printer) minFirst(b *block) int {
	switch b.kind {
	case plainBlock:
		if b.split && len(b.rows) >= 4 {
			return 2
		}
		return len(b.rows)
	case dialogueBlock:
		all := len(b.dlg.rows())
		for _, n := range b.dlg.cuts(false) {
			return min(all, n+b.dlg.more())
		}
		return all
	case dualBlock:
		return len(sideBySide(b.dlg.rows(), b.right.rows()))
	}
	return len(b.rows)
}

// placeRows puts rows from the current line on, going on to the next page when they do not
// fit. A block that may split leaves at least two lines on each page; one that may not goes to
// the next page whole, unless it is taller than a page.
func (p *printer) placeRows(before int, rows []row, split bool) {
	for len(rows) > 0 {
		avail := p.avail(before)
		if len(rows) <= avail {
			p.put(before, rows)
			return
		}
		k := 0
		if split && len(rows) >= 4 {
			if k = min(avail, len(rows)-2); k < 2 {
				k = 0
			}
		}
		if p.row == 0 && k == 0 {
			k = avail
		}
		if k > 0 {
			p.put(before, rows[:k])
			rows = rows[k:]
		}
		p.newPage()
	}
}

func (p *printer) placeDialogue(before int, d *dialogue) {
	for {
		rows := d.rows()
		avail := p.avail(before)
		if len(rows) <= avail {
			p.put(before, rows)
			return
		}
		first, rest, ok := d.split(avail, false)
		if !ok && p.row == 0 {
			first, rest, ok = d.split(avail, true)
			if !ok {
				p.placeRows(before, rows, true)
				return
			}
		}
		if ok {
			p.put(before, first)
			d = rest
		}
		p.newPage()
	}
}

func sideBySide(l, r []row) []row {
	rows := make([]row, max(len(l), len(r)))
	for i := range rows {
		if i < len(l) {
			rows[i] = append(rows[i], l[i]...)
		}
		if i < len(r) {
			rows[i] = append(rows[i], r[i]...)
		}
	}
	return rows
}

// geometry is where a dialogue block's parts go.
type geometry struct {
	cueX, parenX, dialX   float64
	parenChars, dialChars int
}

var singleColumn = geometry{cueX: cueX, parenX: parenX, dialX: dialogueX, parenChars: parenChars, dialChars: dialChars}

// column is the geometry of the left (0) or right (1) half of the text column, for dual dialogue.
func (p *printer) column(i int) geometry {
	half := (p.right - marginLeft) / 2
	x := marginLeft + float64(i)*half
	chars := int((half - 0.25*inch) / charWidth)
	return geometry{cueX: x + inch, parenX: x + 3*charWidth, dialX: x, parenChars: chars - 6, dialChars: chars}
}

type part struct {
	kind fountain.Kind
	t    text
}

type dialogue struct {
	g      geometry
	hasCue bool
	cue    text
	cont   text // the cue on the page a speech continues on
	parts  []part
}

func (p *printer) newDialogue(e fountain.Element, g geometry) *dialogue {
	name := styled(fountain.Spans(e.Name), true, 0)
	if ext := styled(fountain.Spans(e.Extension), true, 0); len(ext.r) > 0 {
		name = name.concat(plainText(" ")).concat(ext)
	}
	cont := name
	if !strings.Contains(string(name.r), "CONT'D") {
		cont = name.concat(plainText(" (CONT'D)"))
	}
	return &dialogue{g: g, hasCue: true, cue: name, cont: cont}
}

// single is the speech of a dual block printed on its own.
func (d *dialogue) single() *dialogue {
	c := *d
	c.g = singleColumn
	return &c
}

// more is the line (MORE) takes under a speech that continues.
func (d *dialogue) more() int {
	if d.hasCue {
		return 1
	}
	return 0
}

func (d *dialogue) partRows(pt part) []row {
	if pt.kind == fountain.Parenthetical {
		return rowsAt(pt.t, d.g.parenX, d.g.parenChars)
	}
	return rowsAt(pt.t, d.g.dialX, d.g.dialChars)
}

func (d *dialogue) cueRows() []row {
	if !d.hasCue {
		return nil
	}
	return []row{{{d.g.cueX, d.cue}}}
}

func (d *dialogue) rows() []row {
	rows := d.cueRows()
	for _, pt := range d.parts {
		rows = append(rows, d.partRows(pt)...)
	}
	return rows
}

// cut is a place a speech may continue on the next page: before part, or at offset off of its
// text.
type cut struct{ part, off int }

// cuts yields the places a speech may break, in order, with the lines printed before each
// (without the (MORE) line). The page must end with speech, not with the cue or a
// parenthetical. Speech breaks at the ends of sentences and lines or, with rows, at any row.
func (d *dialogue) cuts(rows bool) iter.Seq2[cut, int] {
	return func(yield func(cut, int) bool) {
		n := len(d.cueRows())
		spoken := false
		for i, pt := range d.parts {
			if i > 0 && spoken && d.parts[i-1].kind != fountain.Parenthetical {
				if !yield(cut{i, 0}, n) {
					return
				}
			}
			if pt.kind != fountain.Parenthetical {
				for _, off := range breaks(pt.t, d.g.dialChars, rows) {
					if pt.t.slice(off, len(pt.t.r)).blank() {
						continue
					}
					if !yield(cut{i, off}, n+len(wrap(pt.t.slice(0, off).trim(), d.g.dialChars))) {
						return
					}
				}
				spoken = true
			}
			n += len(d.partRows(pt))
		}
	}
}

func breaks(t text, chars int, rows bool) []int {
	if !rows {
		return sentenceEnds(t)
	}
	var offs []int
	at := 0
	for _, l := range wrap(t, chars) {
		// Rows are subslices of t: their start is their offset in it.
		if len(l.r) > 0 {
			off := cap(t.r) - cap(l.r)
			if off > at && off < len(t.r) {
				offs = append(offs, off)
			}
			at = off
		}
	}
	return offs
}

// split ends a speech within avail lines, (MORE) included, at the last place it may break, and
// returns the rest, under the cue with (CONT'D).
func (d *dialogue) split(avail int, rows bool) (first []row, rest *dialogue, ok bool) {
	var best cut
	for c, n := range d.cuts(rows) {
		if n+d.more() > avail {
			break
		}
		best, ok = c, true
	}
	if !ok {
		return nil, nil, false
	}
	head := &dialogue{g: d.g, hasCue: d.hasCue, cue: d.cue, parts: d.parts[:best.part:best.part]}
	tail := &dialogue{g: d.g, hasCue: d.hasCue, cue: d.cont, cont: d.cont, parts: d.parts[best.part:]}
	if best.off > 0 {
		pt := d.parts[best.part]
		head.parts = append(head.parts, part{pt.kind, pt.t.slice(0, best.off).trim()})
		tail.parts = append([]part{{pt.kind, pt.t.slice(best.off, len(pt.t.r)).trim()}}, d.parts[best.part+1:]...)
	}
	first = head.rows()
	if d.hasCue {
		first = append(first, row{{d.g.cueX, plainText("(MORE)")}})
	}
	return first, tail, true
}
