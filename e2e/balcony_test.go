// Package e2e writes a whole scene through the public APIs of every service, as a client would, and
// reads it back.
package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// beat is one element of the scene: a line when speaker is set, else an action (with an optional
// actor), or a transition.
type beat struct {
	scene      int
	speaker    string
	actor      string
	text       string
	transition bool
}

// Romeo and Juliet, Act II, scenes I and II (public domain).
var scene = []beat{
	{scene: 1, actor: "ROMEO", text: "Enter ROMEO alone"},
	{scene: 1, speaker: "ROMEO", text: "Can I go forward when my heart is here?"},
	{scene: 1, speaker: "ROMEO", text: "Turn back, dull earth, and find thy centre out."},
	{scene: 1, actor: "ROMEO", text: "He climbs the wall, and leaps down within it"},
	{scene: 1, text: "Enter BENVOLIO and MERCUTIO"},
	{scene: 1, speaker: "BENVOLIO", text: "Romeo! my cousin Romeo!"},
	{scene: 1, speaker: "MERCUTIO", text: "He is wise; and, on my life, hath stol'n him home to bed."},
	{scene: 1, speaker: "BENVOLIO", text: "He ran this way, and leap'd this orchard wall: call, good Mercutio."},
	{scene: 1, speaker: "MERCUTIO", text: "Nay, I'll conjure too. Romeo! humours! madman! passion! lover!"},
	{scene: 1, speaker: "BENVOLIO", text: "Go, then; for 'tis in vain to seek him here that means not to be found."},
	{scene: 1, text: "Exeunt"},
	{scene: 1, transition: true, text: "CUT TO:"},
	{scene: 2, speaker: "ROMEO", text: "He jests at scars that never felt a wound."},
	{scene: 2, actor: "JULIET", text: "JULIET appears above at a window"},
	{scene: 2, speaker: "ROMEO", text: "But, soft! what light through yonder window breaks?"},
	{scene: 2, speaker: "ROMEO", text: "It is the east, and Juliet is the sun."},
	{scene: 2, speaker: "ROMEO", text: "Arise, fair sun, and kill the envious moon,"},
	{scene: 2, speaker: "ROMEO", text: "Who is already sick and pale with grief,"},
	{scene: 2, speaker: "ROMEO", text: "It is my lady, O, it is my love!"},
	{scene: 2, speaker: "ROMEO", text: "See, how she leans her cheek upon her hand!"},
	{scene: 2, speaker: "ROMEO", text: "O, that I were a glove upon that hand, that I might touch that cheek!"},
	{scene: 2, speaker: "JULIET", text: "Ay me!"},
	{scene: 2, speaker: "ROMEO", text: "She speaks: O, speak again, bright angel!"},
	{scene: 2, speaker: "JULIET", text: "O Romeo, Romeo! wherefore art thou Romeo?"},
	{scene: 2, speaker: "JULIET", text: "Deny thy father and refuse thy name;"},
	{scene: 2, speaker: "JULIET", text: "Or, if thou wilt not, be but sworn my love, and I'll no longer be a Capulet."},
	{scene: 2, speaker: "ROMEO", text: "Shall I hear more, or shall I speak at this?"},
	{scene: 2, speaker: "JULIET", text: "'Tis but thy name that is my enemy;"},
	{scene: 2, speaker: "JULIET", text: "Thou art thyself, though not a Montague."},
	{scene: 2, speaker: "JULIET", text: "What's in a name? that which we call a rose by any other name would smell as sweet;"},
	{scene: 2, speaker: "ROMEO", text: "I take thee at thy word: call me but love, and I'll be new baptized;"},
	{scene: 2, speaker: "ROMEO", text: "Henceforth I never will be Romeo."},
	{scene: 2, speaker: "JULIET", text: "What man art thou that thus bescreen'd in night so stumblest on my counsel?"},
	{scene: 2, speaker: "ROMEO", text: "By a name I know not how to tell thee who I am:"},
	{scene: 2, speaker: "ROMEO", text: "My name, dear saint, is hateful to myself, because it is an enemy to thee;"},
	{scene: 2, speaker: "JULIET", text: "My ears have not yet drunk a hundred words of that tongue's utterance, yet I know the sound:"},
	{scene: 2, speaker: "JULIET", text: "Art thou not Romeo and a Montague?"},
	{scene: 2, speaker: "ROMEO", text: "Neither, fair saint, if either thee dislike."},
	{scene: 2, speaker: "JULIET", text: "How camest thou hither, tell me, and wherefore?"},
	{scene: 2, speaker: "ROMEO", text: "With love's light wings did I o'er-perch these walls;"},
	{scene: 2, speaker: "NURSE", text: "Madam!"},
	{scene: 2, speaker: "JULIET", text: "I hear some noise within; dear love, adieu! Anon, good nurse! Sweet Montague, be true."},
	{scene: 2, actor: "JULIET", text: "Exit, above"},
	{scene: 2, speaker: "ROMEO", text: "O blessed, blessed night! I am afeard, being in night, all this is but a dream,"},
	{scene: 2, speaker: "ROMEO", text: "Too flattering-sweet to be substantial."},
}

type clients struct {
	seq        *sequenceapi.ClientWithResponses
	scripts    *scriptsapi.ClientWithResponses
	characters *charactersapi.ClientWithResponses
	sessions   *sessionsapi.ClientWithResponses
}

func newClients(t *testing.T) clients {
	t.Helper()
	all := services.All()
	srv := apitest.NewServer(t, dbtest.PoolFor(t, dbtest.New(t), 16), all...)
	hc := apitest.Client(t, all...)
	var c clients
	var err error
	c.seq, err = sequenceapi.NewClientWithResponses(srv.URL, sequenceapi.WithHTTPClient(hc))
	require.NoError(t, err)
	c.scripts, err = scriptsapi.NewClientWithResponses(srv.URL, scriptsapi.WithHTTPClient(hc))
	require.NoError(t, err)
	c.characters, err = charactersapi.NewClientWithResponses(srv.URL, charactersapi.WithHTTPClient(hc))
	require.NoError(t, err)
	c.sessions, err = sessionsapi.NewClientWithResponses(srv.URL, sessionsapi.WithHTTPClient(hc))
	require.NoError(t, err)
	return c
}

func ptr[T any](v T) *T { return &v }

// element is what the story order holds, as the sequence service names it.
type element struct {
	typ string
	id  int64
}

func TestBalconyScene(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t)

	script, err := c.scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{
		Title: "Romeo and Juliet", Author: ptr("William Shakespeare"), Description: ptr("Act II, scenes I and II"),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, script.StatusCode(), string(script.Body))
	scriptID := script.JSON201.ScriptId

	sections := map[int]int64{}
	for i, title := range []string{"Scene I. A lane by the wall of Capulet's orchard.", "Scene II. Capulet's orchard."} {
		s, err := c.scripts.AddSectionHeadingWithResponse(ctx, scriptID, nil, scriptsapi.SectionHeadingRequest{Title: title, Kind: ptr("scene")})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, s.StatusCode(), string(s.Body))
		require.EqualValues(t, i+1, s.JSON201.SequenceNumber)
		sections[i+1] = s.JSON201.HeadingId
	}

	characters := map[string]int64{}
	for _, name := range []string{"ROMEO", "JULIET", "NURSE", "BENVOLIO", "MERCUTIO"} {
		ch, err := c.characters.CreateCharacterWithResponse(ctx, nil, charactersapi.CharacterCreateRequest{Name: name, Description: "of Verona"})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, ch.StatusCode(), string(ch.Body))
		characters[name] = ch.JSON201.CharacterId
	}

	// Write the scene in order; the story order must be exactly the order of writing.
	var written []element
	texts := map[element]string{}
	for i, b := range scene {
		section := sections[b.scene]
		var e element
		switch {
		case b.transition:
			r, err := c.scripts.CreateTransitionWithResponse(ctx, scriptID, nil, scriptsapi.TransitionRequest{Text: b.text, SectionId: &section})
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
			require.EqualValues(t, i+1, r.JSON201.SequenceNumber)
			e = element{"transition", r.JSON201.TransitionId}
		case b.speaker != "":
			r, err := c.characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{
				ScriptId: scriptID, SectionId: &section, CharacterId: ptr(characters[b.speaker]), Text: b.text,
			})
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
			require.EqualValues(t, i+1, r.JSON201.SequenceNumber)
			e = element{"spokenWord", r.JSON201.DialogueId}
		default:
			req := charactersapi.ActionCreateRequest{ScriptId: scriptID, SectionId: &section, Description: b.text}
			if b.actor != "" {
				req.CharacterId = ptr(characters[b.actor])
			}
			r, err := c.characters.CreateActionWithResponse(ctx, nil, req)
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
			require.EqualValues(t, i+1, r.JSON201.SequenceNumber)
			e = element{"action", r.JSON201.ActionId}
		}
		written = append(written, e)
		texts[e] = b.text
	}
	require.GreaterOrEqual(t, len(written), 40)

	// Contexts: where each character stands from a point of the story on.
	contexts := []struct {
		who   string
		from  int64
		state string
	}{
		{"ROMEO", 1, `{"mood":"lovesick","location":"a lane, by the wall"}`},
		{"ROMEO", 13, `{"mood":"enraptured","location":"Capulet's orchard, below the window"}`},
		{"JULIET", 14, `{"mood":"longing","location":"balcony","note":"unaware, at first, that \"Romeo\" hears her"}`},
		{"NURSE", 41, `{"location":"within"}`},
	}
	for _, cx := range contexts {
		r, err := c.sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{
			CharacterId: characters[cx.who], ScriptId: scriptID, StartSequence: cx.from, Context: json.RawMessage(cx.state),
		})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
		require.JSONEq(t, cx.state, string(r.JSON201.Context), "structured values come back exactly")
	}

	// A paraphrase of the most famous line.
	wherefore := written[23]
	require.Equal(t, "O Romeo, Romeo! wherefore art thou Romeo?", texts[wherefore])
	para, err := c.characters.CreateSpokenWordParaphraseWithResponse(ctx, wherefore.id, nil, charactersapi.ParaphraseCreateRequest{
		Text: "Oh Romeo, why do you have to be Romeo?", Commentary: "\"Wherefore\" means why, not where.",
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, para.StatusCode(), string(para.Body))
	paras, err := c.characters.ListSpokenWordParaphrasesWithResponse(ctx, wherefore.id, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, paras.StatusCode(), string(paras.Body))

	// Reorder the sections (swap and swap back) and a few lines: Juliet's "Ay me!" (22) and Romeo's
	// "See, how she leans..." (20) trade places.
	for _, order := range [][2]int64{{2, 1}, {1, 2}} {
		r, err := c.scripts.ReorderSectionHeadingsWithResponse(ctx, scriptID, scriptsapi.SectionReorderRequest{Elements: []scriptsapi.SectionReorderItem{
			{HeadingId: sections[1], NewSequence: order[0]}, {HeadingId: sections[2], NewSequence: order[1]},
		}})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, r.StatusCode(), string(r.Body))
		list, err := c.scripts.ListSectionHeadingsWithResponse(ctx, scriptID, nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, list.StatusCode(), string(list.Body))
		first := sections[1]
		if order[0] == 2 {
			first = sections[2]
		}
		require.Equal(t, first, list.JSON200.Items[0].HeadingId, "section reads show the new order")
	}
	ayMe, leans := written[21], written[19]
	move, err := c.seq.ReorderElementsWithResponse(ctx, sequenceapi.ReorderRequest{
		ElementType: sequenceapi.SpokenWord, ScriptId: &scriptID, Scope: ptr("story"),
		Elements: []sequenceapi.ReorderItem{{ElementId: ayMe.id, NewSequence: 20}, {ElementId: leans.id, NewSequence: 22}},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, move.StatusCode(), string(move.Body))
	written[19], written[21] = written[21], written[19]

	// Read the whole story back in order, in pages, and compare it element by element.
	var story []element
	for offset := int64(0); ; offset += 7 {
		page, err := c.seq.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "story", ScriptId: &scriptID, Limit: ptr(7), Offset: &offset})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, page.StatusCode(), string(page.Body))
		require.EqualValues(t, len(scene), page.JSON200.TotalCount)
		if len(page.JSON200.Positions) == 0 {
			break
		}
		for _, p := range page.JSON200.Positions {
			story = append(story, element{string(p.ElementType), p.ElementId})
		}
	}
	require.Equal(t, written, story)

	// The content services list their elements in that same order, with the same numbers.
	position := map[element]int64{}
	for i, e := range story {
		position[e] = int64(i + 1)
	}
	lines, err := c.characters.ListSpokenWordsWithResponse(ctx, &charactersapi.ListSpokenWordsParams{ScriptId: &scriptID, Limit: ptr(1000)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, lines.StatusCode(), string(lines.Body))
	var prev int64
	for _, l := range lines.JSON200.Items {
		e := element{"spokenWord", l.DialogueId}
		require.Equal(t, position[e], l.SequenceNumber, "line %d", l.DialogueId)
		require.Equal(t, texts[e], l.Text)
		require.Greater(t, l.SequenceNumber, prev, "lines come in story order")
		prev = l.SequenceNumber
	}
	juliet, err := c.characters.ListSpokenWordsWithResponse(ctx, &charactersapi.ListSpokenWordsParams{ScriptId: &scriptID, CharacterId: ptr(characters["JULIET"])})
	require.NoError(t, err)
	require.Len(t, juliet.JSON200.Items, countSpeaker("JULIET"))
	actions, err := c.characters.ListActionsWithResponse(ctx, &charactersapi.ListActionsParams{ScriptId: &scriptID})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, actions.StatusCode(), string(actions.Body))
	for _, a := range actions.JSON200.Items {
		require.Equal(t, position[element{"action", a.ActionId}], a.SequenceNumber)
	}
	got, err := c.characters.GetSpokenWordWithResponse(ctx, ayMe.id)
	require.NoError(t, err)
	require.EqualValues(t, 20, got.JSON200.SequenceNumber, "single reads show the new order")

	// The context in force for Juliet at the wherefore line is the balcony one.
	inForce, err := c.sessions.ListCharacterContextsWithResponse(ctx, &sessionsapi.ListCharacterContextsParams{
		ScriptId: &scriptID, CharacterId: ptr(characters["JULIET"]), AtSequence: ptr(position[wherefore]),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, inForce.StatusCode(), string(inForce.Body))
	require.Len(t, inForce.JSON200.Items, 1)
	require.JSONEq(t, contexts[2].state, string(inForce.JSON200.Items[0].Context))

	// The script cannot be deleted while it has dependants; with cascade nothing is left.
	refused, err := c.scripts.DeleteScriptWithResponse(ctx, scriptID, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusConflict, refused.StatusCode(), string(refused.Body))
	gone, err := c.scripts.DeleteScriptWithResponse(ctx, scriptID, &scriptsapi.DeleteScriptParams{Cascade: ptr(true)})
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, gone.StatusCode(), string(gone.Body))
	left, err := c.seq.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "story", ScriptId: &scriptID})
	require.NoError(t, err)
	require.Zero(t, left.JSON200.TotalCount, "no position left behind")
	lines, err = c.characters.ListSpokenWordsWithResponse(ctx, &charactersapi.ListSpokenWordsParams{ScriptId: &scriptID})
	require.NoError(t, err)
	require.Empty(t, lines.JSON200.Items)
	ctxLeft, err := c.sessions.ListCharacterContextsWithResponse(ctx, &sessionsapi.ListCharacterContextsParams{ScriptId: &scriptID})
	require.NoError(t, err)
	require.Empty(t, ctxLeft.JSON200.Items)
}

func countSpeaker(name string) int {
	n := 0
	for _, b := range scene {
		if b.speaker == name {
			n++
		}
	}
	return n
}
