package sessions_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
)

// TestCascadeFromScriptsAndCharacters: the scripts and characters services refuse to delete a script
// or character that contexts name, and with cascade=true remove those contexts through this
// service's bulk delete, leaving none dangling.
func TestCascadeFromScriptsAndCharacters(t *testing.T) {
	t.Parallel()
	e := newContextEnv(t)
	ctx := context.Background()
	script, otherScript := e.newScript(t), e.newScript(t)
	juliet, romeo := e.newCharacter(t), e.newCharacter(t)
	for _, s := range []int64{script, otherScript} {
		for _, c := range []int64{juliet, romeo} {
			createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: s, CharacterId: c, StartSequence: 1, Context: json.RawMessage(`{"mood":"x"}`)})
		}
	}

	refused, err := e.Scripts.DeleteScriptWithResponse(ctx, script, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode(), string(refused.Body))
	require.Contains(t, string(refused.Body), "characterContexts")
	require.EqualValues(t, 4, listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{}).TotalCount)

	gone, err := e.Scripts.DeleteScriptWithResponse(ctx, script, &scriptsapi.DeleteScriptParams{Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, gone.StatusCode(), string(gone.Body))
	require.Zero(t, listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{ScriptId: &script}).TotalCount)
	require.EqualValues(t, 2, listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{}).TotalCount, "other scripts keep theirs")

	refusedChar, err := e.Characters.DeleteCharacterWithResponse(ctx, romeo, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refusedChar.StatusCode(), string(refusedChar.Body))
	goneChar, err := e.Characters.DeleteCharacterWithResponse(ctx, romeo, &charactersapi.DeleteCharacterParams{Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, goneChar.StatusCode(), string(goneChar.Body))
	left := listContexts(t, e.Sessions, sessionsapi.ListCharacterContextsParams{})
	require.EqualValues(t, 1, left.TotalCount)
	require.Equal(t, otherScript, left.Items[0].ScriptId)
	require.Equal(t, juliet, left.Items[0].CharacterId)

	// The deleted script and character are now unknown references.
	resp, err := e.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: juliet, StartSequence: 2, Context: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode())
	require.Equal(t, "SCRIPT_NOT_FOUND", resp.JSON422.ErrorCode)
	resp, err = e.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{ScriptId: otherScript, CharacterId: romeo, StartSequence: 2, Context: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode())
	require.Equal(t, "CHARACTER_NOT_FOUND", resp.JSON422.ErrorCode)
}
