// Package fountain reads and writes Fountain (https://fountain.io/syntax), the plain-text
// screenplay format. Parse turns a document into its title page and a flat list of elements in
// reading order; Format writes them back. The two are inverse up to the whitespace normalisation
// Format documents: Parse(Format(d)) equals d element by element, and Format(Parse(src)) equals src
// once both are normalised (Normalize).
//
// The elements are deliberately close to the syntax page's vocabulary: a dialogue block is a
// Character cue followed by its Parenthetical, Dialogue and Lyrics elements, in the order written.
// Markup inside text (emphasis, inline notes, inline boneyard, escapes) is kept as written; only
// the marks that decide an element's kind (a forcing character, the `#` of a section, the `=` of a
// synopsis, the `>`/`<` of centered text, the `[[ ]]` of a note paragraph…) are taken off, and the
// element records them (Forced, Depth…) so that Format can put them back.
package fountain

import "strconv"

// Kind is what an element is.
type Kind string

// The element kinds, named after the rules of the syntax page.
const (
	// Section is a `#` heading; Depth is the number of `#`.
	Section Kind = "section"
	// SceneHeading is a slug line (INT., EXT., EST., INT./EXT., I/E, or forced with `.`);
	// SceneNumber holds `#1A#` without the `#`.
	SceneHeading Kind = "sceneHeading"
	// Synopsis is an `=` line.
	Synopsis Kind = "synopsis"
	// Action is a paragraph of action; line breaks and indentation are kept in Text.
	Action Kind = "action"
	// Centered is a paragraph of `>text<` lines, Text one line per centered line, marks removed.
	Centered Kind = "centered"
	// Character is a dialogue cue: Name, Extension (everything after the name, e.g. "(V.O.)"),
	// Dual (the cue ended with `^`), Forced (it began with `@`).
	Character Kind = "character"
	// Parenthetical is a `(…)` line of a dialogue block, parentheses kept in Text.
	Parenthetical Kind = "parenthetical"
	// Dialogue is a run of dialogue lines of a dialogue block.
	Dialogue Kind = "dialogue"
	// Lyrics is a run of `~` lines, marks removed; inside a dialogue block or on its own.
	Lyrics Kind = "lyrics"
	// Transition is `… TO:` or forced with `>`.
	Transition Kind = "transition"
	// PageBreak is a line of three or more `=`; Text holds it as written.
	PageBreak Kind = "pageBreak"
	// Note is a paragraph that is one `[[…]]` note, Text without the brackets.
	Note Kind = "note"
	// Boneyard is a `/* … */` block that starts and ends a paragraph, Text without the marks.
	Boneyard Kind = "boneyard"
)

// Element is one element of a document, in reading order.
type Element struct {
	Kind Kind
	// Text is the element's text without the marks that decide its kind; emphasis, inline notes,
	// inline boneyard and escapes are kept as written. Lines are separated by "\n".
	Text string
	// Line is the 1-based line of the source the element starts on.
	Line int
	// Forced is set when the element was written with its forcing mark (`.`, `!`, `@`, `>`).
	Forced bool
	// Depth is a section's level (1 for `#`).
	Depth int
	// SceneNumber is a scene heading's number, without the `#` marks.
	SceneNumber string
	// Name, Extension and Dual describe a Character cue.
	Name      string
	Extension string
	Dual      bool
}

// TitleEntry is one key of the title page, in the order written. Value holds the lines of a
// multi-line value separated by "\n", each without its indentation.
type TitleEntry struct {
	Key   string
	Value string
}

// Document is a parsed screenplay.
type Document struct {
	TitlePage []TitleEntry
	Elements  []Element
}

// SyntaxError is a document that cannot be read: Line (1-based) and Rule name what fails.
type SyntaxError struct {
	Line    int
	Rule    string
	Message string
}

func (e *SyntaxError) Error() string {
	return "line " + strconv.Itoa(e.Line) + ": " + e.Rule + ": " + e.Message
}
