package e2e_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/fountain"
)

func importScreenplay(t *testing.T, c apitest.Clients, doc []byte, key *string) *scriptsapi.ImportScriptResponse {
	t.Helper()
	r, err := c.Scripts.ImportScriptWithBodyWithResponse(context.Background(), &scriptsapi.ImportScriptParams{IdempotencyKey: key}, "text/x-fountain", bytes.NewReader(doc))
	require.NoError(t, err)
	return r
}

func exportScreenplay(t *testing.T, c apitest.Clients, params storiesapi.ExportStoryFountainParams) []byte {
	t.Helper()
	r, err := c.Stories.ExportStoryFountainWithResponse(context.Background(), &params)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.StatusCode(), string(r.Body))
	require.Equal(t, "text/x-fountain; charset=utf-8", r.HTTPResponse.Header.Get("Content-Type"))
	return r.Body
}

// screenplays are the test documents of the fountain package: each covers every element kind.
func screenplays(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	for _, dir := range []string{"screenplays", "compare"} {
		files, err := filepath.Glob(filepath.Join("..", "internal", "fountain", "testdata", dir, "*.fountain"))
		require.NoError(t, err)
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			docs[dir+"/"+filepath.Base(f)] = b
		}
	}
	require.GreaterOrEqual(t, len(docs), 8)
	return docs
}

// sameStory compares two documents element by element, without the lines they start on.
func sameStory(t *testing.T, want, got *fountain.Document, msg string) {
	t.Helper()
	strip := func(d *fountain.Document) []fountain.Element {
		out := make([]fountain.Element, len(d.Elements))
		for i, e := range d.Elements {
			e.Line = 0
			out[i] = e
		}
		return out
	}
	if len(want.TitlePage) > 0 {
		require.Equal(t, want.TitlePage, got.TitlePage, msg)
	}
	require.Equal(t, strip(want), strip(got), msg)
}

// TestScreenplayRoundTrip imports every test screenplay, exports it, and imports the export again:
// the stored story loses nothing the parser read, the export is the document up to the documented
// normalisation, and the second import yields the same story.
func TestScreenplayRoundTrip(t *testing.T) {
	t.Parallel()
	c := newClients(t)
	for name, doc := range screenplays(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			parsed, err := fountain.Parse(doc)
			require.NoError(t, err)
			imported := importScreenplay(t, c, doc, nil)
			require.Equal(t, http.StatusCreated, imported.StatusCode(), string(imported.Body))
			id := imported.JSON201.Script.ScriptId
			require.Equal(t, "/scripts/"+strconv.FormatInt(id, 10), imported.HTTPResponse.Header.Get("Location"))

			exported := exportScreenplay(t, c, storiesapi.ExportStoryFountainParams{ScriptId: id})
			again, err := fountain.Parse(exported)
			require.NoError(t, err, "the export reads back")
			sameStory(t, parsed, again, "export of "+name)
			if len(parsed.TitlePage) == 0 {
				// A script without a title page is exported with one naming its title.
				parsed.TitlePage = []fountain.TitleEntry{{Key: "Title", Value: "Untitled"}}
			}
			require.Equal(t, string(fountain.Format(parsed)), string(exported), "the export writes what was imported")
			if strings.HasPrefix(name, "screenplays/") && bytes.HasPrefix(doc, []byte("Title:")) {
				require.Equal(t, string(fountain.Normalize(doc)), string(exported), "the export is the document, normalised")
			}

			second := importScreenplay(t, c, exported, nil)
			require.Equal(t, http.StatusCreated, second.StatusCode(), string(second.Body))
			require.Equal(t, imported.JSON201.Sections, second.JSON201.Sections)
			require.Equal(t, imported.JSON201.Actions, second.JSON201.Actions)
			require.Equal(t, imported.JSON201.SpokenWords, second.JSON201.SpokenWords)
			require.Equal(t, imported.JSON201.Transitions, second.JSON201.Transitions)
			require.Equal(t, len(imported.JSON201.Characters), len(second.JSON201.Characters))
			require.Equal(t, string(exported), string(exportScreenplay(t, c, storiesapi.ExportStoryFountainParams{ScriptId: second.JSON201.Script.ScriptId})))
		})
	}
}

const lighthouse = `Title: *The* Lighthouse Keeper
Credit: written by
Author: Ada Marsh
Draft date: 5 December 2026

# ACT ONE

EXT. LIGHTHOUSE - NIGHT #1#

= Mara arrives in the storm.

Waves break on the rocks. A lamp turns.

MARA
(shouting)
Is anyone up there?

KEEPER (O.S.)
Go home!

MARA ^
No.

CUT TO:

INT. LAMP ROOM - CONTINUOUS #2#

> THE END <
`

// TestScreenplayImport checks what an import creates, the story's reads, and the ways to send a
// document.
func TestScreenplayImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t)

	r := importScreenplay(t, c, []byte(lighthouse), nil)
	require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
	got := r.JSON201
	require.Equal(t, "The Lighthouse Keeper", got.Script.Title, "the title without its markup")
	require.Equal(t, "Ada Marsh", *got.Script.Author)
	require.NotNil(t, got.Script.TitlePage)
	require.Len(t, *got.Script.TitlePage, 4)
	require.Equal(t, 3, got.Sections)
	require.Equal(t, 1, got.Transitions)
	require.Equal(t, 2, got.Actions, "the action and the centered text")
	require.Equal(t, 3, got.SpokenWords)
	require.Len(t, got.Characters, 2, "MARA twice is one character; the extension makes none")
	require.Equal(t, "MARA", got.Characters[0].Name)
	require.Equal(t, "KEEPER", got.Characters[1].Name)

	story, err := c.Stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: got.Script.ScriptId, Limit: new(100)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, story.StatusCode(), string(story.Body))
	s := story.JSON200
	require.Len(t, s.Story, 6)
	require.Equal(t, "Mara arrives in the storm.", *s.Sections[1].Description, "the synopsis describes its scene")
	require.Equal(t, "1", *s.Sections[1].SceneNumber)
	require.Equal(t, 1, *s.Sections[0].Depth)
	first := s.Story[1].SpokenWord
	require.Equal(t, "(shouting)", *first.Parenthetical)
	require.Equal(t, "(O.S.)", *s.Story[2].SpokenWord.Extension)
	require.True(t, *s.Story[3].SpokenWord.Dual)
	require.Equal(t, storiesapi.StoryElementElementTypeTransition, s.Story[4].ElementType)
	require.Equal(t, storiesapi.ActionFormatCentered, *s.Story[5].Action.Format)

	// The story as Fountain, by Accept on /stories as at its own path, and filtered by character.
	whole := exportScreenplay(t, c, storiesapi.ExportStoryFountainParams{ScriptId: got.Script.ScriptId})
	neg, err := c.Stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: got.Script.ScriptId}, func(_ context.Context, req *http.Request) error {
		req.Header.Set("Accept", "text/x-fountain")
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, neg.StatusCode(), string(neg.Body))
	require.Equal(t, string(whole), string(neg.Body), "without limit, the whole story")
	keeper := exportScreenplay(t, c, storiesapi.ExportStoryFountainParams{ScriptId: got.Script.ScriptId, FilterByCharacter: new("keeper")})
	require.Contains(t, string(keeper), "KEEPER (O.S.)\nGo home!")
	require.NotContains(t, string(keeper), "Is anyone up there?")

	// A form upload titles a script without a title page after its file.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", "Harbour Lights.fountain")
	require.NoError(t, err)
	_, err = part.Write([]byte("EXT. HARBOUR - DAWN\n\nGulls.\n"))
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	up, err := c.Scripts.ImportScriptWithBodyWithResponse(ctx, &scriptsapi.ImportScriptParams{}, mw.FormDataContentType(), &body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, up.StatusCode(), string(up.Body))
	require.Equal(t, "Harbour Lights", up.JSON201.Script.Title)

	// text/plain is read as Fountain too.
	plain, err := c.Scripts.ImportScriptWithTextBodyWithResponse(ctx, &scriptsapi.ImportScriptParams{}, "Title: Plain\n\nINT. ROOM - DAY\n\nA chair.\n")
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, plain.StatusCode(), string(plain.Body))
}

// TestScreenplayImportRefusals: a document that cannot be read is 422 naming its line and rule, and
// leaves nothing behind; a retried upload with its Idempotency-Key creates one script.
func TestScreenplayImportRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t)
	count := func() int64 {
		l, err := c.Scripts.ListScriptsWithResponse(ctx, &scriptsapi.ListScriptsParams{})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, l.StatusCode(), string(l.Body))
		return l.JSON200.TotalCount
	}
	for name, tc := range map[string]struct {
		doc     string
		details string
	}{
		"unclosed boneyard": {"INT. ROOM - DAY\n\nA chair.\n\n/* cut\n\nMARA\nHello.\n", "line 5: boneyard"},
		"unclosed note":     {"INT. ROOM - DAY\n\n[[ a note that never ends\n", "line 3: notes"},
		"dual without pair": {"INT. ROOM - DAY\n\nMARA ^\nHello.\n", "line 3: dual dialogue"},
		"not UTF-8":         {"INT. ROOM - DAY\n\nA \xff chair.\n", "line 3: encoding"},
		"too long heading":  {"INT. " + strings.Repeat("X", 600) + "\n\nA chair.\n", "line 1: section heading"},
	} {
		r := importScreenplay(t, c, []byte(tc.doc), nil)
		require.Equal(t, http.StatusUnprocessableEntity, r.StatusCode(), name+": "+string(r.Body))
		require.Equal(t, "FOUNTAIN_UNREADABLE", r.JSON422.ErrorCode, name)
		require.Contains(t, *r.JSON422.Details, tc.details, name)
	}
	require.Zero(t, count(), "a refused document creates nothing")

	key := "import-lighthouse-1"
	first := importScreenplay(t, c, []byte(lighthouse), &key)
	require.Equal(t, http.StatusCreated, first.StatusCode(), string(first.Body))
	again := importScreenplay(t, c, []byte(lighthouse), &key)
	require.Equal(t, http.StatusCreated, again.StatusCode(), string(again.Body))
	require.Equal(t, "true", again.HTTPResponse.Header.Get("Idempotent-Replayed"))
	require.Equal(t, first.JSON201.Script.ScriptId, again.JSON201.Script.ScriptId)
	require.Equal(t, int64(1), count())
}

// TestScreenplayPDF prints an imported story and reads it back with poppler's pdftotext.
func TestScreenplayPDF(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t)
	r := importScreenplay(t, c, []byte(lighthouse), nil)
	require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
	for _, paper := range []storiesapi.ExportStoryPdfParamsPaper{storiesapi.Letter, storiesapi.A4} {
		p, err := c.Stories.ExportStoryPdfWithResponse(ctx, &storiesapi.ExportStoryPdfParams{ScriptId: r.JSON201.Script.ScriptId, Paper: &paper})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, p.StatusCode(), string(p.Body))
		require.Equal(t, "application/pdf", p.HTTPResponse.Header.Get("Content-Type"))
		require.True(t, bytes.HasPrefix(p.Body, []byte("%PDF-")))
		text := pdfText(t, p.Body)
		require.Contains(t, text, "EXT. LIGHTHOUSE - NIGHT")
		require.Contains(t, text, "Is anyone up there?")
		require.Contains(t, text, "CUT TO:")
		require.Contains(t, text, "The Lighthouse Keeper")
	}
	neg, err := c.Stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: r.JSON201.Script.ScriptId}, func(_ context.Context, req *http.Request) error {
		req.Header.Set("Accept", "application/pdf")
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, neg.StatusCode())
	require.True(t, bytes.HasPrefix(neg.Body, []byte("%PDF-")))
}

func pdfText(t *testing.T, doc []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	require.NoError(t, err, "pdftotext (poppler-utils) is missing: run make test, which installs it")
	f := filepath.Join(t.TempDir(), "story.pdf")
	require.NoError(t, os.WriteFile(f, doc, 0o600))
	out, err := exec.Command(bin, "-layout", f, "-").Output()
	require.NoError(t, err)
	return string(out)
}
