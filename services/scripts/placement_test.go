package scripts_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/placementdb"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/auth"
)

// entry is one element of an order: its type, id and number.
type entry struct {
	typ sequenceapi.ElementType
	id  int64
	n   int64
}

// orderOf is the order scope of a script as the sequence service holds it.
func orderOf(t *testing.T, seq *sequenceapi.ClientWithResponses, scriptID int64, scope string) []entry {
	t.Helper()
	resp, err := seq.ListPositionsWithResponse(bg, &sequenceapi.ListPositionsParams{Scope: scope, ScriptId: &scriptID, Limit: new(1000)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	out := []entry{}
	for _, p := range resp.JSON200.Positions {
		out = append(out, entry{p.ElementType, p.ElementId, p.SequenceNumber})
	}
	return out
}

// numbered numbers elements 1..N in the order given: what an order of dense ranks must hold.
func numbered(elements ...entry) []entry {
	out := make([]entry, len(elements))
	for i, el := range elements {
		out[i] = entry{el.typ, el.id, int64(i + 1)}
	}
	return out
}

func headingEntry(h scriptsapi.SectionHeading) entry {
	return entry{sequenceapi.Section, h.HeadingId, h.SequenceNumber}
}

func transitionEntry(tr scriptsapi.Transition) entry {
	return entry{sequenceapi.Transition, tr.TransitionId, tr.SequenceNumber}
}

// placeLine stands in for Character Management creating a spoken word at the end of the story.
func placeLine(t *testing.T, e env, scriptID, id int64) entry {
	t.Helper()
	n, err := placementdb.New(e.Pool).Place(bg, placementdb.PlaceParams{Tenant: auth.DefaultTenant, ScriptID: scriptID, Scope: "story", ElementType: string(sequenceapi.SpokenWord), ElementID: id})
	require.NoError(t, err)
	return entry{sequenceapi.SpokenWord, id, n}
}

func sectionRef(id int64) *scriptsapi.SectionElementRef {
	return &scriptsapi.SectionElementRef{ElementType: scriptsapi.SectionElementTypeSection, ElementId: id}
}

func storyRef(typ scriptsapi.StoryElementType, id int64) *scriptsapi.StoryElementRef {
	return &scriptsapi.StoryElementRef{ElementType: typ, ElementId: id}
}

func addPlacedSection(t *testing.T, e env, scriptID int64, body scriptsapi.SectionHeadingCreateRequest) scriptsapi.SectionHeading {
	t.Helper()
	resp, err := e.Scripts.AddSectionHeadingWithResponse(bg, scriptID, nil, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return *resp.JSON201
}

// TestAddSectionPlaced places headings after and before other headings and at numbers in the
// middle: each answer has the number it took, and the script's sections stay 1..N in the order
// asked, as the sequence service holds them and as the list shows them.
func TestAddSectionPlaced(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	act1, act2, epilogue := addSection(t, e.Scripts, s.ScriptId, "Act 1"), addSection(t, e.Scripts, s.ScriptId, "Act 2"), addSection(t, e.Scripts, s.ScriptId, "Epilogue")

	scene11 := addPlacedSection(t, e, s.ScriptId, scriptsapi.SectionHeadingCreateRequest{Title: "Act 1, Scene 1", Kind: new("scene"), After: sectionRef(act1.HeadingId)})
	require.EqualValues(t, 2, scene11.SequenceNumber)
	prologue := addPlacedSection(t, e, s.ScriptId, scriptsapi.SectionHeadingCreateRequest{Title: "Prologue", Before: sectionRef(act1.HeadingId)})
	require.EqualValues(t, 1, prologue.SequenceNumber)
	scene12 := addPlacedSection(t, e, s.ScriptId, scriptsapi.SectionHeadingCreateRequest{Title: "Act 1, Scene 2", AtSequence: new(int64(4))})
	require.EqualValues(t, 4, scene12.SequenceNumber)
	scene22 := addPlacedSection(t, e, s.ScriptId, scriptsapi.SectionHeadingCreateRequest{Title: "Act 2, Scene 2", Before: sectionRef(epilogue.HeadingId)})
	require.EqualValues(t, 6, scene22.SequenceNumber)
	scene21 := addPlacedSection(t, e, s.ScriptId, scriptsapi.SectionHeadingCreateRequest{Title: "Act 2, Scene 1", After: sectionRef(act2.HeadingId)})
	require.EqualValues(t, 6, scene21.SequenceNumber)

	want := numbered(headingEntry(prologue), headingEntry(act1), headingEntry(scene11), headingEntry(scene12),
		headingEntry(act2), headingEntry(scene21), headingEntry(scene22), headingEntry(epilogue))
	require.Equal(t, want, orderOf(t, e.Sequence, s.ScriptId, "sections"), "dense numbers 1..N in the order asked")
	listed := []entry{}
	for _, h := range listSections(t, e.Scripts, s.ScriptId) {
		listed = append(listed, headingEntry(h))
	}
	require.Equal(t, want, listed, "the list shows the order and the numbers after the inserts")
	got, err := e.Scripts.GetSectionHeadingWithResponse(bg, s.ScriptId, epilogue.HeadingId)
	require.NoError(t, err)
	require.EqualValues(t, 8, got.JSON200.SequenceNumber)

	// At N+1 is the end; without a placement, the end as before.
	end := addPlacedSection(t, e, s.ScriptId, scriptsapi.SectionHeadingCreateRequest{Title: "Exeunt", AtSequence: new(int64(9))})
	require.EqualValues(t, 9, end.SequenceNumber)
	require.EqualValues(t, 10, addSection(t, e.Scripts, s.ScriptId, "Afterword").SequenceNumber)
}

// TestAddSectionPlacedRefused: a placement the sections cannot honour, or more than one, stores
// nothing.
func TestAddSectionPlacedRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	other := createScript(t, e.Scripts, "Hamlet")
	act1, act2 := addSection(t, e.Scripts, s.ScriptId, "Act 1"), addSection(t, e.Scripts, s.ScriptId, "Act 2")
	gone := addSection(t, e.Scripts, s.ScriptId, "Act 3")
	del, err := e.Scripts.DeleteSectionHeadingWithResponse(bg, s.ScriptId, gone.HeadingId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	elsewhere := addSection(t, e.Scripts, other.ScriptId, "Act 1")
	before := orderOf(t, e.Sequence, s.ScriptId, "sections")
	require.Equal(t, numbered(headingEntry(act1), headingEntry(act2)), before)

	for name, tc := range map[string]struct {
		body   scriptsapi.SectionHeadingCreateRequest
		status int
		code   string
	}{
		"deleted neighbour":           {scriptsapi.SectionHeadingCreateRequest{Title: "x", After: sectionRef(gone.HeadingId)}, http.StatusConflict, "NEIGHBOUR_NOT_FOUND"},
		"neighbour of another script": {scriptsapi.SectionHeadingCreateRequest{Title: "x", Before: sectionRef(elsewhere.HeadingId)}, http.StatusConflict, "NEIGHBOUR_NOT_FOUND"},
		"beyond N+1":                  {scriptsapi.SectionHeadingCreateRequest{Title: "x", AtSequence: new(int64(4))}, http.StatusConflict, "SEQUENCE_OUT_OF_RANGE"},
		"before and atSequence":       {scriptsapi.SectionHeadingCreateRequest{Title: "x", Before: sectionRef(act1.HeadingId), AtSequence: new(int64(1))}, http.StatusBadRequest, "INVALID_PLACEMENT"},
		"before and after":            {scriptsapi.SectionHeadingCreateRequest{Title: "x", Before: sectionRef(act2.HeadingId), After: sectionRef(act1.HeadingId)}, http.StatusBadRequest, "INVALID_PLACEMENT"},
	} {
		resp, err := e.Scripts.AddSectionHeadingWithResponse(bg, s.ScriptId, nil, tc.body)
		require.NoError(t, err)
		require.Equal(t, tc.status, resp.StatusCode(), "%s: %s", name, resp.Body)
		if tc.status == http.StatusConflict {
			require.Equal(t, tc.code, resp.JSON409.ErrorCode, name)
		} else {
			require.Equal(t, tc.code, resp.JSON400.ErrorCode, name)
		}
	}
	var rows int
	require.NoError(t, e.Pool.QueryRow(bg, "SELECT count(*) FROM scripts.sections WHERE script_id = $1", s.ScriptId).Scan(&rows))
	require.Equal(t, 2, rows, "a refused placement stores no heading")
	require.Equal(t, before, orderOf(t, e.Sequence, s.ScriptId, "sections"), "and moves nothing")

	// An unknown script is still 404, whatever the placement.
	unknown, err := e.Scripts.AddSectionHeadingWithResponse(bg, 999, nil, scriptsapi.SectionHeadingCreateRequest{Title: "x", After: sectionRef(act1.HeadingId)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, unknown.StatusCode())

	// What the schema refuses: a story element as neighbour, a number below 1; a PUT takes no placement.
	for name, body := range map[string]string{
		"story neighbour": `{"title":"x","after":{"elementType":"transition","elementId":1}}`,
		"atSequence 0":    `{"title":"x","atSequence":0}`,
	} {
		resp, err := e.Scripts.AddSectionHeadingWithBodyWithResponse(bg, s.ScriptId, nil, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), name)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, resp.Body), name)
	}
	put, err := e.Scripts.UpdateSectionHeadingWithBodyWithResponse(bg, s.ScriptId, act1.HeadingId, nil, "application/json",
		strings.NewReader(fmt.Sprintf(`{"title":"x","after":{"elementType":"section","elementId":%d}}`, act2.HeadingId)))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, put.StatusCode())
	require.Equal(t, before, orderOf(t, e.Sequence, s.ScriptId, "sections"))
}

// TestCreateTransitionPlaced places transitions next to actions, spoken words and other
// transitions of the story and at numbers in the middle.
func TestCreateTransitionPlaced(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")

	// The actions and spoken words of Character Management, placed as it places them.
	enter := entry{sequenceapi.Action, 101, placeAction(t, e.Pool, s.ScriptId, 101)}
	soft := placeLine(t, e, s.ScriptId, 201)
	cut := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	exit := entry{sequenceapi.Action, 102, placeAction(t, e.Pool, s.ScriptId, 102)}
	require.Equal(t, numbered(enter, soft, transitionEntry(cut), exit), orderOf(t, e.Sequence, s.ScriptId, "story"))

	fadeIn := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "FADE IN:", Before: storyRef(scriptsapi.StoryElementTypeAction, enter.id)})
	require.EqualValues(t, 1, fadeIn.SequenceNumber)
	dissolve := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "DISSOLVE TO:", After: storyRef(scriptsapi.StoryElementTypeSpokenWord, soft.id)})
	require.EqualValues(t, 4, dissolve.SequenceNumber)
	smash := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "SMASH CUT TO:", After: storyRef(scriptsapi.StoryElementTypeTransition, cut.TransitionId)})
	require.EqualValues(t, 6, smash.SequenceNumber)
	match := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "MATCH CUT TO:", AtSequence: new(int64(3))})
	require.EqualValues(t, 3, match.SequenceNumber)

	want := numbered(transitionEntry(fadeIn), enter, transitionEntry(match), soft, transitionEntry(dissolve),
		transitionEntry(cut), transitionEntry(smash), exit)
	require.Equal(t, want, orderOf(t, e.Sequence, s.ScriptId, "story"), "dense numbers 1..N in the order asked")
	listed := []entry{}
	for _, tr := range listTransitions(t, e.Scripts, s.ScriptId) {
		listed = append(listed, transitionEntry(tr))
	}
	require.Equal(t, []entry{want[0], want[2], want[4], want[5], want[6]}, listed, "the transitions list in story order, with the new numbers")
	got, err := e.Scripts.GetTransitionWithResponse(bg, s.ScriptId, cut.TransitionId)
	require.NoError(t, err)
	require.EqualValues(t, 6, got.JSON200.SequenceNumber)
	require.EqualValues(t, 8, positionOf(t, e.Sequence, sequenceapi.Action, exit.id), "what came after moved down")

	// At N+1 is the end; without a placement, the end as before.
	fade := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "FADE OUT.", AtSequence: new(int64(9))})
	require.EqualValues(t, 9, fade.SequenceNumber)
	require.EqualValues(t, 10, addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "THE END."}).SequenceNumber)
}

// TestCreateTransitionPlacedRefused: a placement the story cannot honour, or more than one, stores
// nothing.
func TestCreateTransitionPlacedRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	other := createScript(t, e.Scripts, "Hamlet")
	enter := entry{sequenceapi.Action, 101, placeAction(t, e.Pool, s.ScriptId, 101)}
	cut := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	gone := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "FADE OUT."})
	del, err := e.Scripts.DeleteTransitionWithResponse(bg, s.ScriptId, gone.TransitionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode(), string(del.Body))
	elsewhere := addTransition(t, e.Scripts, other.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	section := addSection(t, e.Scripts, s.ScriptId, "Act 1")
	before := orderOf(t, e.Sequence, s.ScriptId, "story")
	require.Equal(t, numbered(enter, transitionEntry(cut)), before)

	for name, tc := range map[string]struct {
		body   scriptsapi.TransitionCreateRequest
		status int
		code   string
	}{
		"deleted neighbour":            {scriptsapi.TransitionCreateRequest{Text: "x", After: storyRef(scriptsapi.StoryElementTypeTransition, gone.TransitionId)}, http.StatusConflict, "NEIGHBOUR_NOT_FOUND"},
		"neighbour of another script":  {scriptsapi.TransitionCreateRequest{Text: "x", Before: storyRef(scriptsapi.StoryElementTypeTransition, elsewhere.TransitionId)}, http.StatusConflict, "NEIGHBOUR_NOT_FOUND"},
		"neighbour that never existed": {scriptsapi.TransitionCreateRequest{Text: "x", After: storyRef(scriptsapi.StoryElementTypeSpokenWord, 999)}, http.StatusConflict, "NEIGHBOUR_NOT_FOUND"},
		"a heading's id as an action":  {scriptsapi.TransitionCreateRequest{Text: "x", After: storyRef(scriptsapi.StoryElementTypeAction, section.HeadingId)}, http.StatusConflict, "NEIGHBOUR_NOT_FOUND"},
		"beyond N+1":                   {scriptsapi.TransitionCreateRequest{Text: "x", AtSequence: new(int64(4))}, http.StatusConflict, "SEQUENCE_OUT_OF_RANGE"},
		"after and atSequence":         {scriptsapi.TransitionCreateRequest{Text: "x", After: storyRef(scriptsapi.StoryElementTypeAction, enter.id), AtSequence: new(int64(2))}, http.StatusBadRequest, "INVALID_PLACEMENT"},
		"all three": {scriptsapi.TransitionCreateRequest{Text: "x", Before: storyRef(scriptsapi.StoryElementTypeAction, enter.id),
			After: storyRef(scriptsapi.StoryElementTypeTransition, cut.TransitionId), AtSequence: new(int64(2))}, http.StatusBadRequest, "INVALID_PLACEMENT"},
	} {
		resp, err := e.Scripts.CreateTransitionWithResponse(bg, s.ScriptId, nil, tc.body)
		require.NoError(t, err)
		require.Equal(t, tc.status, resp.StatusCode(), "%s: %s", name, resp.Body)
		if tc.status == http.StatusConflict {
			require.Equal(t, tc.code, resp.JSON409.ErrorCode, name)
		} else {
			require.Equal(t, tc.code, resp.JSON400.ErrorCode, name)
		}
	}
	var rows int
	require.NoError(t, e.Pool.QueryRow(bg, "SELECT count(*) FROM scripts.transitions WHERE script_id = $1", s.ScriptId).Scan(&rows))
	require.Equal(t, 1, rows, "a refused placement stores no transition")
	require.Equal(t, before, orderOf(t, e.Sequence, s.ScriptId, "story"), "and moves nothing")

	// What the schema refuses: a heading as neighbour of a story element, a number past 2^53 − 1;
	// a PUT or PATCH takes no placement.
	for name, body := range map[string]string{
		"section neighbour": fmt.Sprintf(`{"text":"x","after":{"elementType":"section","elementId":%d}}`, section.HeadingId),
		"beyond 2^53-1":     `{"text":"x","atSequence":9007199254740992}`,
	} {
		resp, err := e.Scripts.CreateTransitionWithBodyWithResponse(bg, s.ScriptId, nil, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), name)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, resp.Body), name)
	}
	put, err := e.Scripts.ReplaceTransitionWithBodyWithResponse(bg, s.ScriptId, cut.TransitionId, nil, "application/json", strings.NewReader(`{"text":"x","atSequence":1}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, put.StatusCode())
	patch, err := e.Scripts.UpdateTransitionWithBodyWithResponse(bg, s.ScriptId, cut.TransitionId, nil, "application/json", strings.NewReader(`{"atSequence":1}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, patch.StatusCode())
	require.Equal(t, before, orderOf(t, e.Sequence, s.ScriptId, "story"))
}

// TestCreatePlacedIdempotent: a placed create retried with its Idempotency-Key is answered as the
// first time and neither stores nor places anything again.
func TestCreatePlacedIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := createScript(t, e.Scripts, "Romeo and Juliet")
	act1, act2 := addSection(t, e.Scripts, s.ScriptId, "Act 1"), addSection(t, e.Scripts, s.ScriptId, "Act 2")
	cut := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	fade := addTransition(t, e.Scripts, s.ScriptId, scriptsapi.TransitionCreateRequest{Text: "FADE OUT."})

	secKey := &scriptsapi.AddSectionHeadingParams{IdempotencyKey: new("scene-1-1")}
	secBody := scriptsapi.SectionHeadingCreateRequest{Title: "Act 1, Scene 1", After: sectionRef(act1.HeadingId)}
	var headings []scriptsapi.SectionHeading
	for range 2 {
		resp, err := e.Scripts.AddSectionHeadingWithResponse(bg, s.ScriptId, secKey, secBody)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
		headings = append(headings, *resp.JSON201)
	}
	require.Equal(t, headings[0], headings[1])
	require.EqualValues(t, 2, headings[0].SequenceNumber)
	require.Equal(t, numbered(headingEntry(act1), headingEntry(headings[0]), headingEntry(act2)), orderOf(t, e.Sequence, s.ScriptId, "sections"),
		"one heading, placed once")

	trKey := &scriptsapi.CreateTransitionParams{IdempotencyKey: new("dissolve-at-2")}
	trBody := scriptsapi.TransitionCreateRequest{Text: "DISSOLVE TO:", AtSequence: new(int64(2))}
	first, err := e.Scripts.CreateTransitionWithResponse(bg, s.ScriptId, trKey, trBody)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, first.StatusCode(), string(first.Body))
	second, err := e.Scripts.CreateTransitionWithResponse(bg, s.ScriptId, trKey, trBody)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, second.StatusCode())
	require.Equal(t, *first.JSON201, *second.JSON201)
	require.Equal(t, "true", second.HTTPResponse.Header.Get("Idempotent-Replayed"))
	require.Equal(t, numbered(transitionEntry(cut), transitionEntry(*first.JSON201), transitionEntry(fade)), orderOf(t, e.Sequence, s.ScriptId, "story"),
		"one transition, placed once")

	reused, err := e.Scripts.CreateTransitionWithResponse(bg, s.ScriptId, trKey, scriptsapi.TransitionCreateRequest{Text: "DISSOLVE TO:", AtSequence: new(int64(1))})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, reused.StatusCode())
	require.Equal(t, "IDEMPOTENCY_KEY_REUSED", reused.JSON409.ErrorCode)
}
