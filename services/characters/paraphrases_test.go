package characters_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

// answer is what a test reads of any generated response.
type answer struct {
	status int
	body   []byte
	etag   string
}

func answerOf(status int, body []byte, resp *http.Response) answer {
	return answer{status: status, body: body, etag: resp.Header.Get("ETag")}
}

// paraphraseOps are the six paraphrase operations of one kind of original, through the generated
// client, so that one test covers all three kinds.
type paraphraseOps struct {
	list    func(original int64, p *charactersapi.ListCharacterParaphrasesParams) answer
	create  func(original int64, key *string, body charactersapi.ParaphraseCreateRequest) answer
	get     func(original, id int64) answer
	replace func(original, id int64, ifMatch *string, body charactersapi.ParaphraseUpdateRequest) answer
	patch   func(original, id int64, ifMatch *string, body charactersapi.ParaphrasePatchRequest) answer
	delete  func(original, id int64, ifMatch *string) answer
}

func characterParaphrases(t *testing.T, c *charactersapi.ClientWithResponses) paraphraseOps {
	return paraphraseOps{
		list: func(o int64, p *charactersapi.ListCharacterParaphrasesParams) answer {
			r, err := c.ListCharacterParaphrasesWithResponse(bg, o, p)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		create: func(o int64, key *string, b charactersapi.ParaphraseCreateRequest) answer {
			r, err := c.CreateCharacterParaphraseWithResponse(bg, o, &charactersapi.CreateCharacterParaphraseParams{IdempotencyKey: key}, b)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		get: func(o, id int64) answer {
			r, err := c.GetCharacterParaphraseWithResponse(bg, o, id)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		replace: func(o, id int64, m *string, b charactersapi.ParaphraseUpdateRequest) answer {
			r, err := c.ReplaceCharacterParaphraseWithResponse(bg, o, id, &charactersapi.ReplaceCharacterParaphraseParams{IfMatch: m}, b)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		patch: func(o, id int64, m *string, b charactersapi.ParaphrasePatchRequest) answer {
			r, err := c.PatchCharacterParaphraseWithResponse(bg, o, id, &charactersapi.PatchCharacterParaphraseParams{IfMatch: m}, b)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		delete: func(o, id int64, m *string) answer {
			r, err := c.DeleteCharacterParaphraseWithResponse(bg, o, id, &charactersapi.DeleteCharacterParaphraseParams{IfMatch: m})
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
	}
}

func actionParaphrases(t *testing.T, c *charactersapi.ClientWithResponses) paraphraseOps {
	return paraphraseOps{
		list: func(o int64, p *charactersapi.ListCharacterParaphrasesParams) answer {
			r, err := c.ListActionParaphrasesWithResponse(bg, o, (*charactersapi.ListActionParaphrasesParams)(p))
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		create: func(o int64, key *string, b charactersapi.ParaphraseCreateRequest) answer {
			r, err := c.CreateActionParaphraseWithResponse(bg, o, &charactersapi.CreateActionParaphraseParams{IdempotencyKey: key}, b)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		get: func(o, id int64) answer {
			r, err := c.GetActionParaphraseWithResponse(bg, o, id)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		replace: func(o, id int64, m *string, b charactersapi.ParaphraseUpdateRequest) answer {
			r, err := c.ReplaceActionParaphraseWithResponse(bg, o, id, &charactersapi.ReplaceActionParaphraseParams{IfMatch: m}, b)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		patch: func(o, id int64, m *string, b charactersapi.ParaphrasePatchRequest) answer {
			r, err := c.PatchActionParaphraseWithResponse(bg, o, id, &charactersapi.PatchActionParaphraseParams{IfMatch: m}, b)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		delete: func(o, id int64, m *string) answer {
			r, err := c.DeleteActionParaphraseWithResponse(bg, o, id, &charactersapi.DeleteActionParaphraseParams{IfMatch: m})
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
	}
}

func spokenWordParaphrases(t *testing.T, c *charactersapi.ClientWithResponses) paraphraseOps {
	return paraphraseOps{
		list: func(o int64, p *charactersapi.ListCharacterParaphrasesParams) answer {
			r, err := c.ListSpokenWordParaphrasesWithResponse(bg, o, (*charactersapi.ListSpokenWordParaphrasesParams)(p))
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		create: func(o int64, key *string, b charactersapi.ParaphraseCreateRequest) answer {
			r, err := c.CreateSpokenWordParaphraseWithResponse(bg, o, &charactersapi.CreateSpokenWordParaphraseParams{IdempotencyKey: key}, b)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		get: func(o, id int64) answer {
			r, err := c.GetSpokenWordParaphraseWithResponse(bg, o, id)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		replace: func(o, id int64, m *string, b charactersapi.ParaphraseUpdateRequest) answer {
			r, err := c.ReplaceSpokenWordParaphraseWithResponse(bg, o, id, &charactersapi.ReplaceSpokenWordParaphraseParams{IfMatch: m}, b)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		patch: func(o, id int64, m *string, b charactersapi.ParaphrasePatchRequest) answer {
			r, err := c.PatchSpokenWordParaphraseWithResponse(bg, o, id, &charactersapi.PatchSpokenWordParaphraseParams{IfMatch: m}, b)
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
		delete: func(o, id int64, m *string) answer {
			r, err := c.DeleteSpokenWordParaphraseWithResponse(bg, o, id, &charactersapi.DeleteSpokenWordParaphraseParams{IfMatch: m})
			require.NoError(t, err)
			return answerOf(r.StatusCode(), r.Body, r.HTTPResponse)
		},
	}
}

func decode[T any](t *testing.T, a answer) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(a.body, &v), string(a.body))
	return v
}

func TestParaphrases(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona := e.script(t, "Verona")
	romeo, juliet := e.character(t, "ROMEO"), e.character(t, "JULIET")
	a1 := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "JULIET appears above."})
	a2 := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Exit."})
	w1 := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "But, soft! what light through yonder window breaks?"})
	w2 := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "Ay me!"})

	for _, kind := range []struct {
		name          string
		typ           charactersapi.OriginalType
		ops           paraphraseOps
		first, second int64
	}{
		{"character", charactersapi.OriginalTypeCharacter, characterParaphrases(t, e.Characters), romeo.CharacterId, juliet.CharacterId},
		{"action", charactersapi.OriginalTypeAction, actionParaphrases(t, e.Characters), a1.ActionId, a2.ActionId},
		{"spokenWord", charactersapi.OriginalTypeSpokenWord, spokenWordParaphrases(t, e.Characters), w1.DialogueId, w2.DialogueId},
	} {
		ops, id := kind.ops, kind.first
		empty := ops.list(id, nil)
		require.Equal(t, http.StatusOK, empty.status, kind.name)
		require.Empty(t, decode[charactersapi.ParaphraseList](t, empty).Items)
		require.Equal(t, http.StatusNotFound, ops.list(999, nil).status, kind.name)

		text := `Wait, what's that light? It's "Juliet", bright as the sun.`
		created := ops.create(id, nil, charactersapi.ParaphraseCreateRequest{OriginalId: &id, Text: text, Commentary: "modern English"})
		require.Equal(t, http.StatusCreated, created.status, string(created.body))
		require.Equal(t, `"1"`, created.etag)
		p := decode[charactersapi.Paraphrase](t, created)
		require.Equal(t, kind.typ, p.OriginalType)
		require.Equal(t, id, p.OriginalId)
		require.Equal(t, text, p.Text)

		mismatch := ops.create(id, nil, charactersapi.ParaphraseCreateRequest{OriginalId: &kind.second, Text: "x", Commentary: ""})
		require.Equal(t, http.StatusBadRequest, mismatch.status, kind.name)
		require.Equal(t, "ORIGINAL_ID_MISMATCH", apitest.ErrorCode(t, mismatch.body))
		require.Equal(t, http.StatusNotFound, ops.create(999, nil, charactersapi.ParaphraseCreateRequest{Text: "x", Commentary: ""}).status, kind.name)
		key := new(kind.name + "-second")
		for range 2 {
			require.Equal(t, http.StatusCreated, ops.create(id, key, charactersapi.ParaphraseCreateRequest{Text: "second", Commentary: ""}).status)
		}

		page := decode[charactersapi.ParaphraseList](t, ops.list(id, &charactersapi.ListCharacterParaphrasesParams{Limit: new(1), Offset: new(int64(1))}))
		require.EqualValues(t, 2, page.TotalCount, "an idempotent replay creates nothing")
		require.Len(t, page.Items, 1)
		require.Equal(t, "second", page.Items[0].Text, "oldest first")

		got := ops.get(id, p.ParaphraseId)
		require.Equal(t, http.StatusOK, got.status)
		require.Equal(t, p, decode[charactersapi.Paraphrase](t, got))
		require.Equal(t, http.StatusNotFound, ops.get(kind.second, p.ParaphraseId).status, "only reachable under its own original")
		require.Equal(t, http.StatusNotFound, ops.get(id, 999).status)

		replaced := ops.replace(id, p.ParaphraseId, new(`"1"`), charactersapi.ParaphraseUpdateRequest{Text: "What light!"})
		require.Equal(t, http.StatusOK, replaced.status, string(replaced.body))
		r := decode[charactersapi.Paraphrase](t, replaced)
		require.Equal(t, "", r.Commentary, "a replacement without commentary empties it")
		require.EqualValues(t, 2, r.Version)
		require.Equal(t, `"2"`, replaced.etag)
		require.Equal(t, http.StatusPreconditionFailed, ops.replace(id, p.ParaphraseId, new(`"1"`), charactersapi.ParaphraseUpdateRequest{Text: "x"}).status)
		require.Equal(t, http.StatusBadRequest, ops.replace(id, p.ParaphraseId, nil, charactersapi.ParaphraseUpdateRequest{OriginalId: &kind.second, Text: "x"}).status)
		require.Equal(t, http.StatusNotFound, ops.replace(kind.second, p.ParaphraseId, nil, charactersapi.ParaphraseUpdateRequest{Text: "x"}).status)

		patched := ops.patch(id, p.ParaphraseId, new(`"2"`), charactersapi.ParaphrasePatchRequest{Commentary: new("for students")})
		require.Equal(t, http.StatusOK, patched.status, string(patched.body))
		pp := decode[charactersapi.Paraphrase](t, patched)
		require.Equal(t, "What light!", pp.Text)
		require.Equal(t, "for students", pp.Commentary)
		require.Equal(t, http.StatusPreconditionFailed, ops.patch(id, p.ParaphraseId, new(`"2"`), charactersapi.ParaphrasePatchRequest{Text: new("x")}).status)
		require.Equal(t, http.StatusNotFound, ops.patch(id, 999, nil, charactersapi.ParaphrasePatchRequest{Text: new("x")}).status)

		require.Equal(t, http.StatusPreconditionFailed, ops.delete(id, p.ParaphraseId, new(`"2"`)).status)
		require.Equal(t, http.StatusNotFound, ops.delete(kind.second, p.ParaphraseId, nil).status)
		require.Equal(t, http.StatusNoContent, ops.delete(id, p.ParaphraseId, new(`"3"`)).status)
		require.Equal(t, http.StatusNotFound, ops.delete(id, p.ParaphraseId, nil).status)
	}
}

// TestCharacterParaphrasesV2 covers v2's PUT and PATCH /characters/{characterId}/paraphrases, which
// name no paraphrase.
func TestCharacterParaphrasesV2(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	romeo, juliet := e.character(t, "ROMEO"), e.character(t, "JULIET")

	none, err := e.Characters.UpdateCharacterParaphrasesWithResponse(bg, romeo.CharacterId, nil, charactersapi.ParaphraseUpdateRequest{Text: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, none.StatusCode(), "no paraphrase yet")
	noCharacter, err := e.Characters.PatchCharacterParaphrasesWithResponse(bg, 999, nil, charactersapi.ParaphrasePatchRequest{Text: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, noCharacter.StatusCode())

	first, err := e.Characters.CreateCharacterParaphraseWithResponse(bg, romeo.CharacterId, nil, charactersapi.ParaphraseCreateRequest{Text: "A lover.", Commentary: "short"})
	require.NoError(t, err)
	only := first.JSON201.ParaphraseId

	// The v2 body: originalId, text, commentary.
	put, err := e.Characters.UpdateCharacterParaphrasesWithResponse(bg, romeo.CharacterId, &charactersapi.UpdateCharacterParaphrasesParams{IfMatch: new(`"1"`)},
		charactersapi.ParaphraseUpdateRequest{OriginalId: &romeo.CharacterId, Text: "A young lover.", Commentary: new("v2")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode(), string(put.Body))
	require.Equal(t, only, put.JSON200.ParaphraseId, "the only paraphrase is changed")
	require.Equal(t, "v2", put.JSON200.Commentary)
	require.Equal(t, `"2"`, put.HTTPResponse.Header.Get("ETag"))
	stale, err := e.Characters.UpdateCharacterParaphrasesWithResponse(bg, romeo.CharacterId, &charactersapi.UpdateCharacterParaphrasesParams{IfMatch: new(`"1"`)},
		charactersapi.ParaphraseUpdateRequest{Text: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stale.StatusCode())
	mismatch, err := e.Characters.UpdateCharacterParaphrasesWithResponse(bg, romeo.CharacterId, nil,
		charactersapi.ParaphraseUpdateRequest{OriginalId: &juliet.CharacterId, Text: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, mismatch.StatusCode())
	require.Equal(t, "ORIGINAL_ID_MISMATCH", mismatch.JSON400.ErrorCode)

	patch, err := e.Characters.PatchCharacterParaphrasesWithResponse(bg, romeo.CharacterId, nil, charactersapi.ParaphrasePatchRequest{Text: new("A Montague.")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	require.Equal(t, "v2", patch.JSON200.Commentary)
	require.Equal(t, "A Montague.", patch.JSON200.Text)

	second, err := e.Characters.CreateCharacterParaphraseWithResponse(bg, romeo.CharacterId, nil, charactersapi.ParaphraseCreateRequest{Text: "Another.", Commentary: ""})
	require.NoError(t, err)
	ambiguous, err := e.Characters.PatchCharacterParaphrasesWithResponse(bg, romeo.CharacterId, nil, charactersapi.ParaphrasePatchRequest{Text: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, ambiguous.StatusCode())
	require.Equal(t, "PARAPHRASE_AMBIGUOUS", ambiguous.JSON409.ErrorCode)
	ambiguousPut, err := e.Characters.UpdateCharacterParaphrasesWithResponse(bg, romeo.CharacterId, nil, charactersapi.ParaphraseUpdateRequest{Text: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, ambiguousPut.StatusCode())

	named, err := e.Characters.PatchCharacterParaphrasesWithResponse(bg, romeo.CharacterId,
		&charactersapi.PatchCharacterParaphrasesParams{ParaphraseId: &second.JSON201.ParaphraseId}, charactersapi.ParaphrasePatchRequest{Commentary: new("named")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, named.StatusCode(), string(named.Body))
	require.Equal(t, second.JSON201.ParaphraseId, named.JSON200.ParaphraseId)
	namedPut, err := e.Characters.UpdateCharacterParaphrasesWithResponse(bg, romeo.CharacterId,
		&charactersapi.UpdateCharacterParaphrasesParams{ParaphraseId: &only}, charactersapi.ParaphraseUpdateRequest{Text: "Romeo."})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, namedPut.StatusCode())
	require.Equal(t, "", namedPut.JSON200.Commentary)
	otherCharacter, err := e.Characters.PatchCharacterParaphrasesWithResponse(bg, juliet.CharacterId,
		&charactersapi.PatchCharacterParaphrasesParams{ParaphraseId: &only}, charactersapi.ParaphrasePatchRequest{Text: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, otherCharacter.StatusCode(), "a paraphrase of another character is not found")
	emptyPatch, err := e.Characters.PatchCharacterParaphrasesWithBodyWithResponse(bg, romeo.CharacterId, nil, "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, emptyPatch.StatusCode())
}
