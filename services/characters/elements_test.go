package characters_test

import (
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

func TestActionLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona, mantua := e.script(t, "Verona"), e.script(t, "Mantua")
	orchard, balcony := e.section(t, verona, "Act 2, Scene 1"), e.section(t, verona, "Act 2, Scene 2")
	elsewhere := e.section(t, mantua, "Act 5, Scene 1")
	romeo := e.character(t, "ROMEO")

	a := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, SectionId: &orchard, CharacterId: &romeo.CharacterId, Description: "Leaps the wall."})
	require.EqualValues(t, 1, a.SequenceNumber)
	require.EqualValues(t, 1, a.Version)
	require.Equal(t, &orchard, a.SectionId)
	require.Equal(t, &romeo.CharacterId, a.CharacterId)

	// References that resolve to nothing are 422, and store nothing.
	for name, tc := range map[string]struct {
		body charactersapi.ActionCreateRequest
		code string
	}{
		"script":              {charactersapi.ActionCreateRequest{ScriptId: 999, Description: "x"}, "SCRIPT_NOT_FOUND"},
		"section":             {charactersapi.ActionCreateRequest{ScriptId: verona, SectionId: new(int64(999)), Description: "x"}, "SECTION_NOT_FOUND"},
		"other script's part": {charactersapi.ActionCreateRequest{ScriptId: verona, SectionId: &elsewhere, Description: "x"}, "SECTION_NOT_FOUND"},
		"character":           {charactersapi.ActionCreateRequest{ScriptId: verona, CharacterId: new(int64(999)), Description: "x"}, "CHARACTER_NOT_FOUND"},
	} {
		resp, err := e.Characters.CreateActionWithResponse(bg, nil, tc.body)
		require.NoError(t, err)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode(), name)
		require.Equal(t, tc.code, resp.JSON422.ErrorCode, name)
	}
	require.Equal(t, 1, e.rows(t, "actions"))
	require.Len(t, e.story(t, verona), 1, "a refused create holds no position")
	for name, body := range map[string]string{
		"no script":     `{"description":"x"}`,
		"script 0":      `{"scriptId":0,"description":"x"}`,
		"long":          `{"scriptId":1,"description":"` + strings.Repeat("x", 5001) + `"}`,
		"unknown field": `{"scriptId":1,"description":"x","text":"y"}`,
	} {
		resp, err := e.Characters.CreateActionWithBodyWithResponse(bg, nil, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), name)
	}

	got, err := e.Characters.GetActionWithResponse(bg, a.ActionId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	require.Equal(t, a, *got.JSON200)
	require.Equal(t, `"1.1"`, got.HTTPResponse.Header.Get("ETag"))
	missing, err := e.Characters.GetActionWithResponse(bg, 999)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())

	// PUT: what is left out is unlinked; the script and the position stay.
	put, err := e.Characters.ReplaceActionWithResponse(bg, a.ActionId, &charactersapi.ReplaceActionParams{IfMatch: new(got.HTTPResponse.Header.Get("ETag"))},
		charactersapi.ActionReplaceRequest{Description: "Climbs the orchard wall."})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode(), string(put.Body))
	require.Nil(t, put.JSON200.SectionId)
	require.Nil(t, put.JSON200.CharacterId)
	require.Equal(t, verona, put.JSON200.ScriptId)
	require.EqualValues(t, 1, put.JSON200.SequenceNumber)
	require.EqualValues(t, 2, put.JSON200.Version)
	require.Equal(t, `"2.1"`, put.HTTPResponse.Header.Get("ETag"))
	for name, tc := range map[string]struct {
		id     int64
		params *charactersapi.ReplaceActionParams
		body   charactersapi.ActionReplaceRequest
		status int
	}{
		"stale":     {a.ActionId, &charactersapi.ReplaceActionParams{IfMatch: new(`"1"`)}, charactersapi.ActionReplaceRequest{Description: "x"}, http.StatusPreconditionFailed},
		"missing":   {999, nil, charactersapi.ActionReplaceRequest{Description: "x"}, http.StatusNotFound},
		"section":   {a.ActionId, nil, charactersapi.ActionReplaceRequest{Description: "x", SectionId: &elsewhere}, http.StatusUnprocessableEntity},
		"character": {a.ActionId, nil, charactersapi.ActionReplaceRequest{Description: "x", CharacterId: new(int64(999))}, http.StatusUnprocessableEntity},
	} {
		resp, err := e.Characters.ReplaceActionWithResponse(bg, tc.id, tc.params, tc.body)
		require.NoError(t, err)
		require.Equal(t, tc.status, resp.StatusCode(), name)
	}

	// PATCH: only what it names.
	patch, err := e.Characters.UpdateActionWithResponse(bg, a.ActionId, &charactersapi.UpdateActionParams{IfMatch: new(`"2"`)},
		charactersapi.ActionUpdateRequest{SectionId: &balcony, CharacterId: &romeo.CharacterId})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	require.Equal(t, "Climbs the orchard wall.", patch.JSON200.Description)
	require.Equal(t, &balcony, patch.JSON200.SectionId)
	require.EqualValues(t, 3, patch.JSON200.Version)
	for name, tc := range map[string]struct {
		id     int64
		params *charactersapi.UpdateActionParams
		body   charactersapi.ActionUpdateRequest
		status int
		code   string
	}{
		"stale":     {a.ActionId, &charactersapi.UpdateActionParams{IfMatch: new(`"2"`)}, charactersapi.ActionUpdateRequest{Description: new("x")}, http.StatusPreconditionFailed, "PRECONDITION_FAILED"},
		"missing":   {999, nil, charactersapi.ActionUpdateRequest{Description: new("x")}, http.StatusNotFound, "NOT_FOUND"},
		"missing+s": {999, nil, charactersapi.ActionUpdateRequest{SectionId: &balcony}, http.StatusNotFound, "NOT_FOUND"},
		"section":   {a.ActionId, nil, charactersapi.ActionUpdateRequest{SectionId: new(int64(999))}, http.StatusUnprocessableEntity, "SECTION_NOT_FOUND"},
		"character": {a.ActionId, nil, charactersapi.ActionUpdateRequest{CharacterId: new(int64(999))}, http.StatusUnprocessableEntity, "CHARACTER_NOT_FOUND"},
	} {
		resp, err := e.Characters.UpdateActionWithResponse(bg, tc.id, tc.params, tc.body)
		require.NoError(t, err)
		require.Equal(t, tc.status, resp.StatusCode(), name)
		require.Equal(t, tc.code, apitest.ErrorCode(t, resp.Body), name)
	}
	empty, err := e.Characters.UpdateActionWithBodyWithResponse(bg, a.ActionId, nil, "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, empty.StatusCode())

	// DELETE: paraphrases are dependants.
	para, err := e.Characters.CreateActionParaphraseWithResponse(bg, a.ActionId, nil, charactersapi.ParaphraseCreateRequest{Text: "He jumps.", Commentary: ""})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, para.StatusCode())
	refused, err := e.Characters.DeleteActionWithResponse(bg, a.ActionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode())
	require.Equal(t, "HAS_DEPENDANTS", refused.JSON409.ErrorCode)
	stale, err := e.Characters.DeleteActionWithResponse(bg, a.ActionId, &charactersapi.DeleteActionParams{Cascade: new(true), IfMatch: new(`"1"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stale.StatusCode())
	require.Equal(t, 1, e.rows(t, "paraphrases"))
	del, err := e.Characters.DeleteActionWithResponse(bg, a.ActionId, &charactersapi.DeleteActionParams{Cascade: new(true), IfMatch: new(`"3"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	require.Equal(t, 0, e.rows(t, "paraphrases"))
	require.Zero(t, e.positionOf(t, sequenceapi.Action, a.ActionId), "the position is released")
	again, err := e.Characters.DeleteActionWithResponse(bg, a.ActionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, again.StatusCode())
}

func TestSpokenWordLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona := e.script(t, "Verona")
	balcony := e.section(t, verona, "Act 2, Scene 2")
	juliet := e.character(t, "JULIET")
	speech := "O Romeo, Romeo! wherefore art thou Romeo?\n" + strings.Repeat("Deny thy father, and refuse thy name; ", 50)

	w := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, SectionId: &balcony, CharacterId: &juliet.CharacterId, Text: speech})
	require.Equal(t, speech, w.Text, "a speech longer than v2's 300 characters is kept whole")
	require.EqualValues(t, 1, w.SequenceNumber)

	for name, tc := range map[string]struct {
		body charactersapi.SpokenWordCreateRequest
		code string
	}{
		"script":    {charactersapi.SpokenWordCreateRequest{ScriptId: 999, Text: "x"}, "SCRIPT_NOT_FOUND"},
		"section":   {charactersapi.SpokenWordCreateRequest{ScriptId: verona, SectionId: new(int64(999)), Text: "x"}, "SECTION_NOT_FOUND"},
		"character": {charactersapi.SpokenWordCreateRequest{ScriptId: verona, CharacterId: new(int64(999)), Text: "x"}, "CHARACTER_NOT_FOUND"},
	} {
		resp, err := e.Characters.CreateSpokenWordWithResponse(bg, nil, tc.body)
		require.NoError(t, err)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode(), name)
		require.Equal(t, tc.code, resp.JSON422.ErrorCode, name)
	}
	require.Equal(t, 1, e.rows(t, "spoken_words"))
	require.Len(t, e.story(t, verona), 1)
	long, err := e.Characters.CreateSpokenWordWithResponse(bg, nil, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: strings.Repeat("x", 10001)})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, long.StatusCode())

	got, err := e.Characters.GetSpokenWordWithResponse(bg, w.DialogueId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	require.Equal(t, w, *got.JSON200)
	missing, err := e.Characters.GetSpokenWordWithResponse(bg, 999)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())

	put, err := e.Characters.ReplaceSpokenWordWithResponse(bg, w.DialogueId, &charactersapi.ReplaceSpokenWordParams{IfMatch: new(`"1"`)},
		charactersapi.SpokenWordReplaceRequest{Text: "Ay me!", CharacterId: &juliet.CharacterId})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode(), string(put.Body))
	require.Nil(t, put.JSON200.SectionId)
	require.Equal(t, "Ay me!", put.JSON200.Text)
	require.EqualValues(t, 2, put.JSON200.Version)
	stalePut, err := e.Characters.ReplaceSpokenWordWithResponse(bg, w.DialogueId, &charactersapi.ReplaceSpokenWordParams{IfMatch: new(`"1"`)},
		charactersapi.SpokenWordReplaceRequest{Text: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stalePut.StatusCode())
	putMissing, err := e.Characters.ReplaceSpokenWordWithResponse(bg, 999, nil, charactersapi.SpokenWordReplaceRequest{Text: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, putMissing.StatusCode())
	putBadChar, err := e.Characters.ReplaceSpokenWordWithResponse(bg, w.DialogueId, nil, charactersapi.SpokenWordReplaceRequest{Text: "x", CharacterId: new(int64(999))})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, putBadChar.StatusCode())
	require.Equal(t, "CHARACTER_NOT_FOUND", putBadChar.JSON422.ErrorCode)

	patch, err := e.Characters.UpdateSpokenWordWithResponse(bg, w.DialogueId, nil, charactersapi.SpokenWordUpdateRequest{SectionId: &balcony})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	require.Equal(t, "Ay me!", patch.JSON200.Text)
	require.Equal(t, &balcony, patch.JSON200.SectionId)
	require.Equal(t, &juliet.CharacterId, patch.JSON200.CharacterId)
	stalePatch, err := e.Characters.UpdateSpokenWordWithResponse(bg, w.DialogueId, &charactersapi.UpdateSpokenWordParams{IfMatch: new(`"2"`)},
		charactersapi.SpokenWordUpdateRequest{Text: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stalePatch.StatusCode())
	patchSection, err := e.Characters.UpdateSpokenWordWithResponse(bg, w.DialogueId, nil, charactersapi.SpokenWordUpdateRequest{SectionId: new(int64(999))})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, patchSection.StatusCode())
	patchMissing, err := e.Characters.UpdateSpokenWordWithResponse(bg, 999, nil, charactersapi.SpokenWordUpdateRequest{Text: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, patchMissing.StatusCode())

	_, err = e.Characters.CreateSpokenWordParaphraseWithResponse(bg, w.DialogueId, nil, charactersapi.ParaphraseCreateRequest{Text: "Oh no.", Commentary: ""})
	require.NoError(t, err)
	refused, err := e.Characters.DeleteSpokenWordWithResponse(bg, w.DialogueId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode())
	require.Equal(t, []string{"1 paraphrases; delete with cascade=true to delete them too"}, *refused.JSON409.Details)
	stale, err := e.Characters.DeleteSpokenWordWithResponse(bg, w.DialogueId, &charactersapi.DeleteSpokenWordParams{Cascade: new(true), IfMatch: new(`"1"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stale.StatusCode())
	del, err := e.Characters.DeleteSpokenWordWithResponse(bg, w.DialogueId, &charactersapi.DeleteSpokenWordParams{Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	require.Zero(t, e.positionOf(t, sequenceapi.SpokenWord, w.DialogueId))
	require.Equal(t, 0, e.rows(t, "paraphrases"))
	again, err := e.Characters.DeleteSpokenWordWithResponse(bg, w.DialogueId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, again.StatusCode())
}

func TestCreateSpokenWordIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona := e.script(t, "Verona")
	body := charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "Good night, good night!"}
	key := &charactersapi.CreateSpokenWordParams{IdempotencyKey: new("line-1")}
	first, err := e.Characters.CreateSpokenWordWithResponse(bg, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, first.StatusCode())
	second, err := e.Characters.CreateSpokenWordWithResponse(bg, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, second.StatusCode())
	require.Equal(t, *first.JSON201, *second.JSON201)
	require.Equal(t, "true", second.HTTPResponse.Header.Get("Idempotent-Replayed"))
	require.Equal(t, 1, e.rows(t, "spoken_words"), "a replay creates nothing")
	require.Len(t, e.story(t, verona), 1, "and allocates no position")

	a := charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Exit."}
	akey := &charactersapi.CreateActionParams{IdempotencyKey: new("exit-1")}
	for range 2 {
		resp, err := e.Characters.CreateActionWithResponse(bg, akey, a)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode())
	}
	require.Equal(t, 1, e.rows(t, "actions"))
}

// TestStoryOrder interleaves actions and spoken words in one story, reorders it on the sequence
// service and reads the new order back through every kind of list.
func TestStoryOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona, mantua := e.script(t, "Verona"), e.script(t, "Mantua")
	scene := e.section(t, verona, "Act 2, Scene 2")
	romeo, juliet := e.character(t, "ROMEO"), e.character(t, "JULIET")

	a1 := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Enter ROMEO."})
	w1 := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, CharacterId: &romeo.CharacterId, Text: "But, soft!"})
	a2 := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, SectionId: &scene, Description: "JULIET appears above."})
	w2 := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, SectionId: &scene, CharacterId: &juliet.CharacterId, Text: "Ay me!"})
	w3 := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, SectionId: &scene, CharacterId: &romeo.CharacterId, Text: "She speaks."})
	other := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: mantua, CharacterId: &romeo.CharacterId, Text: "Is it e'en so?"})
	require.Equal(t, []int64{1, 2, 3, 4, 5}, []int64{a1.SequenceNumber, w1.SequenceNumber, a2.SequenceNumber, w2.SequenceNumber, w3.SequenceNumber},
		"actions and spoken words share the story order")
	require.EqualValues(t, 1, other.SequenceNumber, "each script has its own")

	// New order: w3, a2, w1, a1, w2.
	resp, err := e.Sequence.ReorderElementsWithResponse(bg, sequenceapi.ReorderRequest{
		ElementType: sequenceapi.SpokenWord, ScriptId: &verona, Scope: new("story"),
		Elements: []sequenceapi.ReorderItem{
			{ElementId: w3.DialogueId, NewSequence: 1},
			{ElementType: new(sequenceapi.Action), ElementId: a2.ActionId, NewSequence: 2},
			{ElementId: w1.DialogueId, NewSequence: 3},
			{ElementType: new(sequenceapi.Action), ElementId: a1.ActionId, NewSequence: 4},
			{ElementId: w2.DialogueId, NewSequence: 5},
		},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))

	type placed struct{ id, n int64 }
	listSpokenWords := func(p *charactersapi.ListSpokenWordsParams) ([]placed, int64) {
		t.Helper()
		resp, err := e.Characters.ListSpokenWordsWithResponse(bg, p)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		out := []placed{}
		for _, w := range resp.JSON200.Items {
			out = append(out, placed{w.DialogueId, w.SequenceNumber})
		}
		return out, resp.JSON200.TotalCount
	}
	acts := func(p *charactersapi.ListActionsParams) ([]placed, int64) {
		t.Helper()
		resp, err := e.Characters.ListActionsWithResponse(bg, p)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		out := []placed{}
		for _, a := range resp.JSON200.Items {
			out = append(out, placed{a.ActionId, a.SequenceNumber})
		}
		return out, resp.JSON200.TotalCount
	}

	got, total := listSpokenWords(&charactersapi.ListSpokenWordsParams{ScriptId: &verona})
	require.Equal(t, []placed{{w3.DialogueId, 1}, {w1.DialogueId, 3}, {w2.DialogueId, 5}}, got, "a script's spoken words come in story order")
	require.EqualValues(t, 3, total)
	gotActs, total := acts(&charactersapi.ListActionsParams{ScriptId: &verona})
	require.Equal(t, []placed{{a2.ActionId, 2}, {a1.ActionId, 4}}, gotActs)
	require.EqualValues(t, 2, total)

	got, total = listSpokenWords(&charactersapi.ListSpokenWordsParams{ScriptId: &verona, Limit: new(1), Offset: new(int64(1))})
	require.Equal(t, []placed{{w1.DialogueId, 3}}, got, "offset pages through the story")
	require.EqualValues(t, 3, total)
	got, _ = listSpokenWords(&charactersapi.ListSpokenWordsParams{ScriptId: &verona, Offset: new(int64(3))})
	require.Empty(t, got)

	// More filters with the script: still story order, and paged.
	got, total = listSpokenWords(&charactersapi.ListSpokenWordsParams{ScriptId: &verona, CharacterId: &romeo.CharacterId})
	require.Equal(t, []placed{{w3.DialogueId, 1}, {w1.DialogueId, 3}}, got)
	require.EqualValues(t, 2, total)
	got, total = listSpokenWords(&charactersapi.ListSpokenWordsParams{ScriptId: &verona, SectionId: &scene, Limit: new(1), Offset: new(int64(1))})
	require.Equal(t, []placed{{w2.DialogueId, 5}}, got)
	require.EqualValues(t, 2, total)
	got, _ = listSpokenWords(&charactersapi.ListSpokenWordsParams{ScriptId: &verona, Ids: &[]int64{w2.DialogueId, w3.DialogueId, other.DialogueId}})
	require.Equal(t, []placed{{w3.DialogueId, 1}, {w2.DialogueId, 5}}, got)
	got, total = listSpokenWords(&charactersapi.ListSpokenWordsParams{ScriptId: &verona, CharacterId: &romeo.CharacterId, Offset: new(int64(math.MaxInt64))})
	require.Empty(t, got)
	require.EqualValues(t, 2, total)
	gotActs, _ = acts(&charactersapi.ListActionsParams{ScriptId: &verona, SectionId: &scene})
	require.Equal(t, []placed{{a2.ActionId, 2}}, gotActs)

	// Without a script: id order, each with its number from one batch lookup.
	got, total = listSpokenWords(&charactersapi.ListSpokenWordsParams{CharacterId: &romeo.CharacterId})
	require.Equal(t, []placed{{w1.DialogueId, 3}, {w3.DialogueId, 1}, {other.DialogueId, 1}}, got)
	require.EqualValues(t, 3, total)
	got, total = listSpokenWords(&charactersapi.ListSpokenWordsParams{Ids: &[]int64{w2.DialogueId, 999, w1.DialogueId}})
	require.Equal(t, []placed{{w1.DialogueId, 3}, {w2.DialogueId, 5}}, got)
	require.EqualValues(t, 2, total)
	got, total = listSpokenWords(&charactersapi.ListSpokenWordsParams{Limit: new(2), Offset: new(int64(2))})
	require.Equal(t, []placed{{w3.DialogueId, 1}, {other.DialogueId, 1}}, got)
	require.EqualValues(t, 4, total)
	got, _ = listSpokenWords(&charactersapi.ListSpokenWordsParams{SectionId: &scene, CharacterId: &juliet.CharacterId})
	require.Equal(t, []placed{{w2.DialogueId, 5}}, got)
	gotActs, total = acts(&charactersapi.ListActionsParams{Ids: &[]int64{a1.ActionId}})
	require.Equal(t, []placed{{a1.ActionId, 4}}, gotActs)
	require.EqualValues(t, 1, total)
	got, total = listSpokenWords(&charactersapi.ListSpokenWordsParams{ScriptId: new(int64(999))})
	require.Empty(t, got, "an unknown script matches nothing")
	require.Zero(t, total)

	// Single reads and writes answer the new number too.
	one, err := e.Characters.GetSpokenWordWithResponse(bg, w1.DialogueId)
	require.NoError(t, err)
	require.EqualValues(t, 3, one.JSON200.SequenceNumber)
	changed, err := e.Characters.UpdateActionWithResponse(bg, a1.ActionId, nil, charactersapi.ActionUpdateRequest{Description: new("Enter ROMEO, alone.")})
	require.NoError(t, err)
	require.EqualValues(t, 4, changed.JSON200.SequenceNumber)

	for _, p := range []*charactersapi.ListSpokenWordsParams{{Limit: new(0)}, {Ids: &[]int64{}}, {ScriptId: new(int64(0))}} {
		resp, err := e.Characters.ListSpokenWordsWithResponse(bg, p)
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode())
	}
}

func TestBulkDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona, mantua := e.script(t, "Verona"), e.script(t, "Mantua")
	scene := e.section(t, verona, "Act 2, Scene 2")
	romeo := e.character(t, "ROMEO")
	var veronaSpokenWords []int64
	for i := range 3 {
		w := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "line", CharacterId: &romeo.CharacterId})
		veronaSpokenWords = append(veronaSpokenWords, w.DialogueId)
		if i == 0 {
			e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, SectionId: &scene, Description: "Enter."})
		}
	}
	e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, CharacterId: &romeo.CharacterId, Description: "Exit."})
	kept := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: mantua, Text: "line", CharacterId: &romeo.CharacterId})
	_, err := e.Characters.CreateSpokenWordParaphraseWithResponse(bg, veronaSpokenWords[0], nil, charactersapi.ParaphraseCreateRequest{Text: "p", Commentary: "c"})
	require.NoError(t, err)

	none, err := e.Characters.DeleteSpokenWordsWithResponse(bg, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, none.StatusCode())
	require.Equal(t, "FILTER_REQUIRED", none.JSON400.ErrorCode)
	noneActs, err := e.Characters.DeleteActionsWithResponse(bg, &charactersapi.DeleteActionsParams{})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, noneActs.StatusCode())

	unknown, err := e.Characters.DeleteSpokenWordsWithResponse(bg, &charactersapi.DeleteSpokenWordsParams{ScriptId: new(int64(999))})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, unknown.StatusCode())
	require.Zero(t, unknown.JSON200.DeletedCount)

	deleted, err := e.Characters.DeleteSpokenWordsWithResponse(bg, &charactersapi.DeleteSpokenWordsParams{ScriptId: &verona, CharacterId: &romeo.CharacterId})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, deleted.StatusCode(), string(deleted.Body))
	require.EqualValues(t, 3, deleted.JSON200.DeletedCount)
	for _, id := range veronaSpokenWords {
		require.Zero(t, e.positionOf(t, sequenceapi.SpokenWord, id), "bulk deletes release positions")
	}
	require.Equal(t, 0, e.rows(t, "paraphrases"), "and delete paraphrases")
	require.EqualValues(t, 1, e.positionOf(t, sequenceapi.SpokenWord, kept.DialogueId), "other scripts keep theirs")
	require.Len(t, e.story(t, verona), 2, "the actions stay")

	bySection, err := e.Characters.DeleteActionsWithResponse(bg, &charactersapi.DeleteActionsParams{SectionId: &scene})
	require.NoError(t, err)
	require.EqualValues(t, 1, bySection.JSON200.DeletedCount)
	byScript, err := e.Characters.DeleteActionsWithResponse(bg, &charactersapi.DeleteActionsParams{ScriptId: &verona})
	require.NoError(t, err)
	require.EqualValues(t, 1, byScript.JSON200.DeletedCount)
	require.Empty(t, e.story(t, verona))
	require.Equal(t, 1, e.rows(t, "spoken_words"))
}
