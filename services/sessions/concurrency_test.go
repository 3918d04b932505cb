package sessions_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/sessions"
)

// TestConcurrentSessionPatchesOneWins sends 32 PATCHes of one session, all with the same If-Match,
// at once through two replicas on one database: exactly one gets 200, every other 412, and the
// session holds the winner's change at version 2.
func TestConcurrentSessionPatchesOneWins(t *testing.T) {
	t.Parallel()
	const replicas, writers = 2, 32
	url := dbtest.New(t)
	var clients []*sessionsapi.ClientWithResponses
	for range replicas {
		replica := apitest.NewEnvWith(t, apitest.Options{Pool: dbtest.PoolFor(t, url, writers)}, sessions.Service())
		clients = append(clients, replica.Sessions)
	}
	s := createSession(t, clients[0], sessionsapi.SessionRequest{UserId: 1, Context: new("start")})

	statuses := make([]int, writers)
	errs := make([]error, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			<-start
			resp, err := clients[w%replicas].UpdateSessionWithResponse(context.Background(), s.SessionId,
				&sessionsapi.UpdateSessionParams{IfMatch: new(`"1"`)},
				sessionsapi.SessionUpdateRequest{Context: new(fmt.Sprintf("writer %d", w)), ContextData: raw(fmt.Sprintf(`{"writer":%d}`, w))})
			if err != nil {
				errs[w] = err
				return
			}
			statuses[w] = resp.StatusCode()
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for w, status := range statuses {
		require.NoError(t, errs[w])
		switch status {
		case http.StatusOK:
			require.Equal(t, -1, winner, "writers %d and %d both won", winner, w)
			winner = w
		case http.StatusPreconditionFailed:
		default:
			t.Fatalf("writer %d got %d", w, status)
		}
	}
	require.NotEqual(t, -1, winner, "one writer wins")
	got := getSession(t, clients[1], s.SessionId)
	require.EqualValues(t, 2, got.Version, "one change, one version")
	require.Equal(t, fmt.Sprintf("writer %d", winner), got.Context)
	require.JSONEq(t, fmt.Sprintf(`{"writer":%d}`, winner), string(got.ContextData), "both parts are the winner's")
}

// TestConcurrentContextPatchesOneWins is the same race on a character context, whose PATCH reads the
// row before writing: the read lets every writer through, and the UPDATE's version guard decides.
func TestConcurrentContextPatchesOneWins(t *testing.T) {
	t.Parallel()
	const writers = 32
	e := newContextEnv(t)
	script, character := e.newScript(t), e.newCharacter(t)
	cc := createContext(t, e.Sessions, sessionsapi.CharacterContextRequest{ScriptId: script, CharacterId: character, StartSequence: 1, Context: []byte(`{}`)})

	statuses := make([]int, writers)
	errs := make([]error, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			<-start
			resp, err := e.Sessions.UpdateCharacterContextWithResponse(context.Background(), cc.ContextId,
				&sessionsapi.UpdateCharacterContextParams{IfMatch: new(`"1"`)},
				sessionsapi.CharacterContextUpdateRequest{Context: raw(fmt.Sprintf(`{"writer":%d}`, w))})
			if err != nil {
				errs[w] = err
				return
			}
			statuses[w] = resp.StatusCode()
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for w, status := range statuses {
		require.NoError(t, errs[w])
		switch status {
		case http.StatusOK:
			require.Equal(t, -1, winner, "writers %d and %d both won", winner, w)
			winner = w
		case http.StatusPreconditionFailed:
		default:
			t.Fatalf("writer %d got %d", w, status)
		}
	}
	require.NotEqual(t, -1, winner, "one writer wins")
	got := getContext(t, e.Sessions, cc.ContextId)
	require.EqualValues(t, 2, got.Version)
	require.JSONEq(t, fmt.Sprintf(`{"writer":%d}`, winner), string(got.Context))
}
