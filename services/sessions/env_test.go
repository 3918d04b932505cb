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
	"github.com/fountainai/fountainai/internal/apitest"
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
	apitest.Env
	// made numbers the scripts and characters it makes, so that their names differ.
	made *atomic.Int64
}

func newContextEnv(t *testing.T) contextEnv {
	t.Helper()
	return contextEnv{Env: apitest.NewEnv(t, allServices()...), made: new(atomic.Int64)}
}

// newScript creates a script and returns its id.
func (e contextEnv) newScript(t *testing.T) int64 {
	t.Helper()
	resp, err := e.Scripts.CreateScriptWithResponse(context.Background(), nil, scriptsapi.ScriptRequest{Title: fmt.Sprintf("Romeo and Juliet %d", e.made.Add(1))})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return resp.JSON201.ScriptId
}

// newCharacter creates a character and returns its id.
func (e contextEnv) newCharacter(t *testing.T) int64 {
	t.Helper()
	resp, err := e.Characters.CreateCharacterWithResponse(context.Background(), nil, charactersapi.CharacterCreateRequest{
		Name: fmt.Sprintf("Juliet %d", e.made.Add(1)), Description: "The heroine of Romeo and Juliet.",
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return resp.JSON201.CharacterId
}
