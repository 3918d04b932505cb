package fountain

import (
	"bytes"
	"strings"
)

// Format writes d as Fountain that Parse reads back into the same title page and elements (Line
// aside). The title page comes first, one "Key: value" line per entry, a value of several lines
// as "Key:" followed by its lines indented with four spaces, then an empty line. Elements are
// separated by one empty line, except that a dialogue block (a Character and the Parenthetical,
// Dialogue and Lyrics elements after it) is written without empty lines; an empty line inside an
// element is written as two spaces. Forcing marks are written where Forced is set and wherever
// the element would otherwise read as another kind: Action that would read as a cue, heading or
// transition gets `!`, a scene heading without INT./EXT. `.`, a lowercase cue `@`, a transition
// that does not end in TO: `>`; each way of writing a paragraph is checked by reading it back.
// The output ends with one "\n".
func Format(d *Document) []byte {
	// Sized for the text and the marks and line breaks around it, so that the output is not
	// copied as it grows.
	size := 0
	for _, e := range d.TitlePage {
		size += len(e.Key) + len(e.Value) + 8
	}
	for _, e := range d.Elements {
		size += len(e.Text) + len(e.Name) + len(e.Extension) + len(e.SceneNumber) + 16
	}
	b := bytes.NewBuffer(make([]byte, 0, size))
	for _, e := range d.TitlePage {
		b.WriteString(e.Key)
		b.WriteByte(':')
		switch {
		case strings.Contains(e.Value, "\n"):
			for _, l := range strings.Split(e.Value, "\n") {
				b.WriteString("\n    ")
				b.WriteString(l)
			}
		case e.Value != "":
			b.WriteByte(' ')
			b.WriteString(e.Value)
		}
		b.WriteByte('\n')
	}
	prevDialogue := false
	for i, p := range paragraphs(d.Elements) {
		text := formatParagraph(p, prevDialogue)
		switch {
		case i > 0 || len(d.TitlePage) > 0:
			b.WriteByte('\n')
		default:
			// Without a title page, a first paragraph that reads like one would start one, and
			// a byte order mark first in the document would be dropped: an empty line before
			// the paragraph keeps it as it is.
			if lines, _ := prepare(text, false); titlePageStart(lines) || strings.HasPrefix(text, bom) {
				b.WriteByte('\n')
			}
		}
		b.WriteString(text)
		b.WriteByte('\n')
		prevDialogue = p[0].Kind == Character
	}
	return b.Bytes()
}

// paragraphs groups elements into what Format writes as one paragraph: a dialogue block, or one
// element. Two Dialogue or two Lyrics elements in a row cannot belong to one block (Parse would
// have made them one element), so the second starts a paragraph of its own.
func paragraphs(es []Element) [][]Element {
	var out [][]Element
	for i := 0; i < len(es); {
		j := i + 1
		if es[i].Kind == Character {
			for j < len(es) && inBlock(es[j].Kind) && (es[j].Kind == Parenthetical || es[j].Kind != es[j-1].Kind) {
				j++
			}
		}
		out = append(out, es[i:j])
		i = j
	}
	return out
}

func inBlock(k Kind) bool {
	return k == Parenthetical || k == Dialogue || k == Lyrics
}

// formatParagraph returns the first way of writing p that Parse reads back as p: the plain form
// first, then with forcing marks (after which p's first element reads as Forced). It falls back
// to the last form for elements Parse cannot have produced.
func formatParagraph(p []Element, prevDialogue bool) string {
	forms := paragraphForms(p)
	for _, f := range forms {
		if reads(f, p, prevDialogue) {
			return f.text
		}
	}
	return forms[len(forms)-1].text
}

// form is a way of writing a paragraph; forced: with the first element's forcing mark.
type form struct {
	text   string
	forced bool
}

// reads reports whether Parse reads f, a paragraph, as the elements p.
func reads(f form, p []Element, prevDialogue bool) bool {
	lines, _ := prepare(f.text, false)
	got, err := parseBody(lines, 0, prevDialogue)
	if err != nil || len(got) != len(p) {
		return false
	}
	for i := range got {
		want := p[i]
		want.Line = got[i].Line
		if i == 0 {
			want.Forced = f.forced
		}
		if got[i] != want {
			return false
		}
	}
	return true
}

func paragraphForms(p []Element) []form {
	e := p[0]
	var plain string
	var forced []string
	switch e.Kind {
	case Character:
		cue := e.Name
		if e.Extension != "" {
			cue = strings.TrimLeft(cue+" "+e.Extension, " ")
		}
		if e.Dual {
			cue = strings.TrimLeft(cue+" ^", " ")
		}
		var b strings.Builder
		for _, x := range p[1:] {
			b.WriteByte('\n')
			b.WriteString(formatElement(x))
		}
		plain = cue + b.String()
		forced = []string{"@" + plain}
	case Action:
		plain = joinLines(e.Text, "  ")
		forced = []string{"!" + plain}
	case SceneHeading:
		plain = e.Text
		if e.SceneNumber != "" {
			plain = strings.TrimLeft(plain+" #"+e.SceneNumber+"#", " ")
		}
		forced = []string{"." + plain, ". " + plain}
	case Transition:
		plain = e.Text
		forced = []string{strings.TrimRight("> "+plain, " "), ">" + plain}
	default:
		return []form{{text: formatElement(e), forced: e.Forced}}
	}
	var forms []form
	if !e.Forced {
		forms = append(forms, form{text: plain})
		if e.Kind != Action {
			// A cue or transition starting with `!` reads as forced action unless indented.
			forms = append(forms, form{text: " " + plain})
		}
	}
	for _, f := range forced {
		forms = append(forms, form{text: f, forced: true})
	}
	return forms
}

// formatElement writes an element whose form does not depend on how it would otherwise read.
func formatElement(e Element) string {
	switch e.Kind {
	case Section:
		return strings.TrimRight(strings.Repeat("#", max(e.Depth, 1))+" "+e.Text, " ")
	case Synopsis:
		if e.Text == "" {
			return "="
		}
		return "= " + e.Text
	case Centered:
		lines := logicalLines(e.Text)
		for i, l := range lines {
			lines[i] = "> " + l + " <"
		}
		return strings.Join(lines, "\n")
	case Lyrics:
		lines := logicalLines(e.Text)
		for i, l := range lines {
			if strings.HasPrefix(l, " ") {
				lines[i] = "~ " + l
			} else {
				lines[i] = "~" + l
			}
		}
		return strings.Join(lines, "\n")
	case Note:
		lines := strings.Split(e.Text, "\n")
		for i := 1; i < len(lines)-1; i++ {
			if lines[i] == "" {
				lines[i] = "  "
			}
		}
		return "[[" + strings.Join(lines, "\n") + "]]"
	case Boneyard:
		return "/*" + e.Text + "*/"
	case PageBreak:
		if pageBreakLine(e.Text) {
			return e.Text
		}
		return "==="
	}
	return joinLines(e.Text, "  ")
}

// joinLines writes the logical lines of s, an empty one as empty.
func joinLines(s, empty string) string {
	lines := logicalLines(s)
	for i, l := range lines {
		if l == "" {
			lines[i] = empty
		}
	}
	return strings.Join(lines, "\n")
}

// logicalLines splits s at the line breaks that are not inside a note or boneyard span, the
// lines Parse sees in a paragraph.
func logicalLines(s string) []string {
	if !strings.Contains(s, "\n") {
		return []string{s}
	}
	var (
		out   []string
		sp    spans
		start int
	)
	for pos := 0; ; {
		end := len(s)
		if nl := strings.IndexByte(s[pos:], '\n'); nl >= 0 {
			end = pos + nl
		}
		sp.feed(s[pos:end], 0)
		if end == len(s) {
			return append(out, s[start:])
		}
		if sp.state == spanNone {
			out = append(out, s[start:end])
			start = end + 1
		}
		pos = end + 1
	}
}

// Normalize rewrites src into the form Format writes, as far as whitespace goes, so that
// Format(Parse(src)) equals Normalize(src) for a document written the usual way. It
//
//   - drops a leading byte order mark and turns CRLF and CR line breaks into LF;
//   - removes trailing spaces and tabs from every line, except that a line of exactly two spaces
//     is kept when it lies (alone or among other such lines) between two lines with text, where
//     it is an empty line of its paragraph; elsewhere it becomes an empty line;
//   - when the first line is a title page "Key: value" line, rewrites the title page (up to the
//     first empty line): "Key: value" with one space after the colon, "Key:" alone when the value
//     is empty or continues on indented lines, and then every line of the value, the one on the
//     key line included, indented with four spaces (a first line "Key:" with nothing indented
//     below it, such as "FADE IN:", does not start a title page);
//   - collapses every run of empty lines to one, except inside a /* */ boneyard, where empty
//     lines are kept as they are; removes empty lines at the start and the end, but keeps one at
//     the start when there is no title page and the first lines with text would start one
//     or the first line with text starts with a byte order mark;
//   - ends the document with one "\n" (an empty document stays empty).
//
// Everything else is left as written. "The usual way" is the way the syntax page writes its
// examples, which Format follows: one empty line between elements and none inside a dialogue
// block, forcing marks only where needed or wanted, "~" directly before lyrics, "= " before a
// synopsis, "# " after a section's marks, "> " and " <" around centered text, "> " before a forced
// transition, a scene number as " #1#", a cue as NAME (EXTENSION) ^, and no indentation before
// anything but action. Lyrics written as their own paragraph right after a dialogue block are
// joined to the block, as the two read the same.
func Normalize(src []byte) []byte {
	lines, _ := prepare(strings.TrimPrefix(string(src), bom), false)
	var out []string
	i := 0
	title := titlePageStart(lines)
	if title {
		i, out = normalizeTitlePage(lines)
	}
	for i < len(lines) && lines[i].blank {
		i++
	}
	if i < len(lines) && (title || titlePageStart(lines[i:]) || strings.HasPrefix(lines[i].text, bom)) {
		out = append(out, "")
	}
	var sp spans
	for ; i < len(lines); i++ {
		l := lines[i]
		if !l.blank {
			sp.feed(l.text, 0)
			out = append(out, l.text)
			continue
		}
		if sp.state == spanNote {
			sp.state = spanNone
		}
		if sp.state == spanBoneyard || out[len(out)-1] != "" {
			out = append(out, "")
		}
	}
	for sp.state != spanBoneyard && len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return nil
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

// normalizeTitlePage rewrites the title page that starts lines; it returns where the rest begins.
func normalizeTitlePage(lines []pline) (int, []string) {
	type entry struct {
		head  string
		value []string
	}
	var entries []entry
	i := 0
	for ; i < len(lines) && !lines[i].blank; i++ {
		text := lines[i].text
		if continuationLine(text) && len(entries) > 0 {
			e := &entries[len(entries)-1]
			e.value = append(e.value, strings.Trim(text, " \t"))
			continue
		}
		if key, value, ok := keyLine(text); ok {
			e := entry{head: key + ":"}
			if value != "" {
				e.value = []string{value}
			}
			entries = append(entries, e)
			continue
		}
		entries = append(entries, entry{head: text})
	}
	var out []string
	for _, e := range entries {
		switch len(e.value) {
		case 0:
			out = append(out, e.head)
		case 1:
			out = append(out, e.head+" "+e.value[0])
		default:
			out = append(out, e.head)
			for _, v := range e.value {
				out = append(out, "    "+v)
			}
		}
	}
	return i, out
}
