package e2e_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/services"
)

// TestRawSequenceClientCannotBreakAContentService: a client of the Central Sequence Service that
// places, releases and reorders elements of its own with the v2 bodies, under the same types and ids
// as Character Management's, changes nothing of the story that service keeps, and cannot place into
// or release from a script's orders.
func TestRawSequenceClientCannotBreakAContentService(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := apitest.NewEnv(t, services.All()...).Clients

	// The raw client takes spokenWord 1 and 2 before Character Management has any.
	for id := int64(1); id <= 2; id++ {
		raw, err := c.Sequence.GenerateSequenceNumberWithResponse(ctx, nil, sequenceapi.SequenceRequest{ElementType: sequenceapi.SpokenWord, ElementId: id})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, raw.StatusCode(), string(raw.Body))
	}

	script, err := c.Scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{Title: "Romeo and Juliet"})
	require.NoError(t, err)
	id := script.JSON201.ScriptId
	var lines []int64
	for _, text := range []string{"Ay me!", "She speaks."} {
		w, err := c.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{ScriptId: id, Text: text})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, w.StatusCode(), string(w.Body))
		lines = append(lines, w.JSON201.DialogueId)
	}
	require.Equal(t, []int64{1, 2}, lines, "the same ids the raw client used")

	// It cannot place into the story, by default scope or by name.
	for _, r := range []sequenceapi.SequenceRequest{
		{ElementType: sequenceapi.SpokenWord, ElementId: 3, ScriptId: &id},
		{ElementType: sequenceapi.Action, ElementId: 9, ScriptId: &id, Scope: new("story")},
	} {
		refused, err := c.Sequence.GenerateSequenceNumberWithResponse(ctx, nil, r)
		require.NoError(t, err)
		require.Equal(t, http.StatusConflict, refused.StatusCode(), string(refused.Body))
		require.Equal(t, "CONTENT_ORDER", refused.JSON409.ErrorCode)
	}
	// Its v2 reorder moves its own elements only.
	swap, err := c.Sequence.ReorderElementsWithResponse(ctx, sequenceapi.ReorderRequest{ElementType: sequenceapi.SpokenWord,
		Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 2}, {ElementId: 2, NewSequence: 1}}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, swap.StatusCode(), string(swap.Body))
	require.Equal(t, "spokenWord", swap.JSON200.Scope)
	// Its release takes its own position; the content one it cannot take.
	for _, want := range []int{http.StatusNoContent, http.StatusConflict} {
		rel, err := c.Sequence.ReleasePositionWithResponse(ctx, sequenceapi.SpokenWord, 1)
		require.NoError(t, err)
		require.Equal(t, want, rel.StatusCode(), string(rel.Body))
	}

	// Character Management and the Story Factory see the story as written.
	for i, line := range lines {
		got, err := c.Characters.GetSpokenWordWithResponse(ctx, line)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, got.StatusCode(), string(got.Body))
		require.EqualValues(t, i+1, got.JSON200.SequenceNumber)
	}
	story, err := c.Stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: id})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, story.StatusCode(), string(story.Body))
	require.Len(t, story.JSON200.Story, 2)
	for i, e := range story.JSON200.Story {
		require.Equal(t, lines[i], e.SpokenWord.DialogueId)
	}
	del, err := c.Characters.DeleteSpokenWordWithResponse(ctx, lines[0], nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	gone, err := c.Sequence.GetElementPositionWithResponse(ctx, sequenceapi.SpokenWord, lines[0], &sequenceapi.GetElementPositionParams{Owner: new(sequenceapi.OwnerContent)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, gone.StatusCode(), "deleting the spoken word released its position")
	mine, err := c.Sequence.GetElementPositionWithResponse(ctx, sequenceapi.SpokenWord, 2, nil)
	require.NoError(t, err)
	require.Equal(t, sequenceapi.OwnerClient, mine.JSON200.Owner, "and left the raw client's element alone")
}
