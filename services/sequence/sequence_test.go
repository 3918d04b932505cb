package sequence_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/placementdb"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/sequence"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// place puts a content element at the end of an order of a script, as a content service does.
func place(t *testing.T, pool *pgxpool.Pool, scriptID int64, order string, typ sequenceapi.ElementType, id int64) int64 {
	t.Helper()
	n, err := placementdb.New(pool).Place(context.Background(), placementdb.PlaceParams{Tenant: auth.DefaultTenant, ScriptID: scriptID, Scope: order, ElementType: string(typ), ElementID: id})
	require.NoError(t, err)
	return n
}

func allocate(t *testing.T, c *sequenceapi.ClientWithResponses, body sequenceapi.SequenceRequest) sequenceapi.SequenceResponse {
	t.Helper()
	resp, err := c.GenerateSequenceNumberWithResponse(context.Background(), nil, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return *resp.JSON201
}

func listScope(t *testing.T, c *sequenceapi.ClientWithResponses, scriptID *int64, scope string) []sequenceapi.Position {
	t.Helper()
	resp, err := c.ListPositionsWithResponse(context.Background(), &sequenceapi.ListPositionsParams{Scope: scope, ScriptId: scriptID, Limit: new(1000)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return resp.JSON200.Positions
}

func TestAllocateV2ScopePerType(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sequence.Service()).Sequence

	first := allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Script, ElementId: 10})
	require.Equal(t, sequenceapi.SequenceResponse{SequenceNumber: 1, ElementType: sequenceapi.Script, ElementId: 10, Scope: "script", Created: true}, first)
	require.EqualValues(t, 2, allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Script, ElementId: 11}).SequenceNumber)
	// Another type has its own number line.
	require.EqualValues(t, 1, allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Character, ElementId: 10}).SequenceNumber)

	again := allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Script, ElementId: 10})
	require.EqualValues(t, 1, again.SequenceNumber, "asking again returns the current number")
	require.False(t, again.Created)
	require.EqualValues(t, 3, allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Script, ElementId: 12}).SequenceNumber, "a repeated request uses no number")
}

func TestAllocateScriptScopes(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sequence.Service()).Sequence
	ctx := context.Background()
	script := new(int64(7))

	// A script's story and sections are the content services' orders: a client cannot place in
	// them, by default scope or by name, and nothing is placed.
	for _, r := range []sequenceapi.SequenceRequest{
		{ElementType: sequenceapi.Action, ElementId: 1, ScriptId: script},
		{ElementType: sequenceapi.Section, ElementId: 1, ScriptId: script},
		{ElementType: sequenceapi.Character, ElementId: 1, ScriptId: script, Scope: new("story")},
	} {
		resp, err := c.GenerateSequenceNumberWithResponse(ctx, nil, r)
		require.NoError(t, err)
		require.Equal(t, http.StatusConflict, resp.StatusCode(), string(resp.Body))
		require.Equal(t, "CONTENT_ORDER", resp.JSON409.ErrorCode)
	}
	require.Empty(t, listScope(t, c, script, "story"))
	require.Empty(t, listScope(t, c, script, "sections"))

	// Every other scope of a script is the client's.
	draft := []sequenceapi.SequenceRequest{
		{ElementType: sequenceapi.Action, ElementId: 1, ScriptId: script, Scope: new("draft")},
		{ElementType: sequenceapi.SpokenWord, ElementId: 1, ScriptId: script, Scope: new("draft")},
		{ElementType: sequenceapi.SpokenWord, ElementId: 2, ScriptId: script, Scope: new("draft")},
	}
	for i, r := range draft {
		got := allocate(t, c, r)
		require.EqualValues(t, i+1, got.SequenceNumber)
		require.Equal(t, "draft", got.Scope)
		require.Equal(t, script, got.ScriptId)
	}
	cast := allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Character, ElementId: 3, ScriptId: script})
	require.Equal(t, sequenceapi.SequenceResponse{SequenceNumber: 1, ElementType: sequenceapi.Character, ElementId: 3, ScriptId: script, Scope: "character", Created: true}, cast,
		"other types keep a scope of their own within a script")
	other := allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 2, ScriptId: new(int64(8)), Scope: new("draft")})
	require.EqualValues(t, 1, other.SequenceNumber, "each script has its own scopes")

	// A v2 body for an element placed in a script returns where it is.
	v2 := allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.SpokenWord, ElementId: 1})
	require.Equal(t, sequenceapi.SequenceResponse{SequenceNumber: 2, ElementType: sequenceapi.SpokenWord, ElementId: 1, ScriptId: script, Scope: "draft"}, v2)

	// Naming another scope for a placed element is a conflict, and changes nothing.
	resp, err := c.GenerateSequenceNumberWithResponse(ctx, nil, sequenceapi.SequenceRequest{ElementType: sequenceapi.SpokenWord, ElementId: 1, ScriptId: new(int64(8)), Scope: new("draft")})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, resp.StatusCode())
	require.Equal(t, "ELEMENT_IN_OTHER_SCOPE", resp.JSON409.ErrorCode)
	require.Len(t, listScope(t, c, new(int64(8)), "draft"), 1)

	pos, err := c.GetElementPositionWithResponse(ctx, sequenceapi.SpokenWord, 2, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, pos.StatusCode())
	require.Equal(t, sequenceapi.ElementPosition{ElementType: sequenceapi.SpokenWord, ElementId: 2, Owner: sequenceapi.OwnerClient, ScriptId: script, Scope: "draft", SequenceNumber: 3}, *pos.JSON200)

	missing, err := c.GetElementPositionWithResponse(ctx, sequenceapi.SpokenWord, 99, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())
	require.Equal(t, "NOT_FOUND", missing.JSON404.ErrorCode)
}

// TestClientAndContentKeySpaces: a client's elements and a content service's elements of the same
// type and id are two elements, and a client cannot take or release a content position.
func TestClientAndContentKeySpaces(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sequence.Service())
	c, pool := e.Sequence, e.Pool
	ctx := context.Background()
	require.EqualValues(t, 1, place(t, pool, 3, "story", sequenceapi.SpokenWord, 1))
	require.EqualValues(t, 2, place(t, pool, 3, "story", sequenceapi.Action, 1))

	// The client's spokenWord 1 (a v2 body) is its own element: the content one is untouched.
	mine := allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.SpokenWord, ElementId: 1})
	require.Equal(t, sequenceapi.SequenceResponse{SequenceNumber: 1, ElementType: sequenceapi.SpokenWord, ElementId: 1, Scope: "spokenWord", Created: true}, mine)
	require.Len(t, listScope(t, c, new(int64(3)), "story"), 2)

	read := func(owner *sequenceapi.Owner) sequenceapi.ElementPosition {
		t.Helper()
		resp, err := c.GetElementPositionWithResponse(ctx, sequenceapi.SpokenWord, 1, &sequenceapi.GetElementPositionParams{Owner: owner})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		return *resp.JSON200
	}
	require.Equal(t, "spokenWord", read(nil).Scope, "without an owner, the client's position")
	require.Equal(t, sequenceapi.ElementPosition{ElementType: sequenceapi.SpokenWord, ElementId: 1, Owner: sequenceapi.OwnerContent, ScriptId: new(int64(3)), Scope: "story", SequenceNumber: 1},
		read(new(sequenceapi.OwnerContent)))
	listed, err := c.ListElementPositionsWithResponse(ctx, sequenceapi.Action, &sequenceapi.ListElementPositionsParams{Ids: []int64{1}})
	require.NoError(t, err)
	require.Equal(t, []sequenceapi.ElementPosition{{ElementType: sequenceapi.Action, ElementId: 1, Owner: sequenceapi.OwnerContent, ScriptId: new(int64(3)), Scope: "story", SequenceNumber: 2}},
		listed.JSON200.Items, "the content position when the client holds none")

	// Releasing through the API takes the client's position only; a content position stays.
	released, err := c.ReleasePositionWithResponse(ctx, sequenceapi.SpokenWord, 1)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, released.StatusCode())
	refused, err := c.ReleasePositionWithResponse(ctx, sequenceapi.SpokenWord, 1)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode(), string(refused.Body))
	require.Equal(t, "CONTENT_OWNED", refused.JSON409.ErrorCode)
	require.Len(t, listScope(t, c, new(int64(3)), "story"), 2, "the content position is kept")

	// A v2 reorder of the client's elements never touches the content order of the same ids.
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 1})
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 2})
	swap, err := c.ReorderElementsWithResponse(ctx, sequenceapi.ReorderRequest{ElementType: sequenceapi.Action,
		Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 2}, {ElementId: 2, NewSequence: 1}}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, swap.StatusCode(), string(swap.Body))
	require.Equal(t, "action", swap.JSON200.Scope)
	require.Equal(t, map[string]int64{"spokenWord 1": 1, "action 1": 2}, numbers(t, c, new(int64(3)), "story"))
}

func TestListPositions(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sequence.Service()).Sequence
	script := new(int64(3))
	for i := range 25 {
		typ := sequenceapi.Action
		if i%2 == 1 {
			typ = sequenceapi.SpokenWord
		}
		allocate(t, c, sequenceapi.SequenceRequest{ElementType: typ, ElementId: int64(i + 1), ScriptId: script, Scope: new("draft")})
	}
	ctx := context.Background()

	var seen []int64
	for offset := int64(0); ; offset += 10 {
		resp, err := c.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "draft", ScriptId: script, Limit: new(10), Offset: &offset})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode())
		require.EqualValues(t, 25, resp.JSON200.TotalCount)
		if len(resp.JSON200.Positions) == 0 {
			break
		}
		for _, p := range resp.JSON200.Positions {
			seen = append(seen, p.SequenceNumber)
		}
	}
	require.Len(t, seen, 25)
	require.True(t, sort.SliceIsSorted(seen, func(i, j int) bool { return seen[i] < seen[j] }), "pages come in sequence order")

	ranged, err := c.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{
		Scope: "draft", ScriptId: script, ElementType: new(sequenceapi.SpokenWord), StartSequence: new(int64(5)), EndSequence: new(int64(10)),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, ranged.StatusCode())
	require.EqualValues(t, 3, ranged.JSON200.TotalCount)
	for _, p := range ranged.JSON200.Positions {
		require.Equal(t, sequenceapi.SpokenWord, p.ElementType)
		require.True(t, p.SequenceNumber >= 5 && p.SequenceNumber <= 10)
	}

	inverted, err := c.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "draft", ScriptId: script, StartSequence: new(int64(9)), EndSequence: new(int64(2))})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, inverted.StatusCode())

	// The whole scope's count is kept as positions come and go; a filtered one is counted.
	for _, id := range []int64{2, 4, 5} {
		typ := sequenceapi.SpokenWord
		if id%2 == 1 {
			typ = sequenceapi.Action
		}
		released, err := c.ReleasePositionWithResponse(ctx, typ, id)
		require.NoError(t, err)
		require.Equal(t, http.StatusNoContent, released.StatusCode())
	}
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 99, ScriptId: script, Scope: new("draft")})
	for _, typ := range []*sequenceapi.ElementType{nil, new(sequenceapi.SpokenWord), new(sequenceapi.Action)} {
		whole, err := c.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "draft", ScriptId: script, ElementType: typ, Limit: new(5000)})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, whole.StatusCode())
		require.EqualValues(t, len(whole.JSON200.Positions), whole.JSON200.TotalCount, "type %v", typ)
	}
	tail, err := c.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "draft", ScriptId: script, Offset: new(int64(20))})
	require.NoError(t, err)
	require.EqualValues(t, 23, tail.JSON200.TotalCount)
	require.Len(t, tail.JSON200.Positions, 3)

	empty, err := c.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "draft", ScriptId: new(int64(404))})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, empty.StatusCode())
	require.Empty(t, empty.JSON200.Positions)
	require.Zero(t, empty.JSON200.TotalCount)
}

func TestVersions(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sequence.Service()).Sequence
	ctx := context.Background()
	data := []string{
		`{"text":"O Romeo, Romeo! wherefore art thou Romeo?"}`,
		`{"text":"Deny thy father, and refuse thy name;","note":"with \"quotes\", commas","n":12345678901234567890}`,
		`{"nested":{"list":[1,2,{"x":null}],"flag":true}}`,
	}
	for i, d := range data {
		resp, err := c.CreateVersionWithResponse(ctx, nil, sequenceapi.VersionRequest{ElementType: sequenceapi.SpokenWord, ElementId: 1, NewVersionData: json.RawMessage(d)})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
		require.EqualValues(t, i+1, resp.JSON201.VersionNumber)
	}
	other, err := c.CreateVersionWithResponse(ctx, nil, sequenceapi.VersionRequest{ElementType: sequenceapi.Action, ElementId: 1, NewVersionData: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.EqualValues(t, 1, other.JSON201.VersionNumber, "versions are numbered per element")

	for i, d := range data {
		resp, err := c.GetVersionWithResponse(ctx, sequenceapi.SpokenWord, 1, int64(i+1))
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode())
		require.JSONEq(t, d, string(resp.JSON200.Data), "data reads back as stored")
	}

	list, err := c.ListVersionsWithResponse(ctx, sequenceapi.SpokenWord, 1, &sequenceapi.ListVersionsParams{Limit: new(2), Offset: new(int64(1))})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, list.StatusCode())
	require.EqualValues(t, 3, list.JSON200.TotalCount)
	require.Len(t, list.JSON200.Versions, 2)
	require.EqualValues(t, 2, list.JSON200.Versions[0].VersionNumber)
	require.EqualValues(t, 3, list.JSON200.Versions[1].VersionNumber)

	missing, err := c.GetVersionWithResponse(ctx, sequenceapi.SpokenWord, 1, 4)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())

	none, err := c.ListVersionsWithResponse(ctx, sequenceapi.Script, 5, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, none.StatusCode())
	require.Empty(t, none.JSON200.Versions)
}

func TestReleasePosition(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sequence.Service()).Sequence
	ctx := context.Background()
	script := new(int64(2))
	for id := range int64(3) {
		allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.SpokenWord, ElementId: id + 1, ScriptId: script, Scope: new("draft")})
	}
	resp, err := c.ReleasePositionWithResponse(ctx, sequenceapi.SpokenWord, 3)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, resp.StatusCode())
	again, err := c.ReleasePositionWithResponse(ctx, sequenceapi.SpokenWord, 3)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, again.StatusCode())
	require.Equal(t, "NOT_FOUND", again.JSON404.ErrorCode)

	// Numbers are ranks: releasing the last one lets the next allocation take it, and releasing a
	// middle one moves those after it up, leaving no gap.
	require.EqualValues(t, 3, allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.SpokenWord, ElementId: 4, ScriptId: script, Scope: new("draft")}).SequenceNumber)
	_, err = c.ReleasePositionWithResponse(ctx, sequenceapi.SpokenWord, 2)
	require.NoError(t, err)
	require.EqualValues(t, 3, allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.SpokenWord, ElementId: 5, ScriptId: script, Scope: new("draft")}).SequenceNumber)
	require.Equal(t, []sequenceapi.Position{
		{ElementType: sequenceapi.SpokenWord, ElementId: 1, SequenceNumber: 1},
		{ElementType: sequenceapi.SpokenWord, ElementId: 4, SequenceNumber: 2},
		{ElementType: sequenceapi.SpokenWord, ElementId: 5, SequenceNumber: 3},
	}, listScope(t, c, script, "draft"))

	reorder, err := c.ReorderElementsWithResponse(ctx, sequenceapi.ReorderRequest{
		ElementType: sequenceapi.SpokenWord, Elements: []sequenceapi.ReorderItem{{ElementId: 2, NewSequence: 2}},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, reorder.StatusCode(), "a released element cannot be reordered")
}

func TestListElementPositions(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sequence.Service()).Sequence
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 5, ScriptId: new(int64(1)), Scope: new("draft")})
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 6, ScriptId: new(int64(2)), Scope: new("draft")})
	allocate(t, c, sequenceapi.SequenceRequest{ElementType: sequenceapi.Action, ElementId: 7, ScriptId: new(int64(2)), Scope: new("draft")})

	resp, err := c.ListElementPositionsWithResponse(context.Background(), sequenceapi.Action, &sequenceapi.ListElementPositionsParams{Ids: []int64{7, 99, 5}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	require.Equal(t, []sequenceapi.ElementPosition{
		{ElementType: sequenceapi.Action, ElementId: 7, Owner: sequenceapi.OwnerClient, ScriptId: new(int64(2)), Scope: "draft", SequenceNumber: 2},
		{ElementType: sequenceapi.Action, ElementId: 5, Owner: sequenceapi.OwnerClient, ScriptId: new(int64(1)), Scope: "draft", SequenceNumber: 1},
	}, resp.JSON200.Items, "in the order asked, without elements that hold no position")
}
