package scripts_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/placementdb"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/auth"
)

// placeAction stands in for Character Management creating an action: it takes the next story
// position of the script, through the functions the sequence service publishes for that.
func placeAction(t *testing.T, pool *pgxpool.Pool, scriptID, actionID int64) int64 {
	t.Helper()
	n, err := placementdb.New(pool).Place(bg, placementdb.PlaceParams{Tenant: auth.DefaultTenant, ScriptID: scriptID, Scope: "story", ElementType: string(sequenceapi.Action), ElementID: actionID})
	require.NoError(t, err)
	return n
}

func transitionOrder(items []scriptsapi.Transition) [][2]int64 {
	out := make([][2]int64, len(items))
	for i, tr := range items {
		out[i] = [2]int64{tr.TransitionId, tr.SequenceNumber}
	}
	return out
}

func TestTransitionsInStoryOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")

	// action, CUT TO:, action, action, DISSOLVE TO:, FADE OUT.
	require.EqualValues(t, 1, placeAction(t, e.Pool, s.ScriptId, 101))
	cut := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	require.EqualValues(t, 2, cut.SequenceNumber, "transitions share the story order with actions")
	require.EqualValues(t, 3, placeAction(t, e.Pool, s.ScriptId, 102))
	require.EqualValues(t, 4, placeAction(t, e.Pool, s.ScriptId, 103))
	dissolve := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "DISSOLVE TO:"})
	fade := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "FADE OUT."})
	require.EqualValues(t, 5, dissolve.SequenceNumber)
	require.EqualValues(t, 6, fade.SequenceNumber)

	require.Equal(t, [][2]int64{{cut.TransitionId, 2}, {dissolve.TransitionId, 5}, {fade.TransitionId, 6}},
		transitionOrder(listTransitions(t, e.Scripts, s.ScriptId)), "only transitions, in story order, with their story numbers")

	page, err := e.Scripts.ListTransitionsWithResponse(bg, s.ScriptId, &scriptsapi.ListTransitionsParams{Limit: new(2), Offset: new(int64(1))})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, page.StatusCode())
	require.EqualValues(t, 3, page.JSON200.TotalCount)
	require.Equal(t, [][2]int64{{dissolve.TransitionId, 5}, {fade.TransitionId, 6}}, transitionOrder(page.JSON200.Items))

	// The story order is reordered on the sequence service; every read here follows it.
	reorder, err := e.Sequence.ReorderElementsWithResponse(bg, sequenceapi.ReorderRequest{
		ElementType: sequenceapi.Transition, ScriptId: &s.ScriptId, Scope: new("story"),
		Elements: []sequenceapi.ReorderItem{
			{ElementId: fade.TransitionId, NewSequence: 1},
			{ElementType: new(sequenceapi.Action), ElementId: 101, NewSequence: 6},
		},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, reorder.StatusCode(), string(reorder.Body))
	require.Equal(t, [][2]int64{{fade.TransitionId, 1}, {cut.TransitionId, 2}, {dissolve.TransitionId, 5}}, transitionOrder(listTransitions(t, e.Scripts, s.ScriptId)))
	got, err := e.Scripts.GetTransitionWithResponse(bg, s.ScriptId, fade.TransitionId)
	require.NoError(t, err)
	require.EqualValues(t, 1, got.JSON200.SequenceNumber)

	// Deleting releases the story position; the elements after it move up by one.
	del, err := e.Scripts.DeleteTransitionWithResponse(bg, s.ScriptId, cut.TransitionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	require.Zero(t, positionOf(t, e.Sequence, sequenceapi.Transition, cut.TransitionId))
	require.Equal(t, [][2]int64{{fade.TransitionId, 1}, {dissolve.TransitionId, 4}}, transitionOrder(listTransitions(t, e.Scripts, s.ScriptId)))
	require.EqualValues(t, 2, positionOf(t, e.Sequence, sequenceapi.Action, 102))
}

func TestTransitionLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	act1 := addSection(t, e.Scripts, s.ScriptId, "Act 1")
	act2 := addSection(t, e.Scripts, s.ScriptId, "Act 2")

	created, err := e.Scripts.CreateTransitionWithResponse(bg, s.ScriptId, nil, scriptsapi.TransitionCreateRequest{Text: "CUT TO:", SectionId: &act1.HeadingId})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, created.StatusCode(), string(created.Body))
	tr := *created.JSON201
	require.Equal(t, act1.HeadingId, *tr.SectionId)
	require.EqualValues(t, 1, tr.SequenceNumber)
	require.Equal(t, `"1.1"`, created.HTTPResponse.Header.Get("ETag"))

	got, err := e.Scripts.GetTransitionWithResponse(bg, s.ScriptId, tr.TransitionId)
	require.NoError(t, err)
	require.Equal(t, tr, *got.JSON200)
	require.Equal(t, `"1.1"`, got.HTTPResponse.Header.Get("ETag"))

	patched, err := e.Scripts.UpdateTransitionWithResponse(bg, s.ScriptId, tr.TransitionId, &scriptsapi.UpdateTransitionParams{IfMatch: new(`"1"`)},
		scriptsapi.TransitionUpdateRequest{SectionId: &act2.HeadingId})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patched.StatusCode(), string(patched.Body))
	require.Equal(t, act2.HeadingId, *patched.JSON200.SectionId)
	require.Equal(t, "CUT TO:", patched.JSON200.Text)
	require.EqualValues(t, 2, patched.JSON200.Version)
	require.Equal(t, `"2.1"`, patched.HTTPResponse.Header.Get("ETag"))

	replaced, err := e.Scripts.ReplaceTransitionWithResponse(bg, s.ScriptId, tr.TransitionId, &scriptsapi.ReplaceTransitionParams{IfMatch: new(`"2"`)},
		scriptsapi.TransitionRequest{Text: "DISSOLVE TO:"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, replaced.StatusCode(), string(replaced.Body))
	require.Nil(t, replaced.JSON200.SectionId, "a PUT clears the section it does not send")
	require.Equal(t, "DISSOLVE TO:", replaced.JSON200.Text)
	require.EqualValues(t, 3, replaced.JSON200.Version)
	require.EqualValues(t, 1, replaced.JSON200.SequenceNumber)

	stale, err := e.Scripts.DeleteTransitionWithResponse(bg, s.ScriptId, tr.TransitionId, &scriptsapi.DeleteTransitionParams{IfMatch: new(`"2"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stale.StatusCode())
	require.EqualValues(t, 1, positionOf(t, e.Sequence, sequenceapi.Transition, tr.TransitionId), "a refused delete keeps the position")
	del, err := e.Scripts.DeleteTransitionWithResponse(bg, s.ScriptId, tr.TransitionId, &scriptsapi.DeleteTransitionParams{IfMatch: new(`"3"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	again, err := e.Scripts.DeleteTransitionWithResponse(bg, s.ScriptId, tr.TransitionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, again.StatusCode())
	require.Equal(t, "TRANSITION_NOT_FOUND", again.JSON404.ErrorCode)
}

func TestTransitionErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	other := createScript(t, e.Scripts, "Hamlet")
	own := addSection(t, e.Scripts, s.ScriptId, "Act 1")
	foreign := addSection(t, e.Scripts, other.ScriptId, "Act 1")
	tr := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:", SectionId: &own.HeadingId})

	// A section of another script, or none, is 422; nothing is created.
	for _, section := range []int64{foreign.HeadingId, 999} {
		resp, err := e.Scripts.CreateTransitionWithResponse(bg, s.ScriptId, nil, scriptsapi.TransitionCreateRequest{Text: "CUT TO:", SectionId: &section})
		require.NoError(t, err)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode(), string(resp.Body))
		require.Equal(t, "SECTION_NOT_FOUND", resp.JSON422.ErrorCode)
		put, err := e.Scripts.ReplaceTransitionWithResponse(bg, s.ScriptId, tr.TransitionId, nil, scriptsapi.TransitionRequest{Text: "x", SectionId: &section})
		require.NoError(t, err)
		require.Equal(t, http.StatusUnprocessableEntity, put.StatusCode())
		patch, err := e.Scripts.UpdateTransitionWithResponse(bg, s.ScriptId, tr.TransitionId, nil, scriptsapi.TransitionUpdateRequest{SectionId: &section})
		require.NoError(t, err)
		require.Equal(t, http.StatusUnprocessableEntity, patch.StatusCode())
	}
	require.Len(t, listTransitions(t, e.Scripts, s.ScriptId), 1)

	for _, section := range []*int64{nil, &foreign.HeadingId} {
		unknown, err := e.Scripts.CreateTransitionWithResponse(bg, 999, nil, scriptsapi.TransitionCreateRequest{Text: "CUT TO:", SectionId: section})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, unknown.StatusCode())
		require.Equal(t, "SCRIPT_NOT_FOUND", unknown.JSON404.ErrorCode)
	}
	missingList, err := e.Scripts.ListTransitionsWithResponse(bg, 999, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missingList.StatusCode())

	for _, body := range []string{`{"text":""}`, `{"sectionId":1}`, `{"text":"x","sectionId":0}`, `{"text":"x","extra":1}`} {
		resp, err := e.Scripts.CreateTransitionWithBodyWithResponse(bg, s.ScriptId, nil, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), body)
	}

	for _, c := range []struct {
		script, id int64
		code       string
	}{{other.ScriptId, tr.TransitionId, "TRANSITION_NOT_FOUND"}, {999, tr.TransitionId, "SCRIPT_NOT_FOUND"}} {
		get, err := e.Scripts.GetTransitionWithResponse(bg, c.script, c.id)
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, get.StatusCode())
		require.Equal(t, c.code, get.JSON404.ErrorCode)
		patch, err := e.Scripts.UpdateTransitionWithResponse(bg, c.script, c.id, nil, scriptsapi.TransitionUpdateRequest{Text: new("x")})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, patch.StatusCode())
		put, err := e.Scripts.ReplaceTransitionWithResponse(bg, c.script, c.id, nil, scriptsapi.TransitionRequest{Text: "x"})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, put.StatusCode())
		del, err := e.Scripts.DeleteTransitionWithResponse(bg, c.script, c.id, nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, del.StatusCode())
	}

	stalePatch, err := e.Scripts.UpdateTransitionWithResponse(bg, s.ScriptId, tr.TransitionId, &scriptsapi.UpdateTransitionParams{IfMatch: new(`"4"`)}, scriptsapi.TransitionUpdateRequest{Text: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stalePatch.StatusCode())
	stalePut, err := e.Scripts.ReplaceTransitionWithResponse(bg, s.ScriptId, tr.TransitionId, &scriptsapi.ReplaceTransitionParams{IfMatch: new(`"4"`)}, scriptsapi.TransitionRequest{Text: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, stalePut.StatusCode())

	got, err := e.Scripts.GetTransitionWithResponse(bg, s.ScriptId, tr.TransitionId)
	require.NoError(t, err)
	require.Equal(t, tr, *got.JSON200, "refused writes changed nothing")
}
