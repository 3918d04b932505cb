package stories

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/fountain"
	"github.com/fountainai/fountainai/internal/fountain/pdf"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// The media types of the story as a screenplay.
const (
	mediaFountain = "text/x-fountain"
	mediaPDF      = "application/pdf"
)

// acceptKey carries a request's Accept header to the handlers, which the strict interface does not
// hand them: GET /stories answers JSON, Fountain or PDF by it.
type acceptKey struct{}

// withAccept is the strict middleware that puts the Accept header into the context.
func withAccept(f storiesapi.StrictHandlerFunc, _ string) storiesapi.StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
		return f(context.WithValue(ctx, acceptKey{}, r.Header.Get("Accept")), w, r, request)
	}
}

// preferred is the screenplay media type the Accept header of ctx's request prefers to JSON, or "":
// the media type listed with the highest quality among the three, the first of equals, JSON when
// nothing names one of the others.
func preferred(ctx context.Context) string {
	accept, _ := ctx.Value(acceptKey{}).(string)
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		switch mt {
		case mediaFountain, mediaPDF, "application/json":
			if q > bestQ {
				best, bestQ = mt, q
			}
		}
	}
	if best == "application/json" {
		return ""
	}
	return best
}

// ExportStoryFountain answers the story written as Fountain.
func (s *Server) ExportStoryFountain(ctx context.Context, req storiesapi.ExportStoryFountainRequestObject) (storiesapi.ExportStoryFountainResponseObject, error) {
	p := req.Params
	r, bad := exportRequest(p.ScriptId, p.StartSequence, p.EndSequence, p.FilterByCharacter, p.CharacterId)
	if bad != nil {
		return storiesapi.ExportStoryFountain400JSONResponse{BadRequestJSONResponse: httpapi.Body[storiesapi.BadRequestJSONResponse](bad)}, nil
	}
	st, err := s.assemble(ctx, r)
	if err != nil {
		switch f := failed(err); httpapi.StatusOf(f) {
		case http.StatusNotFound:
			return storiesapi.ExportStoryFountain404JSONResponse{NotFoundJSONResponse: httpapi.Body[storiesapi.NotFoundJSONResponse](f)}, nil
		case http.StatusBadGateway:
			return storiesapi.ExportStoryFountain502JSONResponse{BadGatewayJSONResponse: httpapi.Body[storiesapi.BadGatewayJSONResponse](f)}, nil
		case http.StatusServiceUnavailable:
			return storiesapi.ExportStoryFountain503JSONResponse{UnavailableJSONResponse: unavailable(f)}, nil
		}
		return nil, fmt.Errorf("assemble the story of script %d: %w", r.scriptID, err)
	}
	doc := fountain.Format(screenplay(st, r.end == nil && !r.filtered()))
	disposition := attachment(st.script.Title, ".fountain")
	return fountainFile{Body: bytes.NewReader(doc), ContentLength: int64(len(doc)), Headers: storiesapi.ExportStoryFountain200ResponseHeaders{ContentDisposition: &disposition}}, nil
}

// ExportStoryPdf answers the story typeset as a screenplay.
func (s *Server) ExportStoryPdf(ctx context.Context, req storiesapi.ExportStoryPdfRequestObject) (storiesapi.ExportStoryPdfResponseObject, error) {
	p := req.Params
	r, bad := exportRequest(p.ScriptId, p.StartSequence, p.EndSequence, p.FilterByCharacter, p.CharacterId)
	if bad != nil {
		return storiesapi.ExportStoryPdf400JSONResponse{BadRequestJSONResponse: httpapi.Body[storiesapi.BadRequestJSONResponse](bad)}, nil
	}
	st, err := s.assemble(ctx, r)
	if err != nil {
		switch f := failed(err); httpapi.StatusOf(f) {
		case http.StatusNotFound:
			return storiesapi.ExportStoryPdf404JSONResponse{NotFoundJSONResponse: httpapi.Body[storiesapi.NotFoundJSONResponse](f)}, nil
		case http.StatusBadGateway:
			return storiesapi.ExportStoryPdf502JSONResponse{BadGatewayJSONResponse: httpapi.Body[storiesapi.BadGatewayJSONResponse](f)}, nil
		case http.StatusServiceUnavailable:
			return storiesapi.ExportStoryPdf503JSONResponse{UnavailableJSONResponse: unavailable(f)}, nil
		}
		return nil, fmt.Errorf("assemble the story of script %d: %w", r.scriptID, err)
	}
	paper := pdf.Letter
	if p.Paper != nil && *p.Paper == storiesapi.A4 {
		paper = pdf.A4
	}
	doc, err := printed(st, r.end == nil && !r.filtered(), paper)
	if err != nil {
		return nil, err
	}
	disposition := attachment(st.script.Title, ".pdf")
	return storiesapi.ExportStoryPdf200ApplicationpdfResponse{Body: bytes.NewReader(doc), ContentLength: int64(len(doc)), Headers: storiesapi.ExportStoryPdf200ResponseHeaders{ContentDisposition: &disposition}}, nil
}

func printed(st story, whole bool, paper pdf.Paper) ([]byte, error) {
	var b bytes.Buffer
	if err := pdf.Render(&b, screenplay(st, whole), pdf.Options{Paper: paper}); err != nil {
		return nil, fmt.Errorf("print the story of script %d: %w", st.script.ScriptId, err)
	}
	return b.Bytes(), nil
}

// exportRequest is the request of an export: the whole story, or a range of it, maybe filtered.
func exportRequest(scriptID int64, start, end *int64, name *string, characterID *int64) (request, *httpapi.Failure) {
	if start != nil && end != nil && *end < *start {
		return request{}, httpapi.Fail(http.StatusBadRequest, codeInvalidRange, "endSequence must not be below startSequence",
			fmt.Sprintf("startSequence %d, endSequence %d", *start, *end))
	}
	return request{scriptID: scriptID, start: start, end: end, limit: wholeStory, whole: true, name: name, characterID: characterID}, nil
}

// attachment is the Content-Disposition naming the file after the script's title.
func attachment(title, ext string) string {
	return mime.FormatMediaType("inline", map[string]string{"filename": title + ext})
}

// fountainFile is the Fountain answer with its charset: the generated answer names the media type
// alone.
type fountainFile storiesapi.ExportStoryFountain200TextxFountainResponse

func (f fountainFile) VisitExportStoryFountainResponse(w http.ResponseWriter) error {
	return storiesapi.ExportStoryFountain200TextxFountainResponse(f).VisitExportStoryFountainResponse(charsetWriter{w})
}

// charsetWriter adds the charset to the Content-Type the generated answer sets.
type charsetWriter struct{ http.ResponseWriter }

func (c charsetWriter) WriteHeader(status int) {
	if ct := c.Header().Get("Content-Type"); ct == mediaFountain {
		c.Header().Set("Content-Type", mediaFountain+"; charset=utf-8")
	}
	c.ResponseWriter.WriteHeader(status)
}

// screenplay is the story as a Fountain document. whole says the answer holds the whole story, so
// that headings after its last element (sections with nothing in them yet) are written too.
func screenplay(st story, whole bool) *fountain.Document {
	d := &fountain.Document{}
	if st.script.TitlePage != nil {
		for _, t := range *st.script.TitlePage {
			d.TitlePage = append(d.TitlePage, fountain.TitleEntry{Key: t.Key, Value: t.Value})
		}
	} else {
		d.TitlePage = append(d.TitlePage, fountain.TitleEntry{Key: "Title", Value: st.script.Title})
		if st.script.Author != nil {
			d.TitlePage = append(d.TitlePage, fountain.TitleEntry{Key: "Author", Value: *st.script.Author})
		}
	}

	// A heading is written before the first element of its section, after the headings before it
	// that hold no element of the answer (an act before its first scene).
	index := make(map[int64]int, len(st.sections))
	holds := map[int64]bool{}
	for i, h := range st.sections {
		index[h.HeadingId] = i
	}
	for _, e := range st.elements {
		if e.SectionId != nil {
			holds[*e.SectionId] = true
		}
	}
	written := make([]bool, len(st.sections))
	next := 0
	heading := func(i int) {
		for ; next < i; next++ {
			if !written[next] && !holds[st.sections[next].HeadingId] {
				written[next] = true
				d.Elements = append(d.Elements, headingElements(st.sections[next])...)
			}
		}
		if !written[i] {
			written[i] = true
			d.Elements = append(d.Elements, headingElements(st.sections[i])...)
		}
		next = max(next, i+1)
	}

	var current int64
	var speaker int64 // the character of the open dialogue block, 0 when none
	for _, e := range st.elements {
		if e.SectionId != nil && *e.SectionId != current {
			current = *e.SectionId
			if i, ok := index[current]; ok && !written[i] {
				heading(i)
				speaker = 0
			}
		}
		switch e.ElementType {
		case storiesapi.StoryElementElementTypeAction:
			speaker = 0
			if e.Action != nil {
				d.Elements = append(d.Elements, actionElement(*e.Action))
			}
		case storiesapi.StoryElementElementTypeTransition:
			speaker = 0
			if e.Transition != nil {
				d.Elements = append(d.Elements, fountain.Element{Kind: fountain.Transition, Text: e.Transition.Text, Forced: isSet(e.Transition.Forced)})
			}
		case storiesapi.StoryElementElementTypeSpokenWord:
			if e.SpokenWord == nil {
				continue
			}
			var who int64
			name := "UNKNOWN"
			if e.Character != nil {
				who, name = e.Character.CharacterId, e.Character.Name
			}
			d.Elements = append(d.Elements, spokenElements(*e.SpokenWord, name, speaker != 0 && speaker == who)...)
			speaker = who
		}
	}
	if whole {
		for i := range st.sections {
			if !written[i] {
				heading(i)
			}
		}
	}
	return d
}

func isSet(b *bool) bool { return b != nil && *b }

func headingElements(h storiesapi.SectionHeading) []fountain.Element {
	var out []fountain.Element
	if h.Kind != nil && *h.Kind == "scene" {
		e := fountain.Element{Kind: fountain.SceneHeading, Text: h.Title, Forced: isSet(h.Forced)}
		if h.SceneNumber != nil {
			e.SceneNumber = *h.SceneNumber
		}
		out = append(out, e)
	} else {
		depth := 1
		if h.Depth != nil {
			depth = *h.Depth
		}
		out = append(out, fountain.Element{Kind: fountain.Section, Text: h.Title, Depth: depth})
	}
	if h.Description != nil {
		for _, line := range strings.Split(*h.Description, "\n") {
			out = append(out, fountain.Element{Kind: fountain.Synopsis, Text: line})
		}
	}
	return out
}

// actionKinds are the elements an action's format writes.
var actionKinds = map[storiesapi.ActionFormat]fountain.Kind{
	storiesapi.ActionFormatAction:    fountain.Action,
	storiesapi.ActionFormatCentered:  fountain.Centered,
	storiesapi.ActionFormatLyrics:    fountain.Lyrics,
	storiesapi.ActionFormatSynopsis:  fountain.Synopsis,
	storiesapi.ActionFormatNote:      fountain.Note,
	storiesapi.ActionFormatBoneyard:  fountain.Boneyard,
	storiesapi.ActionFormatPageBreak: fountain.PageBreak,
}

func actionElement(a storiesapi.Action) fountain.Element {
	kind := fountain.Action
	if a.Format != nil {
		if k, ok := actionKinds[*a.Format]; ok {
			kind = k
		}
	}
	text := a.Description
	if (kind == fountain.Note || kind == fountain.Boneyard) && strings.TrimSpace(text) == "" {
		text = "" // an empty note or boneyard, stored as a space (see importScript)
	}
	return fountain.Element{Kind: kind, Text: text, Forced: isSet(a.Forced)}
}

// spokenElements writes a spoken word: its cue, unless it continues the open block of the same
// character, its parenthetical, and its words.
func spokenElements(w storiesapi.SpokenWord, name string, sameBlock bool) []fountain.Element {
	var out []fountain.Element
	if !isSet(w.ContinuesDialogue) || !sameBlock {
		cue := fountain.Element{Kind: fountain.Character, Name: name, Dual: isSet(w.Dual), Forced: isSet(w.Forced)}
		if w.Extension != nil {
			cue.Extension = *w.Extension
		}
		out = append(out, cue)
	}
	if w.Parenthetical != nil {
		out = append(out, dialogueElements(*w.Parenthetical, fountain.Parenthetical)...)
	}
	kind := fountain.Dialogue
	if isSet(w.Lyric) {
		kind = fountain.Lyrics
	}
	return append(out, dialogueElements(w.Text, kind)...)
}

// dialogueElements splits text of a dialogue block into the elements Fountain reads it as. An
// import keeps a block's parentheticals in one field and those after its last words in the words'
// text, so that is where they come back from; the text is read back as the lines of a dialogue
// block, by the same parser, so that the split follows its rules exactly (an unclosed "(beat", a
// line that only opens with a parenthesis).
func dialogueElements(text string, words fountain.Kind) []fountain.Element {
	whole := []fountain.Element{{Kind: words, Text: text}}
	if words == fountain.Lyrics || !strings.Contains(text, "(") {
		return whole
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			lines[i] = "  " // an empty line inside dialogue, as Fountain writes it
		}
	}
	d, err := fountain.Parse([]byte("X\n" + strings.Join(lines, "\n") + "\n"))
	if err != nil || len(d.Elements) < 2 || d.Elements[0].Kind != fountain.Character {
		return whole
	}
	out := d.Elements[1:]
	for i := range out {
		switch out[i].Kind {
		case fountain.Parenthetical, fountain.Dialogue:
			out[i].Line = 0
		default:
			return whole
		}
	}
	return out
}
