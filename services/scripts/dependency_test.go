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

// TestSequenceDown: with the sequence service unreachable, creating a positioned element answers 503
// and leaves nothing behind; what does not need the sequence service keeps working.
func TestSequenceDown(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	down := apitest.NewServerWithPeers(t, pool, map[string]string{"sequence": closedPort}, scripts.Service())
	c, err := scriptsapi.NewClientWithResponses(down.URL, scriptsapi.WithHTTPClient(apitest.Client(t, scripts.Service())))
	require.NoError(t, err)

	s := createScript(t, c, "Romeo and Juliet")
	sec, err := c.AddSectionHeadingWithResponse(bg, s.ScriptId, nil, scriptsapi.SectionHeadingRequest{Title: "Act 1"})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, sec.StatusCode(), string(sec.Body))
	require.Equal(t, "DEPENDENCY_UNAVAILABLE", sec.JSON503.ErrorCode)
	tr, err := c.CreateTransitionWithResponse(bg, s.ScriptId, nil, scriptsapi.TransitionRequest{Text: "CUT TO:"})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, tr.StatusCode(), string(tr.Body))
	list, err := c.ListSectionHeadingsWithResponse(bg, s.ScriptId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, list.StatusCode())
	reorder, err := c.ReorderSectionHeadingsWithResponse(bg, s.ScriptId, scriptsapi.SectionReorderRequest{Elements: []scriptsapi.SectionReorderItem{{HeadingId: 1, NewSequence: 1}}})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, reorder.StatusCode())
	patched, err := c.UpdateScriptWithResponse(bg, s.ScriptId, nil, scriptsapi.ScriptUpdateRequest{Title: ptr("Romeo and Juliet, revised")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patched.StatusCode(), "scripts themselves need no other service")

	// Seen through an instance whose sequence service is up: nothing was stored.
	up := apitest.NewServer(t, pool, sequence.Service(), scripts.Service())
	uc := scriptsClient(t, up.URL)
	require.Empty(t, listSections(t, uc, s.ScriptId))
	require.Empty(t, listTransitions(t, uc, s.ScriptId))
	for id := int64(1); id <= 3; id++ {
		get, err := uc.GetSectionHeadingWithResponse(bg, s.ScriptId, id)
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, get.StatusCode())
		getTr, err := uc.GetTransitionWithResponse(bg, s.ScriptId, id)
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, getTr.StatusCode())
	}
	h := addSection(t, uc, s.ScriptId, "Act 1")
	require.EqualValues(t, 1, h.SequenceNumber, "the failed attempts used no position")

	// Deleting a positioned element needs the sequence service too; it stays as it was.
	del, err := c.DeleteSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, del.StatusCode(), string(del.Body))
	require.Equal(t, [][2]int64{{h.HeadingId, 1}}, headingOrder(listSections(t, uc, s.ScriptId)))
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
		srv := apitest.NewServerWithPeers(t, pool, peers, sequence.Service(), scripts.Service())
		c := scriptsClient(t, srv.URL)
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
	s := createScript(t, e.c, "Romeo and Juliet")
	h := addSection(t, e.c, s.ScriptId, "Act 1")

	// A stored heading whose position the sequence service lost.
	rel, err := e.seq.ReleasePositionWithResponse(bg, sequenceapi.Section, h.HeadingId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, rel.StatusCode())
	get, err := e.c.GetSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadGateway, get.StatusCode(), string(get.Body))
	require.Equal(t, "BAD_GATEWAY", get.JSON502.ErrorCode)

	// Character Management failing with a 500.
	e.deps.failWith(http.StatusInternalServerError)
	del, err := e.c.DeleteScriptWithResponse(bg, s.ScriptId, &scriptsapi.DeleteScriptParams{Cascade: ptr(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadGateway, del.StatusCode(), string(del.Body))
	// ...or unavailable: its 503 stays a 503.
	e.deps.failWith(http.StatusServiceUnavailable)
	del, err = e.c.DeleteScriptWithResponse(bg, s.ScriptId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, del.StatusCode(), string(del.Body))
	still, err := e.c.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, still.StatusCode())
}
