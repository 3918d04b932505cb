package stories_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/placementdb"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/storytest"
	"github.com/fountainai/fountainai/services/stories"
)

// TestChangesShow: a reorder, an insert and a delete acknowledged before a request show in its answer,
// on every page.
func TestChangesShow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	w := storytest.WriteBalcony(t, e.Clients)
	want := append([]storytest.Element(nil), w.Elements...)

	// Juliet's "Ay me!" (22) and Romeo's "See, how she leans..." (20) trade places.
	ayMe, leans := want[21], want[19]
	move, err := e.Sequence.ReorderElementsWithResponse(ctx, sequenceapi.ReorderRequest{
		ElementType: sequenceapi.SpokenWord, ScriptId: &w.ScriptID, Scope: new("story"),
		Elements: []sequenceapi.ReorderItem{{ElementId: ayMe.ID, NewSequence: 20}, {ElementId: leans.ID, NewSequence: 22}},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, move.StatusCode(), string(move.Body))
	want[19], want[21] = want[21], want[19]
	s := e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, Limit: new(5000)})
	require.Equal(t, want, keys(s.Story), "the reorder shows")
	require.Equal(t, "Ay me!", s.Story[19].SpokenWord.Text)
	require.EqualValues(t, 20, s.Story[19].Sequence)

	// A new line goes to the end.
	line, err := e.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{
		ScriptId: w.ScriptID, CharacterId: new(w.Characters["JULIET"]), Text: "Romeo!",
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, line.StatusCode(), string(line.Body))
	want = append(want, storytest.Element{Type: "spokenWord", ID: line.JSON201.DialogueId})
	s = e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, Limit: new(5000)})
	require.Equal(t, want, keys(s.Story), "the insert shows")
	last := s.Story[len(s.Story)-1]
	require.Equal(t, "Romeo!", last.SpokenWord.Text)
	require.Equal(t, "JULIET", last.Character.Name)
	require.Nil(t, last.SectionId)

	// Deleting "Exeunt" (11) and the transition (12): the story closes over them.
	exeunt, cut := want[10], want[11]
	del, err := e.Characters.DeleteActionWithResponse(ctx, exeunt.ID, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	delT, err := e.Scripts.DeleteTransitionWithResponse(ctx, w.ScriptID, cut.ID, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, delT.StatusCode(), string(delT.Body))
	want = append(want[:10:10], want[12:]...)
	for _, limit := range []int{5000, 6, 10} {
		all := e.readAll(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID}, limit)
		require.Equal(t, want, keys(all), "the deletes show, limit %d", limit)
		for i := 1; i < len(all); i++ {
			require.Greater(t, all[i].Sequence, all[i-1].Sequence)
		}
	}
	// Every element shows the number the sequence service holds for it.
	positions, err := e.Sequence.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "story", ScriptId: &w.ScriptID, Limit: new(1000)})
	require.NoError(t, err)
	s = e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, Limit: new(5000)})
	require.Len(t, s.Story, len(positions.JSON200.Positions))
	for i, p := range positions.JSON200.Positions {
		require.Equal(t, storytest.Element{Type: string(p.ElementType), ID: p.ElementId}, key(s.Story[i]))
		require.Equal(t, p.SequenceNumber, s.Story[i].Sequence)
	}
}

// TestOrphanPositionIsNotDropped: a position that names no element (which the content services never
// leave behind, so here made by hand) is never silently left out: after reading again, the answer is
// 502, not a story with a hole.
func TestOrphanPositionIsNotDropped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	script, err := e.Scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{Title: "Orphan"})
	require.NoError(t, err)
	id := script.JSON201.ScriptId
	line, err := e.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{ScriptId: id, Text: "Here."})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, line.StatusCode(), string(line.Body))
	_, err = placementdb.New(e.Pool).Place(ctx, placementdb.PlaceParams{Tenant: auth.DefaultTenant, ScriptID: id, Scope: "story", ElementType: string(sequenceapi.Action), ElementID: 999999})
	require.NoError(t, err)

	resp, err := e.Stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: id})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadGateway, resp.StatusCode(), string(resp.Body))
	require.Equal(t, "BAD_GATEWAY", resp.JSON502.ErrorCode)
	require.Contains(t, *resp.JSON502.Details, "action 999999")

	// Releasing it heals the story.
	_, err = placementdb.New(e.Pool).Release(ctx, auth.DefaultTenant, []string{string(sequenceapi.Action)}, []int64{999999})
	require.NoError(t, err)
	s := e.story(t, storiesapi.GetFullStoryParams{ScriptId: id})
	require.Len(t, s.Story, 1)
}

func TestErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	w := storytest.WriteBalcony(t, e.Clients)

	missing, err := e.Stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: w.ScriptID + 1000})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode(), string(missing.Body))
	require.Equal(t, "SCRIPT_NOT_FOUND", missing.JSON404.ErrorCode)
	missingRange, err := e.Stories.GetStorySequencesWithResponse(ctx, &storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID + 1000, StartSequence: 1, EndSequence: 2})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missingRange.StatusCode(), string(missingRange.Body))
	require.Equal(t, "SCRIPT_NOT_FOUND", missingRange.JSON404.ErrorCode)

	inverted, err := e.Stories.GetStorySequencesWithResponse(ctx, &storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID, StartSequence: 10, EndSequence: 3})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, inverted.StatusCode(), string(inverted.Body))
	require.Equal(t, "INVALID_RANGE", inverted.JSON400.ErrorCode)

	for _, p := range []storiesapi.GetFullStoryParams{
		{ScriptId: w.ScriptID, Limit: new(0)},
		{ScriptId: w.ScriptID, Limit: new(5001)},
		{ScriptId: w.ScriptID, Offset: new(int64(-1))},
		{ScriptId: 0},
		{ScriptId: w.ScriptID, FilterByCharacter: new("")},
	} {
		resp, err := e.Stories.GetFullStoryWithResponse(ctx, &p)
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), string(resp.Body))
		require.Equal(t, "VALIDATION_FAILED", resp.JSON400.ErrorCode)
	}
	for _, p := range []storiesapi.GetStorySequencesParams{
		{ScriptId: w.ScriptID, StartSequence: 0, EndSequence: 3},
		{ScriptId: w.ScriptID, StartSequence: 1, EndSequence: 3, Limit: new(5001)},
	} {
		resp, err := e.Stories.GetStorySequencesWithResponse(ctx, &p)
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), string(resp.Body))
	}
}

// TestDependencyDown: with the services it reads unreachable, or accepting the call and never
// answering, the Story Factory answers 503 with an ErrorResponse (for a silent one once the peer
// timeout passes: it does not wait for ever), and never a story.
func TestDependencyDown(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(silent.Close)
	for name, url := range map[string]string{"closed": "http://127.0.0.1:1", "silent": silent.URL} {
		down := map[string]string{"sequence": url, "scripts": url, "characters": url, "sessions": url}
		c := apitest.NewEnvWith(t, apitest.Options{Pool: pool, Peers: down, PeerTimeout: time.Second}, stories.Service()).Stories
		resp, err := c.GetFullStoryWithResponse(context.Background(), &storiesapi.GetFullStoryParams{ScriptId: 1})
		require.NoError(t, err)
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode(), "%s: %s", name, resp.Body)
		require.Equal(t, "DEPENDENCY_UNAVAILABLE", resp.JSON503.ErrorCode, name)
		r, err := c.GetStorySequencesWithResponse(context.Background(), &storiesapi.GetStorySequencesParams{ScriptId: 1, StartSequence: 1, EndSequence: 5})
		require.NoError(t, err)
		require.Equal(t, http.StatusServiceUnavailable, r.StatusCode(), "%s: %s", name, r.Body)
	}
}

// TestOneDependencyDown: the other services up with data, only Session & Context unreachable: 503
// naming it, not a story without contexts.
func TestOneDependencyDown(t *testing.T) {
	t.Parallel()
	up := apitest.NewEnvWith(t, apitest.Options{MaxConns: 16}, servicesExcept("stories")...)
	w := storytest.WriteBalcony(t, up.Clients)

	peers := map[string]string{"sequence": up.URL, "scripts": up.URL, "characters": up.URL, "sessions": "http://127.0.0.1:1"}
	c := apitest.NewEnvWith(t, apitest.Options{Pool: up.Pool, Peers: peers}, stories.Service()).Stories
	resp, err := c.GetFullStoryWithResponse(context.Background(), &storiesapi.GetFullStoryParams{ScriptId: w.ScriptID})
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode(), string(resp.Body))
	require.Contains(t, resp.JSON503.Message, "sessions")

	// With all of them reachable over HTTP (separate processes' shape), the story comes whole.
	peers["sessions"] = up.URL
	c = apitest.NewEnvWith(t, apitest.Options{Pool: up.Pool, Peers: peers}, stories.Service()).Stories
	ok, err := c.GetFullStoryWithResponse(context.Background(), &storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, Limit: new(5000)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, ok.StatusCode(), string(ok.Body))
	checkBalcony(t, w, 1, ok.JSON200.Story)
}

// TestSequenceDownSplit: each service its own process, the Central Sequence Service down. The
// services the Story Factory reads that need the order answer 503 themselves; the answer names
// the service that is down, sequence, not the first of those that only relay it.
func TestSequenceDownSplit(t *testing.T) {
	t.Parallel()
	up := apitest.NewEnvWith(t, apitest.Options{MaxConns: 16}, servicesExcept("stories")...)
	w := storytest.WriteBalcony(t, up.Clients)

	const down = "http://127.0.0.1:1"
	content := apitest.NewServerWithPeers(t, up.Pool, map[string]string{"sequence": down}, servicesExcept("stories", "sequence")...)
	c := apitest.NewEnvWith(t, apitest.Options{Pool: up.Pool, Peers: map[string]string{
		"sequence": down, "scripts": content.URL, "characters": content.URL, "sessions": content.URL,
	}}, stories.Service()).Stories
	// The calls race each other: every answer must name sequence, whichever failure came first.
	for range 20 {
		resp, err := c.GetFullStoryWithResponse(context.Background(), &storiesapi.GetFullStoryParams{ScriptId: w.ScriptID})
		require.NoError(t, err)
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode(), string(resp.Body))
		require.Equal(t, "DEPENDENCY_UNAVAILABLE", resp.JSON503.ErrorCode)
		require.Equal(t, "the sequence service is unavailable", resp.JSON503.Message)
		r, err := c.GetStorySequencesWithResponse(context.Background(), &storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID, StartSequence: 1, EndSequence: 5})
		require.NoError(t, err)
		require.Equal(t, http.StatusServiceUnavailable, r.StatusCode(), string(r.Body))
		require.Equal(t, "the sequence service is unavailable", r.JSON503.Message)
	}
}
