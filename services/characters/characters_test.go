package characters_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
)

func TestCharacterLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	romeo := e.character(t, "ROMEO")
	require.EqualValues(t, 1, romeo.Version)

	got, err := e.Characters.GetCharacterWithResponse(bg, romeo.CharacterId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	require.Equal(t, romeo, *got.JSON200)
	require.Equal(t, `"1"`, got.HTTPResponse.Header.Get("ETag"))

	missing, err := e.Characters.GetCharacterWithResponse(bg, 999)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())
	require.Equal(t, "NOT_FOUND", missing.JSON404.ErrorCode)

	for name, body := range map[string]string{
		"missing description": `{"name":"ROMEO"}`,
		"empty name":          `{"name":"","description":"x"}`,
		"long name":           `{"name":"` + strings.Repeat("R", 101) + `","description":"x"}`,
		"unknown field":       `{"name":"ROMEO","description":"x","scriptId":1}`,
	} {
		resp, err := e.Characters.CreateCharacterWithBodyWithResponse(bg, nil, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), name)
	}
	bad, err := e.Characters.CreateCharacterWithBodyWithResponse(bg, nil, "application/json", strings.NewReader(`{"name":`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, bad.StatusCode())
	require.Equal(t, "MALFORMED_JSON", bad.JSON400.ErrorCode)

	// PUT replaces, with If-Match.
	put, err := e.Characters.ReplaceCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.ReplaceCharacterParams{IfMatch: new(`"1"`)},
		charactersapi.CharacterReplaceRequest{Name: "Romeo", Description: "Son of Montague."})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode(), string(put.Body))
	require.EqualValues(t, 2, put.JSON200.Version)
	require.Equal(t, "Son of Montague.", put.JSON200.Description)
	require.Equal(t, `"2"`, put.HTTPResponse.Header.Get("ETag"))
	stalePut, err := e.Characters.ReplaceCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.ReplaceCharacterParams{IfMatch: new(`"1"`)},
		charactersapi.CharacterReplaceRequest{Name: "X", Description: "Y"})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stalePut.StatusCode())
	require.Equal(t, "PRECONDITION_FAILED", stalePut.JSON412.ErrorCode)
	putMissing, err := e.Characters.ReplaceCharacterWithResponse(bg, 999, nil, charactersapi.CharacterReplaceRequest{Name: "X", Description: "Y"})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, putMissing.StatusCode())

	// PATCH changes only what it names.
	patch, err := e.Characters.UpdateCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.UpdateCharacterParams{IfMatch: new("*")},
		charactersapi.CharacterUpdateRequest{Name: new("ROMEO")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	require.Equal(t, "ROMEO", patch.JSON200.Name)
	require.Equal(t, "Son of Montague.", patch.JSON200.Description)
	require.EqualValues(t, 3, patch.JSON200.Version)
	stalePatch, err := e.Characters.UpdateCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.UpdateCharacterParams{IfMatch: new(`"2"`)},
		charactersapi.CharacterUpdateRequest{Name: new("X")})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stalePatch.StatusCode())
	emptyPatch, err := e.Characters.UpdateCharacterWithBodyWithResponse(bg, romeo.CharacterId, nil, "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, emptyPatch.StatusCode())
	nullPatch, err := e.Characters.UpdateCharacterWithBodyWithResponse(bg, romeo.CharacterId, nil, "application/json", strings.NewReader(`{"name":null}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, nullPatch.StatusCode())
	patchMissing, err := e.Characters.UpdateCharacterWithResponse(bg, 999, nil, charactersapi.CharacterUpdateRequest{Name: new("X")})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, patchMissing.StatusCode())
	badIfMatch, err := e.Characters.UpdateCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.UpdateCharacterParams{IfMatch: new("3")},
		charactersapi.CharacterUpdateRequest{Name: new("X")})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, badIfMatch.StatusCode(), "an If-Match must be a quoted version")
	huge, err := e.Characters.UpdateCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.UpdateCharacterParams{IfMatch: new(`"9999999999999999999"`)},
		charactersapi.CharacterUpdateRequest{Name: new("X")})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, huge.StatusCode(), "a version beyond int64 matches nothing")

	// DELETE, with If-Match.
	staleDel, err := e.Characters.DeleteCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.DeleteCharacterParams{IfMatch: new(`"2"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, staleDel.StatusCode())
	del, err := e.Characters.DeleteCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.DeleteCharacterParams{IfMatch: new(`"3"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	again, err := e.Characters.DeleteCharacterWithResponse(bg, romeo.CharacterId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, again.StatusCode())
}

func TestCreateCharacterIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	body := charactersapi.CharacterCreateRequest{Name: "JULIET", Description: "Daughter of Capulet."}
	key := &charactersapi.CreateCharacterParams{IdempotencyKey: new("juliet-1")}
	first, err := e.Characters.CreateCharacterWithResponse(bg, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, first.StatusCode())
	second, err := e.Characters.CreateCharacterWithResponse(bg, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, second.StatusCode())
	require.Equal(t, *first.JSON201, *second.JSON201, "a replay answers the first response")
	require.Equal(t, "true", second.HTTPResponse.Header.Get("Idempotent-Replayed"))
	require.Equal(t, 1, e.rows(t, "characters"), "a replay creates nothing")

	reused, err := e.Characters.CreateCharacterWithResponse(bg, key, charactersapi.CharacterCreateRequest{Name: "NURSE", Description: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, reused.StatusCode())
	require.Equal(t, "IDEMPOTENCY_KEY_REUSED", reused.JSON409.ErrorCode)
}

func TestListCharacters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	romeo := e.character(t, "ROMEO")
	juliet := e.character(t, "JULIET")
	nurse := e.character(t, "NURSE")
	otherRomeo := e.character(t, "romeo")
	verona, mantua := e.script(t, "Verona"), e.script(t, "Mantua")
	e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, CharacterId: &juliet.CharacterId, Text: "Ay me!"})
	e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, CharacterId: &nurse.CharacterId, Description: "Knocks within."})
	e.action(t, charactersapi.ActionCreateRequest{ScriptId: mantua, CharacterId: &romeo.CharacterId, Description: "Enters."})

	ids := func(p *charactersapi.ListCharactersParams) ([]int64, int64) {
		t.Helper()
		resp, err := e.Characters.ListCharactersWithResponse(bg, p)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		var out []int64
		for _, c := range resp.JSON200.Items {
			out = append(out, c.CharacterId)
		}
		return out, resp.JSON200.TotalCount
	}
	all, total := ids(nil)
	require.Equal(t, []int64{romeo.CharacterId, juliet.CharacterId, nurse.CharacterId, otherRomeo.CharacterId}, all)
	require.EqualValues(t, 4, total)

	got, total := ids(&charactersapi.ListCharactersParams{Name: new("Romeo")})
	require.Equal(t, []int64{romeo.CharacterId, otherRomeo.CharacterId}, got, "the name matches ignoring case")
	require.EqualValues(t, 2, total)
	got, _ = ids(&charactersapi.ListCharactersParams{Ids: &[]int64{nurse.CharacterId, juliet.CharacterId, 999}})
	require.Equal(t, []int64{juliet.CharacterId, nurse.CharacterId}, got)
	got, _ = ids(&charactersapi.ListCharactersParams{ScriptId: &verona})
	require.Equal(t, []int64{juliet.CharacterId, nurse.CharacterId}, got, "characters with an action or a spoken word in the script")
	got, _ = ids(&charactersapi.ListCharactersParams{ScriptId: new(int64(999))})
	require.Empty(t, got)
	got, total = ids(&charactersapi.ListCharactersParams{ScriptId: &verona, Name: new("nurse"), Ids: &[]int64{nurse.CharacterId}})
	require.Equal(t, []int64{nurse.CharacterId}, got, "filters combine")
	require.EqualValues(t, 1, total)
	got, total = ids(&charactersapi.ListCharactersParams{Limit: new(2), Offset: new(int64(1))})
	require.Equal(t, []int64{juliet.CharacterId, nurse.CharacterId}, got)
	require.EqualValues(t, 4, total, "totalCount counts every page")

	page, err := e.Characters.ListCharactersWithResponse(bg, &charactersapi.ListCharactersParams{Limit: new(3), Offset: new(int64(3))})
	require.NoError(t, err)
	require.Equal(t, 3, page.JSON200.Limit)
	require.EqualValues(t, 3, page.JSON200.Offset)
	require.Len(t, page.JSON200.Items, 1)

	for _, p := range []*charactersapi.ListCharactersParams{{Limit: new(0)}, {Limit: new(1001)}, {Offset: new(int64(-1))}, {Ids: &[]int64{0}}} {
		resp, err := e.Characters.ListCharactersWithResponse(bg, p)
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode())
	}
}

func TestDeleteCharacterDependants(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	verona := e.script(t, "Verona")
	romeo, juliet := e.character(t, "ROMEO"), e.character(t, "JULIET")
	enter := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, CharacterId: &romeo.CharacterId, Description: "Enters."})
	his := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, CharacterId: &romeo.CharacterId, Text: "But, soft!"})
	hers := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, CharacterId: &juliet.CharacterId, Text: "Ay me!"})
	_, err := e.Characters.CreateCharacterParaphraseWithResponse(bg, romeo.CharacterId, nil, charactersapi.ParaphraseCreateRequest{Text: "A young man in love.", Commentary: ""})
	require.NoError(t, err)
	p, err := e.Characters.CreateSpokenWordParaphraseWithResponse(bg, his.DialogueId, nil, charactersapi.ParaphraseCreateRequest{Text: "Wait!", Commentary: "modern"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, p.StatusCode())
	ctxResp, err := e.Sessions.CreateCharacterContextWithResponse(bg, nil, sessionsapi.CharacterContextRequest{
		CharacterId: romeo.CharacterId, ScriptId: verona, StartSequence: 1, Context: json.RawMessage(`{"mood":"longing"}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, ctxResp.StatusCode(), string(ctxResp.Body))

	refused, err := e.Characters.DeleteCharacterWithResponse(bg, romeo.CharacterId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode())
	require.Equal(t, "HAS_DEPENDANTS", refused.JSON409.ErrorCode)
	require.Equal(t, []string{"1 actions, 1 spoken words, 1 paraphrases, 1 character contexts"}, *refused.JSON409.Details)

	stale, err := e.Characters.DeleteCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.DeleteCharacterParams{Cascade: new(true), IfMatch: new(`"7"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stale.StatusCode())
	require.Equal(t, 2, e.rows(t, "spoken_words"), "a stale cascade deletes nothing")

	del, err := e.Characters.DeleteCharacterWithResponse(bg, romeo.CharacterId, &charactersapi.DeleteCharacterParams{Cascade: new(true), IfMatch: new(`"1"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	require.Equal(t, 0, e.rows(t, "actions"))
	require.Equal(t, 1, e.rows(t, "spoken_words"))
	require.Equal(t, 0, e.rows(t, "paraphrases"))
	require.Zero(t, e.positionOf(t, sequenceapi.Action, enter.ActionId), "positions are released")
	require.Zero(t, e.positionOf(t, sequenceapi.SpokenWord, his.DialogueId))
	require.EqualValues(t, 1, e.positionOf(t, sequenceapi.SpokenWord, hers.DialogueId), "the others close up: numbers are ranks")
	contexts, err := e.Sessions.ListCharacterContextsWithResponse(bg, &sessionsapi.ListCharacterContextsParams{CharacterId: &romeo.CharacterId})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, contexts.StatusCode())
	require.Zero(t, contexts.JSON200.TotalCount, "contexts are removed in the sessions service")

	// A context alone is a dependant too; a cascade of a character without actions works.
	ctxResp, err = e.Sessions.CreateCharacterContextWithResponse(bg, nil, sessionsapi.CharacterContextRequest{
		CharacterId: juliet.CharacterId, ScriptId: verona, StartSequence: 1, Context: json.RawMessage(`{"location":"balcony"}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, ctxResp.StatusCode(), string(ctxResp.Body))
	_, err = e.Characters.DeleteSpokenWordsWithResponse(bg, &charactersapi.DeleteSpokenWordsParams{CharacterId: &juliet.CharacterId})
	require.NoError(t, err)
	refused, err = e.Characters.DeleteCharacterWithResponse(bg, juliet.CharacterId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode())
	require.Equal(t, []string{"1 character contexts"}, *refused.JSON409.Details)
	del, err = e.Characters.DeleteCharacterWithResponse(bg, juliet.CharacterId, &charactersapi.DeleteCharacterParams{Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))

	missing, err := e.Characters.DeleteCharacterWithResponse(bg, juliet.CharacterId, &charactersapi.DeleteCharacterParams{Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())
}

// TestErrorsDecodeAsV2 reads error answers from every layer that writes them (authentication,
// request validation, the JSON reader, the handlers) the way a client generated from v2's
// Character Management document does: `details` an array of strings.
func TestErrorsDecodeAsV2(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	romeo := e.character(t, "ROMEO")
	e.action(t, charactersapi.ActionCreateRequest{Description: "Enters.", CharacterId: &romeo.CharacterId, ScriptId: e.script(t, "R&J")})

	type v2Error struct {
		ErrorCode string   `json:"errorCode"`
		Message   string   `json:"message"`
		Details   []string `json:"details"`
	}
	read := func(resp *http.Response, err error) (int, v2Error) {
		t.Helper()
		require.NoError(t, err)
		defer resp.Body.Close()
		var body v2Error
		dec := json.NewDecoder(resp.Body)
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&body))
		require.NotEmpty(t, body.Details, "%d %s", resp.StatusCode, body.ErrorCode)
		return resp.StatusCode, body
	}
	hc := e.HTTP

	status, body := read(http.Get(e.URL + "/characters"))
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, "UNAUTHENTICATED", body.ErrorCode)

	status, body = read(hc.Post(e.URL+"/characters", "application/json", strings.NewReader(`{"name":""}`)))
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "VALIDATION_FAILED", body.ErrorCode)

	status, body = read(hc.Post(e.URL+"/characters", "application/json", strings.NewReader(`{"name":`)))
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "MALFORMED_JSON", body.ErrorCode)

	status, body = read(hc.Get(e.URL + "/characters/999"))
	require.Equal(t, http.StatusNotFound, status)
	require.Equal(t, "NOT_FOUND", body.ErrorCode)

	req, err := http.NewRequest(http.MethodDelete, e.URL+"/characters/"+strconv.FormatInt(romeo.CharacterId, 10), nil)
	require.NoError(t, err)
	status, body = read(hc.Do(req))
	require.Equal(t, http.StatusConflict, status)
	require.Equal(t, []string{"1 actions"}, body.Details)
}
