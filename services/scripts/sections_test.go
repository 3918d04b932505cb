package scripts_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

func TestSectionLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")

	added, err := e.Scripts.AddSectionHeadingWithResponse(bg, s.ScriptId, nil, scriptsapi.SectionHeadingCreateRequest{
		Title: "Act 2, Scene 2 - Capulet's orchard", Kind: new("scene"), Description: new(`The "balcony" scene, at night`),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, added.StatusCode(), string(added.Body))
	h := *added.JSON201
	require.EqualValues(t, 1, h.SequenceNumber)
	require.EqualValues(t, 1, h.Version)
	require.Equal(t, s.ScriptId, h.ScriptId)
	require.Equal(t, `"1.1"`, added.HTTPResponse.Header.Get("ETag"))
	require.EqualValues(t, 1, positionOf(t, e.Sequence, sequenceapi.Section, h.HeadingId), "the position is in the sequence service")

	got, err := e.Scripts.GetSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode())
	require.Equal(t, h, *got.JSON200)
	require.Equal(t, `"1.1"`, got.HTTPResponse.Header.Get("ETag"))

	patched, err := e.Scripts.PatchSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, &scriptsapi.PatchSectionHeadingParams{IfMatch: new(got.HTTPResponse.Header.Get("ETag"))},
		scriptsapi.SectionHeadingUpdateRequest{Description: new("Romeo below Juliet's window.")})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, patched.StatusCode(), string(patched.Body))
	require.Equal(t, "Romeo below Juliet's window.", *patched.JSON200.Description)
	require.Equal(t, h.Title, patched.JSON200.Title)
	require.Equal(t, h.Kind, patched.JSON200.Kind)
	require.EqualValues(t, 2, patched.JSON200.Version)
	require.EqualValues(t, 1, patched.JSON200.SequenceNumber)
	require.Equal(t, `"2.1"`, patched.HTTPResponse.Header.Get("ETag"))

	replaced, err := e.Scripts.UpdateSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, &scriptsapi.UpdateSectionHeadingParams{IfMatch: new(`"2"`)},
		scriptsapi.SectionHeadingRequest{Title: "Act 2, Scene 2"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, replaced.StatusCode(), string(replaced.Body))
	require.Equal(t, "Act 2, Scene 2", replaced.JSON200.Title)
	require.Nil(t, replaced.JSON200.Kind, "a PUT clears what it does not send")
	require.Nil(t, replaced.JSON200.Description)
	require.EqualValues(t, 3, replaced.JSON200.Version)
	require.EqualValues(t, 1, replaced.JSON200.SequenceNumber, "its position does not change")

	del, err := e.Scripts.DeleteSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, &scriptsapi.DeleteSectionHeadingParams{IfMatch: new(`"3"`)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	require.Zero(t, positionOf(t, e.Sequence, sequenceapi.Section, h.HeadingId), "deleting releases the position")
	gone, err := e.Scripts.GetSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, gone.StatusCode())
	require.Equal(t, "SECTION_NOT_FOUND", gone.JSON404.ErrorCode)
	require.Empty(t, listSections(t, e.Scripts, s.ScriptId))
}

func TestSectionsInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	other := createScript(t, e.Scripts, "Hamlet")
	var ids []int64
	for i, title := range []string{"Prologue", "Act 1", "Act 1, Scene 1", "Act 1, Scene 2", "Act 2", "Act 2, Scene 2", "Epilogue"} {
		h := addSection(t, e.Scripts, s.ScriptId, title)
		require.EqualValues(t, i+1, h.SequenceNumber)
		ids = append(ids, h.HeadingId)
		if i == 2 {
			require.EqualValues(t, 1, addSection(t, e.Scripts, other.ScriptId, "Act 1").SequenceNumber, "each script has its own order")
		}
	}

	items := listSections(t, e.Scripts, s.ScriptId)
	require.Len(t, items, 7)
	for i, h := range items {
		require.Equal(t, ids[i], h.HeadingId)
		require.EqualValues(t, i+1, h.SequenceNumber)
	}

	var paged []int64
	for offset := int64(0); ; offset += 3 {
		resp, err := e.Scripts.ListSectionHeadingsWithResponse(bg, s.ScriptId, &scriptsapi.ListSectionHeadingsParams{Limit: new(3), Offset: &offset})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode())
		require.EqualValues(t, 7, resp.JSON200.TotalCount)
		require.Equal(t, 3, resp.JSON200.Limit)
		require.Equal(t, offset, resp.JSON200.Offset)
		if len(resp.JSON200.Items) == 0 {
			break
		}
		for _, h := range resp.JSON200.Items {
			paged = append(paged, h.HeadingId)
		}
	}
	require.Equal(t, ids, paged, "pages follow the order")

	// Deleting one moves those after it up: numbers stay 1..N.
	del, err := e.Scripts.DeleteSectionHeadingWithResponse(bg, s.ScriptId, ids[2], nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	require.Equal(t, [][2]int64{{ids[0], 1}, {ids[1], 2}, {ids[3], 3}, {ids[4], 4}, {ids[5], 5}, {ids[6], 6}}, headingOrder(listSections(t, e.Scripts, s.ScriptId)))

	empty := createScript(t, e.Scripts, "Untitled")
	require.Empty(t, listSections(t, e.Scripts, empty.ScriptId))
	missing, err := e.Scripts.ListSectionHeadingsWithResponse(bg, 999, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, missing.StatusCode())
	require.Equal(t, "SCRIPT_NOT_FOUND", missing.JSON404.ErrorCode)
}

func TestSectionErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	other := createScript(t, e.Scripts, "Hamlet")
	h := addSection(t, e.Scripts, s.ScriptId, "Act 1")

	unknownScript, err := e.Scripts.AddSectionHeadingWithResponse(bg, 999, nil, scriptsapi.SectionHeadingCreateRequest{Title: "Act 1"})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, unknownScript.StatusCode())
	require.Equal(t, "SCRIPT_NOT_FOUND", unknownScript.JSON404.ErrorCode)

	for name, body := range map[string]string{
		"bad kind":      `{"title":"Act 1","kind":"Act One"}`,
		"empty title":   `{"title":""}`,
		"long title":    `{"title":"` + strings.Repeat("x", 501) + `"}`,
		"unknown field": `{"title":"Act 1","sequenceNumber":1}`,
	} {
		resp, err := e.Scripts.AddSectionHeadingWithBodyWithResponse(bg, s.ScriptId, nil, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), "%s: %s", name, resp.Body)
	}
	emptyPatch, err := e.Scripts.PatchSectionHeadingWithBodyWithResponse(bg, s.ScriptId, h.HeadingId, nil, "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, emptyPatch.StatusCode())

	// A heading is only found under its own script.
	for _, get := range []struct {
		script, section int64
		code            string
	}{{other.ScriptId, h.HeadingId, "SECTION_NOT_FOUND"}, {s.ScriptId, 999, "SECTION_NOT_FOUND"}, {999, h.HeadingId, "SCRIPT_NOT_FOUND"}} {
		resp, err := e.Scripts.GetSectionHeadingWithResponse(bg, get.script, get.section)
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, resp.StatusCode())
		require.Equal(t, get.code, resp.JSON404.ErrorCode)
		patch, err := e.Scripts.PatchSectionHeadingWithResponse(bg, get.script, get.section, nil, scriptsapi.SectionHeadingUpdateRequest{Title: new("x")})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, patch.StatusCode())
		require.Equal(t, get.code, patch.JSON404.ErrorCode)
		put, err := e.Scripts.UpdateSectionHeadingWithResponse(bg, get.script, get.section, nil, scriptsapi.SectionHeadingRequest{Title: "x"})
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, put.StatusCode())
		del, err := e.Scripts.DeleteSectionHeadingWithResponse(bg, get.script, get.section, nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusNotFound, del.StatusCode())
		require.Equal(t, get.code, del.JSON404.ErrorCode)
	}

	stale := new(`"5"`)
	patch, err := e.Scripts.PatchSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, &scriptsapi.PatchSectionHeadingParams{IfMatch: stale}, scriptsapi.SectionHeadingUpdateRequest{Title: new("x")})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, patch.StatusCode())
	put, err := e.Scripts.UpdateSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, &scriptsapi.UpdateSectionHeadingParams{IfMatch: stale}, scriptsapi.SectionHeadingRequest{Title: "x"})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, put.StatusCode())
	del, err := e.Scripts.DeleteSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, &scriptsapi.DeleteSectionHeadingParams{IfMatch: stale})
	require.NoError(t, err)
	require.Equal(t, http.StatusPreconditionFailed, del.StatusCode())
	require.Equal(t, "PRECONDITION_FAILED", del.JSON412.ErrorCode)

	got, err := e.Scripts.GetSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId)
	require.NoError(t, err)
	require.Equal(t, h, *got.JSON200, "refused writes changed nothing")
}

func TestDeleteSectionWithDependants(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	h := addSection(t, e.Scripts, s.ScriptId, "Act 1")
	tr := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:", SectionId: &h.HeadingId})

	refused, err := e.Scripts.DeleteSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode())
	require.Equal(t, "HAS_DEPENDANTS", refused.JSON409.ErrorCode)
	require.Equal(t, "1 transitions", *refused.JSON409.Details)

	// Moving the transition away is not enough while lines of Character Management name the heading.
	_, err = e.Scripts.ReplaceTransitionWithResponse(bg, s.ScriptId, tr.TransitionId, nil, scriptsapi.TransitionRequest{Text: "CUT TO:"})
	require.NoError(t, err)
	e.deps.set(keyFor("spokenWords", s.ScriptId, h.HeadingId), 12)
	e.deps.set(keyFor("actions", s.ScriptId, h.HeadingId), 3)
	refused, err = e.Scripts.DeleteSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode())
	require.Equal(t, "12 spokenWords, 3 actions", *refused.JSON409.Details)
	require.EqualValues(t, 1, positionOf(t, e.Sequence, sequenceapi.Section, h.HeadingId), "a refused delete keeps the position")

	e.deps.set(keyFor("spokenWords", s.ScriptId, h.HeadingId), 0)
	e.deps.set(keyFor("actions", s.ScriptId, h.HeadingId), 0)
	del, err := e.Scripts.DeleteSectionHeadingWithResponse(bg, s.ScriptId, h.HeadingId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
}

func keyFor(kind string, scriptID, sectionID int64) string {
	k := kind + "?scriptId=" + strconv.FormatInt(scriptID, 10)
	if sectionID != 0 {
		k += "&sectionId=" + strconv.FormatInt(sectionID, 10)
	}
	return k
}

func TestReorderSections(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	other := createScript(t, e.Scripts, "Hamlet")
	var ids []int64
	for _, title := range []string{"Act 1", "Act 2", "Act 3", "Act 4"} {
		ids = append(ids, addSection(t, e.Scripts, s.ScriptId, title).HeadingId)
	}
	foreign := addSection(t, e.Scripts, other.ScriptId, "Act 1").HeadingId

	swap, err := e.Scripts.ReorderSectionHeadingsWithResponse(bg, s.ScriptId, scriptsapi.SectionReorderRequest{Elements: []scriptsapi.SectionReorderItem{
		{HeadingId: ids[0], NewSequence: 4}, {HeadingId: ids[3], NewSequence: 1},
	}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, swap.StatusCode(), string(swap.Body))
	require.Equal(t, s.ScriptId, swap.JSON200.ScriptId)
	require.ElementsMatch(t, []scriptsapi.SectionReorderResult{{HeadingId: ids[0], NewSequence: 4}, {HeadingId: ids[3], NewSequence: 1}}, swap.JSON200.UpdatedElements)

	want := [][2]int64{{ids[3], 1}, {ids[1], 2}, {ids[2], 3}, {ids[0], 4}}
	require.Equal(t, want, headingOrder(listSections(t, e.Scripts, s.ScriptId)), "the list shows the new order")
	for _, w := range want {
		got, err := e.Scripts.GetSectionHeadingWithResponse(bg, s.ScriptId, w[0])
		require.NoError(t, err)
		require.Equal(t, w[1], got.JSON200.SequenceNumber, "single reads show the new order")
	}

	for name, c := range map[string]struct {
		script int64
		items  []scriptsapi.SectionReorderItem
		status int
		code   string
	}{
		"duplicate heading":  {s.ScriptId, []scriptsapi.SectionReorderItem{{HeadingId: ids[1], NewSequence: 3}, {HeadingId: ids[1], NewSequence: 2}}, http.StatusBadRequest, "DUPLICATE_ELEMENT"},
		"duplicate number":   {s.ScriptId, []scriptsapi.SectionReorderItem{{HeadingId: ids[1], NewSequence: 3}, {HeadingId: ids[2], NewSequence: 3}}, http.StatusBadRequest, "DUPLICATE_SEQUENCE"},
		"other script":       {s.ScriptId, []scriptsapi.SectionReorderItem{{HeadingId: foreign, NewSequence: 9}}, http.StatusBadRequest, "SCOPE_MISMATCH"},
		"mixed scripts":      {s.ScriptId, []scriptsapi.SectionReorderItem{{HeadingId: ids[1], NewSequence: 9}, {HeadingId: foreign, NewSequence: 8}}, http.StatusBadRequest, "SCOPE_MISMATCH"},
		"unknown heading":    {s.ScriptId, []scriptsapi.SectionReorderItem{{HeadingId: 999, NewSequence: 9}}, http.StatusNotFound, "NOT_FOUND"},
		"unknown script":     {999, []scriptsapi.SectionReorderItem{{HeadingId: ids[1], NewSequence: 9}}, http.StatusNotFound, "SCRIPT_NOT_FOUND"},
		"number taken":       {s.ScriptId, []scriptsapi.SectionReorderItem{{HeadingId: ids[1], NewSequence: 1}}, http.StatusConflict, "SEQUENCE_CONFLICT"},
		"half of a rotation": {s.ScriptId, []scriptsapi.SectionReorderItem{{HeadingId: ids[1], NewSequence: 3}, {HeadingId: ids[2], NewSequence: 4}}, http.StatusConflict, "SEQUENCE_CONFLICT"},
	} {
		resp, err := e.Scripts.ReorderSectionHeadingsWithResponse(bg, c.script, scriptsapi.SectionReorderRequest{Elements: c.items})
		require.NoError(t, err)
		require.Equal(t, c.status, resp.StatusCode(), "%s: %s", name, resp.Body)
		require.Equal(t, c.code, apitest.ErrorCode(t, resp.Body), name)
		require.Equal(t, want, headingOrder(listSections(t, e.Scripts, s.ScriptId)), "%s: a refused reorder changes nothing", name)
	}
	require.Equal(t, [][2]int64{{foreign, 1}}, headingOrder(listSections(t, e.Scripts, other.ScriptId)))

	empty, err := e.Scripts.ReorderSectionHeadingsWithBodyWithResponse(bg, s.ScriptId, "application/json", strings.NewReader(`{"elements":[]}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, empty.StatusCode())
}
