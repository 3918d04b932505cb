package stories_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/storytest"
)

// written is what the test wrote for one element.
type written struct {
	text      string
	character int64 // 0: none
}

// TestLargeScript writes a script of 5,000 elements (lines, actions and transitions of several
// characters, by 16 clients at once) and reads it back in one call and in pages, comparing every
// element with what was written and with the order the sequence service holds.
func TestLargeScript(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 5,000 elements")
	}
	t.Parallel()
	const n, workers = 5000, 16
	e := newEnv(t)
	ctx := context.Background()
	script, err := e.Scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{Title: "A long night in Verona"})
	require.NoError(t, err)
	id := script.JSON201.ScriptId
	var cast []int64
	for _, name := range storytest.Characters {
		ch, err := e.Characters.CreateCharacterWithResponse(ctx, nil, charactersapi.CharacterCreateRequest{Name: name, Description: "of Verona"})
		require.NoError(t, err)
		cast = append(cast, ch.JSON201.CharacterId)
	}

	var mu sync.Mutex
	wrote := map[storytest.Element]written{}
	work := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range work {
				el, wr, err := writeElement(ctx, e, id, cast, i)
				if err != nil {
					errs <- err
					for range work { // drain, so the sender finishes
					}
					return
				}
				mu.Lock()
				wrote[el] = wr
				mu.Unlock()
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	require.NoError(t, <-errs)
	require.Len(t, wrote, n)

	// Contexts: the first character changes mood twice along the story.
	for _, from := range []int64{1, 2500, 4999} {
		r, err := e.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{
			CharacterId: cast[0], ScriptId: id, StartSequence: from, Context: json.RawMessage(fmt.Sprintf(`{"from":"%d"}`, from)),
		})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
	}

	// The order as the sequence service holds it.
	var order []storytest.Element
	var numbers []int64
	for offset := int64(0); offset < n; offset += 1000 {
		page, err := e.Sequence.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "story", ScriptId: &id, Limit: new(1000), Offset: &offset})
		require.NoError(t, err)
		for _, p := range page.JSON200.Positions {
			order = append(order, storytest.Element{Type: string(p.ElementType), ID: p.ElementId})
			numbers = append(numbers, p.SequenceNumber)
		}
	}
	require.Len(t, order, n)

	check := func(t *testing.T, got []storiesapi.StoryElement, from int) {
		t.Helper()
		for i, el := range got {
			k := from + i
			require.Equal(t, order[k], key(el), "element %d", k)
			require.Equal(t, numbers[k], el.Sequence)
			wr := wrote[order[k]]
			switch {
			case el.Action != nil:
				require.Equal(t, wr.text, el.Action.Description)
			case el.SpokenWord != nil:
				require.Equal(t, wr.text, el.SpokenWord.Text)
			default:
				require.Equal(t, wr.text, el.Transition.Text)
			}
			if wr.character == 0 {
				require.Nil(t, el.Character)
				continue
			}
			require.Equal(t, wr.character, el.Character.CharacterId)
			if wr.character == cast[0] {
				from := int64(1)
				if el.Sequence >= 4999 {
					from = 4999
				} else if el.Sequence >= 2500 {
					from = 2500
				}
				require.JSONEq(t, fmt.Sprintf(`{"from":"%d"}`, from), string(el.Context.Data), "context in force at %d", el.Sequence)
			} else {
				require.Nil(t, el.Context)
			}
		}
	}

	whole := e.story(t, storiesapi.GetFullStoryParams{ScriptId: id, Limit: new(5000)})
	require.EqualValues(t, n, whole.TotalCount)
	require.Len(t, whole.Story, n)
	check(t, whole.Story, 0)

	for _, limit := range []int{1000, 777} {
		all := e.readAll(t, storiesapi.GetFullStoryParams{ScriptId: id}, limit)
		require.Equal(t, whole.Story, all, "pages of %d", limit)
	}

	r := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: id, StartSequence: numbers[1234], EndSequence: numbers[3456]})
	require.Len(t, r.Sequences, 3456-1234+1)
	check(t, r.Sequences, 1234)

	mine := e.story(t, storiesapi.GetFullStoryParams{ScriptId: id, CharacterId: &cast[0], Limit: new(5000)})
	var want []storytest.Element
	for _, k := range order {
		if wrote[k].character == cast[0] {
			want = append(want, k)
		}
	}
	require.Equal(t, want, keys(mine.Story))
}

// writeElement writes element i: a transition every 100th, an action every 10th, a line otherwise;
// every 7th has no character.
func writeElement(ctx context.Context, e env, scriptID int64, cast []int64, i int) (storytest.Element, written, error) {
	wr := written{text: fmt.Sprintf("Element %d: O, speak again, bright angel!", i)}
	if i%7 != 0 {
		wr.character = cast[i%len(cast)]
	}
	var character *int64
	if wr.character != 0 {
		character = &wr.character
	}
	switch {
	case i%100 == 99:
		wr.character = 0
		r, err := e.Scripts.CreateTransitionWithResponse(ctx, scriptID, nil, scriptsapi.TransitionCreateRequest{Text: wr.text})
		if err != nil {
			return storytest.Element{}, wr, fmt.Errorf("transition %d: %w", i, err)
		}
		if r.JSON201 == nil {
			return storytest.Element{}, wr, fmt.Errorf("transition %d: %d %s", i, r.StatusCode(), r.Body)
		}
		return storytest.Element{Type: "transition", ID: r.JSON201.TransitionId}, wr, nil
	case i%10 == 3:
		r, err := e.Characters.CreateActionWithResponse(ctx, nil, charactersapi.ActionCreateRequest{ScriptId: scriptID, CharacterId: character, Description: wr.text})
		if err != nil {
			return storytest.Element{}, wr, fmt.Errorf("action %d: %w", i, err)
		}
		if r.JSON201 == nil {
			return storytest.Element{}, wr, fmt.Errorf("action %d: %d %s", i, r.StatusCode(), r.Body)
		}
		return storytest.Element{Type: "action", ID: r.JSON201.ActionId}, wr, nil
	default:
		r, err := e.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{ScriptId: scriptID, CharacterId: character, Text: wr.text})
		if err != nil {
			return storytest.Element{}, wr, fmt.Errorf("line %d: %w", i, err)
		}
		if r.JSON201 == nil {
			return storytest.Element{}, wr, fmt.Errorf("line %d: %d %s", i, r.StatusCode(), r.Body)
		}
		return storytest.Element{Type: "spokenWord", ID: r.JSON201.DialogueId}, wr, nil
	}
}
