package characters_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
)

// TestActionScreenplayFields: an action's format and forcing mark go through every operation; one
// that never sets them is a plain action, PUT resets what it leaves out and PATCH keeps it.
func TestActionScreenplayFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona := e.script(t, "Verona")

	plain := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Enter ROMEO."})
	require.Equal(t, charactersapi.ActionFormatAction, plain.Format)
	require.False(t, plain.Forced)
	a := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "THE END",
		Format: new(charactersapi.ActionFormatCentered), Forced: new(true)})
	require.Equal(t, charactersapi.ActionFormatCentered, a.Format)
	require.True(t, a.Forced)

	got, err := e.Characters.GetActionWithResponse(bg, a.ActionId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	require.Equal(t, a, *got.JSON200)
	list, err := e.Characters.ListActionsWithResponse(bg, &charactersapi.ListActionsParams{ScriptId: &verona})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, list.StatusCode(), string(list.Body))
	require.Equal(t, []charactersapi.Action{plain, a}, list.JSON200.Items)
	byID, err := e.Characters.ListActionsWithResponse(bg, &charactersapi.ListActionsParams{Ids: &[]int64{a.ActionId}})
	require.NoError(t, err)
	require.Equal(t, []charactersapi.Action{a}, byID.JSON200.Items)
	lines, err := e.Characters.ListLinesWithResponse(bg, &charactersapi.ListLinesParams{ScriptId: verona, ActionIds: &[]int64{plain.ActionId, a.ActionId}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, lines.StatusCode(), string(lines.Body))
	require.Equal(t, []charactersapi.ActionContent{
		{ActionId: plain.ActionId, ScriptId: verona, Description: "Enter ROMEO.", Format: charactersapi.ActionFormatAction, Version: 1},
		{ActionId: a.ActionId, ScriptId: verona, Description: "THE END", Format: charactersapi.ActionFormatCentered, Forced: true, Version: 1},
	}, lines.JSON200.Actions)

	// PATCH keeps what it does not name.
	patch, err := e.Characters.UpdateActionWithResponse(bg, a.ActionId, nil, charactersapi.ActionUpdateRequest{Format: new(charactersapi.ActionFormatNote)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	require.Equal(t, charactersapi.ActionFormatNote, patch.JSON200.Format)
	require.True(t, patch.JSON200.Forced)
	patch, err = e.Characters.UpdateActionWithResponse(bg, a.ActionId, nil, charactersapi.ActionUpdateRequest{Description: new("Cut: THE END")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	require.Equal(t, charactersapi.ActionFormatNote, patch.JSON200.Format)
	require.True(t, patch.JSON200.Forced)
	patch, err = e.Characters.UpdateActionWithResponse(bg, a.ActionId, nil, charactersapi.ActionUpdateRequest{Forced: new(false)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	require.False(t, patch.JSON200.Forced)
	require.Equal(t, charactersapi.ActionFormatNote, patch.JSON200.Format)

	// PUT sets what it names and resets what it leaves out.
	put, err := e.Characters.ReplaceActionWithResponse(bg, a.ActionId, nil, charactersapi.ActionReplaceRequest{Description: "===",
		Format: new(charactersapi.ActionFormatPageBreak), Forced: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode(), string(put.Body))
	require.Equal(t, charactersapi.ActionFormatPageBreak, put.JSON200.Format)
	require.True(t, put.JSON200.Forced)
	put, err = e.Characters.ReplaceActionWithResponse(bg, a.ActionId, nil, charactersapi.ActionReplaceRequest{Description: "THE END"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode(), string(put.Body))
	require.Equal(t, charactersapi.ActionFormatAction, put.JSON200.Format)
	require.False(t, put.JSON200.Forced)
	require.EqualValues(t, 6, put.JSON200.Version)

	// A format outside the list, or a mark that is not a boolean, is refused and changes nothing.
	for name, body := range map[string]string{
		"format":        `{"scriptId":` + strconv.FormatInt(verona, 10) + `,"description":"x","format":"bold"}`,
		"empty format":  `{"scriptId":` + strconv.FormatInt(verona, 10) + `,"description":"x","format":""}`,
		"forced string": `{"scriptId":` + strconv.FormatInt(verona, 10) + `,"description":"x","forced":"yes"}`,
	} {
		resp, err := e.Characters.CreateActionWithBodyWithResponse(bg, nil, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), name)
		require.Equal(t, "VALIDATION_FAILED", resp.JSON400.ErrorCode, name)
	}
	badPut, err := e.Characters.ReplaceActionWithBodyWithResponse(bg, a.ActionId, nil, "application/json", strings.NewReader(`{"description":"x","format":"Centered"}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, badPut.StatusCode())
	badPatch, err := e.Characters.UpdateActionWithBodyWithResponse(bg, a.ActionId, nil, "application/json", strings.NewReader(`{"forced":1}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, badPatch.StatusCode())
	require.Equal(t, 2, e.rows(t, "actions"))
	after, err := e.Characters.GetActionWithResponse(bg, a.ActionId)
	require.NoError(t, err)
	require.Equal(t, *put.JSON200, *after.JSON200)
}

// TestSpokenWordScreenplayFields: a spoken word's parenthetical, extension and flags go through
// every operation; PUT removes or resets what it leaves out and PATCH keeps it.
func TestSpokenWordScreenplayFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona := e.script(t, "Verona")
	juliet := e.character(t, "JULIET")

	plain := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, CharacterId: &juliet.CharacterId, Text: "Ay me!"})
	require.Nil(t, plain.Parenthetical)
	require.Nil(t, plain.Extension)
	require.False(t, plain.Dual || plain.ContinuesDialogue || plain.Lyric || plain.Forced)
	w := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, CharacterId: &juliet.CharacterId, Text: "O Romeo, Romeo!",
		Parenthetical: new("(to herself)"), Extension: new("(O.S.)"), Dual: new(true), ContinuesDialogue: new(true), Lyric: new(true), Forced: new(true)})
	require.Equal(t, new("(to herself)"), w.Parenthetical)
	require.Equal(t, new("(O.S.)"), w.Extension)
	require.True(t, w.Dual && w.ContinuesDialogue && w.Lyric && w.Forced)

	got, err := e.Characters.GetSpokenWordWithResponse(bg, w.DialogueId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	require.Equal(t, w, *got.JSON200)
	list, err := e.Characters.ListSpokenWordsWithResponse(bg, &charactersapi.ListSpokenWordsParams{ScriptId: &verona})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, list.StatusCode(), string(list.Body))
	require.Equal(t, []charactersapi.SpokenWord{plain, w}, list.JSON200.Items)
	byCharacter, err := e.Characters.ListSpokenWordsWithResponse(bg, &charactersapi.ListSpokenWordsParams{CharacterId: &juliet.CharacterId})
	require.NoError(t, err)
	require.Equal(t, []charactersapi.SpokenWord{plain, w}, byCharacter.JSON200.Items)
	lines, err := e.Characters.ListLinesWithResponse(bg, &charactersapi.ListLinesParams{ScriptId: verona, DialogueIds: &[]int64{w.DialogueId, plain.DialogueId}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, lines.StatusCode(), string(lines.Body))
	require.Equal(t, []charactersapi.SpokenWordContent{
		{DialogueId: plain.DialogueId, ScriptId: verona, CharacterId: &juliet.CharacterId, Text: "Ay me!", Version: 1},
		{DialogueId: w.DialogueId, ScriptId: verona, CharacterId: &juliet.CharacterId, Text: "O Romeo, Romeo!", Parenthetical: new("(to herself)"),
			Extension: new("(O.S.)"), Dual: true, ContinuesDialogue: true, Lyric: true, Forced: true, Version: 1},
	}, lines.JSON200.SpokenWords)

	// PATCH keeps what it does not name.
	patch, err := e.Characters.UpdateSpokenWordWithResponse(bg, w.DialogueId, nil, charactersapi.SpokenWordUpdateRequest{Parenthetical: new("(beat)"), Lyric: new(false)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	want := w
	want.Parenthetical, want.Lyric, want.Version, want.UpdatedAt = new("(beat)"), false, 2, patch.JSON200.UpdatedAt
	require.Equal(t, want, *patch.JSON200)
	patch, err = e.Characters.UpdateSpokenWordWithResponse(bg, w.DialogueId, nil, charactersapi.SpokenWordUpdateRequest{Text: new("Wherefore art thou Romeo?")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	want.Text, want.Version, want.UpdatedAt = "Wherefore art thou Romeo?", 3, patch.JSON200.UpdatedAt
	require.Equal(t, want, *patch.JSON200)
	patch, err = e.Characters.UpdateSpokenWordWithResponse(bg, w.DialogueId, nil, charactersapi.SpokenWordUpdateRequest{
		Extension: new("(V.O.)"), Dual: new(false), ContinuesDialogue: new(false), Forced: new(false)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode(), string(patch.Body))
	want.Extension, want.Dual, want.ContinuesDialogue, want.Forced, want.Version, want.UpdatedAt = new("(V.O.)"), false, false, false, 4, patch.JSON200.UpdatedAt
	require.Equal(t, want, *patch.JSON200)

	// PUT sets what it names and removes or resets what it leaves out.
	put, err := e.Characters.ReplaceSpokenWordWithResponse(bg, w.DialogueId, nil, charactersapi.SpokenWordReplaceRequest{Text: "Ay me!",
		CharacterId: &juliet.CharacterId, Extension: new("(CONT'D)"), Lyric: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode(), string(put.Body))
	require.Nil(t, put.JSON200.Parenthetical)
	require.Equal(t, new("(CONT'D)"), put.JSON200.Extension)
	require.True(t, put.JSON200.Lyric)
	require.False(t, put.JSON200.Dual || put.JSON200.ContinuesDialogue || put.JSON200.Forced)
	put, err = e.Characters.ReplaceSpokenWordWithResponse(bg, w.DialogueId, nil, charactersapi.SpokenWordReplaceRequest{Text: "Ay me!"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode(), string(put.Body))
	require.Nil(t, put.JSON200.Parenthetical)
	require.Nil(t, put.JSON200.Extension)
	require.False(t, put.JSON200.Dual || put.JSON200.ContinuesDialogue || put.JSON200.Lyric || put.JSON200.Forced)

	// Out of bounds, or not a boolean: refused, nothing changes.
	for name, body := range map[string]string{
		"empty parenthetical": `{"scriptId":` + strconv.FormatInt(verona, 10) + `,"text":"x","parenthetical":""}`,
		"long parenthetical":  `{"scriptId":` + strconv.FormatInt(verona, 10) + `,"text":"x","parenthetical":"` + strings.Repeat("x", 1001) + `"}`,
		"empty extension":     `{"scriptId":` + strconv.FormatInt(verona, 10) + `,"text":"x","extension":""}`,
		"long extension":      `{"scriptId":` + strconv.FormatInt(verona, 10) + `,"text":"x","extension":"` + strings.Repeat("x", 101) + `"}`,
		"dual string":         `{"scriptId":` + strconv.FormatInt(verona, 10) + `,"text":"x","dual":"true"}`,
		"lyric null":          `{"scriptId":` + strconv.FormatInt(verona, 10) + `,"text":"x","lyric":null}`,
	} {
		resp, err := e.Characters.CreateSpokenWordWithBodyWithResponse(bg, nil, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), name)
		require.Equal(t, "VALIDATION_FAILED", resp.JSON400.ErrorCode, name)
	}
	badPut, err := e.Characters.ReplaceSpokenWordWithBodyWithResponse(bg, w.DialogueId, nil, "application/json",
		strings.NewReader(`{"text":"x","extension":"`+strings.Repeat("x", 101)+`"}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, badPut.StatusCode())
	badPatch, err := e.Characters.UpdateSpokenWordWithBodyWithResponse(bg, w.DialogueId, nil, "application/json", strings.NewReader(`{"continuesDialogue":"no"}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, badPatch.StatusCode())
	require.Equal(t, 2, e.rows(t, "spoken_words"))
	after, err := e.Characters.GetSpokenWordWithResponse(bg, w.DialogueId)
	require.NoError(t, err)
	require.Equal(t, *put.JSON200, *after.JSON200)
}
