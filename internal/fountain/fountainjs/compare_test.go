package fountainjs_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/fountain"
)

// pair is one element as both parsers can state it: a kind (qualified by a section's depth or a
// cue's side in dual dialogue) and its text. Where says where it came from, for the report only.
type pair struct {
	Kind, Text string
	Where      string
}

func (p pair) String() string { return fmt.Sprintf("%s %q", p.Kind, p.Text) }

// difference is a known disagreement between fountain-js and our parser, with the syntax page's
// rule that decides who is right; COMPARISON.md carries the same table. A difference in how an
// element's text is written is a rewrite of one side's text (Ours or Theirs) applied before the two
// are aligned; any other is a Match of a run of our pairs against a run of fountain-js's pairs
// (either may be empty).
type difference struct {
	Name, Rule, Verdict string
	Ours, Theirs        func(p pair) string
	Match               func(ours, theirs []pair) bool
}

var (
	inlineBoneyard = regexp.MustCompile(`(?s)/\*.*?\*/`)
	unforcedFade   = regexp.MustCompile(`^(?:FADE (?:TO BLACK|OUT)|CUT TO BLACK)\.$`)
	leadingTabs    = regexp.MustCompile(`(?m)^ *\t+`)
	twoSpaceLine   = regexp.MustCompile(`(?m)^  $`)
	trailingSpaces = regexp.MustCompile(`(?m)(\S)[ \t]+$`)
	spacedBreak    = regexp.MustCompile(`^={3,}[ \t]*$`)
)

// one reports whether both runs hold exactly one pair, and returns them.
func one(ours, theirs []pair) (pair, pair, bool) {
	if len(ours) != 1 || len(theirs) != 1 {
		return pair{}, pair{}, false
	}
	return ours[0], theirs[0], true
}

func isAction(p pair) bool { return p.Kind == string(fountain.Action) }

var known = []difference{
	{
		Name: "inline boneyard",
		Rule: "Boneyard: /* */ may also sit inside a line; its text is ignored in the output.",
		Verdict: "both: fountain-js cuts it out of the source (leaving the spaces around it); " +
			"we keep it in Text as written, markup being kept.",
		Ours: func(p pair) string {
			cut := inlineBoneyard.ReplaceAllString(p.Text, "")
			if cut == p.Text {
				return p.Text
			}
			// What the cut leaves at the end of a line, fountain-js's action text has not: see
			// trailing spaces of action lines.
			return trailingSpaces.ReplaceAllString(cut, "$1")
		},
	},
	{
		Name: "tab indentation of action",
		Rule: "Action: tabs and spaces are retained; tabs are converted to four spaces.",
		Verdict: "both: fountain-js converts the tabs in its tokens; we keep the tab in Text as " +
			"written so that Format writes it back, converting only when laying out a page.",
		Ours: func(p pair) string {
			if !isAction(p) {
				return p.Text
			}
			return leadingTabs.ReplaceAllStringFunc(p.Text, func(s string) string {
				return strings.ReplaceAll(s, "\t", "    ")
			})
		},
	},
	{
		Name: "two-space line inside action",
		Rule: "Line breaks: a line of two spaces inside an element is an empty line that does not end it.",
		Verdict: "both: fountain-js keeps the two spaces in an action's text (not in dialogue's); " +
			"we keep the empty line, the two spaces being only how it is written.",
		Theirs: func(p pair) string {
			if !isAction(p) {
				return p.Text
			}
			return twoSpaceLine.ReplaceAllString(p.Text, "")
		},
	},
	{
		Name: "trailing spaces of action lines",
		Rule: "Action: tabs and spaces are retained (the rule is about indentation; it says nothing " +
			"of spaces at the end of a line).",
		Verdict: "both: spaces at the end of a line are invisible on the page; fountain-js keeps " +
			"them in an action's text, we drop them.",
		Theirs: func(p pair) string {
			if !isAction(p) {
				return p.Text
			}
			return trailingSpaces.ReplaceAllString(p.Text, "$1")
		},
	},
	{
		Name: "boneyard paragraph",
		Rule: "Boneyard: text inside /* */ is ignored in the output, but it is part of the document.",
		Verdict: "both: fountain-js removes boneyard before lexing and so has no token for it; " +
			"we keep it as a Boneyard element so that Format writes it back.",
		Match: func(ours, theirs []pair) bool {
			return len(ours) == 1 && ours[0].Kind == string(fountain.Boneyard) && len(theirs) == 0
		},
	},
	{
		Name: "note paragraph over several lines",
		Rule: "Notes: a note may contain line breaks (an empty line inside needs two spaces).",
		Verdict: "ours: fountain-js only takes a one-line [[…]] paragraph as a note " +
			"(its note rule has no dot-all) and makes a longer one an action.",
		Match: func(ours, theirs []pair) bool {
			o, t, ok := one(ours, theirs)
			return ok && o.Kind == string(fountain.Note) && strings.Contains(o.Text, "\n") &&
				isAction(t) && t.Text == "[["+o.Text+"]]"
		},
	},
	{
		Name: "note paragraph opening with a bare [[ line",
		Rule: "Notes: a note may contain line breaks; a character cue is a line in upper case " +
			"(\"[[\" has no letter at all) followed by dialogue.",
		Verdict: "ours: fountain-js's character rule does not exclude [, so it takes the [[ line for " +
			"a cue and the rest of the note for dialogue.",
		Match: func(ours, theirs []pair) bool {
			return len(ours) == 1 && ours[0].Kind == string(fountain.Note) && len(theirs) == 2 &&
				theirs[0].Kind == string(fountain.Character) && theirs[0].Text == "[[" &&
				theirs[1].Kind == string(fountain.Dialogue) &&
				"[[\n"+theirs[1].Text == "[["+ours[0].Text+"]]"
		},
	},
	{
		Name: "two inline notes in one paragraph",
		Rule: "Notes: [[ ]] may sit inside any element; a paragraph that is one note is a note.",
		Verdict: "ours: fountain-js's note rule is greedy, so `[[a]] [[b]]` is one note `a]] [[b`; " +
			"it is action with two inline notes.",
		Match: func(ours, theirs []pair) bool {
			o, t, ok := one(ours, theirs)
			return ok && isAction(o) && t.Kind == string(fountain.Note) && "[["+t.Text+"]]" == o.Text
		},
	},
	{
		Name: "scene heading inside emphasis",
		Rule: "Scene heading: a line beginning with INT, EXT, EST, INT./EXT, INT/EXT or I/E, then a dot " +
			"or a space; or forced with a leading dot.",
		Verdict: "ours: fountain-js lets emphasis marks come before the prefix, so " +
			"`**INT. HOUSE - NIGHT**` is a heading to it and action to the rule (`.` forces one).",
		Match: func(ours, theirs []pair) bool {
			o, t, ok := one(ours, theirs)
			return ok && isAction(o) && t.Kind == string(fountain.SceneHeading) && o.Text == t.Text &&
				strings.HasPrefix(o.Text, "*")
		},
	},
	{
		Name: "scene heading of a bare prefix",
		Rule: "Scene heading: a line beginning with INT, EXT, EST, INT./EXT, INT/EXT or I/E, followed " +
			"by a dot or a space.",
		Verdict: "ours, by the letter of the rule, which asks for nothing after the dot: fountain-js " +
			"wants more text after it and makes `EST.` action.",
		Match: func(ours, theirs []pair) bool {
			o, t, ok := one(ours, theirs)
			return ok && o.Kind == string(fountain.SceneHeading) && isAction(t) && o.Text == t.Text &&
				!strings.Contains(strings.TrimSpace(o.Text), " ")
		},
	},
	{
		Name: "FADE OUT. without >",
		Rule: "Transition: uppercase, between empty lines, ending in TO:; anything else is forced with >.",
		Verdict: "ours: fountain-js also takes FADE OUT., FADE TO BLACK. and CUT TO BLACK. as " +
			"transitions unforced, which the rule does not; they are action.",
		Match: func(ours, theirs []pair) bool {
			o, t, ok := one(ours, theirs)
			return ok && isAction(o) && t.Kind == string(fountain.Transition) &&
				o.Text == t.Text && unforcedFade.MatchString(o.Text)
		},
	},
	{
		Name: "TO: in mixed case",
		Rule: "Transition: uppercase, between empty lines, ending in TO:.",
		Verdict: "ours: fountain-js only asks for the TO: to be in upper case, so `Smash cut TO:` " +
			"is a transition to it and action to the rule.",
		Match: func(ours, theirs []pair) bool {
			o, t, ok := one(ours, theirs)
			return ok && isAction(o) && t.Kind == string(fountain.Transition) && o.Text == t.Text &&
				strings.HasSuffix(o.Text, " TO:") && strings.ToUpper(o.Text) != o.Text
		},
	},
	{
		Name: "lyrics with a space after ~",
		Rule: "Lyrics: a line beginning with ~ is lyrics.",
		Verdict: "ours: fountain-js wants no space after the ~ and makes such a paragraph action; " +
			"we take the ~ and the space after it off.",
		Match: func(ours, theirs []pair) bool {
			o, t, ok := one(ours, theirs)
			if !ok || o.Kind != string(fountain.Lyrics) || !isAction(t) {
				return false
			}
			lines := strings.Split(t.Text, "\n")
			for i, l := range lines {
				if !strings.HasPrefix(l, "~ ") {
					return false
				}
				lines[i] = strings.TrimSpace(l[1:])
			}
			return strings.Join(lines, "\n") == o.Text
		},
	},
	{
		Name: "forced transition ending in TO:",
		Rule: "Transition: a line starting with > is a transition, the > taken off.",
		Verdict: "ours: fountain-js tries its TO: pattern before the > one, so `> DISSOLVE TO:` " +
			"keeps its > in the text.",
		Match: func(ours, theirs []pair) bool {
			o, t, ok := one(ours, theirs)
			return ok && o.Kind == string(fountain.Transition) && t.Kind == o.Kind &&
				strings.HasPrefix(t.Text, ">") && strings.TrimSpace(strings.TrimPrefix(t.Text, ">")) == o.Text
		},
	},
	{
		Name: "! followed by a space",
		Rule: "Action: a paragraph starting with ! is action, the ! taken off.",
		Verdict: "ours: fountain-js only takes the ! off when no space follows it, " +
			"so its text keeps `! `.",
		Match: func(ours, theirs []pair) bool {
			o, t, ok := one(ours, theirs)
			return ok && isAction(o) && isAction(t) &&
				strings.HasPrefix(t.Text, "! ") && strings.TrimSpace(t.Text[1:]) == strings.TrimSpace(o.Text)
		},
	},
	{
		Name: "page break with trailing spaces",
		Rule: "Page break: a line of three or more = and nothing more.",
		Verdict: "ours: trailing spaces are invisible in a plain-text document; fountain-js matches " +
			"its page-break rule against the untrimmed paragraph and makes it action (whose " +
			"trailing spaces the rewrite above has taken off).",
		Match: func(ours, theirs []pair) bool {
			o, t, ok := one(ours, theirs)
			return ok && o.Kind == string(fountain.PageBreak) && isAction(t) && spacedBreak.MatchString(t.Text)
		},
	},
}

// rewrite applies the known differences in how text is written to one side, and returns the
// names of those that changed something.
func rewrite(pairs []pair, side func(difference) func(pair) string) []string {
	var used []string
	for _, d := range known {
		f := side(d)
		if f == nil {
			continue
		}
		changed := false
		for i, p := range pairs {
			if text := f(p); text != p.Text {
				pairs[i].Text, changed = text, true
			}
		}
		if changed {
			used = append(used, d.Name)
		}
	}
	return used
}

// crashes lists the documents fountain-js cannot read at all, with what it prints and the rule
// its failure breaks. For these only our parser's success is checked.
var crashes = map[string]struct{ Stderr, Rule string }{
	"lyrics-open-dialogue.fountain": {
		Stderr: "Cannot read properties of undefined (reading 'type')",
		Rule: "Lyrics: a ~ line inside dialogue is lyrics; fountain-js throws when the first line " +
			"under a character cue is one, looking at the line before it.",
	},
}

type token struct {
	Type        string `json:"type"`
	Title       bool   `json:"title"`
	Text        string `json:"text"`
	Depth       int    `json:"depth"`
	SceneNumber string `json:"scene_number"`
	Dual        string `json:"dual"`
}

func titleKey(key string) string {
	return "title:" + strings.ReplaceAll(strings.ToLower(strings.TrimSpace(key)), " ", "_")
}

func sceneText(text, number string) string {
	if number == "" {
		return text
	}
	return text + " #" + number + "#"
}

// ours states our parser's document as pairs. A cue written with ^ is the right side of dual
// dialogue; the cue before it, the left side.
func ours(doc *fountain.Document) []pair {
	var out []pair
	for _, e := range doc.TitlePage {
		out = append(out, pair{Kind: titleKey(e.Key), Text: e.Value, Where: "title page"})
	}
	lastCue := -1
	for _, e := range doc.Elements {
		p := pair{Kind: string(e.Kind), Text: e.Text, Where: fmt.Sprintf("line %d", e.Line)}
		switch e.Kind {
		case fountain.Section:
			p.Kind = fmt.Sprintf("section(%d)", e.Depth)
		case fountain.SceneHeading:
			p.Text = sceneText(e.Text, e.SceneNumber)
		case fountain.Character:
			p.Text = strings.TrimSpace(e.Name + " " + e.Extension)
			if e.Dual {
				p.Kind = "character(dual right)"
				if lastCue >= 0 {
					out[lastCue].Kind = "character(dual left)"
				}
			}
			lastCue = len(out)
		case fountain.PageBreak:
			p.Text = ""
		}
		out = append(out, p)
	}
	return out
}

// theirs states fountain-js's tokens as pairs; the begin and end tokens of dialogue blocks only
// tell the side of the cue that follows.
func theirs(tokens []token) []pair {
	kinds := map[string]fountain.Kind{
		"scene_heading": fountain.SceneHeading, "transition": fountain.Transition,
		"character": fountain.Character, "parenthetical": fountain.Parenthetical,
		"dialogue": fountain.Dialogue, "lyrics": fountain.Lyrics, "section": fountain.Section,
		"synopsis": fountain.Synopsis, "note": fountain.Note, "page_break": fountain.PageBreak,
		"action": fountain.Action, "centered": fountain.Centered,
	}
	var out []pair
	side := ""
	for i, t := range tokens {
		p := pair{Kind: t.Type, Text: t.Text, Where: fmt.Sprintf("token %d", i)}
		switch {
		case t.Title:
			p.Kind = titleKey(t.Type)
		case t.Type == "dialogue_begin":
			side = t.Dual
			continue
		case t.Type == "dialogue_end" || t.Type == "dual_dialogue_begin" || t.Type == "dual_dialogue_end":
			continue
		case t.Type == "section":
			p.Kind = fmt.Sprintf("section(%d)", t.Depth)
		case t.Type == "scene_heading":
			p.Kind, p.Text = string(fountain.SceneHeading), sceneText(t.Text, t.SceneNumber)
		case t.Type == "character":
			p.Kind = string(fountain.Character)
			if side != "" {
				p.Kind = "character(dual " + side + ")"
			}
		default:
			if k, ok := kinds[t.Type]; ok {
				p.Kind = string(k)
			}
		}
		out = append(out, p)
	}
	return out
}

// hunk is a run where the two sides disagree, between two pairs they agree on.
type hunk struct {
	ourFrom, theirFrom int
	ours, theirs       []pair
}

// diff aligns the two sequences on their longest common subsequence and returns the runs between.
func diff(a, b []pair) []hunk {
	eq := func(x, y pair) bool { return x.Kind == y.Kind && x.Text == y.Text }
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case eq(a[i], b[j]):
				lcs[i][j] = lcs[i+1][j+1] + 1
			case lcs[i+1][j] >= lcs[i][j+1]:
				lcs[i][j] = lcs[i+1][j]
			default:
				lcs[i][j] = lcs[i][j+1]
			}
		}
	}
	var out []hunk
	i, j, si, sj := 0, 0, 0, 0
	flush := func() {
		if si < i || sj < j {
			out = append(out, hunk{si, sj, a[si:i], b[sj:j]})
		}
	}
	for i < n || j < m {
		switch {
		case i < n && j < m && eq(a[i], b[j]):
			flush()
			i, j = i+1, j+1
			si, sj = i, j
		case j == m || (i < n && lcs[i+1][j] >= lcs[i][j+1]):
			i++
		default:
			j++
		}
	}
	flush()
	return out
}

// explain splits a hunk into known differences, front to back, and returns their names, or false
// when some part of it is none of them.
func explain(ours, theirs []pair) ([]string, bool) {
	if len(ours) == 0 && len(theirs) == 0 {
		return nil, true
	}
	for i := 0; i <= len(ours); i++ {
		for j := 0; j <= len(theirs); j++ {
			if i+j == 0 {
				continue
			}
			for _, d := range known {
				if d.Match == nil || !d.Match(ours[:i], theirs[:j]) {
					continue
				}
				if rest, ok := explain(ours[i:], theirs[j:]); ok {
					return append([]string{d.Name}, rest...), true
				}
			}
		}
	}
	return nil, false
}

// describe lists both sides of a hunk, at most shown pairs of each, so that a parser that goes
// wrong early does not bury the report under the rest of the document.
func describe(h hunk) string {
	const shown = 12
	var b strings.Builder
	fmt.Fprintf(&b, "at our element %d / fountain-js element %d:\n", h.ourFrom, h.theirFrom)
	side := func(name string, pairs []pair) {
		if len(pairs) == 0 {
			fmt.Fprintf(&b, "  %s: nothing\n", name)
		}
		for i, p := range pairs {
			if i == shown {
				fmt.Fprintf(&b, "  %s: … %d more\n", name, len(pairs)-shown)
				break
			}
			fmt.Fprintf(&b, "  %s (%s): %s\n", name, p.Where, p)
		}
	}
	side("ours", h.ours)
	side("fountain-js", h.theirs)
	return b.String()
}

// requireFountainJS fails, never skips, when node or the pinned fountain-js is missing.
func requireFountainJS(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is missing: run `make test`, which installs Node.js and fountain-js (npm ci in internal/fountain/fountainjs)")
	}
	var lock struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	raw, err := os.ReadFile("package-lock.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &lock))
	want := lock.Packages["node_modules/fountain-js"].Version
	require.NotEmpty(t, want, "package-lock.json pins fountain-js")
	var installed struct{ Version string }
	raw, err = os.ReadFile("node_modules/fountain-js/package.json")
	if err != nil {
		t.Fatalf("fountain-js is not installed in internal/fountain/fountainjs/node_modules (%v): run `make test`", err)
	}
	require.NoError(t, json.Unmarshal(raw, &installed))
	if installed.Version != want {
		t.Fatalf("fountain-js %s is installed, package-lock.json pins %s: run `make test`", installed.Version, want)
	}
	return node
}

func documents(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{"../testdata/compare", "../testdata/screenplays"} {
		found, err := filepath.Glob(filepath.Join(dir, "*.fountain"))
		require.NoError(t, err)
		files = append(files, found...)
	}
	sort.Strings(files)
	return files
}

// TestAgreesWithFountainJS parses every test screenplay with our parser and with fountain-js and
// requires the two to agree element by element, but for the known differences. When every document
// was compared, every known difference and every known crash must still occur in one of them, so
// that the tables stay true.
func TestAgreesWithFountainJS(t *testing.T) {
	node := requireFountainJS(t)
	files := documents(t)
	require.GreaterOrEqual(t, len(files), 4, "the screenplays under testdata/compare")
	seen := map[string]bool{}
	compared := 0
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			compared++
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			doc, err := fountain.Parse(src)
			require.NoError(t, err)
			require.NotEmpty(t, doc.Elements)

			cmd := exec.Command(node, "tokens.mjs", file)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			runErr := cmd.Run()
			if crash, ok := crashes[name]; ok {
				require.Error(t, runErr, "fountain-js now reads %s: take it off the crashes table", name)
				require.Contains(t, stderr.String(), crash.Stderr)
				seen["crash "+name] = true
				return
			}
			require.NoError(t, runErr, "node tokens.mjs %s:\n%s", file, stderr.String())
			var tokens []token
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &tokens))

			ourPairs, theirPairs := ours(doc), theirs(tokens)
			rewritten := append(rewrite(ourPairs, func(d difference) func(pair) string { return d.Ours }),
				rewrite(theirPairs, func(d difference) func(pair) string { return d.Theirs })...)
			for _, n := range rewritten {
				seen[n] = true
			}
			if len(rewritten) > 0 {
				t.Logf("text rewritten for known differences: %s", strings.Join(rewritten, ", "))
			}
			for _, h := range diff(ourPairs, theirPairs) {
				names, ok := explain(h.ours, h.theirs)
				if !ok {
					t.Errorf("%s: a disagreement that is no known difference %s", file, describe(h))
					continue
				}
				for _, n := range names {
					seen[n] = true
				}
				t.Logf("known difference (%s) %s", strings.Join(names, ", "), describe(h))
			}
		})
	}
	if compared < len(files) {
		// -run picked some documents only; the tables are about all of them.
		return
	}
	for _, d := range known {
		require.True(t, seen[d.Name], "known difference %q occurs in no document: take it off the table", d.Name)
	}
	for name := range crashes {
		require.True(t, seen["crash "+name], "fountain-js no longer fails on %s, or the document is gone", name)
	}
}

// TestDiffReportsEachSide checks the comparison itself on a made-up disagreement: a hunk that no
// known difference explains is found and located on both sides.
func TestDiffReportsEachSide(t *testing.T) {
	a := []pair{{Kind: "action", Text: "x"}, {Kind: "note", Text: "n"}, {Kind: "action", Text: "y"}}
	b := []pair{{Kind: "action", Text: "x"}, {Kind: "action", Text: "[[n]]"}, {Kind: "action", Text: "y"}}
	hunks := diff(a, b)
	require.Len(t, hunks, 1)
	require.Equal(t, 1, hunks[0].ourFrom)
	require.Equal(t, 1, hunks[0].theirFrom)
	_, ok := explain(hunks[0].ours, hunks[0].theirs)
	require.False(t, ok, "a one-line note that fountain-js made action is no known difference")

	multi := []pair{{Kind: "note", Text: "a\nb"}, {Kind: "boneyard", Text: "gone"}}
	names, ok := explain(multi, []pair{{Kind: "action", Text: "[[a\nb]]"}})
	require.True(t, ok)
	require.Equal(t, []string{"note paragraph over several lines", "boneyard paragraph"}, names)
}
