package scripts_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/scripts"
	"github.com/fountainai/fountainai/services/sequence"
)

const closedPort = "http://127.0.0.1:1"

// TestSequenceDown: with the sequence service unreachable, creating and deleting a positioned element
// still work, element and position together: they go through the database (the functions the
// sequence service publishes for that), never through its HTTP API. What reads positions from it
// answers 503.
func TestSequenceDown(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	c := apitest.NewEnvWith(t, apitest.Options{Pool: pool, Peers: map[string]string{"sequence": closedPort}}, scripts.Service()).Scripts

	s := createScript(t, c, "Romeo and Juliet")
	sec, err := c.AddSectionHeadingWithResponse(bg, s.ScriptId, nil, scriptsapi.SectionHeadingCreateRequest{Title: "Act 1"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, sec.StatusCode(), string(sec.Body))
	require.EqualValues(t, 1, sec.JSON201.SequenceNumber)
	tr, err := c.CreateTransitionWithResponse(bg, s.ScriptId, nil, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, tr.StatusCode(), string(tr.Body))
	gone, err := c.CreateTransitionWithResponse(bg, s.ScriptId, nil, scriptsapi.TransitionCreateRequest{Text: "FADE OUT."})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, gone.StatusCode(), string(gone.Body))
	del, err := c.DeleteTransitionWithResponse(bg, s.ScriptId, gone.JSON201.TransitionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))

	list, err := c.ListSectionHeadingsWithResponse(bg, s.ScriptId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, list.StatusCode())
	require.Equal(t, "DEPENDENCY_UNAVAILABLE", list.JSON503.ErrorCode)
	require.Equal(t, "1", list.HTTPResponse.Header.Get("Retry-After"))
	get, err := c.GetTransitionWithResponse(bg, s.ScriptId, tr.JSON201.TransitionId)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, get.StatusCode())
	reorder, err := c.ReorderSectionHeadingsWithResponse(bg, s.ScriptId, scriptsapi.SectionReorderRequest{Elements: []scriptsapi.SectionReorderItem{{HeadingId: 1, NewSequence: 1}}})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, reorder.StatusCode())
	patched, err := c.UpdateScriptWithResponse(bg, s.ScriptId, nil, scriptsapi.ScriptUpdateRequest{Title: new("Romeo and Juliet, revised")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patched.StatusCode(), "scripts themselves need no other service")

	// Seen through an instance whose sequence service is up: each element holds its position, and
	// the deleted one left neither.
	uc := apitest.NewEnvWith(t, apitest.Options{Pool: pool}, sequence.Service(), scripts.Service()).Scripts
	require.Equal(t, [][2]int64{{sec.JSON201.HeadingId, 1}}, headingOrder(listSections(t, uc, s.ScriptId)))
	require.Equal(t, [][2]int64{{tr.JSON201.TransitionId, 1}}, transitionOrder(listTransitions(t, uc, s.ScriptId)))
	next := addTransition(t, uc, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "DISSOLVE TO:"})
	require.EqualValues(t, 2, next.SequenceNumber)
}

// TestDependantServicesDown: a script's dependants in Character Management and Session & Context
// cannot be counted or deleted while those services are unreachable, so the script stays.
func TestDependantServicesDown(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	deps := newDependantsFake(t)
	for name, peers := range map[string]map[string]string{
		"characters down": {"characters": closedPort, "sessions": deps.url},
		"sessions down":   {"characters": deps.url, "sessions": closedPort},
		"not configured":  nil,
	} {
		c := apitest.NewEnvWith(t, apitest.Options{Pool: pool, Peers: peers}, sequence.Service(), scripts.Service()).Scripts
		s := createScript(t, c, "Romeo and Juliet")
		h := addSection(t, c, s.ScriptId, "Act 1")
		for _, cascade := range []bool{false, true} {
			resp, err := c.DeleteScriptWithResponse(bg, s.ScriptId, &scriptsapi.DeleteScriptParams{Cascade: &cascade})
			require.NoError(t, err)
			require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode(), "%s: %s", name, resp.Body)
			require.Equal(t, "DEPENDENCY_UNAVAILABLE", resp.JSON503.ErrorCode)
		}
		if peers["characters"] == closedPort || peers == nil {
			del, err := c.DeleteSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, nil)
			require.NoError(t, err)
			require.Equal(t, http.StatusServiceUnavailable, del.StatusCode(), name)
		}
		got, err := c.GetScriptWithResponse(bg, s.ScriptId)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, got.StatusCode(), name)
		require.Len(t, listSections(t, c, s.ScriptId), 1, name)
	}
}

// TestUnexpectedAnswers: a dependency answering what its spec does not allow for the call is 502.
func TestUnexpectedAnswers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	h := addSection(t, e.Scripts, s.ScriptId, "Act 1")

	// A client of the sequence service cannot release a heading's position...
	rel, err := e.Sequence.ReleasePositionWithResponse(bg, sequenceapi.Section, h.HeadingId)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, rel.StatusCode())
	require.Equal(t, "CONTENT_OWNED", rel.JSON409.ErrorCode)
	kept, err := e.Scripts.GetSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, kept.StatusCode(), string(kept.Body))
	// ...so only a sequence service that lost it (here, by hand) contradicts this one: 502.
	_, err = e.Pool.Exec(bg, `DELETE FROM sequence.positions WHERE owner = 'content' AND element_type = 'section' AND element_id = $1`, h.HeadingId)
	require.NoError(t, err)
	get, err := e.Scripts.GetSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadGateway, get.StatusCode(), string(get.Body))
	require.Equal(t, "BAD_GATEWAY", get.JSON502.ErrorCode)

	// Character Management failing with a 500.
	e.deps.failWith(http.StatusInternalServerError)
	del, err := e.Scripts.DeleteScriptWithResponse(bg, s.ScriptId, &scriptsapi.DeleteScriptParams{Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadGateway, del.StatusCode(), string(del.Body))
	// ...or unavailable: its 503 stays a 503.
	e.deps.failWith(http.StatusServiceUnavailable)
	del, err = e.Scripts.DeleteScriptWithResponse(bg, s.ScriptId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, del.StatusCode(), string(del.Body))
	still, err := e.Scripts.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, still.StatusCode())
}
