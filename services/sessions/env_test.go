package sessions_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services/characters"
	"github.com/fountainai/fountainai/services/scripts"
	"github.com/fountainai/fountainai/services/sequence"
	"github.com/fountainai/fountainai/services/sessions"
)

// allServices are the services character contexts need: the scripts and characters they name (and
// the sequence service those two need), served in one process as `fountain serve` does.
func allServices() []service.Service {
	return []service.Service{sequence.Service(), scripts.Service(), characters.Service(), sessions.Service()}
}

// contextEnv serves character contexts with the real scripts and characters services.
type contextEnv struct {
	url          string
	http         *http.Client
	c            *sessionsapi.ClientWithResponses
	scripts      *scriptsapi.ClientWithResponses
	characters   *charactersapi.ClientWithResponses
	newScript    func(t *testing.T) int64
	newCharacter func(t *testing.T) int64
}

func newContextEnv(t *testing.T) contextEnv {
	t.Helper()
	srv := apitest.NewServer(t, dbtest.NewPool(t), allServices()...)
	hc := apitest.Client(t, allServices()...)
	c, err := sessionsapi.NewClientWithResponses(srv.URL, sessionsapi.WithHTTPClient(hc))
	require.NoError(t, err)
	sc, err := scriptsapi.NewClientWithResponses(srv.URL, scriptsapi.WithHTTPClient(hc))
	require.NoError(t, err)
	cc, err := charactersapi.NewClientWithResponses(srv.URL, charactersapi.WithHTTPClient(hc))
	require.NoError(t, err)
	var n atomic.Int64
	e := contextEnv{url: srv.URL, http: hc, c: c, scripts: sc, characters: cc}
	e.newScript = func(t *testing.T) int64 {
		t.Helper()
		resp, err := sc.CreateScriptWithResponse(context.Background(), nil, scriptsapi.ScriptRequest{Title: fmt.Sprintf("Romeo and Juliet %d", n.Add(1))})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
		return resp.JSON201.ScriptId
	}
	e.newCharacter = func(t *testing.T) int64 {
		t.Helper()
		resp, err := cc.CreateCharacterWithResponse(context.Background(), nil, charactersapi.CharacterCreateRequest{
			Name: fmt.Sprintf("Juliet %d", n.Add(1)), Description: "The heroine of Romeo and Juliet.",
		})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
		return resp.JSON201.CharacterId
	}
	return e
}
