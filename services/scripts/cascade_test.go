package scripts_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services/characters"
	"github.com/fountainai/fountainai/services/scripts"
	"github.com/fountainai/fountainai/services/sequence"
	"github.com/fountainai/fountainai/services/sessions"
)

// TestDeleteScriptAcrossServices deletes a script whose lines live in Character Management and whose
// character contexts live in Session & Context, with all four services in one process.
func TestDeleteScriptAcrossServices(t *testing.T) {
	t.Parallel()
	all := []service.Service{sequence.Service(), characters.Service(), sessions.Service(), scripts.Service()}
	e := apitest.NewEnv(t, all...)
	c, cc, sc, seq := e.Scripts, e.Characters, e.Sessions, e.Sequence

	s := createScript(t, c, "Romeo and Juliet")
	keep := createScript(t, c, "Hamlet")
	act1 := addSection(t, c, s.ScriptId, "Act 2, Scene 2")
	addSection(t, c, s.ScriptId, "Act 2, Scene 3")
	addTransition(t, c, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})

	romeo, err := cc.CreateCharacterWithResponse(bg, nil, charactersapi.CharacterCreateRequest{Name: "ROMEO", Description: "A Montague"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, romeo.StatusCode(), string(romeo.Body))
	romeoID := romeo.JSON201.CharacterId

	action, err := cc.CreateActionWithResponse(bg, nil, charactersapi.ActionCreateRequest{ScriptId: s.ScriptId, SectionId: &act1.HeadingId, Description: "Enter ROMEO."})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, action.StatusCode(), string(action.Body))
	for _, line := range []string{"He jests at scars that never felt a wound.", "But, soft! what light through yonder window breaks?"} {
		w, err := cc.CreateSpokenWordWithResponse(bg, nil, charactersapi.SpokenWordCreateRequest{ScriptId: s.ScriptId, CharacterId: &romeoID, Text: line})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, w.StatusCode(), string(w.Body))
	}
	other, err := cc.CreateSpokenWordWithResponse(bg, nil, charactersapi.SpokenWordCreateRequest{ScriptId: keep.ScriptId, CharacterId: &romeoID, Text: "To be, or not to be"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, other.StatusCode(), string(other.Body))
	ctxResp, err := sc.CreateCharacterContextWithResponse(bg, nil, sessionsapi.CharacterContextRequest{
		ScriptId: s.ScriptId, CharacterId: romeoID, StartSequence: 1, Context: json.RawMessage(`{"mood":"longing","location":"orchard"}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, ctxResp.StatusCode(), string(ctxResp.Body))

	// The heading an action names cannot go.
	delSection, err := c.DeleteSectionHeadingWithResponse(bg, s.ScriptId, act1.HeadingId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, delSection.StatusCode(), string(delSection.Body))
	require.Equal(t, "1 actions", *delSection.JSON409.Details)

	refused, err := c.DeleteScriptWithResponse(bg, s.ScriptId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode(), string(refused.Body))
	require.Equal(t, "2 sections, 1 transitions, 2 spokenWords, 1 actions, 1 characterContexts", *refused.JSON409.Details)

	deleted, err := c.DeleteScriptWithResponse(bg, s.ScriptId, &scriptsapi.DeleteScriptParams{Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, deleted.StatusCode(), string(deleted.Body))

	gone, err := c.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, gone.StatusCode())
	actions, err := cc.ListActionsWithResponse(bg, &charactersapi.ListActionsParams{ScriptId: &s.ScriptId})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, actions.StatusCode(), string(actions.Body))
	require.Zero(t, actions.JSON200.TotalCount)
	words, err := cc.ListSpokenWordsWithResponse(bg, &charactersapi.ListSpokenWordsParams{ScriptId: &s.ScriptId})
	require.NoError(t, err)
	require.Zero(t, words.JSON200.TotalCount)
	contexts, err := sc.ListCharacterContextsWithResponse(bg, &sessionsapi.ListCharacterContextsParams{ScriptId: &s.ScriptId})
	require.NoError(t, err)
	require.Zero(t, contexts.JSON200.TotalCount)
	for _, scope := range []string{"story", "sections"} {
		positions, err := seq.ListPositionsWithResponse(bg, &sequenceapi.ListPositionsParams{Scope: scope, ScriptId: &s.ScriptId})
		require.NoError(t, err)
		require.Zero(t, positions.JSON200.TotalCount, "no position of the script is left in %s", scope)
	}

	// What belongs to other scripts stays, and so does the character.
	kept, err := cc.ListSpokenWordsWithResponse(bg, &charactersapi.ListSpokenWordsParams{ScriptId: &keep.ScriptId})
	require.NoError(t, err)
	require.EqualValues(t, 1, kept.JSON200.TotalCount)
	char, err := cc.GetCharacterWithResponse(bg, romeoID)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, char.StatusCode())
}
