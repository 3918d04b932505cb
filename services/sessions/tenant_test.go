package sessions_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/services/sessions"
)

func sessionIDs(items []sessionsapi.Session) []int64 {
	ids := []int64{}
	for _, s := range items {
		ids = append(ids, s.SessionId)
	}
	return ids
}

// TestSessionsTenantIsolation: another tenant's session answers as one that does not exist, whatever
// the operation, and lists and counts hold the caller's tenant's sessions only.
func TestSessionsTenantIsolation(t *testing.T) {
	t.Parallel()
	env := apitest.NewEnv(t, sessions.Service())
	a := env.As(t, "a", auth.Admin).Sessions
	b := env.As(t, "b", auth.Admin).Sessions
	ctx := context.Background()

	s1 := createSession(t, a, sessionsapi.SessionRequest{UserId: 1, Context: new("a's first")})
	s2 := createSession(t, a, sessionsapi.SessionRequest{UserId: 1, Context: new("a's second")})
	s3 := createSession(t, b, sessionsapi.SessionRequest{UserId: 1, Context: new("b's")})

	get, err := b.GetSessionWithResponse(ctx, s1.SessionId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, get.StatusCode())
	require.Equal(t, "NOT_FOUND", get.JSON404.ErrorCode)
	getCtx, err := b.GetSessionContextWithResponse(ctx, s1.SessionId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, getCtx.StatusCode())

	// With or without If-Match (even a stale one): 404, never 412, which would tell it exists.
	for _, ifMatch := range []*string{nil, new(`"1"`), new(`"99"`)} {
		put, err := b.ReplaceSessionWithResponse(ctx, s1.SessionId, &sessionsapi.ReplaceSessionParams{IfMatch: ifMatch},
			sessionsapi.SessionReplaceRequest{UserId: 2, Context: "taken", ContextData: json.RawMessage(`{}`)})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, put.StatusCode(), string(put.Body))
		patch, err := b.UpdateSessionWithResponse(ctx, s1.SessionId, &sessionsapi.UpdateSessionParams{IfMatch: ifMatch},
			sessionsapi.SessionUpdateRequest{Context: new("taken")})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, patch.StatusCode(), string(patch.Body))
		putCtx, err := b.ReplaceSessionContextWithResponse(ctx, s1.SessionId, &sessionsapi.ReplaceSessionContextParams{IfMatch: ifMatch},
			sessionsapi.SessionContextRequest{Context: "taken", ContextData: json.RawMessage(`{}`)})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, putCtx.StatusCode(), string(putCtx.Body))
		del, err := b.DeleteSessionWithResponse(ctx, s1.SessionId, &sessionsapi.DeleteSessionParams{IfMatch: ifMatch})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, del.StatusCode(), string(del.Body))
	}
	require.Equal(t, s1, getSession(t, a, s1.SessionId), "unchanged")

	for _, p := range []sessionsapi.ListSessionsParams{{}, {UserId: new(int64(1))}} {
		la, err := a.ListSessionsWithResponse(ctx, &p)
		require.NoError(t, err)
		require.Equal(t, []int64{s1.SessionId, s2.SessionId}, sessionIDs(la.JSON200.Sessions))
		require.EqualValues(t, 2, la.JSON200.TotalCount)
		lb, err := b.ListSessionsWithResponse(ctx, &p)
		require.NoError(t, err)
		require.Equal(t, []int64{s3.SessionId}, sessionIDs(lb.JSON200.Sessions))
		require.EqualValues(t, 1, lb.JSON200.TotalCount)
	}
	page, err := a.ListSessionsWithResponse(ctx, &sessionsapi.ListSessionsParams{Limit: new(1), Offset: new(int64(1))})
	require.NoError(t, err)
	require.Equal(t, []int64{s2.SessionId}, sessionIDs(page.JSON200.Sessions), "pages hold the tenant's sessions only")

	// The default tenant (what existed before tenants) is a tenant like the others.
	ld, err := env.Sessions.ListSessionsWithResponse(ctx, &sessionsapi.ListSessionsParams{})
	require.NoError(t, err)
	require.Empty(t, ld.JSON200.Sessions)

	del, err := a.DeleteSessionWithResponse(ctx, s1.SessionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode())
}

// TestCharacterContextsTenantIsolation: the start-position key is per tenant, another tenant's
// context answers as one that does not exist, and lists, counts and bulk deletes keep to the
// caller's tenant.
func TestCharacterContextsTenantIsolation(t *testing.T) {
	t.Parallel()
	fake := newFakePeer(t)
	fake.addScript(1)
	fake.addCharacter(2)
	fake.addCharacter(3)
	env := apitest.NewEnvWith(t, apitest.Options{Peers: fake.peerURLs()}, sessions.Service())
	a := env.As(t, "a", auth.Admin).Sessions
	b := env.As(t, "b", auth.Admin).Sessions
	ctx := context.Background()

	ca := createContext(t, a, sessionsapi.CharacterContextRequest{ScriptId: 1, CharacterId: 2, StartSequence: 1, Context: json.RawMessage(`{"mood":"a"}`)})
	ca2 := createContext(t, a, sessionsapi.CharacterContextRequest{ScriptId: 1, CharacterId: 3, StartSequence: 5, Context: json.RawMessage(`{"mood":"a2"}`)})
	// The same script, character and start position is free in another tenant.
	cb := createContext(t, b, sessionsapi.CharacterContextRequest{ScriptId: 1, CharacterId: 2, StartSequence: 1, Context: json.RawMessage(`{"mood":"b"}`)})
	dup, err := b.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{ScriptId: 1, CharacterId: 2, StartSequence: 1, Context: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, dup.StatusCode())
	require.Contains(t, *dup.JSON409.Details, "contextId "+strconv.FormatInt(cb.ContextId, 10), "names b's own context, not a's")
	// Moving b's context onto a's key of tenant a is no conflict either.
	moved, err := b.UpdateCharacterContextWithResponse(ctx, cb.ContextId, nil, sessionsapi.CharacterContextUpdateRequest{CharacterId: new(int64(3)), StartSequence: new(int64(5))})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, moved.StatusCode(), string(moved.Body))

	get, err := b.GetCharacterContextWithResponse(ctx, ca.ContextId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, get.StatusCode())
	for _, ifMatch := range []*string{nil, new(`"1"`), new(`"99"`)} {
		patch, err := b.UpdateCharacterContextWithResponse(ctx, ca.ContextId, &sessionsapi.UpdateCharacterContextParams{IfMatch: ifMatch},
			sessionsapi.CharacterContextUpdateRequest{Context: raw(`{"mood":"taken"}`)})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, patch.StatusCode(), string(patch.Body))
		put, err := b.ReplaceCharacterContextWithResponse(ctx, ca.ContextId, &sessionsapi.ReplaceCharacterContextParams{IfMatch: ifMatch},
			sessionsapi.CharacterContextRequest{ScriptId: 1, CharacterId: 2, StartSequence: 9, Context: json.RawMessage(`{}`)})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, put.StatusCode(), string(put.Body))
		del, err := b.DeleteCharacterContextWithResponse(ctx, ca.ContextId, &sessionsapi.DeleteCharacterContextParams{IfMatch: ifMatch})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, del.StatusCode(), string(del.Body))
	}
	require.Equal(t, ca, getContext(t, a, ca.ContextId), "unchanged")

	for _, p := range []sessionsapi.ListCharacterContextsParams{{}, {ScriptId: new(int64(1))}, {CharacterId: new(int64(3))}} {
		la := listContexts(t, a, p)
		lb := listContexts(t, b, p)
		want := []int64{ca.ContextId, ca2.ContextId}
		if p.CharacterId != nil {
			want = []int64{ca2.ContextId}
		}
		require.Equal(t, want, contextIDs(la.Items))
		require.EqualValues(t, len(want), la.TotalCount)
		require.Equal(t, []int64{cb.ContextId}, contextIDs(lb.Items))
		require.EqualValues(t, 1, lb.TotalCount)
	}
	at := listContexts(t, a, sessionsapi.ListCharacterContextsParams{ScriptId: new(int64(1)), AtSequence: new(int64(9))})
	require.Equal(t, []int64{ca.ContextId, ca2.ContextId}, contextIDs(at.Items))
	require.EqualValues(t, 2, at.TotalCount)
	at = listContexts(t, b, sessionsapi.ListCharacterContextsParams{ScriptId: new(int64(1)), AtSequence: new(int64(9)), Limit: new(1)})
	require.Equal(t, []int64{cb.ContextId}, contextIDs(at.Items))
	require.EqualValues(t, 1, at.TotalCount)
	page := listContexts(t, a, sessionsapi.ListCharacterContextsParams{Limit: new(1), Offset: new(int64(1))})
	require.Equal(t, []int64{ca2.ContextId}, contextIDs(page.Items))

	// The cascade of a script deleted in tenant b deletes b's contexts only.
	bulk, err := b.DeleteCharacterContextsWithResponse(ctx, &sessionsapi.DeleteCharacterContextsParams{ScriptId: new(int64(1))})
	require.NoError(t, err)
	require.EqualValues(t, 1, bulk.JSON200.DeletedCount)
	require.EqualValues(t, 2, listContexts(t, a, sessionsapi.ListCharacterContextsParams{}).TotalCount)
}

// TestCharacterContextNamesOnlyOwnTenantsReferences: a script or character of another tenant is
// one that does not exist (422), as its own service answers the caller's tenant.
func TestCharacterContextNamesOnlyOwnTenantsReferences(t *testing.T) {
	t.Parallel()
	env := newContextEnv(t)
	script, character := env.newScript(t), env.newCharacter(t)
	asB := env.As(t, "b", auth.Admin)
	seen, err := asB.Scripts.GetScriptWithResponse(context.Background(), script)
	require.NoError(t, err)
	seenCharacter, err := asB.Characters.GetCharacterWithResponse(context.Background(), character)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, seen.StatusCode(), "another tenant's script, as its own service answers")
	require.Equal(t, http.StatusNotFound, seenCharacter.StatusCode(), "another tenant's character, as its own service answers")
	b := asB.Sessions
	resp, err := b.CreateCharacterContextWithResponse(context.Background(), nil, sessionsapi.CharacterContextRequest{
		ScriptId: script, CharacterId: character, StartSequence: 1, Context: json.RawMessage(`{}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode(), string(resp.Body))
	require.Equal(t, "SCRIPT_NOT_FOUND", resp.JSON422.ErrorCode)
	require.Zero(t, listContexts(t, b, sessionsapi.ListCharacterContextsParams{}).TotalCount)
}
