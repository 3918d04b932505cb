package pdf

import (
	"strings"

	"github.com/fountainai/fountainai/internal/fountain"
)

// The style bits of a rune; they name the Courier face that prints it.
const (
	sBold uint8 = 1 << iota
	sItalic
	sUnderline
)

// text is printed text, one style per rune. Courier gives every glyph the same advance, so a
// rune count is a width.
type text struct {
	r []rune
	s []uint8
}

// styled turns spans into text: upper for the elements printed in capitals, add for a style
// the whole element has (italic lyrics). A tab is four spaces, as the syntax page says of action.
func styled(spans []fountain.Span, upper bool, add uint8) text {
	var t text
	for _, sp := range spans {
		st := add
		if sp.Bold {
			st |= sBold
		}
		if sp.Italic {
			st |= sItalic
		}
		if sp.Underline {
			st |= sUnderline
		}
		s := sp.Text
		if upper {
			s = strings.ToUpper(s)
		}
		for _, r := range s {
			switch r {
			case '\r':
				continue
			case '\t':
				for range 4 {
					t.r = append(t.r, ' ')
					t.s = append(t.s, st)
				}
				continue
			}
			t.r = append(t.r, r)
			t.s = append(t.s, st)
		}
	}
	return t
}

func plainText(s string) text {
	return styled([]fountain.Span{{Text: s}}, false, 0)
}

func (t text) slice(i, j int) text { return text{t.r[i:j], t.s[i:j]} }

func (t text) concat(u text) text {
	return text{append(append([]rune(nil), t.r...), u.r...), append(append([]uint8(nil), t.s...), u.s...)}
}

func (t text) blank() bool {
	for _, r := range t.r {
		if r != ' ' && r != '\n' {
			return false
		}
	}
	return true
}

// trim drops the spaces and line breaks at both ends.
func (t text) trim() text {
	i, j := 0, len(t.r)
	for i < j && (t.r[i] == ' ' || t.r[i] == '\n') {
		i++
	}
	for j > i && (t.r[j-1] == ' ' || t.r[j-1] == '\n') {
		j--
	}
	return t.slice(i, j)
}

// wrap breaks t into rows of at most width runes: at its line breaks, then at the last space
// that fits, or inside a word longer than a row. A line's leading spaces (indentation) are kept;
// the spaces a row ends or wraps at are not printed.
func wrap(t text, width int) []text {
	var rows []text
	start := 0
	for start <= len(t.r) {
		end := start
		for end < len(t.r) && t.r[end] != '\n' {
			end++
		}
		rows = wrapLine(rows, t.slice(start, end), width)
		start = end + 1
	}
	return rows
}

func wrapLine(rows []text, t text, width int) []text {
	i := 0
	for {
		rest := len(t.r) - i
		if rest <= width {
			return append(rows, trimRight(t.slice(i, len(t.r))))
		}
		cut := -1
		for j := i + width; j > i; j-- {
			if t.r[j] == ' ' {
				cut = j
				break
			}
		}
		next := cut + 1
		if cut < 0 || trimRight(t.slice(i, cut)).r == nil {
			cut, next = i+width, i+width
		}
		rows = append(rows, trimRight(t.slice(i, cut)))
		for next < len(t.r) && t.r[next] == ' ' {
			next++
		}
		if next == len(t.r) {
			return rows
		}
		i = next
	}
}

func trimRight(t text) text {
	j := len(t.r)
	for j > 0 && t.r[j-1] == ' ' {
		j--
	}
	if j == 0 {
		return text{}
	}
	return t.slice(0, j)
}

// sentenceEnds are the offsets where dialogue may continue on the next page: after a line
// break, and after the spaces that follow a sentence's last mark (. ? ! or an ellipsis), closing
// quotes and brackets included.
func sentenceEnds(t text) []int {
	var offs []int
	r := t.r
	for j := 0; j < len(r); j++ {
		switch r[j] {
		case '\n':
			if j+1 < len(r) {
				offs = append(offs, j+1)
			}
		case '.', '?', '!', '…':
			k := j + 1
			for k < len(r) && strings.ContainsRune(`.?!"')]’”`, r[k]) {
				k++
			}
			if k < len(r) && r[k] == ' ' {
				for k < len(r) && r[k] == ' ' {
					k++
				}
				if k < len(r) {
					offs = append(offs, k)
				}
			}
			j = k - 1
		}
	}
	return offs
}
