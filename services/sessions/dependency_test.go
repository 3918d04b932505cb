package sessions_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/gen/sessionsdb"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/services/sessions"
)

// TestDependencyDown: with scripts and characters unreachable, writes that must check a reference
// are 503 DEPENDENCY_UNAVAILABLE and store nothing; everything else keeps working.
func TestDependencyDown(t *testing.T) {
	t.Parallel()
	e := apitest.NewEnvWith(t, apitest.Options{Peers: map[string]string{"scripts": "http://127.0.0.1:1", "characters": "http://127.0.0.1:1"}}, sessions.Service())
	c, pool := e.Sessions, e.Pool
	ctx := context.Background()

	resp, err := c.CreateCharacterContextWithResponse(ctx, &sessionsapi.CreateCharacterContextParams{IdempotencyKey: new("down")}, sessionsapi.CharacterContextRequest{
		ScriptId: 1, CharacterId: 2, StartSequence: 1, Context: json.RawMessage(`{"mood":"x"}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode(), string(resp.Body))
	require.Equal(t, "DEPENDENCY_UNAVAILABLE", resp.JSON503.ErrorCode)
	require.Contains(t, resp.JSON503.Message, "scripts")
	list := listContexts(t, c, sessionsapi.ListCharacterContextsParams{})
	require.Zero(t, list.TotalCount, "nothing stored")

	// A context written while the services were up (straight into the table here).
	row, err := sessionsdb.New(pool).CharacterContextCreate(ctx, sessionsdb.CharacterContextCreateParams{
		Tenant: auth.DefaultTenant, ScriptID: 1, CharacterID: 2, StartSequence: 1, Context: json.RawMessage(`{"mood":"before"}`),
	})
	require.NoError(t, err)
	before := getContext(t, c, row.ID)

	moved, err := c.UpdateCharacterContextWithResponse(ctx, row.ID, nil, sessionsapi.CharacterContextUpdateRequest{CharacterId: new(int64(3))})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, moved.StatusCode())
	require.Equal(t, "DEPENDENCY_UNAVAILABLE", moved.JSON503.ErrorCode)
	replaced, err := c.ReplaceCharacterContextWithResponse(ctx, row.ID, nil, sessionsapi.CharacterContextRequest{ScriptId: 5, CharacterId: 2, StartSequence: 1, Context: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, replaced.StatusCode())
	require.Equal(t, before, getContext(t, c, row.ID), "nothing changed")

	// References that do not change need no check.
	mood, err := c.UpdateCharacterContextWithResponse(ctx, row.ID, nil, sessionsapi.CharacterContextUpdateRequest{Context: raw(`{"mood":"after"}`), StartSequence: new(int64(4))})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, mood.StatusCode(), string(mood.Body))
	same, err := c.ReplaceCharacterContextWithResponse(ctx, row.ID, nil, sessionsapi.CharacterContextRequest{ScriptId: 1, CharacterId: 2, StartSequence: 4, Context: json.RawMessage(`{"mood":"again"}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, same.StatusCode(), string(same.Body))

	// Reads, deletes and sessions do not depend on the other services.
	require.EqualValues(t, 1, listContexts(t, c, sessionsapi.ListCharacterContextsParams{ScriptId: new(int64(1)), AtSequence: new(int64(4))}).TotalCount)
	createSession(t, c, sessionsapi.SessionRequest{UserId: 1, Context: new("still works")})
	bulk, err := c.DeleteCharacterContextsWithResponse(ctx, &sessionsapi.DeleteCharacterContextsParams{ScriptId: new(int64(1))})
	require.NoError(t, err)
	require.EqualValues(t, 1, bulk.JSON200.DeletedCount)
}

// TestDependencyNotConfigured: serving sessions without any way to reach scripts and characters
// (`fountain serve sessions` without their URLs) serves sessions, and context writes are 503.
func TestDependencyNotConfigured(t *testing.T) {
	t.Parallel()
	c := apitest.NewEnv(t, sessions.Service()).Sessions
	resp, err := c.CreateCharacterContextWithResponse(context.Background(), nil, sessionsapi.CharacterContextRequest{
		ScriptId: 1, CharacterId: 2, StartSequence: 1, Context: json.RawMessage(`{}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode(), string(resp.Body))
	require.Equal(t, "DEPENDENCY_UNAVAILABLE", resp.JSON503.ErrorCode)
	require.Zero(t, listContexts(t, c, sessionsapi.ListCharacterContextsParams{}).TotalCount)
}

// TestDependencyAnswersUnexpectedly: an answer the dependency's contract does not allow is 502, its
// own 503 or a timeout is 503; nothing is stored either way.
func TestDependencyAnswersUnexpectedly(t *testing.T) {
	t.Parallel()
	fake := newFakePeer(t)
	fake.addScript(1)
	fake.addCharacter(2)
	c := apitest.NewEnvWith(t, apitest.Options{Peers: fake.peerURLs(), PeerTimeout: 2 * time.Second}, sessions.Service()).Sessions
	body := sessionsapi.CharacterContextRequest{ScriptId: 1, CharacterId: 2, StartSequence: 1, Context: json.RawMessage(`{}`)}

	for _, tc := range []struct {
		status  int
		delay   time.Duration
		want    int
		code    string
		comment string
	}{
		{http.StatusInternalServerError, 0, http.StatusBadGateway, "BAD_GATEWAY", "its 500"},
		{http.StatusTeapot, 0, http.StatusBadGateway, "BAD_GATEWAY", "a status its spec does not have"},
		{http.StatusBadRequest, 0, http.StatusBadGateway, "BAD_GATEWAY", "a 400 for a valid id"},
		{http.StatusServiceUnavailable, 0, http.StatusServiceUnavailable, "DEPENDENCY_UNAVAILABLE", "its 503"},
		{0, 3 * time.Second, http.StatusServiceUnavailable, "DEPENDENCY_UNAVAILABLE", "slower than the peer timeout (2s)"},
	} {
		fake.set(tc.status, tc.delay)
		resp, err := c.CreateCharacterContextWithResponse(context.Background(), nil, body)
		require.NoError(t, err)
		require.Equal(t, tc.want, resp.StatusCode(), "%s: %s", tc.comment, resp.Body)
		var e sessionsapi.ErrorResponse
		require.NoError(t, json.Unmarshal(resp.Body, &e))
		require.Equal(t, tc.code, e.ErrorCode, tc.comment)
	}
	require.Zero(t, listContexts(t, c, sessionsapi.ListCharacterContextsParams{}).TotalCount, "nothing stored")

	fake.set(0, 0)
	createContext(t, c, body)
}

// TestOnlyChangedReferencesAreChecked: creation checks both references; an update asks only about a
// script or character it changes.
func TestOnlyChangedReferencesAreChecked(t *testing.T) {
	t.Parallel()
	fake := newFakePeer(t)
	fake.addScript(1)
	fake.addScript(3)
	fake.addCharacter(2)
	c := apitest.NewEnvWith(t, apitest.Options{Peers: fake.peerURLs()}, sessions.Service()).Sessions
	ctx := context.Background()

	cc := createContext(t, c, sessionsapi.CharacterContextRequest{ScriptId: 1, CharacterId: 2, StartSequence: 1, Context: json.RawMessage(`{}`)})
	require.Equal(t, 2, fake.callCount(), "script and character")

	patch, err := c.UpdateCharacterContextWithResponse(ctx, cc.ContextId, nil, sessionsapi.CharacterContextUpdateRequest{
		ScriptId: new(int64(1)), CharacterId: new(int64(2)), StartSequence: new(int64(7)), Context: raw(`{"a":1}`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patch.StatusCode())
	require.Equal(t, 2, fake.callCount(), "same references: no call")

	put, err := c.ReplaceCharacterContextWithResponse(ctx, cc.ContextId, nil, sessionsapi.CharacterContextRequest{ScriptId: 3, CharacterId: 2, StartSequence: 7, Context: json.RawMessage(`{}`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, put.StatusCode())
	require.Equal(t, 3, fake.callCount(), "only the script changed")
}
