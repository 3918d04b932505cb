package e2e_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sequenceapi"
)

// TestOrderPageCountsWhatItLists: a page of positions that holds the whole order counts what it
// lists, also while a client appends to the order. listPositions reads totalCount (the scope's
// count) and the positions in two statements, each with its own snapshot, so an append committed
// between them shows N+1 positions, numbered 1..N+1, with totalCount N.
func TestOrderPageCountsWhatItLists(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t)
	const appends = 300

	var written atomic.Bool
	go func() {
		defer written.Store(true)
		for id := int64(1); id <= appends; id++ {
			resp, err := c.Sequence.GenerateSequenceNumberWithResponse(ctx, nil, sequenceapi.SequenceRequest{
				ElementType: sequenceapi.Action, ElementId: id, Scope: new("counted"),
			})
			if err != nil || resp.StatusCode() != http.StatusCreated {
				t.Errorf("append action %d: %v %v", id, err, resp)
				return
			}
		}
	}()
	for reads := 0; !written.Load(); reads++ {
		page, err := c.Sequence.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "counted", Limit: new(5000)})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, page.StatusCode(), string(page.Body))
		got := page.JSON200
		require.EqualValues(t, len(got.Positions), got.TotalCount,
			"read %d: the whole order lists %d positions, numbered 1 to %d, and counts %d", reads, len(got.Positions), len(got.Positions), got.TotalCount)
	}
}
