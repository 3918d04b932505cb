package characters_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services/characters"
	"github.com/fountainai/fountainai/services/scripts"
	"github.com/fountainai/fountainai/services/sequence"
	"github.com/fountainai/fountainai/services/sessions"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var bg = context.Background()

// env is the character service with the services it calls, on one test database.
type env struct{ apitest.Env }

func allServices(withSessions bool) []service.Service {
	s := []service.Service{sequence.Service(), scripts.Service(), characters.Service()}
	if withSessions {
		s = append(s, sessions.Service())
	}
	return s
}

// newEnv serves sequence, scripts and characters (and sessions when asked) in one process.
func newEnv(t *testing.T, withSessions bool) env {
	t.Helper()
	return env{apitest.NewEnv(t, allServices(withSessions)...)}
}

func (e env) script(t *testing.T, title string) int64 {
	t.Helper()
	resp, err := e.Scripts.CreateScriptWithResponse(bg, nil, scriptsapi.ScriptRequest{Title: title})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return resp.JSON201.ScriptId
}

func (e env) section(t *testing.T, scriptID int64, title string) int64 {
	t.Helper()
	resp, err := e.Scripts.AddSectionHeadingWithResponse(bg, scriptID, nil, scriptsapi.SectionHeadingCreateRequest{Title: title})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return resp.JSON201.HeadingId
}

func (e env) character(t *testing.T, name string) charactersapi.Character {
	t.Helper()
	resp, err := e.Characters.CreateCharacterWithResponse(bg, nil, charactersapi.CharacterCreateRequest{Name: name, Description: "A person of the play."})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	require.Equal(t, `"1"`, resp.HTTPResponse.Header.Get("ETag"))
	return *resp.JSON201
}

func (e env) action(t *testing.T, body charactersapi.ActionCreateRequest) charactersapi.Action {
	t.Helper()
	resp, err := e.Characters.CreateActionWithResponse(bg, nil, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return *resp.JSON201
}

func (e env) spokenWord(t *testing.T, body charactersapi.SpokenWordCreateRequest) charactersapi.SpokenWord {
	t.Helper()
	resp, err := e.Characters.CreateSpokenWordWithResponse(bg, nil, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return *resp.JSON201
}

// story lists the positions of a script's story order, as the sequence service holds them.
func (e env) story(t *testing.T, scriptID int64) []sequenceapi.Position {
	t.Helper()
	resp, err := e.Sequence.ListPositionsWithResponse(bg, &sequenceapi.ListPositionsParams{Scope: "story", ScriptId: &scriptID, Limit: new(1000)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return resp.JSON200.Positions
}

// positionOf reads an element's position from the sequence service; 0 when it holds none.
func (e env) positionOf(t *testing.T, typ sequenceapi.ElementType, id int64) int64 {
	t.Helper()
	resp, err := e.Sequence.GetElementPositionWithResponse(bg, typ, id, &sequenceapi.GetElementPositionParams{Owner: new(sequenceapi.OwnerContent)})
	require.NoError(t, err)
	if resp.StatusCode() == http.StatusNotFound {
		return 0
	}
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return resp.JSON200.SequenceNumber
}

// rows counts the rows of a table of the characters schema.
func (e env) rows(t *testing.T, table string) int {
	t.Helper()
	var n int
	require.NoError(t, e.Pool.QueryRow(bg, "SELECT count(*) FROM characters."+table).Scan(&n))
	return n
}
