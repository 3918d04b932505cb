package fountain

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parse reads a Fountain document in one pass over its lines. Every rule decides from the line
// itself, its paragraph (the lines between two empty lines) and whether the previous paragraph was
// a dialogue block, so the time taken grows with the length of the document and nothing else.
//
// The rules are the syntax page's, made exact where it leaves room:
//
//   - A title page is there when the first line is "Key: value" (or "Key:" with the value on
//     the indented lines below); it ends at the first empty line.
//   - Scene headings, transitions, sections, synopses, page breaks, notes and boneyard blocks are
//     paragraphs of their own. A cue is the first line of a paragraph of two or more lines.
//   - Leading spaces and tabs are ignored in deciding what a line is, and kept only in action
//     and dialogue text.
//   - A line of exactly two spaces between two lines with text is an empty line of their
//     paragraph; any other line of spaces and tabs is an empty line between paragraphs.
//   - Notes ([[ ]]) and boneyard (/* */) are opaque: their content neither starts nor ends an
//     element. A note cannot run across an empty line; a boneyard can. They do not nest.
//   - A paragraph whose first line starts with ! is action, all of it.
//   - A cue's extension runs from its first ( to its end, which must be ); a parenthetical runs
//     from a line starting with ( to the first line ending with ), else the ( line is dialogue.
//
// A document Parse cannot read gives a *SyntaxError naming the line and the rule.
func Parse(src []byte) (*Document, error) {
	lines, err := prepare(strings.TrimPrefix(string(src), bom), true)
	if err != nil {
		return nil, err
	}
	doc := &Document{}
	start := 0
	if titlePageStart(lines) {
		doc.TitlePage, start, err = parseTitlePage(lines)
		if err != nil {
			return nil, err
		}
	}
	doc.Elements, err = parseBody(lines[start:], start, false)
	if err != nil {
		return nil, err
	}
	if len(doc.TitlePage) == 0 && len(doc.Elements) == 0 {
		return nil, &SyntaxError{Line: 1, Rule: "document", Message: "empty"}
	}
	return doc, nil
}

// pline is a source line after prepare: its text without the line break and without trailing
// spaces and tabs.
type pline struct {
	text string
	// blank: the line has no text. A line of exactly two spaces is blank too unless it sits
	// between two lines with text, where it is kept (text "  ") as an empty line of its paragraph.
	blank bool
}

const bom = "\ufeff"

// prepare splits s into lines (LF, CRLF and CR all end a line), drops trailing spaces and tabs, and decides which two-space lines are kept. With check it refuses
// invalid UTF-8 and control characters other than tab.
func prepare(s string, check bool) ([]pline, error) {
	lines := make([]pline, 0, strings.Count(s, "\n")+1)
	twoSpace := false
	for n := 1; ; n++ {
		end, next := lineEnd(s)
		line := s[:end]
		if check {
			if err := checkLine(line, n); err != nil {
				return nil, err
			}
		}
		t := strings.TrimRight(line, " \t")
		if line == "  " {
			twoSpace = true
			t = line
		}
		lines = append(lines, pline{text: t, blank: t == ""})
		if next < 0 {
			break
		}
		s = s[next:]
	}
	if twoSpace {
		resolveTwoSpace(lines)
	}
	return lines, nil
}

// lineEnd returns where the first line of s ends and where the next begins (-1: none).
func lineEnd(s string) (end, next int) {
	nl := strings.IndexByte(s, '\n')
	if nl < 0 {
		if cr := strings.IndexByte(s, '\r'); cr >= 0 {
			return cr, cr + 1
		}
		return len(s), -1
	}
	if cr := strings.IndexByte(s[:nl], '\r'); cr >= 0 {
		if cr == nl-1 {
			return cr, nl + 1
		}
		return cr, cr + 1
	}
	return nl, nl + 1
}

func checkLine(line string, n int) error {
	ascii := true
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c < 0x20 && c != '\t' {
			return &SyntaxError{Line: n, Rule: "characters", Message: fmt.Sprintf(
				"control character U+%04X at byte %d of the line; the only control character allowed is tab", c, i+1)}
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if ascii || utf8.ValidString(line) {
		return nil
	}
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		if r == utf8.RuneError && size == 1 {
			return &SyntaxError{Line: n, Rule: "encoding", Message: fmt.Sprintf(
				"byte 0x%02X at byte %d of the line is not valid UTF-8", line[i], i+1)}
		}
		i += size
	}
	return nil
}

// resolveTwoSpace keeps a run of two-space lines only between two lines with text: anywhere else
// the run cannot be inside a paragraph and is just empty.
func resolveTwoSpace(lines []pline) {
	for i := 0; i < len(lines); {
		if lines[i].text != "  " {
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j].text == "  " {
			j++
		}
		keep := i > 0 && !lines[i-1].blank && j < len(lines) && !lines[j].blank
		if !keep {
			for k := i; k < j; k++ {
				lines[k] = pline{blank: true}
			}
		}
		i = j
	}
}

// keyLine reports whether s is a title page key line, "Key: value": the key is words of letters,
// digits, `-`, `_` and `'`, starting with a letter or digit, directly followed by the colon.
func keyLine(s string) (key, value string, ok bool) {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return "", "", false
	}
	key = s[:colon]
	for i, r := range key {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case i > 0 && (r == ' ' || r == '-' || r == '_' || r == '\''):
		default:
			return "", "", false
		}
	}
	if key[len(key)-1] == ' ' {
		return "", "", false
	}
	return key, strings.Trim(s[colon+1:], " \t"), true
}

// titlePageStart reports whether lines start with a title page: a key line with a value, or with
// the value on the indented lines below. A lone "FADE IN:" is a transition, not a title page.
func titlePageStart(lines []pline) bool {
	if len(lines) == 0 || lines[0].blank {
		return false
	}
	_, value, ok := keyLine(lines[0].text)
	return ok && (value != "" || len(lines) > 1 && !lines[1].blank && continuationLine(lines[1].text))
}

func continuationLine(s string) bool {
	return strings.HasPrefix(s, "\t") || strings.HasPrefix(s, "   ")
}

// parseTitlePage reads the title page that starts the document; it returns where the body starts.
func parseTitlePage(lines []pline) ([]TitleEntry, int, error) {
	var entries []TitleEntry
	for i, l := range lines {
		switch {
		case l.blank:
			return entries, i + 1, nil
		case continuationLine(l.text):
			e := &entries[len(entries)-1]
			if e.Value != "" {
				e.Value += "\n"
			}
			e.Value += strings.Trim(l.text, " \t")
		default:
			key, value, ok := keyLine(l.text)
			if !ok {
				return nil, 0, &SyntaxError{Line: i + 1, Rule: "title page", Message: "a title page line must be " +
					"\"Key: value\" or continue the value above indented by three or more spaces or a tab; " +
					"an empty line ends the title page"}
			}
			entries = append(entries, TitleEntry{Key: key, Value: value})
		}
	}
	return entries, len(lines), nil
}

// The two spans whose content is opaque: inside them, nothing starts or ends an element.
const (
	spanNone = iota
	spanNote
	spanBoneyard
)

// spans follows notes and boneyard through the lines of a logical line and remembers the first
// span, which decides whether a paragraph is a Note or a Boneyard element.
type spans struct {
	state      int
	openLine   int
	first      int
	firstStart int
	firstEnd   int
	base       int // offset of the current physical line in the logical line
}

func (sp *spans) reset() {
	*sp = spans{}
}

// feed scans one physical line (n is its line number) of the current logical line.
func (sp *spans) feed(s string, n int) {
	// The next "/*" and "[[" at or after i, len(s) for none, -1 until looked for. A position
	// still ahead of i stays right, so each part of the line is searched once per opener.
	nextBone, nextNote := -1, -1
	find := func(from int, opener string) int {
		if k := strings.Index(s[from:], opener); k >= 0 {
			return from + k
		}
		return len(s)
	}
	for i := 0; i < len(s); {
		if sp.state != spanNone {
			closer := "]]"
			if sp.state == spanBoneyard {
				closer = "*/"
			}
			k := strings.Index(s[i:], closer)
			if k < 0 {
				break
			}
			i += k + 2
			if sp.firstEnd < 0 {
				sp.firstEnd = sp.base + i
			}
			sp.state = spanNone
			continue
		}
		if nextBone < i {
			nextBone = find(i, "/*")
		}
		if nextNote < i {
			nextNote = find(i, "[[")
		}
		i = min(nextBone, nextNote)
		if i == len(s) {
			break
		}
		sp.state = spanNote
		if i == nextBone {
			sp.state = spanBoneyard
		}
		sp.openLine = n
		if sp.first == spanNone {
			sp.first, sp.firstStart, sp.firstEnd = sp.state, sp.base+i, -1
		}
		i += 2
	}
	sp.base += len(s) + 1
}

// lline is a logical line: a source line, or several when a note or boneyard span runs across
// line breaks (then raw holds them joined by "\n").
type lline struct {
	raw string // "" for a kept two-space line
	t   string // raw without leading spaces and tabs
	n   int    // line number of its first line
	// whole is the kind of span (spanNote, spanBoneyard) that makes up all of t, if one does.
	whole int
}

// parseBody reads the elements of lines, the first of which is line offset+1 of the document.
// prevDialogue says whether the paragraph before lines is a dialogue block.
func parseBody(lines []pline, offset int, prevDialogue bool) ([]Element, error) {
	// Size elements for about two per paragraph (a feature screenplay has fewer) so that a
	// document of millions of elements is not copied over and over as the slice grows.
	paragraphs, nonBlank := 0, 0
	for i, l := range lines {
		if !l.blank {
			nonBlank++
			if i == 0 || lines[i-1].blank {
				paragraphs++
			}
		}
	}
	var (
		elements = make([]Element, 0, min(nonBlank, 2*paragraphs))
		para     []lline
		sp       spans
		b        strings.Builder
	)
	flush := func() error {
		if len(para) == 0 {
			return nil
		}
		var err error
		elements, prevDialogue, err = classify(elements, para, prevDialogue)
		para = para[:0]
		return err
	}
	for i := 0; i < len(lines); {
		l := lines[i]
		n := offset + i + 1
		if l.blank {
			if err := flush(); err != nil {
				return nil, err
			}
			i++
			continue
		}
		if len(para) == 0 {
			// Size para for the lines up to the next empty one, which it holds unless a
			// boneyard runs across the empty line.
			k := i + 1
			for k < len(lines) && !lines[k].blank {
				k++
			}
			if k-i > cap(para) {
				para = make([]lline, 0, k-i)
			}
		}
		if l.text == "  " {
			para = append(para, lline{n: n})
			i++
			continue
		}
		sp.reset()
		sp.feed(l.text, n)
		raw := l.text
		j := i + 1
		if sp.state != spanNone {
			b.Reset()
			b.WriteString(l.text)
			for sp.state != spanNone {
				if j == len(lines) || sp.state == spanNote && lines[j].blank {
					return nil, spanError(&sp, j == len(lines))
				}
				b.WriteByte('\n')
				b.WriteString(lines[j].text)
				sp.feed(lines[j].text, offset+j+1)
				j++
			}
			raw = b.String()
		}
		t := strings.TrimLeft(raw, " \t")
		ll := lline{raw: raw, t: t, n: n}
		if sp.first != spanNone && sp.firstStart == len(raw)-len(t) && sp.firstEnd == len(raw) {
			ll.whole = sp.first
		}
		para = append(para, ll)
		i = j
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return elements, nil
}

func spanError(sp *spans, eof bool) error {
	if sp.state == spanBoneyard {
		return &SyntaxError{Line: sp.openLine, Rule: "boneyard", Message: "/* is never closed by */"}
	}
	where := "before the empty line that follows it (an empty line inside a note is written as two spaces)"
	if eof {
		where = "before the end of the document"
	}
	return &SyntaxError{Line: sp.openLine, Rule: "notes", Message: "[[ is not closed by ]] " + where}
}

// classify appends the elements of one paragraph and reports whether it is a dialogue block.
func classify(out []Element, p []lline, prevDialogue bool) ([]Element, bool, error) {
	first := p[0]
	if strings.HasPrefix(first.raw, "!") {
		return append(out, Element{Kind: Action, Text: first.raw[1:] + joinRaw(p[1:], true), Line: first.n, Forced: true}), false, nil
	}
	if len(p) == 1 {
		return append(out, single(first)), false, nil
	}
	if all(p, centeredLine) {
		lines := make([]string, len(p))
		for i, l := range p {
			lines[i] = centeredText(l.t)
		}
		return append(out, Element{Kind: Centered, Text: strings.Join(lines, "\n"), Line: first.n}), false, nil
	}
	if all(p, lyricLine) {
		return append(out, lyrics(p)), false, nil
	}
	if cue, ok := parseCue(first.t); ok {
		if cue.Dual && !prevDialogue {
			return nil, false, &SyntaxError{Line: first.n, Rule: "dual dialogue", Message: "a cue ending in ^ " +
				"must directly follow another character's dialogue, with only empty lines between"}
		}
		cue.Line = first.n
		return dialogueBlock(append(out, cue), p[1:]), true, nil
	}
	return append(out, Element{Kind: Action, Text: joinRaw(p, false), Line: first.n}), false, nil
}

// joinRaw joins the lines of p by "\n"; with lead, every line is preceded by "\n".
func joinRaw(p []lline, lead bool) string {
	size := 0
	for _, l := range p {
		size += len(l.raw) + 1
	}
	if size == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(size)
	for i, l := range p {
		if lead || i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.raw)
	}
	return b.String()
}

func all(p []lline, f func(string) bool) bool {
	for _, l := range p {
		if !f(l.t) {
			return false
		}
	}
	return true
}

// single reads a paragraph of one line.
func single(l lline) Element {
	t := l.t
	e := Element{Line: l.n}
	switch {
	case t == "":
		e.Kind, e.Text = Action, l.raw
	case l.whole == spanNote:
		e.Kind, e.Text = Note, noteText(t[2:len(t)-2])
	case l.whole == spanBoneyard:
		e.Kind, e.Text = Boneyard, t[2:len(t)-2]
	case pageBreakLine(t):
		e.Kind, e.Text = PageBreak, t
	case t[0] == '=':
		e.Kind, e.Text = Synopsis, strings.TrimPrefix(t[1:], " ")
	case t[0] == '#':
		d := len(t) - len(strings.TrimLeft(t, "#"))
		e.Kind, e.Depth, e.Text = Section, d, strings.Trim(t[d:], " \t")
	case t[0] == '.' && !strings.HasPrefix(t, ".."):
		e.Kind, e.Forced = SceneHeading, true
		e.Text, e.SceneNumber = sceneNumber(t[1:])
	case scenePrefix(t):
		e.Kind = SceneHeading
		e.Text, e.SceneNumber = sceneNumber(t)
	case centeredLine(t):
		e.Kind, e.Text = Centered, centeredText(t)
	case t[0] == '>':
		e.Kind, e.Forced, e.Text = Transition, true, strings.Trim(t[1:], " \t")
	case lyricLine(t):
		return lyrics([]lline{l})
	case strings.HasSuffix(t, "TO:") && !hasLower(t):
		e.Kind, e.Text = Transition, t
	default:
		e.Kind, e.Text = Action, l.raw
	}
	return e
}

// noteText turns the two-space lines inside a note paragraph into the empty lines they stand for.
func noteText(s string) string {
	if !strings.Contains(s, "\n  \n") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines)-1; i++ {
		if lines[i] == "  " {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

func pageBreakLine(t string) bool {
	return len(t) >= 3 && strings.Trim(t, "=") == ""
}

func centeredLine(t string) bool {
	return len(t) >= 2 && t[0] == '>' && t[len(t)-1] == '<'
}

func centeredText(t string) string {
	return strings.Trim(t[1:len(t)-1], " \t")
}

func lyricLine(t string) bool {
	return strings.HasPrefix(t, "~")
}

func lyrics(p []lline) Element {
	lines := make([]string, len(p))
	for i, l := range p {
		lines[i] = strings.TrimPrefix(l.t[1:], " ")
	}
	return Element{Kind: Lyrics, Text: strings.Join(lines, "\n"), Line: p[0].n}
}

var scenePrefixes = []string{"INT./EXT", "INT/EXT", "INT", "EXT", "EST", "I/E"}

// scenePrefix reports whether t starts, in any case, with a scene heading prefix followed by a
// period or a space.
func scenePrefix(t string) bool {
	for _, p := range scenePrefixes {
		if len(t) > len(p) && strings.EqualFold(t[:len(p)], p) && (t[len(p)] == '.' || t[len(p)] == ' ') {
			return true
		}
	}
	return false
}

// sceneNumber splits a trailing `#…#` scene number (letters, digits, `.` and `-`) off a heading.
func sceneNumber(s string) (text, number string) {
	s = strings.Trim(s, " \t")
	if !strings.HasSuffix(s, "#") {
		return s, ""
	}
	open := strings.LastIndexByte(s[:len(s)-1], '#')
	if open < 0 || open == len(s)-2 {
		return s, ""
	}
	number = s[open+1 : len(s)-1]
	for _, r := range number {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-') {
			return s, ""
		}
	}
	return strings.Trim(s[:open], " \t"), number
}

func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// parseCue reads a character cue: `@` forces one; otherwise the name must have a letter and no
// lowercase letter. The extension runs from the first `(` to the end when the cue ends with `)`.
func parseCue(t string) (Element, bool) {
	e := Element{Kind: Character}
	if strings.HasPrefix(t, "@") {
		e.Forced = true
		t = strings.Trim(t[1:], " \t")
	}
	if strings.HasSuffix(t, "^") {
		e.Dual = true
		t = strings.TrimRight(t[:len(t)-1], " \t")
	}
	e.Name = t
	if open := strings.IndexByte(t, '('); open >= 0 && strings.HasSuffix(t, ")") {
		e.Name, e.Extension = strings.TrimRight(t[:open], " \t"), t[open:]
	}
	if !e.Forced {
		letter := false
		for _, r := range e.Name {
			if unicode.IsLower(r) {
				return Element{}, false
			}
			letter = letter || unicode.IsLetter(r)
		}
		if !letter {
			return Element{}, false
		}
	}
	return e, true
}

// dialogueBlock appends the parentheticals, dialogue and lyrics that follow a cue.
func dialogueBlock(out []Element, p []lline) []Element {
	// closes[i] is the first line at or after i that ends a parenthetical (-1: none), so that a
	// `(` line knows in constant time whether it opens one.
	closes := make([]int, len(p)+1)
	closes[len(p)] = -1
	for i := len(p) - 1; i >= 0; i-- {
		closes[i] = closes[i+1]
		if strings.HasSuffix(p[i].t, ")") {
			closes[i] = i
		}
	}
	paren := func(i int) bool { return strings.HasPrefix(p[i].t, "(") && closes[i] >= 0 }
	for i := 0; i < len(p); {
		switch {
		case paren(i):
			j := closes[i]
			out = append(out, Element{Kind: Parenthetical, Text: p[i].t + joinRaw(p[i+1:j+1], true), Line: p[i].n})
			i = j + 1
		case lyricLine(p[i].t):
			j := i + 1
			for j < len(p) && lyricLine(p[j].t) {
				j++
			}
			out = append(out, lyrics(p[i:j]))
			i = j
		default:
			j := i + 1
			for j < len(p) && !paren(j) && !lyricLine(p[j].t) {
				j++
			}
			out = append(out, Element{Kind: Dialogue, Text: joinRaw(p[i:j], false), Line: p[i].n})
			i = j
		}
	}
	return out
}
