package characters_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

// storyEntry is one element of a story order: its type, id and number.
type storyEntry struct {
	typ sequenceapi.ElementType
	id  int64
	n   int64
}

// storyOrder is a script's story order as the sequence service holds it.
func (e env) storyOrder(t *testing.T, scriptID int64) []storyEntry {
	t.Helper()
	var out []storyEntry
	for _, p := range e.story(t, scriptID) {
		out = append(out, storyEntry{p.ElementType, p.ElementId, p.SequenceNumber})
	}
	return out
}

// inOrder numbers elements 1..N in the order given: what a story of dense ranks must hold.
func inOrder(elements ...storyEntry) []storyEntry {
	out := make([]storyEntry, len(elements))
	for i, el := range elements {
		out[i] = storyEntry{el.typ, el.id, int64(i + 1)}
	}
	return out
}

func actionEntry(a charactersapi.Action) storyEntry {
	return storyEntry{sequenceapi.Action, a.ActionId, a.SequenceNumber}
}

func spokenWordEntry(w charactersapi.SpokenWord) storyEntry {
	return storyEntry{sequenceapi.SpokenWord, w.DialogueId, w.SequenceNumber}
}

func transitionEntry(tr scriptsapi.Transition) storyEntry {
	return storyEntry{sequenceapi.Transition, tr.TransitionId, tr.SequenceNumber}
}

func refTo(typ charactersapi.StoryElementType, id int64) *charactersapi.StoryElementRef {
	return &charactersapi.StoryElementRef{ElementType: typ, ElementId: id}
}

// actionsInStory lists a script's actions as Character Management answers them, in story order.
func (e env) actionsInStory(t *testing.T, scriptID int64) []storyEntry {
	t.Helper()
	resp, err := e.Characters.ListActionsWithResponse(bg, &charactersapi.ListActionsParams{ScriptId: &scriptID})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	out := []storyEntry{}
	for _, a := range resp.JSON200.Items {
		out = append(out, actionEntry(a))
	}
	return out
}

// spokenWordsInStory lists a script's spoken words as Character Management answers them, in story order.
func (e env) spokenWordsInStory(t *testing.T, scriptID int64) []storyEntry {
	t.Helper()
	resp, err := e.Characters.ListSpokenWordsWithResponse(bg, &charactersapi.ListSpokenWordsParams{ScriptId: &scriptID})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	out := []storyEntry{}
	for _, w := range resp.JSON200.Items {
		out = append(out, spokenWordEntry(w))
	}
	return out
}

// only keeps the entries of one type, in their order.
func only(typ sequenceapi.ElementType, entries []storyEntry) []storyEntry {
	out := []storyEntry{}
	for _, el := range entries {
		if el.typ == typ {
			out = append(out, el)
		}
	}
	return out
}

// TestCreatePlaced places actions and spoken words after and before neighbours and at numbers in
// the middle of a story: each answer has the number it took, and the story stays 1..N in the
// order asked, as the sequence service holds it and as the lists show it.
func TestCreatePlaced(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona := e.script(t, "Verona")
	romeo := e.character(t, "ROMEO")

	enter := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Enter ROMEO."})
	soft := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, CharacterId: &romeo.CharacterId, Text: "But, soft!"})
	exit := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Exit."})
	require.Equal(t, inOrder(actionEntry(enter), spokenWordEntry(soft), actionEntry(exit)), e.storyOrder(t, verona))

	// After a spoken word: takes the number after it; the exit moves down.
	appears := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "JULIET appears above.",
		After: refTo(charactersapi.StoryElementTypeSpokenWord, soft.DialogueId)})
	require.EqualValues(t, 3, appears.SequenceNumber)
	require.Equal(t, inOrder(actionEntry(enter), spokenWordEntry(soft), actionEntry(appears), actionEntry(exit)), e.storyOrder(t, verona))

	// Before the first element: number 1, everything else down by one.
	prologue := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "Two households, both alike in dignity,",
		Before: refTo(charactersapi.StoryElementTypeAction, enter.ActionId)})
	require.EqualValues(t, 1, prologue.SequenceNumber)

	// At a number in the middle.
	light := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, CharacterId: &romeo.CharacterId,
		Text: "What light through yonder window breaks?", AtSequence: new(int64(4))})
	require.EqualValues(t, 4, light.SequenceNumber)
	stage := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "He steps forward.", AtSequence: new(int64(2))})
	require.EqualValues(t, 2, stage.SequenceNumber)

	// Before a neighbour in the middle.
	aside := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, CharacterId: &romeo.CharacterId, Text: "She speaks.",
		Before: refTo(charactersapi.StoryElementTypeAction, exit.ActionId)})
	require.EqualValues(t, 7, aside.SequenceNumber)

	want := inOrder(spokenWordEntry(prologue), actionEntry(stage), actionEntry(enter), spokenWordEntry(soft), spokenWordEntry(light),
		actionEntry(appears), spokenWordEntry(aside), actionEntry(exit))
	require.Equal(t, want, e.storyOrder(t, verona), "dense numbers 1..N in the order asked")
	require.Equal(t, only(sequenceapi.Action, want), e.actionsInStory(t, verona), "the actions list in story order, with the new numbers")
	require.Equal(t, only(sequenceapi.SpokenWord, want), e.spokenWordsInStory(t, verona))
	got, err := e.Characters.GetActionWithResponse(bg, exit.ActionId)
	require.NoError(t, err)
	require.EqualValues(t, 8, got.JSON200.SequenceNumber, "a read answers the number after the inserts")

	// At N+1 is the end; without a placement, the end as before.
	last := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Exeunt.", AtSequence: new(int64(len(want) + 1))})
	require.EqualValues(t, len(want)+1, last.SequenceNumber)
	appended := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "Good night, good night!"})
	require.EqualValues(t, len(want)+2, appended.SequenceNumber)
	want = append(want, actionEntry(last), spokenWordEntry(appended))
	require.Equal(t, want, e.storyOrder(t, verona))
}

// TestCreatePlacedRefused: a placement the story cannot honour, or more than one, stores nothing.
func TestCreatePlacedRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona, mantua := e.script(t, "Verona"), e.script(t, "Mantua")
	enter := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Enter ROMEO."})
	soft := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "But, soft!"})
	gone := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Exit."})
	del, err := e.Characters.DeleteActionWithResponse(bg, gone.ActionId, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, del.StatusCode())
	elsewhere := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: mantua, Text: "Is it e'en so?"})
	before := e.storyOrder(t, verona)
	require.Equal(t, inOrder(actionEntry(enter), spokenWordEntry(soft)), before)
	actions, spokenWords := e.rows(t, "actions"), e.rows(t, "spoken_words")

	type placed struct {
		before, after *charactersapi.StoryElementRef
		at            *int64
	}
	for name, tc := range map[string]struct {
		at     placed
		status int
		code   string
	}{
		"deleted neighbour":            {placed{after: refTo(charactersapi.StoryElementTypeAction, gone.ActionId)}, http.StatusConflict, "NEIGHBOUR_NOT_FOUND"},
		"neighbour of another script":  {placed{before: refTo(charactersapi.StoryElementTypeSpokenWord, elsewhere.DialogueId)}, http.StatusConflict, "NEIGHBOUR_NOT_FOUND"},
		"neighbour that never existed": {placed{after: refTo(charactersapi.StoryElementTypeTransition, 999)}, http.StatusConflict, "NEIGHBOUR_NOT_FOUND"},
		"beyond N+1":                   {placed{at: new(int64(len(before) + 2))}, http.StatusConflict, "SEQUENCE_OUT_OF_RANGE"},
		"after and atSequence":         {placed{after: refTo(charactersapi.StoryElementTypeAction, enter.ActionId), at: new(int64(1))}, http.StatusBadRequest, "INVALID_PLACEMENT"},
		"before and after": {placed{before: refTo(charactersapi.StoryElementTypeAction, enter.ActionId),
			after: refTo(charactersapi.StoryElementTypeSpokenWord, soft.DialogueId)}, http.StatusBadRequest, "INVALID_PLACEMENT"},
	} {
		a, err := e.Characters.CreateActionWithResponse(bg, nil, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "x",
			Before: tc.at.before, After: tc.at.after, AtSequence: tc.at.at})
		require.NoError(t, err)
		require.Equal(t, tc.status, a.StatusCode(), "%s: %s", name, a.Body)
		require.Equal(t, tc.code, apitest.ErrorCode(t, a.Body), name)
		w, err := e.Characters.CreateSpokenWordWithResponse(bg, nil, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "x",
			Before: tc.at.before, After: tc.at.after, AtSequence: tc.at.at})
		require.NoError(t, err)
		require.Equal(t, tc.status, w.StatusCode(), "%s: %s", name, w.Body)
		require.Equal(t, tc.code, apitest.ErrorCode(t, w.Body), name)
		if tc.status == http.StatusConflict {
			require.Equal(t, tc.code, a.JSON409.ErrorCode, "%s: the declared 409", name)
			require.Equal(t, tc.code, w.JSON409.ErrorCode, "%s: the declared 409", name)
		} else {
			require.Equal(t, tc.code, a.JSON400.ErrorCode, "%s: the declared 400", name)
			require.Equal(t, tc.code, w.JSON400.ErrorCode, "%s: the declared 400", name)
		}
	}
	require.Equal(t, actions, e.rows(t, "actions"), "a refused placement stores no row")
	require.Equal(t, spokenWords, e.rows(t, "spoken_words"))
	require.Equal(t, before, e.storyOrder(t, verona), "and moves nothing")

	// What the schema refuses: a number below 1, a neighbour that is no story element, a field too many.
	for name, body := range map[string]string{
		"atSequence 0":         `{"scriptId":%d,"description":"x","atSequence":0}`,
		"beyond 2^53-1":        `{"scriptId":%d,"description":"x","atSequence":9007199254740992}`,
		"section neighbour":    `{"scriptId":%d,"description":"x","after":{"elementType":"section","elementId":1}}`,
		"neighbour without id": `{"scriptId":%d,"description":"x","after":{"elementType":"action"}}`,
		"neighbour with more":  `{"scriptId":%d,"description":"x","after":{"elementType":"action","elementId":1,"scope":"story"}}`,
	} {
		resp, err := e.Characters.CreateActionWithBodyWithResponse(bg, nil, "application/json", strings.NewReader(fmt.Sprintf(body, verona)))
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode(), "%s: %s", name, resp.Body)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, resp.Body), name)
	}
	require.Equal(t, actions, e.rows(t, "actions"))

	// A PUT or PATCH never moves an element and takes no placement.
	put, err := e.Characters.ReplaceActionWithBodyWithResponse(bg, enter.ActionId, nil, "application/json", strings.NewReader(`{"description":"x","atSequence":2}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, put.StatusCode())
	patch, err := e.Characters.UpdateSpokenWordWithBodyWithResponse(bg, soft.DialogueId, nil, "application/json", strings.NewReader(`{"text":"x","atSequence":1}`))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, patch.StatusCode())

	// An empty story: 1 is its end, 2 is beyond.
	empty := e.script(t, "Empty")
	refused, err := e.Characters.CreateActionWithResponse(bg, nil, charactersapi.ActionCreateRequest{ScriptId: empty, Description: "x", AtSequence: new(int64(2))})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode())
	first := e.action(t, charactersapi.ActionCreateRequest{ScriptId: empty, Description: "x", AtSequence: new(int64(1))})
	require.EqualValues(t, 1, first.SequenceNumber)
}

// TestCreatePlacedIdempotent: a placed create retried with its Idempotency-Key is answered as the
// first time, from the key's record, and neither stores nor places anything again.
func TestCreatePlacedIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona := e.script(t, "Verona")
	enter := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Enter ROMEO."})
	exit := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Exit."})

	body := charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "But, soft!", After: refTo(charactersapi.StoryElementTypeAction, enter.ActionId)}
	key := &charactersapi.CreateSpokenWordParams{IdempotencyKey: new("soft-after-enter")}
	first, err := e.Characters.CreateSpokenWordWithResponse(bg, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, first.StatusCode(), string(first.Body))
	require.EqualValues(t, 2, first.JSON201.SequenceNumber)
	second, err := e.Characters.CreateSpokenWordWithResponse(bg, key, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, second.StatusCode())
	require.Equal(t, *first.JSON201, *second.JSON201)
	require.Equal(t, "true", second.HTTPResponse.Header.Get("Idempotent-Replayed"))
	require.Equal(t, 1, e.rows(t, "spoken_words"), "a replay creates nothing")

	abody := charactersapi.ActionCreateRequest{ScriptId: verona, Description: "JULIET appears above.", AtSequence: new(int64(3))}
	akey := &charactersapi.CreateActionParams{IdempotencyKey: new("appears-at-3")}
	var answers []charactersapi.Action
	for range 2 {
		resp, err := e.Characters.CreateActionWithResponse(bg, akey, abody)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
		answers = append(answers, *resp.JSON201)
	}
	require.Equal(t, answers[0], answers[1])
	require.Equal(t, 3, e.rows(t, "actions"))
	require.Equal(t, inOrder(actionEntry(enter), spokenWordEntry(*first.JSON201), actionEntry(answers[0]), actionEntry(exit)), e.storyOrder(t, verona),
		"each placed once")

	// The same key with another placement is another request.
	reused, err := e.Characters.CreateActionWithResponse(bg, akey, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "JULIET appears above.", AtSequence: new(int64(1))})
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, reused.StatusCode())
	require.Equal(t, "IDEMPOTENCY_KEY_REUSED", reused.JSON409.ErrorCode)
}

// TestCreatePlacedAmongTransitions: one story holds actions, spoken words and the Core Script
// Management service's transitions; each is placed next to an element of another type.
func TestCreatePlacedAmongTransitions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	verona := e.script(t, "Verona")
	transition := func(body scriptsapi.TransitionCreateRequest) scriptsapi.Transition {
		t.Helper()
		resp, err := e.Scripts.CreateTransitionWithResponse(bg, verona, nil, body)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
		return *resp.JSON201
	}

	enter := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "Enter ROMEO."})
	soft := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "But, soft!"})
	cut := transition(scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})

	// An action after a spoken word, a transition before an action.
	appears := e.action(t, charactersapi.ActionCreateRequest{ScriptId: verona, Description: "JULIET appears above.",
		After: refTo(charactersapi.StoryElementTypeSpokenWord, soft.DialogueId)})
	require.EqualValues(t, 3, appears.SequenceNumber)
	fadeIn := transition(scriptsapi.TransitionCreateRequest{Text: "FADE IN:",
		Before: &scriptsapi.StoryElementRef{ElementType: scriptsapi.StoryElementTypeAction, ElementId: enter.ActionId}})
	require.EqualValues(t, 1, fadeIn.SequenceNumber)
	// A spoken word after a transition, a transition after a spoken word.
	orchard := e.spokenWord(t, charactersapi.SpokenWordCreateRequest{ScriptId: verona, Text: "He jests at scars that never felt a wound.",
		After: refTo(charactersapi.StoryElementTypeTransition, cut.TransitionId)})
	require.EqualValues(t, 6, orchard.SequenceNumber)
	dissolve := transition(scriptsapi.TransitionCreateRequest{Text: "DISSOLVE TO:",
		After: &scriptsapi.StoryElementRef{ElementType: scriptsapi.StoryElementTypeSpokenWord, ElementId: soft.DialogueId}})
	require.EqualValues(t, 4, dissolve.SequenceNumber)

	want := inOrder(transitionEntry(fadeIn), actionEntry(enter), spokenWordEntry(soft), transitionEntry(dissolve),
		actionEntry(appears), transitionEntry(cut), spokenWordEntry(orchard))
	require.Equal(t, want, e.storyOrder(t, verona))
	require.Equal(t, only(sequenceapi.Action, want), e.actionsInStory(t, verona))
	require.Equal(t, only(sequenceapi.SpokenWord, want), e.spokenWordsInStory(t, verona))
	trs, err := e.Scripts.ListTransitionsWithResponse(bg, verona, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, trs.StatusCode())
	gotTransitions := []storyEntry{}
	for _, tr := range trs.JSON200.Items {
		gotTransitions = append(gotTransitions, transitionEntry(tr))
	}
	require.Equal(t, only(sequenceapi.Transition, want), gotTransitions)
}
