package scripts_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
)

func TestDeleteScriptRefusedWithDependants(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	addSection(t, e.Scripts, s.ScriptId, "Act 1")
	addSection(t, e.Scripts, s.ScriptId, "Act 2")
	addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	e.deps.set(keyFor("spokenWords", s.ScriptId, 0), 40)
	e.deps.set(keyFor("actions", s.ScriptId, 0), 12)
	e.deps.set(keyFor("characterContexts", s.ScriptId, 0), 5)

	for _, cascade := range []*bool{nil, new(false)} {
		resp, err := e.Scripts.DeleteScriptWithResponse(bg, s.ScriptId, &scriptsapi.DeleteScriptParams{Cascade: cascade})
		require.NoError(t, err)
		require.Equal(t, http.StatusConflict, resp.StatusCode(), string(resp.Body))
		require.Equal(t, "HAS_DEPENDANTS", resp.JSON409.ErrorCode)
		require.Equal(t, "2 sections, 1 transitions, 40 spokenWords, 12 actions, 5 characterContexts", *resp.JSON409.Details)
	}
	require.Empty(t, e.deps.deleted())
	require.Len(t, listSections(t, e.Scripts, s.ScriptId), 2, "a refused delete changes nothing")

	// Dependants only in another service are enough to refuse.
	lonely := createScript(t, e.Scripts, "Hamlet")
	e.deps.set(keyFor("characterContexts", lonely.ScriptId, 0), 1)
	resp, err := e.Scripts.DeleteScriptWithResponse(bg, lonely.ScriptId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, resp.StatusCode())
	require.Equal(t, "1 characterContexts", *resp.JSON409.Details)
}

func TestDeleteScriptCascade(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	keep := createScript(t, e.Scripts, "Hamlet")
	var sections []int64
	for _, title := range []string{"Act 1", "Act 2", "Act 3"} {
		sections = append(sections, addSection(t, e.Scripts, s.ScriptId, title).HeadingId)
	}
	placeAction(t, e.Pool, s.ScriptId, 7) // stands in for an action the fake deletes
	var transitions []int64
	for _, text := range []string{"CUT TO:", "FADE OUT."} {
		transitions = append(transitions, addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: text, SectionId: &sections[1]}).TransitionId)
	}
	kept := addSection(t, e.Scripts, keep.ScriptId, "Act 1")
	e.deps.set(keyFor("actions", s.ScriptId, 0), 1)
	e.deps.set(keyFor("spokenWords", s.ScriptId, sections[1]), 4)

	resp, err := e.Scripts.DeleteScriptWithResponse(bg, s.ScriptId, &scriptsapi.DeleteScriptParams{Cascade: new(true), IfMatch: new(`"1"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, resp.StatusCode(), string(resp.Body))

	id := strconv.FormatInt(s.ScriptId, 10)
	require.Equal(t, []string{"actions?scriptId=" + id, "spokenWords?scriptId=" + id, "characterContexts?scriptId=" + id}, e.deps.deleted(),
		"the dependants in the other services go through their bulk deletes")
	for _, h := range sections {
		require.Zero(t, positionOf(t, e.Sequence, sequenceapi.Section, h), "section %d released", h)
	}
	for _, tr := range transitions {
		require.Zero(t, positionOf(t, e.Sequence, sequenceapi.Transition, tr), "transition %d released", tr)
	}
	gone, err := e.Scripts.GetScriptWithResponse(bg, s.ScriptId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, gone.StatusCode())
	sectionsGone, err := e.Scripts.ListSectionHeadingsWithResponse(bg, s.ScriptId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, sectionsGone.StatusCode())

	require.Equal(t, [][2]int64{{kept.HeadingId, 1}}, headingOrder(listSections(t, e.Scripts, keep.ScriptId)), "other scripts are untouched")

	// A script without dependants goes without cascade.
	plain, err := e.Scripts.DeleteScriptWithResponse(bg, keep.ScriptId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, plain.StatusCode())
	_, err = e.Scripts.DeleteSectionHeadingWithResponse(bg, keep.ScriptId, kept.HeadingId, nil)
	require.NoError(t, err)
	plain, err = e.Scripts.DeleteScriptWithResponse(bg, keep.ScriptId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, plain.StatusCode(), string(plain.Body))
}
