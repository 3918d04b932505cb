package scripts

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fountainai/fountainai/gen/characterimportdb"
	"github.com/fountainai/fountainai/gen/placementdb"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/scriptsdb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/fountain"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
	"github.com/fountainai/fountainai/internal/write"
)

const codeFountainUnreadable = "FOUNTAIN_UNREADABLE"

// Limits of the fields a screenplay's elements land in (the columns' checks): an element over its
// limit is a document this API cannot hold, answered with its line rather than cut.
const (
	maxTitle         = 500
	maxAuthor        = 200
	maxDescription   = 10000
	maxTransition    = 500
	maxAction        = 5000
	maxSpoken        = 10000
	maxParenthetical = 1000
	maxExtension     = 100
	maxCharacterName = 100
	maxTitleKey      = 100
	maxTitleEntries  = 50
)

// ImportScript creates a script and everything a Fountain document holds, in one transaction: the
// script with its title page, its section headings, its transitions, and, through Character
// Management's published import (characters.import_v1), its characters, actions and spoken words;
// then it places the headings and the story elements at the end of their (new, empty) orders with
// one call each (sequence.append_v1). The Idempotency-Key record commits with them.
func (s *Server) ImportScript(ctx context.Context, req scriptsapi.ImportScriptRequestObject) (scriptsapi.ImportScriptResponseObject, error) {
	src, name, err := importedDocument(req)
	if err != nil {
		var f *httpapi.Failure
		if errors.As(err, &f) {
			return scriptsapi.ImportScript400JSONResponse{BadRequestJSONResponse: scriptsapi.BadRequestJSONResponse(httpapi.Body[scriptsapi.ErrorResponse](f))}, nil
		}
		return nil, err
	}
	doc, err := fountain.Parse(src)
	if err != nil {
		var syn *fountain.SyntaxError
		if errors.As(err, &syn) {
			return unreadable(syn), nil
		}
		return nil, fmt.Errorf("parse a Fountain document: %w", err)
	}
	p, syn := planImport(doc, name)
	if syn != nil {
		return unreadable(syn), nil
	}
	tenant := auth.Tenant(ctx)
	resp, err := write.Do(ctx, s.writes, write.Lane{}, scriptsapi.ImportScript201JSONResponse.VisitImportScriptResponse,
		func(ctx context.Context, tx *write.Tx) (scriptsapi.ImportScript201JSONResponse, error) {
			return p.store(ctx, tx, tenant)
		})
	if err != nil {
		return nil, fmt.Errorf("import a script: %w", err)
	}
	return resp, nil
}

func unreadable(e *fountain.SyntaxError) scriptsapi.ImportScript422JSONResponse {
	return scriptsapi.ImportScript422JSONResponse{FountainUnreadableJSONResponse: scriptsapi.FountainUnreadableJSONResponse(
		httpapi.BodyOf[scriptsapi.ErrorResponse](codeFountainUnreadable, "the document is not readable Fountain", e.Error()))}
}

// importedDocument is the request's document and, for an upload, its file name.
func importedDocument(req scriptsapi.ImportScriptRequestObject) ([]byte, string, error) {
	switch {
	case req.TextBody != nil:
		return []byte(*req.TextBody), "", nil
	case req.Body != nil:
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, "", fmt.Errorf("read the document: %w", err)
		}
		return b, "", nil
	case req.MultipartBody != nil:
		return uploadedFile(req.MultipartBody)
	}
	return nil, "", httpapi.Fail(http.StatusBadRequest, httpapi.CodeValidationFailed, "request body does not match the API schema", "body: a Fountain document is required")
}

// uploadedFile reads the part `file` of a form upload; the other parts are ignored, as the schema
// allows.
func uploadedFile(mr *multipart.Reader) ([]byte, string, error) {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", httpapi.Fail(http.StatusBadRequest, httpapi.CodeValidationFailed, "request body does not match the API schema", "body: the part file is required")
		} else if err != nil {
			return nil, "", httpapi.Fail(http.StatusBadRequest, httpapi.CodeValidationFailed, "request body is not a readable form upload", err.Error())
		}
		if part.FormName() != "file" {
			continue
		}
		b, err := io.ReadAll(part)
		if err != nil {
			return nil, "", fmt.Errorf("read the uploaded file: %w", err)
		}
		return b, part.FileName(), nil
	}
}

// importPlan is a document laid out as the rows it becomes.
type importPlan struct {
	title, author string
	titlePage     []byte // JSON, nil without a title page
	sections      []importSection
	story         []storyItem
	characterDesc string
}

type importSection struct {
	title, description, kind, sceneNumber string
	depth                                 int16
	forced                                bool
}

// storyItem is one element of the story order: a transition of this service, or a line (action or
// spoken word) of Character Management. section is an index into sections, -1 for none.
type storyItem struct {
	transition *importTransition
	line       *importLine
	section    int
}

type importTransition struct {
	text   string
	forced bool
}

// importLine is the JSON of one line of characters.import_v1.
type importLine struct {
	Type              string  `json:"type"`
	SectionID         *int64  `json:"sectionId"`
	Character         *string `json:"character"`
	Description       string  `json:"description,omitempty"`
	Text              string  `json:"text,omitempty"`
	Format            string  `json:"format,omitempty"`
	Forced            bool    `json:"forced"`
	Parenthetical     *string `json:"parenthetical"`
	Extension         *string `json:"extension"`
	Dual              bool    `json:"dual"`
	ContinuesDialogue bool    `json:"continuesDialogue"`
	Lyric             bool    `json:"lyric"`
}

// actionFormats are the elements kept as actions, by the format they are typeset in.
var actionFormats = map[fountain.Kind]string{
	fountain.Action:    "action",
	fountain.Centered:  "centered",
	fountain.Lyrics:    "lyrics",
	fountain.Synopsis:  "synopsis",
	fountain.Note:      "note",
	fountain.Boneyard:  "boneyard",
	fountain.PageBreak: "pageBreak",
}

// planImport lays doc out as rows, refusing what the model cannot hold with the line it is on.
// fileName, when the document was uploaded, titles a script whose title page has no Title.
func planImport(doc *fountain.Document, fileName string) (*importPlan, *fountain.SyntaxError) {
	p := &importPlan{}
	if syn := p.planTitlePage(doc.TitlePage, fileName); syn != nil {
		return nil, syn
	}
	p.characterDesc = "A character of " + quoteTitle(p.title) + ", imported from its Fountain screenplay."
	b := &blockState{}
	current := -1
	for i := range doc.Elements {
		e := &doc.Elements[i]
		if !b.continues(e) {
			if syn := b.end(p); syn != nil {
				return nil, syn
			}
		}
		switch e.Kind {
		case fountain.Section, fountain.SceneHeading:
			sec, syn := headingOf(e)
			if syn != nil {
				return nil, syn
			}
			p.sections = append(p.sections, sec)
			current = len(p.sections) - 1
		case fountain.Synopsis:
			if current >= 0 && underHeading(doc.Elements[:i]) {
				if syn := p.describe(current, e); syn != nil {
					return nil, syn
				}
				continue
			}
			if syn := p.action(e, current); syn != nil {
				return nil, syn
			}
		case fountain.Transition:
			if syn := limit(e, "transitions", e.Text, 1, maxTransition); syn != nil {
				return nil, syn
			}
			p.story = append(p.story, storyItem{transition: &importTransition{text: e.Text, forced: e.Forced}, section: current})
		case fountain.Character:
			if syn := checkCue(e); syn != nil {
				return nil, syn
			}
			b.begin(e, current)
		case fountain.Parenthetical:
			if !b.open {
				return nil, &fountain.SyntaxError{Line: e.Line, Rule: "parentheticals", Message: "a parenthetical belongs to a dialogue block"}
			}
			b.paren = append(b.paren, e.Text)
		case fountain.Dialogue:
			if !b.open {
				return nil, &fountain.SyntaxError{Line: e.Line, Rule: "dialogue", Message: "dialogue follows a character cue"}
			}
			if syn := b.words(p, e, false); syn != nil {
				return nil, syn
			}
		case fountain.Lyrics:
			if b.open {
				if syn := b.words(p, e, true); syn != nil {
					return nil, syn
				}
				continue
			}
			if syn := p.action(e, current); syn != nil {
				return nil, syn
			}
		default:
			if syn := p.action(e, current); syn != nil {
				return nil, syn
			}
		}
	}
	if syn := b.end(p); syn != nil {
		return nil, syn
	}
	return p, nil
}

// headingOf is the section a section or scene heading starts.
func headingOf(e *fountain.Element) (importSection, *fountain.SyntaxError) {
	sec := importSection{title: e.Text, kind: "scene", sceneNumber: e.SceneNumber, forced: e.Forced}
	if e.Kind == fountain.Section {
		sec.kind, sec.depth = "section", int16(min(max(e.Depth, 1), 6))
	}
	if syn := limit(e, "section heading", sec.title, 1, maxTitle); syn != nil {
		return sec, syn
	}
	if sec.sceneNumber != "" && !validSceneNumber(sec.sceneNumber) {
		return sec, &fountain.SyntaxError{Line: e.Line, Rule: "scene numbers", Message: "a scene number holds 1 to 20 letters, digits, dots and dashes"}
	}
	if e.Kind == fountain.Section && e.Depth > 6 {
		return sec, &fountain.SyntaxError{Line: e.Line, Rule: "sections", Message: "a section is at most 6 levels deep (######)"}
	}
	return sec, nil
}

// describe adds a synopsis written under a heading to the description of its section.
func (p *importPlan) describe(section int, e *fountain.Element) *fountain.SyntaxError {
	sec := &p.sections[section]
	if sec.description != "" {
		sec.description += "\n"
	}
	sec.description += e.Text
	return limit(e, "synopses", sec.description, 1, maxDescription)
}

// checkCue refuses a character cue the model cannot hold.
func checkCue(e *fountain.Element) *fountain.SyntaxError {
	if syn := limit(e, "character", e.Name, 1, maxCharacterName); syn != nil {
		return syn
	}
	return limit(e, "character extensions", e.Extension, 0, maxExtension)
}

// underHeading reports whether the element after before is written directly under a section or
// scene heading (only its synopses between), where a synopsis describes the heading.
func underHeading(before []fountain.Element) bool {
	for i := len(before) - 1; i >= 0; i-- {
		switch before[i].Kind {
		case fountain.Synopsis:
			continue
		case fountain.Section, fountain.SceneHeading:
			return true
		}
		return false
	}
	return false
}

func (p *importPlan) action(e *fountain.Element, section int) *fountain.SyntaxError {
	format := actionFormats[e.Kind]
	if format == "" {
		return &fountain.SyntaxError{Line: e.Line, Rule: "action", Message: "an element of kind " + string(e.Kind) + " has no place in a script"}
	}
	text := e.Text
	if text == "" {
		// Empty notes and boneyard ("[[]]", "/**/") hold nothing to keep but their marks; the
		// column needs a character, so they keep a space that Format writes back as nothing.
		text = " "
	}
	if syn := limit(e, string(e.Kind), text, 1, maxAction); syn != nil {
		return syn
	}
	p.story = append(p.story, storyItem{line: &importLine{Type: "action", Description: text, Format: format, Forced: e.Forced}, section: section})
	return nil
}

// blockState follows one dialogue block: its cue, the parentheticals waiting for their words, and
// whether words were spoken yet.
type blockState struct {
	open    bool
	cue     *fountain.Element
	section int
	paren   []string
	spoken  *importLine
}

// continues reports whether e is part of the dialogue block open before it: a parenthetical,
// dialogue or lyrics that follows the block's elements. Lyrics after a block are read as sung in
// it, as the parser's elements and Format have them (fountain.Document has no blank lines), so that
// an import of the export makes the same lines.
func (b *blockState) continues(e *fountain.Element) bool {
	if !b.open {
		return false
	}
	switch e.Kind {
	case fountain.Parenthetical, fountain.Dialogue, fountain.Lyrics:
		return true
	}
	return false
}

func (b *blockState) begin(cue *fountain.Element, section int) {
	*b = blockState{open: true, cue: cue, section: section}
}

// words adds the spoken words of e to the block, with the parentheticals before them.
func (b *blockState) words(p *importPlan, e *fountain.Element, lyric bool) *fountain.SyntaxError {
	name := b.cue.Name
	l := &importLine{Type: "spokenWord", Character: &name, Text: e.Text, Lyric: lyric, ContinuesDialogue: b.spoken != nil}
	if b.spoken == nil {
		l.Dual, l.Forced = b.cue.Dual, b.cue.Forced
		if b.cue.Extension != "" {
			ext := b.cue.Extension
			l.Extension = &ext
		}
	}
	if len(b.paren) > 0 {
		paren := strings.Join(b.paren, "\n")
		if syn := limit(e, "parentheticals", paren, 1, maxParenthetical); syn != nil {
			return syn
		}
		l.Parenthetical = &paren
		b.paren = nil
	}
	if syn := limit(e, "dialogue", l.Text, 1, maxSpoken); syn != nil {
		return syn
	}
	p.story = append(p.story, storyItem{line: l, section: b.section})
	b.spoken = l
	return nil
}

// end closes the open block. Parentheticals after its last words stay with those words, as lines
// of their text (which Format writes back where they were); a block of parentheticals only is
// spoken words whose text they are.
func (b *blockState) end(p *importPlan) *fountain.SyntaxError {
	if !b.open {
		return nil
	}
	defer func() { *b = blockState{} }()
	if len(b.paren) == 0 {
		return nil
	}
	rest := strings.Join(b.paren, "\n")
	if b.spoken != nil {
		b.spoken.Text += "\n" + rest
		return limit(b.cue, "dialogue", b.spoken.Text, 1, maxSpoken)
	}
	b.paren = nil
	return b.words(p, &fountain.Element{Kind: fountain.Dialogue, Text: rest, Line: b.cue.Line}, false)
}

func (p *importPlan) planTitlePage(entries []fountain.TitleEntry, fileName string) *fountain.SyntaxError {
	if len(entries) > maxTitleEntries {
		return &fountain.SyntaxError{Line: 1, Rule: "title page", Message: fmt.Sprintf("a title page holds at most %d keys", maxTitleEntries)}
	}
	type entry struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	page := make([]entry, 0, len(entries))
	for _, t := range entries {
		if n := utf8.RuneCountInString(t.Key); n < 1 || n > maxTitleKey {
			return &fountain.SyntaxError{Line: 1, Rule: "title page", Message: fmt.Sprintf("a title page key holds 1 to %d characters", maxTitleKey)}
		}
		if utf8.RuneCountInString(t.Value) > maxDescription {
			return &fountain.SyntaxError{Line: 1, Rule: "title page", Message: fmt.Sprintf("the value of %s is longer than %d characters", t.Key, maxDescription)}
		}
		page = append(page, entry{Key: t.Key, Value: t.Value})
		switch strings.ToLower(t.Key) {
		case "title":
			p.title = oneLine(t.Value)
		case "author", "authors":
			p.author = oneLine(t.Value)
		}
	}
	if len(page) > 0 {
		b, err := json.Marshal(page)
		if err != nil {
			panic(err) // strings marshal
		}
		p.titlePage = b
	}
	if p.title == "" && fileName != "" {
		p.title = strings.TrimSpace(strings.TrimSuffix(path.Base(strings.ReplaceAll(fileName, `\`, "/")), path.Ext(fileName)))
	}
	if p.title == "" {
		p.title = "Untitled"
	}
	p.title = truncate(p.title, maxTitle)
	p.author = truncate(p.author, maxAuthor)
	return nil
}

// oneLine is a title page value as the plain text a script's title or author holds.
func oneLine(v string) string {
	return strings.Join(strings.Fields(fountain.Plain(v)), " ")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func quoteTitle(t string) string { return "“" + t + "”" }

func validSceneNumber(n string) bool {
	if len(n) < 1 || len(n) > 20 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// limit refuses text outside lo..hi characters, naming e's line and the rule it was read by.
func limit(e *fountain.Element, rule, text string, lo, hi int) *fountain.SyntaxError {
	n := utf8.RuneCountInString(text)
	switch {
	case n < lo:
		return &fountain.SyntaxError{Line: e.Line, Rule: rule, Message: "the element is empty"}
	case n > hi:
		return &fountain.SyntaxError{Line: e.Line, Rule: rule, Message: fmt.Sprintf("%d characters, more than the %d this API keeps", n, hi)}
	}
	return nil
}

// store writes the plan in tx and renders the answer.
func (p *importPlan) store(ctx context.Context, tx *write.Tx, tenant string) (scriptsapi.ImportScript201JSONResponse, error) {
	var zero scriptsapi.ImportScript201JSONResponse
	q := scriptsdb.New(dbx.Interpreted(tx))
	script, err := q.ImportScript(ctx, scriptsdb.ImportScriptParams{Tenant: tenant, Title: p.title, Author: dbx.Text(nonEmpty(p.author)), TitlePage: p.titlePage})
	if err != nil {
		return zero, fmt.Errorf("store the script: %w", err)
	}
	sectionIDs, err := p.storeSections(ctx, q, tenant, script.ID)
	if err != nil {
		return zero, err
	}
	transitionIDs, err := p.storeTransitions(ctx, q, tenant, script.ID, sectionIDs)
	if err != nil {
		return zero, err
	}
	lineIDs, characters, err := p.storeLines(ctx, tx, tenant, script.ID, sectionIDs)
	if err != nil {
		return zero, err
	}
	if err := p.place(ctx, tx, tenant, script.ID, sectionIDs, transitionIDs, lineIDs); err != nil {
		return zero, err
	}
	page, err := titlePageOf(p.titlePage)
	if err != nil {
		return zero, err
	}
	body := scriptsapi.ScriptImport{
		Script: scriptsapi.Script{
			ScriptId: script.ID, Title: p.title, Author: nonEmpty(p.author), Version: script.Version,
			CreatedAt: script.CreatedAt, UpdatedAt: script.UpdatedAt,
		},
		Sections: len(sectionIDs), Transitions: len(transitionIDs), Characters: characters,
	}
	body.Script.TitlePage = page
	for _, it := range p.story {
		switch {
		case it.line == nil:
		case it.line.Type == "action":
			body.Actions++
		default:
			body.SpokenWords++
		}
	}
	return scriptsapi.ImportScript201JSONResponse{Body: body, Headers: scriptsapi.ImportScript201ResponseHeaders{
		ETag: httpapi.ETag(script.Version), Location: httpapi.Location("scripts", script.ID),
	}}, nil
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (p *importPlan) storeSections(ctx context.Context, q *scriptsdb.Queries, tenant string, scriptID int64) ([]int64, error) {
	if len(p.sections) == 0 {
		return nil, nil
	}
	n := len(p.sections)
	a := scriptsdb.ImportSectionsParams{
		Tenant: tenant, ScriptID: scriptID, Titles: make([]string, n), Descriptions: make([]string, n), Kinds: make([]string, n),
		Depths: make([]int16, n), SceneNumbers: make([]string, n), Forced: make([]bool, n),
	}
	for i, s := range p.sections {
		a.Titles[i], a.Descriptions[i], a.Kinds[i], a.Depths[i], a.SceneNumbers[i], a.Forced[i] = s.title, s.description, s.kind, s.depth, s.sceneNumber, s.forced
	}
	ids, err := q.ImportSections(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("store the section headings: %w", err)
	}
	slices.Sort(ids) // identity ids ascend in insertion order, which is the array's
	return ids, nil
}

func (p *importPlan) storeTransitions(ctx context.Context, q *scriptsdb.Queries, tenant string, scriptID int64, sectionIDs []int64) ([]int64, error) {
	a := scriptsdb.ImportTransitionsParams{Tenant: tenant, ScriptID: scriptID}
	for _, it := range p.story {
		if it.transition == nil {
			continue
		}
		a.SectionIds = append(a.SectionIds, sectionID(sectionIDs, it.section))
		a.Texts = append(a.Texts, it.transition.text)
		a.Forced = append(a.Forced, it.transition.forced)
	}
	if len(a.Texts) == 0 {
		return nil, nil
	}
	ids, err := q.ImportTransitions(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("store the transitions: %w", err)
	}
	slices.Sort(ids)
	return ids, nil
}

func sectionID(ids []int64, i int) int64 {
	if i < 0 {
		return 0
	}
	return ids[i]
}

// storeLines creates the characters, actions and spoken words through Character Management's
// published import, in this transaction; it answers the lines' ids in story order and the
// characters it made.
func (p *importPlan) storeLines(ctx context.Context, tx *write.Tx, tenant string, scriptID int64, sectionIDs []int64) ([]int64, []scriptsapi.ImportedCharacter, error) {
	var lines []*importLine
	for _, it := range p.story {
		if it.line == nil {
			continue
		}
		if it.section >= 0 {
			id := sectionIDs[it.section]
			it.line.SectionID = &id
		}
		lines = append(lines, it.line)
	}
	characters := []scriptsapi.ImportedCharacter{}
	if len(lines) == 0 {
		return nil, characters, nil
	}
	js, err := json.Marshal(lines)
	if err != nil {
		return nil, nil, fmt.Errorf("encode the lines: %w", err)
	}
	rows, err := characterimportdb.New(dbx.Interpreted(tx)).ImportLines(ctx, tenant, scriptID, p.characterDesc, js)
	if err != nil {
		return nil, nil, fmt.Errorf("store the characters and lines: %w", err)
	}
	ids := make([]int64, len(lines))
	for _, r := range rows {
		if r.ElementType == "character" {
			continue
		}
		if r.Ord < 1 || int(r.Ord) > len(ids) {
			return nil, nil, fmt.Errorf("characters.import_v1 answered line %d of %d", r.Ord, len(ids))
		}
		ids[r.Ord-1] = r.ElementID
	}
	// The characters come first, in the order their names are first spoken, ids ascending.
	var names []string
	seen := map[string]bool{}
	for _, l := range lines {
		if l.Character != nil && !seen[*l.Character] {
			seen[*l.Character] = true
			names = append(names, *l.Character)
		}
	}
	for _, r := range rows {
		if r.ElementType == "character" {
			characters = append(characters, scriptsapi.ImportedCharacter{CharacterId: r.ElementID})
		}
	}
	if len(characters) != len(names) {
		return nil, nil, fmt.Errorf("characters.import_v1 made %d characters of %d names", len(characters), len(names))
	}
	slices.SortFunc(characters, func(a, b scriptsapi.ImportedCharacter) int { return cmp.Compare(a.CharacterId, b.CharacterId) })
	for i := range characters {
		characters[i].Name = names[i]
	}
	return ids, characters, nil
}

// place puts the headings into the script's sections order and the story elements into its story
// order, each in the order written.
func (p *importPlan) place(ctx context.Context, tx *write.Tx, tenant string, scriptID int64, sectionIDs, transitionIDs, lineIDs []int64) error {
	q := placementdb.New(dbx.Interpreted(tx))
	if len(sectionIDs) > 0 {
		types := make([]string, len(sectionIDs))
		for i := range types {
			types[i] = "section"
		}
		if _, err := q.Append(ctx, placementdb.AppendParams{Tenant: tenant, ScriptID: scriptID, Scope: string(placement.Sections), ElementTypes: types, ElementIds: sectionIDs}); err != nil {
			return fmt.Errorf("place the section headings: %w", err)
		}
	}
	if len(p.story) == 0 {
		return nil
	}
	types, ids := make([]string, 0, len(p.story)), make([]int64, 0, len(p.story))
	var t, l int
	for _, it := range p.story {
		switch {
		case it.transition != nil:
			types, ids = append(types, "transition"), append(ids, transitionIDs[t])
			t++
		default:
			types, ids = append(types, it.line.Type), append(ids, lineIDs[l])
			l++
		}
	}
	if _, err := q.Append(ctx, placementdb.AppendParams{Tenant: tenant, ScriptID: scriptID, Scope: string(placement.Story), ElementTypes: types, ElementIds: ids}); err != nil {
		return fmt.Errorf("place the story: %w", err)
	}
	return nil
}
