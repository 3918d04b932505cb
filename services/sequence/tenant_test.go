package sequence_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
	"github.com/fountainai/fountainai/internal/write"
	"github.com/fountainai/fountainai/services/sequence"
)

// as is a request's context acting for tenant.
func as(t *testing.T, tenant string) context.Context {
	return auth.WithIdentity(t.Context(), auth.Identity{Subject: "t", Tenant: tenant, Role: auth.Admin})
}

// answer renders a handler's response as the server would and decodes its body, checking its status.
func answer[T any](t *testing.T, status int, visit func(http.ResponseWriter) error) T {
	t.Helper()
	rec := httptest.NewRecorder()
	require.NoError(t, visit(rec))
	require.Equal(t, status, rec.Code, rec.Body.String())
	var v T
	if status != http.StatusNoContent {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v))
	}
	return v
}

// placeAs places a content element as a content service acting for ctx's tenant does.
func placeAs(ctx context.Context, pool *pgxpool.Pool, scriptID int64, o placement.Order, typ sequenceapi.ElementType, id int64, at placement.At) (int64, error) {
	var n int64
	err := dbx.InTx(ctx, pool, func(tx pgx.Tx) error {
		var err error
		n, err = placement.Place(ctx, &write.Tx{Tx: tx}, scriptID, o, string(typ), id, at)
		return err
	})
	return n, err
}

// TestTenantIsolation: two tenants naming the same script, scope and client elements get orders,
// positions and versions of their own, and each answers about the other's as about nothing.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	srv := sequence.NewServer(pool, write.New(t.Context(), pool))
	a, b := as(t, "a"), as(t, "b")
	script := new(int64(7))

	// Script 7's story: actions 1 and 2 for tenant a, action 3 for tenant b, each numbered from 1.
	for i, id := range []int64{1, 2} {
		n, err := placeAs(a, pool, *script, placement.Story, sequenceapi.Action, id, placement.At{})
		require.NoError(t, err)
		require.EqualValues(t, i+1, n)
	}
	n, err := placeAs(b, pool, *script, placement.Story, sequenceapi.Action, 3, placement.At{})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "tenant b's story of script 7 is an order of its own")
	// A neighbour of another tenant's order is not in the order.
	_, err = placeAs(b, pool, *script, placement.Story, sequenceapi.Action, 4, placement.At{After: &placement.Neighbour{Type: "action", ID: 1}})
	f, err := httpapi.AsFailure(err)
	require.NoError(t, err)
	require.NotNil(t, f)
	require.Equal(t, placement.CodeNeighbourNotFound, f.Body.ErrorCode)

	// The same client element in the same client scope, for both tenants: each places it first.
	allocate := func(ctx context.Context, id int64) sequenceapi.SequenceResponse {
		t.Helper()
		r, err := srv.GenerateSequenceNumber(ctx, sequenceapi.GenerateSequenceNumberRequestObject{
			Body: &sequenceapi.SequenceRequest{ElementType: sequenceapi.Script, ElementId: id, Scope: new("drafts")},
		})
		require.NoError(t, err)
		return answer[sequenceapi.SequenceResponse](t, http.StatusCreated, r.VisitGenerateSequenceNumberResponse)
	}
	for _, ctx := range []context.Context{a, b} {
		got := allocate(ctx, 10)
		require.EqualValues(t, 1, got.SequenceNumber)
		require.True(t, got.Created)
	}
	require.EqualValues(t, 2, allocate(a, 11).SequenceNumber)

	// Lists hold the caller's own only.
	list := func(ctx context.Context, params sequenceapi.ListPositionsParams) sequenceapi.PositionPage {
		t.Helper()
		r, err := srv.ListPositions(ctx, sequenceapi.ListPositionsRequestObject{Params: params})
		require.NoError(t, err)
		return answer[sequenceapi.PositionPage](t, http.StatusOK, r.VisitListPositionsResponse)
	}
	story := list(b, sequenceapi.ListPositionsParams{Scope: "story", ScriptId: script})
	require.Equal(t, []sequenceapi.Position{{ElementType: sequenceapi.Action, ElementId: 3, SequenceNumber: 1}}, story.Positions)
	require.EqualValues(t, 1, story.TotalCount)
	filtered := list(b, sequenceapi.ListPositionsParams{Scope: "story", ScriptId: script, ElementType: new(sequenceapi.Action), Limit: new(1), Offset: new(int64(1))})
	require.Empty(t, filtered.Positions)
	require.EqualValues(t, 1, filtered.TotalCount)
	drafts := list(b, sequenceapi.ListPositionsParams{Scope: "drafts"})
	require.Equal(t, []sequenceapi.Position{{ElementType: sequenceapi.Script, ElementId: 10, SequenceNumber: 1}}, drafts.Positions)
	require.EqualValues(t, 2, list(a, sequenceapi.ListPositionsParams{Scope: "drafts"}).TotalCount)
	require.Empty(t, list(as(t, auth.DefaultTenant), sequenceapi.ListPositionsParams{Scope: "drafts"}).Positions)

	r, err := srv.ListElementPositions(b, sequenceapi.ListElementPositionsRequestObject{
		ElementType: sequenceapi.Action, Params: sequenceapi.ListElementPositionsParams{Ids: []int64{1, 2, 3}},
	})
	require.NoError(t, err)
	positions := answer[sequenceapi.ElementPositionList](t, http.StatusOK, r.VisitListElementPositionsResponse)
	require.Len(t, positions.Items, 1)
	require.EqualValues(t, 3, positions.Items[0].ElementId)

	// Another tenant's element is not found, and nothing of it changes.
	for _, e := range []struct {
		typ sequenceapi.ElementType
		id  int64
	}{{sequenceapi.Action, 1}, {sequenceapi.Script, 11}} {
		got, err := srv.GetElementPosition(b, sequenceapi.GetElementPositionRequestObject{ElementType: e.typ, ElementId: e.id})
		require.NoError(t, err)
		answer[sequenceapi.ErrorResponse](t, http.StatusNotFound, got.VisitGetElementPositionResponse)
	}
	released, err := srv.ReleasePosition(b, sequenceapi.ReleasePositionRequestObject{ElementType: sequenceapi.Script, ElementId: 11})
	require.NoError(t, err)
	answer[sequenceapi.ErrorResponse](t, http.StatusNotFound, released.VisitReleasePositionResponse)
	reordered, err := srv.ReorderElements(b, sequenceapi.ReorderElementsRequestObject{Body: &sequenceapi.ReorderRequest{
		ElementType: sequenceapi.Action, ScriptId: script,
		Elements: []sequenceapi.ReorderItem{{ElementId: 1, NewSequence: 2}, {ElementId: 2, NewSequence: 1}},
	}})
	require.NoError(t, err)
	answer[sequenceapi.ErrorResponse](t, http.StatusNotFound, reordered.VisitReorderElementsResponse)
	moved, err := srv.MoveElements(b, sequenceapi.MoveElementsRequestObject{Body: &sequenceapi.MoveRequest{
		ElementType: sequenceapi.Action, ElementId: 2, AtSequence: new(int64(1)),
	}})
	require.NoError(t, err)
	answer[sequenceapi.ErrorResponse](t, http.StatusNotFound, moved.VisitMoveElementsResponse)
	require.NoError(t, dbx.InTx(b, pool, func(tx pgx.Tx) error {
		return placement.Release(b, tx, string(sequenceapi.Action), []int64{1, 2})
	}))
	require.Equal(t, []sequenceapi.Position{
		{ElementType: sequenceapi.Action, ElementId: 1, SequenceNumber: 1},
		{ElementType: sequenceapi.Action, ElementId: 2, SequenceNumber: 2},
	}, list(a, sequenceapi.ListPositionsParams{Scope: "story", ScriptId: script}).Positions, "tenant a's story is as it was")
	got, err := srv.GetElementPosition(a, sequenceapi.GetElementPositionRequestObject{ElementType: sequenceapi.Script, ElementId: 11})
	require.NoError(t, err)
	require.EqualValues(t, 2, answer[sequenceapi.ElementPosition](t, http.StatusOK, got.VisitGetElementPositionResponse).SequenceNumber)

	// Versions: each tenant's history of action 5 is its own.
	version := func(ctx context.Context) int64 {
		t.Helper()
		r, err := srv.CreateVersion(ctx, sequenceapi.CreateVersionRequestObject{Body: &sequenceapi.VersionRequest{
			ElementType: sequenceapi.Action, ElementId: 5, NewVersionData: json.RawMessage(`{"text":"Enter ROMEO"}`),
		}})
		require.NoError(t, err)
		return answer[sequenceapi.VersionResponse](t, http.StatusCreated, r.VisitCreateVersionResponse).VersionNumber
	}
	require.EqualValues(t, 1, version(a))
	require.EqualValues(t, 2, version(a))
	require.EqualValues(t, 1, version(b))
	versions, err := srv.ListVersions(b, sequenceapi.ListVersionsRequestObject{ElementType: sequenceapi.Action, ElementId: 5})
	require.NoError(t, err)
	require.EqualValues(t, 1, answer[sequenceapi.VersionPage](t, http.StatusOK, versions.VisitListVersionsResponse).TotalCount)
	v2, err := srv.GetVersion(b, sequenceapi.GetVersionRequestObject{ElementType: sequenceapi.Action, ElementId: 5, VersionNumber: 2})
	require.NoError(t, err)
	answer[sequenceapi.ErrorResponse](t, http.StatusNotFound, v2.VisitGetVersionResponse)
}

// TestPublishedV2IsTheDefaultTenants: a content service built against place_v2 and release_v1,
// which know no tenants, keeps placing in and releasing from the default tenant's orders.
func TestPublishedV2IsTheDefaultTenants(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	srv := sequence.NewServer(pool, write.New(t.Context(), pool))
	_, err := placeAs(as(t, "a"), pool, 9, placement.Story, sequenceapi.Action, 1, placement.At{})
	require.NoError(t, err)
	var n int64
	require.NoError(t, pool.QueryRow(t.Context(), `SELECT sequence.place_v2(9, 'story', 'action', 2, NULL, NULL, NULL, NULL, NULL)`).Scan(&n))
	require.EqualValues(t, 1, n, "the default tenant's story of script 9 is not tenant a's")

	at := func(ctx context.Context, id int64, status int) {
		t.Helper()
		r, err := srv.GetElementPosition(ctx, sequenceapi.GetElementPositionRequestObject{ElementType: sequenceapi.Action, ElementId: id})
		require.NoError(t, err)
		answer[json.RawMessage](t, status, r.VisitGetElementPositionResponse)
	}
	at(t.Context(), 2, http.StatusOK) // no identity: the default tenant
	at(as(t, "a"), 2, http.StatusNotFound)

	require.NoError(t, pool.QueryRow(t.Context(), `SELECT sequence.release_v1(ARRAY['action', 'action'], ARRAY[1, 2]::bigint[])`).Scan(&n))
	require.EqualValues(t, 1, n, "release_v1 releases the default tenant's only")
	at(as(t, "a"), 1, http.StatusOK)
}

// TestTenantIsolationOverHTTP: through the authenticating middleware, a tenant's credential reaches
// its own orders and versions only.
func TestTenantIsolationOverHTTP(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnv(t, sequence.Service())
	client := func(tenant string) *sequenceapi.ClientWithResponses { return e.As(t, tenant, auth.Writer).Sequence }
	a, b := client("a"), client("b")
	ctx := t.Context()

	// The same element in the same scope, with the same idempotency key: one for each tenant.
	body := sequenceapi.SequenceRequest{ElementType: sequenceapi.Character, ElementId: 4, Scope: new("cast")}
	key := &sequenceapi.GenerateSequenceNumberParams{IdempotencyKey: new("cast-4")}
	require.EqualValues(t, 1, allocate(t, a, body).SequenceNumber)
	require.EqualValues(t, 2, allocate(t, a, sequenceapi.SequenceRequest{ElementType: sequenceapi.Character, ElementId: 5, Scope: new("cast")}).SequenceNumber)
	resp, err := b.GenerateSequenceNumberWithResponse(ctx, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	require.EqualValues(t, 1, resp.JSON201.SequenceNumber)
	require.True(t, resp.JSON201.Created)

	require.Len(t, listScope(t, a, nil, "cast"), 2)
	require.Equal(t, []sequenceapi.Position{{ElementType: sequenceapi.Character, ElementId: 4, SequenceNumber: 1}}, listScope(t, b, nil, "cast"))
	got, err := b.GetElementPositionWithResponse(ctx, sequenceapi.Character, 5, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, got.StatusCode(), string(got.Body))
	del, err := b.ReleasePositionWithResponse(ctx, sequenceapi.Character, 5)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, del.StatusCode(), string(del.Body))
	require.Len(t, listScope(t, a, nil, "cast"), 2, "tenant a's scope is as it was")
}
