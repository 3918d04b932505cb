package sessions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

func createContext(t *testing.T, c *sessionsapi.ClientWithResponses, body sessionsapi.CharacterContextRequest) sessionsapi.CharacterContext {
	t.Helper()
	resp, err := c.CreateCharacterContextWithResponse(context.Background(), nil, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	require.Equal(t, fmt.Sprintf(`"%d"`, resp.JSON201.Version), resp.HTTPResponse.Header.Get("ETag"))
	return *resp.JSON201
}

func getContext(t *testing.T, c *sessionsapi.ClientWithResponses, id int64) sessionsapi.CharacterContext {
	t.Helper()
	resp, err := c.GetCharacterContextWithResponse(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	require.Equal(t, fmt.Sprintf(`"%d"`, resp.JSON200.Version), resp.HTTPResponse.Header.Get("ETag"))
	return *resp.JSON200
}

func listContexts(t *testing.T, c *sessionsapi.ClientWithResponses, p sessionsapi.ListCharacterContextsParams) sessionsapi.CharacterContextList {
	t.Helper()
	resp, err := c.ListCharacterContextsWithResponse(context.Background(), &p)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return *resp.JSON200
}

func contextIDs(items []sessionsapi.CharacterContext) []int64 {
	ids := []int64{}
	for _, i := range items {
		ids = append(ids, i.ContextId)
	}
	return ids
}

func TestCharacterContextLifecycle(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	ctx := context.Background()
	script, juliet, romeo := e.newScript(t), e.newCharacter(t), e.newCharacter(t)

	created := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{
		ScriptId: script, CharacterId: juliet, StartSequence: 12,
		Context: json.RawMessage(`{"mood":"longing","location":"balcony","aside":"She speaks, yet she says nothing: \"what of that?\""}`),
	})
	require.Equal(t, script, created.ScriptId)
	require.Equal(t, juliet, created.CharacterId)
	require.EqualValues(t, 12, created.StartSequence)
	require.JSONEq(t, `{"mood":"longing","location":"balcony","aside":"She speaks, yet she says nothing: \"what of that?\""}`, string(created.Context))
	require.EqualValues(t, 1, created.Version)
	require.Equal(t, created, getContext(t, e.Sessions, created.ContextId))

	// PUT replaces every field, moving the context to another character and start.
	put, err := e.Sessions.ReplaceCharacterContextWithResponse(ctx, created.ContextId, nil, sessionsapi.CharacterContextRequest{
		ScriptId: script, CharacterId: romeo, StartSequence: 14, Context: json.RawMessage(`{"mood":"longing, then resolved"}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode(), string(put.Body))
	require.Equal(t, romeo, put.JSON200.CharacterId)
	require.EqualValues(t, 14, put.JSON200.StartSequence)
	require.JSONEq(t, `{"mood":"longing, then resolved"}`, string(put.JSON200.Context))
	require.EqualValues(t, 2, put.JSON200.Version)
	require.Equal(t, `"2"`, put.HTTPResponse.Header.Get("ETag"))
	require.Equal(t, created.CreatedAt, put.JSON200.CreatedAt)

	// PATCH changes what it names and keeps the rest; a context replaces the whole object.
	patch, err := e.Sessions.UpdateCharacterContextWithResponse(ctx, created.ContextId, nil, sessionsapi.CharacterContextUpdateRequest{
		Context: raw(`{"weather":"night, \"bright as day\""}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	require.JSONEq(t, `{"weather":"night, \"bright as day\""}`, string(patch.JSON200.Context))
	require.Equal(t, romeo, patch.JSON200.CharacterId)
	require.EqualValues(t, 14, patch.JSON200.StartSequence)
	require.EqualValues(t, 3, patch.JSON200.Version)
	patch, err = e.Sessions.UpdateCharacterContextWithResponse(ctx, created.ContextId, nil, sessionsapi.CharacterContextUpdateRequest{
		CharacterId: new(juliet), StartSequence: new(int64(2)),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	require.Equal(t, juliet, patch.JSON200.CharacterId)
	require.EqualValues(t, 2, patch.JSON200.StartSequence)
	require.JSONEq(t, `{"weather":"night, \"bright as day\""}`, string(patch.JSON200.Context))
	require.Equal(t, *patch.JSON200, getContext(t, e.Sessions, created.ContextId))

	del, err := e.Sessions.DeleteCharacterContextWithResponse(ctx, created.ContextId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode())

	get, err := e.Sessions.GetCharacterContextWithResponse(ctx, created.ContextId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, get.StatusCode())
	require.Equal(t, "NOT_FOUND", get.JSON404.ErrorCode)
	del, err = e.Sessions.DeleteCharacterContextWithResponse(ctx, created.ContextId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, del.StatusCode())
	patch, err = e.Sessions.UpdateCharacterContextWithResponse(ctx, created.ContextId, nil, sessionsapi.CharacterContextUpdateRequest{StartSequence: new(int64(3))})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, patch.StatusCode())
	put, err = e.Sessions.ReplaceCharacterContextWithResponse(ctx, created.ContextId, nil, sessionsapi.CharacterContextRequest{
		ScriptId: script, CharacterId: juliet, StartSequence: 1, Context: json.RawMessage(`{}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, put.StatusCode())
}

// TestCharacterContextValuesRoundTrip: structured values with commas and quotes come back as sent.
func TestCharacterContextValuesRoundTrip(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	script, character := e.newScript(t), e.newCharacter(t)
	values := []string{
		`{"mood":"longing, then resolved","location":"Capulet's orchard, \"below the balcony\""}`,
		`{"list":["a,b","\"c\"",1.50,-0,true,null],"deep":{"deeper":{"deepest":"\\,\""}}}`,
		`{"big":98765432109876543210,"unicode":"Ärger 名前 🌹","html":"<i>&</i>"}`,
		`{}`,
	}
	for i, v := range values {
		c := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: int64(i + 1), Context: json.RawMessage(v)})
		require.JSONEq(t, v, string(c.Context))
		require.JSONEq(t, v, string(getContext(t, e.Sessions, c.ContextId).Context))
		list := listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{ScriptId: &script, AtSequence: new(int64(i + 1))})
		require.Len(t, list.Items, 1)
		require.JSONEq(t, v, string(list.Items[0].Context))
	}
	c := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 99, Context: json.RawMessage(`{"n":98765432109876543210}`)})
	require.Contains(t, string(c.Context), "98765432109876543210", "numbers keep their digits")
}

// TestCharacterContextUnknownReferences: a script or character that does not exist is 422 and
// nothing is stored or changed.
func TestCharacterContextUnknownReferences(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	ctx := context.Background()
	script, character := e.newScript(t), e.newCharacter(t)
	const unknown = int64(999999)

	for _, tc := range []struct {
		script, character int64
		code              string
	}{
		{unknown, character, "SCRIPT_NOT_FOUND"},
		{script, unknown, "CHARACTER_NOT_FOUND"},
		{unknown, unknown, "SCRIPT_NOT_FOUND"},
	} {
		resp, err := e.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{
			ScriptId: tc.script, CharacterId: tc.character, StartSequence: 1, Context: json.RawMessage(`{"mood":"x"}`),
		})
		require.NoError(t, err)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode(), string(resp.Body))
		require.Equal(t, tc.code, resp.JSON422.ErrorCode)
	}
	require.Zero(t, listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{}).TotalCount, "nothing stored")

	c := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 1, Context: json.RawMessage(`{"mood":"x"}`)})
	put, err := e.Sessions.ReplaceCharacterContextWithResponse(ctx, c.ContextId, nil, sessionsapi.CharacterContextRequest{
		ScriptId: unknown, CharacterId: character, StartSequence: 1, Context: json.RawMessage(`{}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, put.StatusCode())
	require.Equal(t, "SCRIPT_NOT_FOUND", put.JSON422.ErrorCode)
	patch, err := e.Sessions.UpdateCharacterContextWithResponse(ctx, c.ContextId, nil, sessionsapi.CharacterContextUpdateRequest{CharacterId: new(unknown)})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, patch.StatusCode())
	require.Equal(t, "CHARACTER_NOT_FOUND", patch.JSON422.ErrorCode)
	require.Equal(t, c, getContext(t, e.Sessions, c.ContextId), "nothing changed")
}

// TestCharacterContextExists: one context per character, script and start position.
func TestCharacterContextExists(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	ctx := context.Background()
	script, character, other := e.newScript(t), e.newCharacter(t), e.newCharacter(t)
	first := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 12, Context: json.RawMessage(`{"mood":"a"}`)})

	dup, err := e.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{
		ScriptId: script, CharacterId: character, StartSequence: 12, Context: json.RawMessage(`{"mood":"b"}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, dup.StatusCode())
	require.Equal(t, "CONTEXT_EXISTS", dup.JSON409.ErrorCode)
	require.Contains(t, *dup.JSON409.Details, fmt.Sprintf("contextId %d", first.ContextId), "names the context to change instead")

	// Same start for another character, or another start for the same one: fine.
	second := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: other, StartSequence: 12, Context: json.RawMessage(`{}`)})
	third := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 13, Context: json.RawMessage(`{}`)})

	// Moving onto another context's place is a conflict too, and changes nothing.
	patch, err := e.Sessions.UpdateCharacterContextWithResponse(ctx, third.ContextId, nil, sessionsapi.CharacterContextUpdateRequest{StartSequence: new(int64(12))})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, patch.StatusCode())
	require.Equal(t, "CONTEXT_EXISTS", patch.JSON409.ErrorCode)
	require.Contains(t, *patch.JSON409.Details, fmt.Sprintf("contextId %d", first.ContextId))
	put, err := e.Sessions.ReplaceCharacterContextWithResponse(ctx, second.ContextId, nil, sessionsapi.CharacterContextRequest{
		ScriptId: script, CharacterId: character, StartSequence: 12, Context: json.RawMessage(`{}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, put.StatusCode())
	require.Equal(t, third, getContext(t, e.Sessions, third.ContextId))
	require.Equal(t, second, getContext(t, e.Sessions, second.ContextId))
	require.EqualValues(t, 3, listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{}).TotalCount)
}

// TestCharacterContextIfMatch: a stale If-Match is 412 for PUT, PATCH and DELETE, and changes nothing.
func TestCharacterContextIfMatch(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	ctx := context.Background()
	script, character := e.newScript(t), e.newCharacter(t)
	c := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 1, Context: json.RawMessage(`{"v":1}`)})
	ok, err := e.Sessions.UpdateCharacterContextWithResponse(ctx, c.ContextId, &sessionsapi.UpdateCharacterContextParams{IfMatch: new(`"1"`)},
		sessionsapi.CharacterContextUpdateRequest{Context: raw(`{"v":2}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, ok.StatusCode())
	current := getContext(t, e.Sessions, c.ContextId)

	stale := new(`"1"`)
	patch, err := e.Sessions.UpdateCharacterContextWithResponse(ctx, c.ContextId, &sessionsapi.UpdateCharacterContextParams{IfMatch: stale},
		sessionsapi.CharacterContextUpdateRequest{Context: raw(`{"v":"lost"}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, patch.StatusCode())
	require.Equal(t, "PRECONDITION_FAILED", patch.JSON412.ErrorCode)
	require.Contains(t, *patch.JSON412.Details, `"2"`)
	put, err := e.Sessions.ReplaceCharacterContextWithResponse(ctx, c.ContextId, &sessionsapi.ReplaceCharacterContextParams{IfMatch: stale},
		sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 5, Context: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, put.StatusCode())
	// A stale If-Match is answered before references are checked: an unknown script is not the news.
	putUnknown, err := e.Sessions.ReplaceCharacterContextWithResponse(ctx, c.ContextId, &sessionsapi.ReplaceCharacterContextParams{IfMatch: stale},
		sessionsapi.CharacterContextRequest{ScriptId: 999999, CharacterId: character, StartSequence: 5, Context: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, putUnknown.StatusCode())
	del, err := e.Sessions.DeleteCharacterContextWithResponse(ctx, c.ContextId, &sessionsapi.DeleteCharacterContextParams{IfMatch: stale})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, del.StatusCode())
	require.Equal(t, current, getContext(t, e.Sessions, c.ContextId), "nothing changed")

	star, err := e.Sessions.ReplaceCharacterContextWithResponse(ctx, c.ContextId, &sessionsapi.ReplaceCharacterContextParams{IfMatch: new("*")},
		sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 5, Context: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, star.StatusCode())
	require.EqualValues(t, 3, star.JSON200.Version)
	gone, err := e.Sessions.DeleteCharacterContextWithResponse(ctx, c.ContextId, &sessionsapi.DeleteCharacterContextParams{IfMatch: new(`"3"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, gone.StatusCode())
	missing, err := e.Sessions.UpdateCharacterContextWithResponse(ctx, c.ContextId, &sessionsapi.UpdateCharacterContextParams{IfMatch: new(`"3"`)},
		sessionsapi.CharacterContextUpdateRequest{Context: raw(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode(), "a missing context is 404 with If-Match too")
}

// TestContextInForce: with atSequence, each character's context with the greatest startSequence at
// or before that position.
func TestContextInForce(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	script, otherScript := e.newScript(t), e.newScript(t)
	juliet, romeo, nurse := e.newCharacter(t), e.newCharacter(t), e.newCharacter(t)
	mk := func(script, character, start int64, mood string) sessionsapi.CharacterContext {
		return createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{
			ScriptId: script, CharacterId: character, StartSequence: start, Context: json.RawMessage(fmt.Sprintf(`{"mood":%q}`, mood)),
		})
	}
	j1, j5, j12 := mk(script, juliet, 1, "restless"), mk(script, juliet, 5, "curious"), mk(script, juliet, 12, "longing")
	r3, r20 := mk(script, romeo, 3, "lovesick"), mk(script, romeo, 20, "desperate")
	n8 := mk(script, nurse, 8, "fussing")
	mk(otherScript, juliet, 1, "elsewhere")

	inForce := func(at int64, character *int64) []int64 {
		return contextIDs(listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{ScriptId: &script, CharacterId: character, AtSequence: &at}).Items)
	}
	// Ordered by characterId, which the ids were created in.
	require.Equal(t, []int64{j1.ContextId}, inForce(1, nil), "romeo and the nurse have none yet")
	require.Equal(t, []int64{j1.ContextId, r3.ContextId}, inForce(4, nil))
	require.Equal(t, []int64{j5.ContextId, r3.ContextId}, inForce(5, nil), "a context is in force from its own start")
	require.Equal(t, []int64{j5.ContextId, r3.ContextId, n8.ContextId}, inForce(11, nil))
	require.Equal(t, []int64{j12.ContextId, r3.ContextId, n8.ContextId}, inForce(12, nil))
	require.Equal(t, []int64{j12.ContextId, r20.ContextId, n8.ContextId}, inForce(1000, nil))
	require.Equal(t, []int64{r3.ContextId}, inForce(19, &romeo))
	require.Empty(t, inForce(2, &romeo))

	page := listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{ScriptId: &script, AtSequence: new(int64(12)), Limit: new(2), Offset: new(int64(1))})
	require.Equal(t, []int64{r3.ContextId, n8.ContextId}, contextIDs(page.Items))
	require.EqualValues(t, 3, page.TotalCount, "one per character")
	require.Equal(t, 2, page.Limit)
	require.EqualValues(t, 1, page.Offset)

	// Deleting a context puts the previous one back in force.
	del, err := e.Sessions.DeleteCharacterContextWithResponse(context.Background(), j12.ContextId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode())
	require.Equal(t, []int64{j5.ContextId}, inForce(12, &juliet))

	noScript, err := e.Sessions.ListCharacterContextsWithResponse(context.Background(), &sessionsapi.ListCharacterContextsParams{AtSequence: new(int64(5))})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, noScript.StatusCode())
	require.Equal(t, "FILTER_REQUIRED", noScript.JSON400.ErrorCode)
	status, _, body := e.Do(t, http.MethodGet, fmt.Sprintf("/characterContexts?scriptId=%d&atSequence=0", script), "")
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, body))
}

func TestListCharacterContexts(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	s1, s2 := e.newScript(t), e.newScript(t)
	c1, c2 := e.newCharacter(t), e.newCharacter(t)
	// Created out of order; listed by script, character and start.
	b := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: s1, CharacterId: c1, StartSequence: 9, Context: json.RawMessage(`{}`)})
	a := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: s1, CharacterId: c1, StartSequence: 2, Context: json.RawMessage(`{}`)})
	c := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: s1, CharacterId: c2, StartSequence: 1, Context: json.RawMessage(`{}`)})
	d := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: s2, CharacterId: c1, StartSequence: 1, Context: json.RawMessage(`{}`)})

	all := listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{})
	require.Equal(t, []int64{a.ContextId, b.ContextId, c.ContextId, d.ContextId}, contextIDs(all.Items))
	require.EqualValues(t, 4, all.TotalCount)
	require.Equal(t, 100, all.Limit)
	require.Equal(t, []int64{a.ContextId, b.ContextId, c.ContextId}, contextIDs(listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{ScriptId: &s1}).Items))
	require.Equal(t, []int64{a.ContextId, b.ContextId, d.ContextId}, contextIDs(listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{CharacterId: &c1}).Items))
	require.Equal(t, []int64{c.ContextId}, contextIDs(listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{ScriptId: &s1, CharacterId: &c2}).Items))
	page := listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{ScriptId: &s1, Limit: new(2), Offset: new(int64(2))})
	require.Equal(t, []int64{c.ContextId}, contextIDs(page.Items))
	require.EqualValues(t, 3, page.TotalCount)
	require.Empty(t, listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{ScriptId: new(int64(999999))}).Items, "an unknown script matches nothing")

	for _, q := range []string{"limit=0", "limit=1001", "offset=-1", "scriptId=0", "characterId=x"} {
		status, _, body := e.Do(t, http.MethodGet, "/characterContexts?"+q, "")
		require.Equal(t, http.StatusBadRequest, status, q)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, body), q)
	}
}

// TestDeleteCharacterContextsInBulk: the cascade the scripts and characters services call.
func TestDeleteCharacterContextsInBulk(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	ctx := context.Background()
	s1, s2 := e.newScript(t), e.newScript(t)
	c1, c2 := e.newCharacter(t), e.newCharacter(t)
	for _, s := range []int64{s1, s2} {
		for _, c := range []int64{c1, c2} {
			for start := int64(1); start <= 3; start++ {
				createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: s, CharacterId: c, StartSequence: start, Context: json.RawMessage(`{}`)})
			}
		}
	}
	deleted := func(p sessionsapi.DeleteCharacterContextsParams) int64 {
		resp, err := e.Sessions.DeleteCharacterContextsWithResponse(ctx, &p)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		return resp.JSON200.DeletedCount
	}

	none, err := e.Sessions.DeleteCharacterContextsWithResponse(ctx, &sessionsapi.DeleteCharacterContextsParams{})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, none.StatusCode())
	require.Equal(t, "FILTER_REQUIRED", none.JSON400.ErrorCode)
	require.EqualValues(t, 12, listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{}).TotalCount, "a bare request deletes nothing")

	require.EqualValues(t, 3, deleted(sessionsapi.DeleteCharacterContextsParams{ScriptId: &s1, CharacterId: &c1}))
	require.EqualValues(t, 3, deleted(sessionsapi.DeleteCharacterContextsParams{ScriptId: &s1}), "the rest of script 1")
	require.EqualValues(t, 3, deleted(sessionsapi.DeleteCharacterContextsParams{CharacterId: &c2}), "character 2 in script 2")
	require.EqualValues(t, 0, deleted(sessionsapi.DeleteCharacterContextsParams{ScriptId: &s1}), "nothing left is not an error")
	left := listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{})
	require.EqualValues(t, 3, left.TotalCount)
	for _, c := range left.Items {
		require.Equal(t, s2, c.ScriptId)
		require.Equal(t, c1, c.CharacterId)
	}
}

func TestCharacterContextBadRequests(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	script, character := e.newScript(t), e.newCharacter(t)
	c := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 1, Context: json.RawMessage(`{"kept":true}`)})
	one := fmt.Sprintf("/characterContexts/%d", c.ContextId)
	valid := func(override string) string {
		return fmt.Sprintf(`{"scriptId":%d,"characterId":%d,"startSequence":2,"context":%s}`, script, character, override)
	}
	cases := []struct{ name, method, url, body, code string }{
		{"start 0", http.MethodPost, "/characterContexts", fmt.Sprintf(`{"scriptId":%d,"characterId":%d,"startSequence":0,"context":{}}`, script, character), "VALIDATION_FAILED"},
		{"no context", http.MethodPost, "/characterContexts", fmt.Sprintf(`{"scriptId":%d,"characterId":%d,"startSequence":2}`, script, character), "VALIDATION_FAILED"},
		{"text context", http.MethodPost, "/characterContexts", valid(`"mood=longing, location=balcony"`), "VALIDATION_FAILED"},
		{"array context", http.MethodPost, "/characterContexts", valid(`["longing"]`), "VALIDATION_FAILED"},
		{"NUL value", http.MethodPost, "/characterContexts", valid(`{"mood":"a\u0000"}`), "VALIDATION_FAILED"},
		{"unknown field", http.MethodPost, "/characterContexts", `{"scriptId":1,"characterId":1,"startSequence":2,"context":{},"data":{}}`, "VALIDATION_FAILED"},
		{"malformed", http.MethodPost, "/characterContexts", `{"scriptId":`, "MALFORMED_JSON"},
		{"empty patch", http.MethodPatch, one, `{}`, "VALIDATION_FAILED"},
		{"patch NUL", http.MethodPatch, one, `{"context":{"\u0000":1}}`, "VALIDATION_FAILED"},
		{"patch start 0", http.MethodPatch, one, `{"startSequence":0}`, "VALIDATION_FAILED"},
		{"put partial", http.MethodPut, one, `{"context":{}}`, "VALIDATION_FAILED"},
		{"id 0", http.MethodGet, "/characterContexts/0", ``, "VALIDATION_FAILED"},
	}
	for _, tc := range cases {
		status, _, body := e.Do(t, tc.method, tc.url, tc.body)
		require.Equal(t, http.StatusBadRequest, status, "%s: %s", tc.name, body)
		require.Equal(t, tc.code, apitest.ErrorCode(t, body), tc.name)
	}
	require.EqualValues(t, 1, listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{}).TotalCount, "nothing was created")
	require.Equal(t, c, getContext(t, e.Sessions, c.ContextId), "nothing was changed")
}

// TestCreateCharacterContextIdempotencyKey: a repeated key replays the first response, also when the
// first answer was an error, and creates nothing.
func TestCreateCharacterContextIdempotencyKey(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	ctx := context.Background()
	script, character := e.newScript(t), e.newCharacter(t)
	body := sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 3, Context: json.RawMessage(`{"mood":"a, \"b\""}`)}
	key := &sessionsapi.CreateCharacterContextParams{IdempotencyKey: new("balcony-juliet-3")}

	first, err := e.Sessions.CreateCharacterContextWithResponse(ctx, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, first.StatusCode(), string(first.Body))
	again, err := e.Sessions.CreateCharacterContextWithResponse(ctx, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, again.StatusCode(), "a replay, not a CONTEXT_EXISTS conflict")
	require.Equal(t, "true", again.HTTPResponse.Header.Get("Idempotent-Replayed"))
	require.Equal(t, *first.JSON201, *again.JSON201)
	require.EqualValues(t, 1, listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{}).TotalCount)

	reused, err := e.Sessions.CreateCharacterContextWithResponse(ctx, key, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 4, Context: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, reused.StatusCode())
	require.Equal(t, "IDEMPOTENCY_KEY_REUSED", reused.JSON409.ErrorCode)
	require.EqualValues(t, 1, listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{}).TotalCount)
}
