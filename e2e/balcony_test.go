// Package e2e writes a whole scene through the public APIs of every service, as a client would, and
// reads it back.
package e2e_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/storytest"
	"github.com/fountainai/fountainai/services"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// newClients serves every service on a database of the test's own.
func newClients(t *testing.T) apitest.Clients {
	t.Helper()
	return apitest.NewEnvWith(t, apitest.Options{MaxConns: 16}, services.All()...).Clients
}

// element is what the story order holds, as the sequence service names it.
type element = storytest.Element

func TestBalconyScene(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t)

	// Write the scene in order; the story order must be exactly the order of writing.
	w := storytest.WriteBalcony(t, c)
	scriptID, sections, characters, written := w.ScriptID, w.Sections, w.Characters, w.Elements
	require.GreaterOrEqual(t, len(written), 40)
	texts := map[element]string{}
	for e, b := range w.Beats {
		texts[e] = b.Text
	}
	contexts := storytest.Contexts

	// A paraphrase of the most famous line.
	wherefore := written[23]
	require.Equal(t, "O Romeo, Romeo! wherefore art thou Romeo?", texts[wherefore])
	para, err := c.Characters.CreateSpokenWordParaphraseWithResponse(ctx, wherefore.ID, nil, charactersapi.ParaphraseCreateRequest{
		Text: "Oh Romeo, why do you have to be Romeo?", Commentary: "\"Wherefore\" means why, not where.",
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, para.StatusCode(), string(para.Body))
	paras, err := c.Characters.ListSpokenWordParaphrasesWithResponse(ctx, wherefore.ID, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, paras.StatusCode(), string(paras.Body))

	// Reorder the sections (swap and swap back) and a few lines: Juliet's "Ay me!" (22) and Romeo's
	// "See, how she leans..." (20) trade places.
	for _, order := range [][2]int64{{2, 1}, {1, 2}} {
		r, err := c.Scripts.ReorderSectionHeadingsWithResponse(ctx, scriptID, scriptsapi.SectionReorderRequest{Elements: []scriptsapi.SectionReorderItem{
			{HeadingId: sections[1], NewSequence: order[0]}, {HeadingId: sections[2], NewSequence: order[1]},
		}})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, r.StatusCode(), string(r.Body))
		list, err := c.Scripts.ListSectionHeadingsWithResponse(ctx, scriptID, nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, list.StatusCode(), string(list.Body))
		first := sections[1]
		if order[0] == 2 {
			first = sections[2]
		}
		require.Equal(t, first, list.JSON200.Items[0].HeadingId, "section reads show the new order")
	}
	ayMe, leans := written[21], written[19]
	move, err := c.Sequence.ReorderElementsWithResponse(ctx, sequenceapi.ReorderRequest{
		ElementType: sequenceapi.SpokenWord, ScriptId: &scriptID, Scope: new("story"),
		Elements: []sequenceapi.ReorderItem{{ElementId: ayMe.ID, NewSequence: 20}, {ElementId: leans.ID, NewSequence: 22}},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, move.StatusCode(), string(move.Body))
	written[19], written[21] = written[21], written[19]

	// Read the whole story back in order, in pages, and compare it element by element.
	var story []element
	for offset := int64(0); ; offset += 7 {
		page, err := c.Sequence.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "story", ScriptId: &scriptID, Limit: new(7), Offset: &offset})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, page.StatusCode(), string(page.Body))
		require.EqualValues(t, len(storytest.Balcony), page.JSON200.TotalCount)
		if len(page.JSON200.Positions) == 0 {
			break
		}
		for _, p := range page.JSON200.Positions {
			story = append(story, element{Type: string(p.ElementType), ID: p.ElementId})
		}
	}
	require.Equal(t, written, story)

	// The content services list their elements in that same order, with the same numbers.
	position := map[element]int64{}
	for i, e := range story {
		position[e] = int64(i + 1)
	}
	lines, err := c.Characters.ListSpokenWordsWithResponse(ctx, &charactersapi.ListSpokenWordsParams{ScriptId: &scriptID, Limit: new(1000)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, lines.StatusCode(), string(lines.Body))
	var prev int64
	for _, l := range lines.JSON200.Items {
		e := element{Type: "spokenWord", ID: l.DialogueId}
		require.Equal(t, position[e], l.SequenceNumber, "line %d", l.DialogueId)
		require.Equal(t, texts[e], l.Text)
		require.Greater(t, l.SequenceNumber, prev, "lines come in story order")
		prev = l.SequenceNumber
	}
	juliet, err := c.Characters.ListSpokenWordsWithResponse(ctx, &charactersapi.ListSpokenWordsParams{ScriptId: &scriptID, CharacterId: new(characters["JULIET"])})
	require.NoError(t, err)
	require.Len(t, juliet.JSON200.Items, countSpeaker("JULIET"))
	actions, err := c.Characters.ListActionsWithResponse(ctx, &charactersapi.ListActionsParams{ScriptId: &scriptID})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, actions.StatusCode(), string(actions.Body))
	for _, a := range actions.JSON200.Items {
		require.Equal(t, position[element{Type: "action", ID: a.ActionId}], a.SequenceNumber)
	}
	got, err := c.Characters.GetSpokenWordWithResponse(ctx, ayMe.ID)
	require.NoError(t, err)
	require.EqualValues(t, 20, got.JSON200.SequenceNumber, "single reads show the new order")

	// The context in force for Juliet at the wherefore line is the balcony one.
	inForce, err := c.Sessions.ListCharacterContextsWithResponse(ctx, &sessionsapi.ListCharacterContextsParams{
		ScriptId: &scriptID, CharacterId: new(characters["JULIET"]), AtSequence: new(position[wherefore]),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, inForce.StatusCode(), string(inForce.Body))
	require.Len(t, inForce.JSON200.Items, 1)
	require.JSONEq(t, contexts[2].State, string(inForce.JSON200.Items[0].Context))

	// The script cannot be deleted while it has dependants; with cascade nothing is left.
	refused, err := c.Scripts.DeleteScriptWithResponse(ctx, scriptID, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode(), string(refused.Body))
	gone, err := c.Scripts.DeleteScriptWithResponse(ctx, scriptID, &scriptsapi.DeleteScriptParams{Cascade: new(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, gone.StatusCode(), string(gone.Body))
	left, err := c.Sequence.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "story", ScriptId: &scriptID})
	require.NoError(t, err)
	require.Zero(t, left.JSON200.TotalCount, "no position left behind")
	lines, err = c.Characters.ListSpokenWordsWithResponse(ctx, &charactersapi.ListSpokenWordsParams{ScriptId: &scriptID})
	require.NoError(t, err)
	require.Empty(t, lines.JSON200.Items)
	ctxLeft, err := c.Sessions.ListCharacterContextsWithResponse(ctx, &sessionsapi.ListCharacterContextsParams{ScriptId: &scriptID})
	require.NoError(t, err)
	require.Empty(t, ctxLeft.JSON200.Items)
}

func countSpeaker(name string) int {
	n := 0
	for _, b := range storytest.Balcony {
		if b.Speaker == name {
			n++
		}
	}
	return n
}
