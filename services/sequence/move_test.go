package sequence_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/services/sequence"
)

// TestMoveSceneWithItsHeading: a scene's run of the story and its heading in the sections order
// move in one request, and both orders stay dense.
func TestMoveSceneWithItsHeading(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sequence.Service())
	c, pool := e.Sequence, e.Pool
	ctx := context.Background()
	script := new(int64(3))
	// Scene 1 is actions 1-2, scene 2 is actions 3-4 with a transition, scene 3 is action 5.
	for _, e := range []struct {
		typ sequenceapi.ElementType
		id  int64
	}{{sequenceapi.Action, 1}, {sequenceapi.Action, 2}, {sequenceapi.Action, 3}, {sequenceapi.Action, 4}, {sequenceapi.Transition, 1}, {sequenceapi.Action, 5}} {
		place(t, pool, *script, "story", e.typ, e.id)
	}
	for id := int64(1); id <= 3; id++ {
		place(t, pool, *script, "sections", sequenceapi.Section, id)
	}

	// Scene 2 (action 3 through the transition) with heading 2 goes before scene 1.
	resp, err := c.MoveElementsWithResponse(ctx, nil, sequenceapi.MoveRequest{
		ElementType: sequenceapi.Action, ElementId: 3, Through: &sequenceapi.ElementRef{ElementType: sequenceapi.Transition, ElementId: 1},
		ScriptId: script, AtSequence: new(int64(1)),
		Heading: &sequenceapi.HeadingMove{HeadingId: 2, Before: &sequenceapi.ElementRef{ElementType: sequenceapi.Section, ElementId: 1}},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	require.Equal(t, []sequenceapi.Position{
		{ElementType: sequenceapi.Action, ElementId: 3, SequenceNumber: 1},
		{ElementType: sequenceapi.Action, ElementId: 4, SequenceNumber: 2},
		{ElementType: sequenceapi.Transition, ElementId: 1, SequenceNumber: 3},
	}, resp.JSON200.MovedElements)
	require.Equal(t, &sequenceapi.Position{ElementType: sequenceapi.Section, ElementId: 2, SequenceNumber: 1}, resp.JSON200.Heading)
	require.Equal(t, sequenceapi.OwnerContent, resp.JSON200.Owner)
	require.Equal(t, map[string]int64{"action 3": 1, "action 4": 2, "transition 1": 3, "action 1": 4, "action 2": 5, "action 5": 6},
		numbers(t, c, script, "story"))
	require.Equal(t, map[string]int64{"section 2": 1, "section 1": 2, "section 3": 3}, numbers(t, c, script, "sections"))

	// A heading the sections order cannot place refuses the whole move.
	refused, err := c.MoveElementsWithResponse(ctx, nil, sequenceapi.MoveRequest{
		ElementType: sequenceapi.Action, ElementId: 5, ScriptId: script, AtSequence: new(int64(1)),
		Heading: &sequenceapi.HeadingMove{HeadingId: 3, AtSequence: new(int64(9))},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode(), string(refused.Body))
	require.Equal(t, "SEQUENCE_OUT_OF_RANGE", refused.JSON409.ErrorCode)
	require.EqualValues(t, 6, numbers(t, c, script, "story")["action 5"], "the run did not move either")

	// Only a run of a script's story has a heading.
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 1, ScriptId: script, Scope: new("draft")})
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 2, ScriptId: script, Scope: new("draft")})
	client, err := c.MoveElementsWithResponse(ctx, nil, sequenceapi.MoveRequest{
		ElementType: sequenceapi.Action, ElementId: 2, Owner: new(sequenceapi.OwnerClient), AtSequence: new(int64(1)),
		Heading: &sequenceapi.HeadingMove{HeadingId: 1, AtSequence: new(int64(1))},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, client.StatusCode(), string(client.Body))
	require.Equal(t, "SCOPE_MISMATCH", client.JSON400.ErrorCode)

	// A heading needs exactly one place.
	unplaced, err := c.MoveElementsWithResponse(ctx, nil, sequenceapi.MoveRequest{
		ElementType: sequenceapi.Action, ElementId: 5, ScriptId: script, AtSequence: new(int64(1)),
		Heading: &sequenceapi.HeadingMove{HeadingId: 3},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, unplaced.StatusCode(), string(unplaced.Body))
	require.Equal(t, "INVALID_PLACEMENT", unplaced.JSON400.ErrorCode)
}
