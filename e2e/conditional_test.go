package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/storytest"
)

// ifNoneMatch sends tag as If-None-Match.
func ifNoneMatch(tag string) func(context.Context, *http.Request) error {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("If-None-Match", tag)
		return nil
	}
}

// TestConditionalReads: a client holding the current ETag of a story, a list or an element gets
// 304 and no body; after any change that shows in the representation, including a move that
// changes no version, the same tag gets the new representation.
func TestConditionalReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t)
	w := storytest.WriteBalcony(t, c)
	params := &storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, Limit: new(5000)}

	// The assembled story.
	story, err := c.Stories.GetFullStoryWithResponse(ctx, params)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, story.StatusCode(), string(story.Body))
	tag := story.HTTPResponse.Header.Get("ETag")
	require.True(t, strings.HasPrefix(tag, `W/"`), tag)
	again, err := c.Stories.GetFullStoryWithResponse(ctx, params, ifNoneMatch(tag))
	require.NoError(t, err)
	require.Equal(t, http.StatusNotModified, again.StatusCode())
	require.Empty(t, again.Body)
	require.Equal(t, tag, again.HTTPResponse.Header.Get("ETag"))
	require.NotEmpty(t, again.HTTPResponse.Header.Get("X-Request-Id"))
	for _, header := range []string{`"something else", ` + tag, "*", strings.TrimPrefix(tag, "W/")} {
		r, err := c.Stories.GetFullStoryWithResponse(ctx, params, ifNoneMatch(header))
		require.NoError(t, err)
		require.Equal(t, http.StatusNotModified, r.StatusCode(), "If-None-Match: %s", header)
	}
	stale, err := c.Stories.GetFullStoryWithResponse(ctx, params, ifNoneMatch(`W/"not-the-story"`))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, stale.StatusCode())
	require.Equal(t, story.Body, stale.Body)

	// A line's new text shows: the old tag no longer matches.
	line := w.Elements[23]
	require.Equal(t, "spokenWord", line.Type)
	edit, err := c.Characters.UpdateSpokenWordWithResponse(ctx, line.ID, nil, charactersapi.SpokenWordUpdateRequest{Text: new("O Romeo, Romeo, wherefore art thou Romeo?")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, edit.StatusCode(), string(edit.Body))
	changed, err := c.Stories.GetFullStoryWithResponse(ctx, params, ifNoneMatch(tag))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, changed.StatusCode())
	require.NotEqual(t, tag, changed.HTTPResponse.Header.Get("ETag"))
	require.Contains(t, string(changed.Body), "O Romeo, Romeo, wherefore art thou Romeo?")

	// A list, the same way.
	list, err := c.Characters.ListCharactersWithResponse(ctx, &charactersapi.ListCharactersParams{ScriptId: &w.ScriptID})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, list.StatusCode())
	listTag := list.HTTPResponse.Header.Get("ETag")
	same, err := c.Characters.ListCharactersWithResponse(ctx, &charactersapi.ListCharactersParams{ScriptId: &w.ScriptID}, ifNoneMatch(listTag))
	require.NoError(t, err)
	require.Equal(t, http.StatusNotModified, same.StatusCode())

	// An element's tag names its position: a move, which makes no new version, changes it, and
	// If-Match with the tag a client read still guards an edit by version.
	ayMe, leans := w.Elements[21], w.Elements[19]
	before, err := c.Characters.GetSpokenWordWithResponse(ctx, ayMe.ID)
	require.NoError(t, err)
	require.Equal(t, `"1.22"`, before.HTTPResponse.Header.Get("ETag"))
	move, err := c.Sequence.ReorderElementsWithResponse(ctx, sequenceapi.ReorderRequest{
		ElementType: sequenceapi.SpokenWord, ScriptId: &w.ScriptID, Scope: new("story"),
		Elements: []sequenceapi.ReorderItem{{ElementId: ayMe.ID, NewSequence: 20}, {ElementId: leans.ID, NewSequence: 22}},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, move.StatusCode(), string(move.Body))
	after, err := c.Characters.GetSpokenWordWithResponse(ctx, ayMe.ID, ifNoneMatch(`"1.22"`))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, after.StatusCode(), "a moved line is not the one the client holds")
	require.EqualValues(t, 20, after.JSON200.SequenceNumber)
	require.Equal(t, `"1.20"`, after.HTTPResponse.Header.Get("ETag"))
	held, err := c.Characters.GetSpokenWordWithResponse(ctx, ayMe.ID, ifNoneMatch(`"1.20"`))
	require.NoError(t, err)
	require.Equal(t, http.StatusNotModified, held.StatusCode())
	guarded, err := c.Characters.UpdateSpokenWordWithResponse(ctx, ayMe.ID, &charactersapi.UpdateSpokenWordParams{IfMatch: new(`"1.22"`)},
		charactersapi.SpokenWordUpdateRequest{Text: new("Ay me.")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, guarded.StatusCode(), "If-Match compares the version: %s", guarded.Body)
	require.Equal(t, `"2.20"`, guarded.HTTPResponse.Header.Get("ETag"))

	// HEAD answers as GET does.
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, c.URL+"/characters/"+strconv.FormatInt(w.Characters["ROMEO"], 10), nil)
	require.NoError(t, err)
	req.Header.Set("If-None-Match", `"1"`)
	head, err := c.HTTP.Do(req)
	require.NoError(t, err)
	require.NoError(t, head.Body.Close())
	require.Equal(t, http.StatusNotModified, head.StatusCode)
}

// TestCreatedLocations: every 201 names what it created in Location, and reading that path gives
// back what the 201 carried.
func TestCreatedLocations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t)

	var created []*http.Response
	script, err := c.Scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{Title: "Locations"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, script.StatusCode(), string(script.Body))
	id := script.JSON201.ScriptId
	created = append(created, script.HTTPResponse)
	section, err := c.Scripts.AddSectionHeadingWithResponse(ctx, id, nil, scriptsapi.SectionHeadingCreateRequest{Title: "Scene 1"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, section.StatusCode(), string(section.Body))
	created = append(created, section.HTTPResponse)
	transition, err := c.Scripts.CreateTransitionWithResponse(ctx, id, nil, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, transition.StatusCode(), string(transition.Body))
	created = append(created, transition.HTTPResponse)
	character, err := c.Characters.CreateCharacterWithResponse(ctx, nil, charactersapi.CharacterCreateRequest{Name: "ROMEO", Description: "R"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, character.StatusCode(), string(character.Body))
	who := character.JSON201.CharacterId
	created = append(created, character.HTTPResponse)
	action, err := c.Characters.CreateActionWithResponse(ctx, nil, charactersapi.ActionCreateRequest{ScriptId: id, CharacterId: &who, Description: "Enters."})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, action.StatusCode(), string(action.Body))
	created = append(created, action.HTTPResponse)
	line, err := c.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{ScriptId: id, CharacterId: &who, Text: "Hello."})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, line.StatusCode(), string(line.Body))
	created = append(created, line.HTTPResponse)
	for _, p := range []func() (*http.Response, error){
		func() (*http.Response, error) {
			r, err := c.Characters.CreateCharacterParaphraseWithResponse(ctx, who, nil, charactersapi.ParaphraseCreateRequest{Text: "R.", Commentary: ""})
			return r.HTTPResponse, err
		},
		func() (*http.Response, error) {
			r, err := c.Characters.CreateActionParaphraseWithResponse(ctx, action.JSON201.ActionId, nil, charactersapi.ParaphraseCreateRequest{Text: "Comes in.", Commentary: ""})
			return r.HTTPResponse, err
		},
		func() (*http.Response, error) {
			r, err := c.Characters.CreateSpokenWordParaphraseWithResponse(ctx, line.JSON201.DialogueId, nil, charactersapi.ParaphraseCreateRequest{Text: "Hi.", Commentary: ""})
			return r.HTTPResponse, err
		},
		func() (*http.Response, error) {
			r, err := c.Sessions.CreateSessionWithResponse(ctx, nil, sessionsapi.SessionRequest{UserId: 1, Context: new("drafting")})
			return r.HTTPResponse, err
		},
		func() (*http.Response, error) {
			r, err := c.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{
				ScriptId: id, CharacterId: who, StartSequence: 1, Context: json.RawMessage(`{"mood":"calm"}`)})
			return r.HTTPResponse, err
		},
		func() (*http.Response, error) {
			r, err := c.Sequence.CreateVersionWithResponse(ctx, nil, sequenceapi.VersionRequest{
				ElementType: sequenceapi.Action, ElementId: action.JSON201.ActionId, NewVersionData: json.RawMessage(`{"description":"Enters."}`)})
			return r.HTTPResponse, err
		},
	} {
		r, err := p()
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, r.StatusCode, r.Request.URL.Path)
		created = append(created, r)
	}
	for _, r := range created {
		where := r.Header.Get("Location")
		require.True(t, strings.HasPrefix(where, "/"), "%s %s: Location %q", r.Request.Method, r.Request.URL.Path, where)
		read, err := c.HTTP.Get(c.URL + where)
		require.NoError(t, err)
		require.NoError(t, read.Body.Close())
		require.Equal(t, http.StatusOK, read.StatusCode, "GET %s, the Location of %s %s", where, r.Request.Method, r.Request.URL.Path)
		if tag := r.Header.Get("ETag"); tag != "" {
			require.Equal(t, tag, read.Header.Get("ETag"), "GET %s reads what %s created", where, r.Request.URL.Path)
		}
	}
}
