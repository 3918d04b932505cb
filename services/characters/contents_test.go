package characters_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
)

func TestListLines(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona, mantua := e.script(t, "Verona"), e.script(t, "Mantua")
	scene := e.section(t, verona, "Act 2, Scene 2")
	romeo := e.character(t, "ROMEO")

	a := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, SectionId: &scene, CharacterId: &romeo.CharacterId, Description: "Enter ROMEO."})
	w1 := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, SectionId: &scene, CharacterId: &romeo.CharacterId, Text: "But, soft!"})
	w2 := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "Ay me!"})
	elsewhere := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: mantua, Text: "Is it e'en so?"})

	resp, err := e.Characters.ListLinesWithResponse(bg, &charactersapi.ListLinesParams{
		ScriptId:    verona,
		ActionIds:   &[]int64{a.ActionId, 999999},
		DialogueIds: &[]int64{w2.DialogueId, elsewhere.DialogueId, w1.DialogueId},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	require.Equal(t, []charactersapi.ActionContent{{
		ActionId: a.ActionId, ScriptId: verona, SectionId: &scene, CharacterId: &romeo.CharacterId, Description: "Enter ROMEO.",
		Format: charactersapi.ActionFormatAction, Version: 1,
	}}, resp.JSON200.Actions, "an id that names nothing is left out")
	require.Equal(t, []charactersapi.SpokenWordContent{
		{DialogueId: w1.DialogueId, ScriptId: verona, SectionId: &scene, CharacterId: &romeo.CharacterId, Text: "But, soft!", Version: 1},
		{DialogueId: w2.DialogueId, ScriptId: verona, Text: "Ay me!", Version: 1},
	}, resp.JSON200.SpokenWords, "in id order, without the spoken word of another script")
	require.NotContains(t, string(resp.Body), "sequenceNumber")

	only, err := e.Characters.ListLinesWithResponse(bg, &charactersapi.ListLinesParams{ScriptId: mantua, DialogueIds: &[]int64{elsewhere.DialogueId}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, only.StatusCode(), string(only.Body))
	require.Empty(t, only.JSON200.Actions)
	require.Len(t, only.JSON200.SpokenWords, 1)
}

func TestListLinesRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	script := e.script(t, "Verona")

	none, err := e.Characters.ListLinesWithResponse(bg, &charactersapi.ListLinesParams{ScriptId: script})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, none.StatusCode())
	require.Equal(t, "FILTER_REQUIRED", none.JSON400.ErrorCode)

	ids := func(from, n int) *[]int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(from + i)
		}
		return &out
	}
	tooMany, err := e.Characters.ListLinesWithResponse(bg, &charactersapi.ListLinesParams{ScriptId: script, ActionIds: ids(1, 3000), DialogueIds: ids(1, 2001)})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, tooMany.StatusCode(), "5,001 ids in all")
	require.Equal(t, "VALIDATION_FAILED", tooMany.JSON400.ErrorCode)

	bound, err := e.Characters.ListLinesWithResponse(bg, &charactersapi.ListLinesParams{ScriptId: script, ActionIds: ids(1, 3000), DialogueIds: ids(1, 2000)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, bound.StatusCode(), "5,000 ids in all")

	// Authenticated, so that the request reaches validation.
	hc := e.HTTP
	for _, query := range []string{"", "scriptId=0&actionIds=1", "scriptId=1&actionIds=x", "scriptId=1&dialogueIds=0"} {
		resp, err := hc.Get(fmt.Sprintf("%s/lines?%s", e.URL, query))
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "query %q", query)
	}
}
