package fountain

import "strings"

// Span is a run of printed text in one style.
type Span struct {
	Text      string
	Bold      bool
	Italic    bool
	Underline bool
}

// Spans splits text (an Element's Text or a title page value) into the runs a reader sees:
// `*italic*`, `**bold**`, `***bold italic***` and `_underline_` (nestable) become styles, a
// backslash before an ASCII punctuation character prints that character as it is, inline notes
// `[[…]]` and inline boneyard `/* … */` are dropped, and marks that match nothing are printed as
// written. Emphasis does not carry across a line break; a note or a boneyard may. Line breaks are
// kept in the spans' Text. Adjacent runs of one style are merged; text that prints nothing has no
// spans.
//
// A mark opens emphasis only when text follows it and closes only when text precedes it, so that
// "2 * 3 * 4" stays arithmetic. When emphasis of one kind closes over an unclosed mark of the
// other kind, that mark is printed as written. The work is linear in the length of text.
func Spans(text string) []Span {
	toks := lexInline(text)
	flankInline(toks)
	matchInline(toks)
	return emitInline(toks)
}

// Plain is the text Spans prints, without any markup.
func Plain(text string) string {
	spans := Spans(text)
	if len(spans) == 1 {
		return spans[0].Text
	}
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.Text)
	}
	return b.String()
}

type inlineEmphasis uint8

const (
	emItalic inlineEmphasis = 1 << iota
	emBold
	emUnderline
)

// inlineToken is literal text, a line break (delim '\n') or a run of one emphasis mark
// (delim '*' or '_'). A run's n marks not matched by the end are printed as written.
type inlineToken struct {
	text              string
	delim             byte
	n                 int
	canOpen, canClose bool
	opens, closes     []inlineEmphasis
}

// lexInline resolves escapes and drops notes and boneyard. An unclosed `[[` or `/*` is literal;
// once one is found unclosed, no later one can be closed, which keeps the search linear.
func lexInline(text string) []inlineToken {
	var toks []inlineToken
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, inlineToken{text: lit.String()})
			lit.Reset()
		}
	}
	noteOpen, boneOpen := true, true
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\\' && i+1 < len(text) && inlinePunct(text[i+1]):
			lit.WriteByte(text[i+1])
			i += 2
		case c == '[' && noteOpen && strings.HasPrefix(text[i:], "[["):
			j := strings.Index(text[i+2:], "]]")
			if j < 0 {
				noteOpen = false
				lit.WriteString("[[")
				i += 2
				continue
			}
			i += 2 + j + 2
		case c == '/' && boneOpen && strings.HasPrefix(text[i:], "/*"):
			j := strings.Index(text[i+2:], "*/")
			if j < 0 {
				boneOpen = false
				lit.WriteByte('/')
				i++
				continue
			}
			i += 2 + j + 2
		case c == '*' || c == '_':
			flush()
			j := i
			for j < len(text) && text[j] == c {
				j++
			}
			toks = append(toks, inlineToken{delim: c, n: j - i})
			i = j
		case c == '\n':
			flush()
			toks = append(toks, inlineToken{delim: '\n'})
			i++
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return toks
}

func inlinePunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// flankInline decides which runs may open (text follows) and close (text precedes) emphasis,
// looking past neighbouring runs to the nearest printed character, once notes and boneyard are
// gone: in "*_x_*" every run touches x, and in "*_*_x" the second star cannot close the first
// over nothing but marks.
func flankInline(toks []inlineToken) {
	prev := byte(' ')
	for k := range toks {
		t := &toks[k]
		switch t.delim {
		case 0:
			prev = t.text[len(t.text)-1]
		case '\n':
			prev = '\n'
		default:
			t.canClose = !inlineSpace(prev)
		}
	}
	next := byte(' ')
	for k := len(toks) - 1; k >= 0; k-- {
		t := &toks[k]
		switch t.delim {
		case 0:
			next = t.text[0]
		case '\n':
			next = '\n'
		default:
			t.canOpen = !inlineSpace(next)
		}
	}
}

func inlineSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// matchEmphasis pairs closing runs with the nearest open run of the same mark. Each open run is
// pushed and popped at most once, and a closing run stops as soon as it has no marks left or
// nothing to match, so the whole pass is linear.
func matchInline(toks []inlineToken) {
	var stars, unders []int
	for k := range toks {
		t := &toks[k]
		if t.delim == '\n' {
			stars, unders = stars[:0], unders[:0]
			continue
		}
		if t.delim == 0 {
			continue
		}
		own, other := &stars, &unders
		if t.delim == '_' {
			own, other = &unders, &stars
		}
		for t.canClose && t.n > 0 && len(*own) > 0 {
			o := (*own)[len(*own)-1]
			op := &toks[o]
			use, e := 1, emUnderline
			if t.delim == '*' {
				e = emItalic
				if op.n >= 2 && t.n >= 2 {
					use, e = 2, emBold
				}
			}
			op.opens = append(op.opens, e)
			t.closes = append(t.closes, e)
			op.n -= use
			t.n -= use
			if op.n == 0 {
				*own = (*own)[:len(*own)-1]
			}
			for len(*other) > 0 && (*other)[len(*other)-1] > o {
				*other = (*other)[:len(*other)-1]
			}
		}
		if t.n > 0 && t.canOpen {
			*own = append(*own, k)
		}
	}
}

func emitInline(toks []inlineToken) []Span {
	var spans []Span
	var cur Span
	var text strings.Builder
	var depth [3]int // italic, bold, underline
	emit := func(s string) {
		if s == "" {
			return
		}
		st := Span{Italic: depth[0] > 0, Bold: depth[1] > 0, Underline: depth[2] > 0}
		if st != cur {
			if text.Len() > 0 {
				cur.Text = text.String()
				spans = append(spans, cur)
				text.Reset()
			}
			cur = st
		}
		text.WriteString(s)
	}
	count := func(es []inlineEmphasis, d int) {
		for _, e := range es {
			switch e {
			case emItalic:
				depth[0] += d
			case emBold:
				depth[1] += d
			case emUnderline:
				depth[2] += d
			}
		}
	}
	for _, t := range toks {
		switch t.delim {
		case 0:
			emit(t.text)
		case '\n':
			emit("\n")
		default:
			count(t.closes, -1)
			emit(strings.Repeat(string(t.delim), t.n))
			count(t.opens, +1)
		}
	}
	if text.Len() > 0 {
		cur.Text = text.String()
		spans = append(spans, cur)
	}
	return spans
}
