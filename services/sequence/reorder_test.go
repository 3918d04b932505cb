package sequence_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/services/sequence"
)

// numbers maps "type id" to the number each element of the scope holds.
func numbers(t *testing.T, c *sequenceapi.ClientWithResponses, scriptID *int64, scope string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, p := range listScope(t, c, scriptID, scope) {
		out[fmt.Sprintf("%s %d", p.ElementType, p.ElementId)] = p.SequenceNumber
	}
	return out
}

func TestReorderV2Swap(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sequence.Service()).Sequence
	for id := range int64(3) {
		allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Section, ElementId: id + 1})
	}
	resp, err := c.ReorderElementsWithResponse(context.Background(), sequenceapi.ReorderRequest{
		ElementType: sequenceapi.Section,
		Elements:    []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 2}, {ElementId: 2, NewSequence: 1}},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	require.Equal(t, "section", resp.JSON200.Scope)
	require.Equal(t, []sequenceapi.UpdatedElement{
		{ElementType: sequenceapi.Section, ElementId: 1, NewSequence: 2},
		{ElementType: sequenceapi.Section, ElementId: 2, NewSequence: 1},
	}, resp.JSON200.UpdatedElements)
	require.Equal(t, map[string]int64{"section 1": 2, "section 2": 1, "section 3": 3}, numbers(t, c, nil, "section"))

	pos, err := c.GetElementPositionWithResponse(context.Background(), sequenceapi.Section, 1, nil)
	require.NoError(t, err)
	require.EqualValues(t, 2, pos.JSON200.SequenceNumber, "element reads show the new order")
}

func TestReorderMixedStory(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sequence.Service())
	c, pool := e.Sequence, e.Pool
	script := new(int64(4))
	// A story as the content services write it; reordering it is the client's.
	place(t, pool, *script, "story", sequenceapi.Action, 1)
	place(t, pool, *script, "story", sequenceapi.SpokenWord, 1)
	place(t, pool, *script, "story", sequenceapi.SpokenWord, 2)

	// Rotate: the action moves to the end; items name their own type where it differs.
	resp, err := c.ReorderElementsWithResponse(context.Background(), sequenceapi.ReorderRequest{
		ElementType: sequenceapi.SpokenWord, ScriptId: script, Scope: new("story"),
		Elements: []sequenceapi.ReorderItem{
			{ElementType: new(sequenceapi.Action), ElementId: 1, NewSequence: 3},
			{ElementId: 1, NewSequence: 1},
			{ElementId: 2, NewSequence: 2},
		},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	require.Equal(t, map[string]int64{"spokenWord 1": 1, "spokenWord 2": 2, "action 1": 3}, numbers(t, c, script, "story"))
}

// TestReorderPastTheEnd: numbers are ranks, so a reorder cannot move an element past the last
// number of its scope (v2 left a gap there); it is refused and changes nothing.
func TestReorderPastTheEnd(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sequence.Service()).Sequence
	script := new(int64(5))
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 1, ScriptId: script, Scope: new("draft")})
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 2, ScriptId: script, Scope: new("draft")})
	resp, err := c.ReorderElementsWithResponse(context.Background(), sequenceapi.ReorderRequest{
		ElementType: sequenceapi.Action, Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 1<<53 - 1}}})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, resp.StatusCode(), string(resp.Body))
	require.Equal(t, "SEQUENCE_CONFLICT", resp.JSON409.ErrorCode)
	require.Contains(t, *resp.JSON409.Details, "past the end")
	require.Equal(t, map[string]int64{"action 1": 1, "action 2": 2}, numbers(t, c, script, "draft"))
}

func TestReorderRefusalsChangeNothing(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sequence.Service()).Sequence
	script := new(int64(5))
	for id := range int64(3) {
		allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: id + 1, ScriptId: script, Scope: new("draft")})
	}
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 9, ScriptId: new(int64(6)), Scope: new("draft")})
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Section, ElementId: 1, ScriptId: script, Scope: new("outline")})
	before := numbers(t, c, script, "draft")

	cases := []struct {
		name   string
		body   sequenceapi.ReorderRequest
		status int
		code   string
	}{
		{"unknown element", sequenceapi.ReorderRequest{ElementType: sequenceapi.Action, Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 2}, {ElementId: 77, NewSequence: 1}}}, http.StatusNotFound, "NOT_FOUND"},
		{"element listed twice", sequenceapi.ReorderRequest{ElementType: sequenceapi.Action, Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 2}, {ElementId: 1, NewSequence: 1}}}, http.StatusBadRequest, "DUPLICATE_ELEMENT"},
		{"number given twice", sequenceapi.ReorderRequest{ElementType: sequenceapi.Action, Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 2}, {ElementId: 2, NewSequence: 2}}}, http.StatusBadRequest, "DUPLICATE_SEQUENCE"},
		{"two scripts", sequenceapi.ReorderRequest{ElementType: sequenceapi.Action, Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 2}, {ElementId: 9, NewSequence: 1}}}, http.StatusBadRequest, "SCOPE_MISMATCH"},
		{"story and sections", sequenceapi.ReorderRequest{ElementType: sequenceapi.Action, Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 2}, {ElementType: new(sequenceapi.Section), ElementId: 1, NewSequence: 1}}}, http.StatusBadRequest, "SCOPE_MISMATCH"},
		{"wrong script named", sequenceapi.ReorderRequest{ElementType: sequenceapi.Action, ScriptId: new(int64(6)), Scope: new("draft"), Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 2}, {ElementId: 2, NewSequence: 1}}}, http.StatusBadRequest, "SCOPE_MISMATCH"},
		{"beyond 2^53 - 1", sequenceapi.ReorderRequest{ElementType: sequenceapi.Action, Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 1 << 53}}}, http.StatusBadRequest, "VALIDATION_FAILED"},
		{"collides with an unmoved element", sequenceapi.ReorderRequest{ElementType: sequenceapi.Action, Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 3}}}, http.StatusConflict, "SEQUENCE_CONFLICT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := c.ReorderElementsWithResponse(context.Background(), tc.body)
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode(), string(resp.Body))
			var code string
			switch {
			case resp.JSON400 != nil:
				code = resp.JSON400.ErrorCode
			case resp.JSON404 != nil:
				code = resp.JSON404.ErrorCode
			case resp.JSON409 != nil:
				code = resp.JSON409.ErrorCode
				require.Contains(t, *resp.JSON409.Details, "action 3")
			}
			require.Equal(t, tc.code, code)
			require.Equal(t, before, numbers(t, c, script, "draft"), "a refused reorder changes nothing")
		})
	}
}
