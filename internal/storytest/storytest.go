// Package storytest writes a known story through the public APIs of the content services, as a
// client would, for the tests that read it back: the end-to-end test and the Story Factory's.
package storytest

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

// Beat is one element of the scene: a line when Speaker is set, else an action (with an optional
// Actor), or a transition.
type Beat struct {
	Scene      int
	Speaker    string
	Actor      string
	Text       string
	Transition bool
}

// Who is the character of the beat, if it has one.
func (b Beat) Who() string {
	if b.Speaker != "" {
		return b.Speaker
	}
	return b.Actor
}

// Scenes are the section headings of the balcony scene, in order (Beat.Scene counts from 1).
var Scenes = []string{"Scene I. A lane by the wall of Capulet's orchard.", "Scene II. Capulet's orchard."}

// Characters are the characters of the balcony scene.
var Characters = []string{"ROMEO", "JULIET", "NURSE", "BENVOLIO", "MERCUTIO"}

// Balcony is Romeo and Juliet, Act II, scenes I and II (public domain).
var Balcony = []Beat{
	{Scene: 1, Actor: "ROMEO", Text: "Enter ROMEO alone"},
	{Scene: 1, Speaker: "ROMEO", Text: "Can I go forward when my heart is here?"},
	{Scene: 1, Speaker: "ROMEO", Text: "Turn back, dull earth, and find thy centre out."},
	{Scene: 1, Actor: "ROMEO", Text: "He climbs the wall, and leaps down within it"},
	{Scene: 1, Text: "Enter BENVOLIO and MERCUTIO"},
	{Scene: 1, Speaker: "BENVOLIO", Text: "Romeo! my cousin Romeo!"},
	{Scene: 1, Speaker: "MERCUTIO", Text: "He is wise; and, on my life, hath stol'n him home to bed."},
	{Scene: 1, Speaker: "BENVOLIO", Text: "He ran this way, and leap'd this orchard wall: call, good Mercutio."},
	{Scene: 1, Speaker: "MERCUTIO", Text: "Nay, I'll conjure too. Romeo! humours! madman! passion! lover!"},
	{Scene: 1, Speaker: "BENVOLIO", Text: "Go, then; for 'tis in vain to seek him here that means not to be found."},
	{Scene: 1, Text: "Exeunt"},
	{Scene: 1, Transition: true, Text: "CUT TO:"},
	{Scene: 2, Speaker: "ROMEO", Text: "He jests at scars that never felt a wound."},
	{Scene: 2, Actor: "JULIET", Text: "JULIET appears above at a window"},
	{Scene: 2, Speaker: "ROMEO", Text: "But, soft! what light through yonder window breaks?"},
	{Scene: 2, Speaker: "ROMEO", Text: "It is the east, and Juliet is the sun."},
	{Scene: 2, Speaker: "ROMEO", Text: "Arise, fair sun, and kill the envious moon,"},
	{Scene: 2, Speaker: "ROMEO", Text: "Who is already sick and pale with grief,"},
	{Scene: 2, Speaker: "ROMEO", Text: "It is my lady, O, it is my love!"},
	{Scene: 2, Speaker: "ROMEO", Text: "See, how she leans her cheek upon her hand!"},
	{Scene: 2, Speaker: "ROMEO", Text: "O, that I were a glove upon that hand, that I might touch that cheek!"},
	{Scene: 2, Speaker: "JULIET", Text: "Ay me!"},
	{Scene: 2, Speaker: "ROMEO", Text: "She speaks: O, speak again, bright angel!"},
	{Scene: 2, Speaker: "JULIET", Text: "O Romeo, Romeo! wherefore art thou Romeo?"},
	{Scene: 2, Speaker: "JULIET", Text: "Deny thy father and refuse thy name;"},
	{Scene: 2, Speaker: "JULIET", Text: "Or, if thou wilt not, be but sworn my love, and I'll no longer be a Capulet."},
	{Scene: 2, Speaker: "ROMEO", Text: "Shall I hear more, or shall I speak at this?"},
	{Scene: 2, Speaker: "JULIET", Text: "'Tis but thy name that is my enemy;"},
	{Scene: 2, Speaker: "JULIET", Text: "Thou art thyself, though not a Montague."},
	{Scene: 2, Speaker: "JULIET", Text: "What's in a name? that which we call a rose by any other name would smell as sweet;"},
	{Scene: 2, Speaker: "ROMEO", Text: "I take thee at thy word: call me but love, and I'll be new baptized;"},
	{Scene: 2, Speaker: "ROMEO", Text: "Henceforth I never will be Romeo."},
	{Scene: 2, Speaker: "JULIET", Text: "What man art thou that thus bescreen'd in night so stumblest on my counsel?"},
	{Scene: 2, Speaker: "ROMEO", Text: "By a name I know not how to tell thee who I am:"},
	{Scene: 2, Speaker: "ROMEO", Text: "My name, dear saint, is hateful to myself, because it is an enemy to thee;"},
	{Scene: 2, Speaker: "JULIET", Text: "My ears have not yet drunk a hundred words of that tongue's utterance, yet I know the sound:"},
	{Scene: 2, Speaker: "JULIET", Text: "Art thou not Romeo and a Montague?"},
	{Scene: 2, Speaker: "ROMEO", Text: "Neither, fair saint, if either thee dislike."},
	{Scene: 2, Speaker: "JULIET", Text: "How camest thou hither, tell me, and wherefore?"},
	{Scene: 2, Speaker: "ROMEO", Text: "With love's light wings did I o'er-perch these walls;"},
	{Scene: 2, Speaker: "NURSE", Text: "Madam!"},
	{Scene: 2, Speaker: "JULIET", Text: "I hear some noise within; dear love, adieu! Anon, good nurse! Sweet Montague, be true."},
	{Scene: 2, Actor: "JULIET", Text: "Exit, above"},
	{Scene: 2, Speaker: "ROMEO", Text: "O blessed, blessed night! I am afeard, being in night, all this is but a dream,"},
	{Scene: 2, Speaker: "ROMEO", Text: "Too flattering-sweet to be substantial."},
}

// Context is where a character stands from a story position on.
type Context struct {
	Who   string
	From  int64
	State string // a JSON object
}

// Contexts are the character contexts of the balcony scene.
var Contexts = []Context{
	{Who: "ROMEO", From: 1, State: `{"mood":"lovesick","location":"a lane, by the wall"}`},
	{Who: "ROMEO", From: 13, State: `{"mood":"enraptured","location":"Capulet's orchard, below the window"}`},
	{Who: "JULIET", From: 14, State: `{"mood":"longing","location":"balcony","note":"unaware, at first, that \"Romeo\" hears her"}`},
	{Who: "NURSE", From: 41, State: `{"location":"within"}`},
}

// Element is what the story order holds, as the sequence service names it.
type Element struct {
	Type string
	ID   int64
}

// Written is the balcony scene as written: the ids the services gave, and the story order.
type Written struct {
	ScriptID   int64
	Sections   map[int]int64    // scene number -> heading id
	Characters map[string]int64 // name -> character id
	Elements   []Element        // in story order, as written
	Beats      map[Element]Beat
	Contexts   map[string][]int64 // name -> context ids, in the order of Contexts
}

// WriteBalcony writes the balcony scene as a client would: the script, its two scenes, the characters,
// every beat in order (each must get the next story position) and the character contexts.
func WriteBalcony(t testing.TB, c apitest.Clients) Written {
	t.Helper()
	ctx := context.Background()
	script, err := c.Scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{
		Title: "Romeo and Juliet", Author: new("William Shakespeare"), Description: new("Act II, scenes I and II"),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, script.StatusCode(), string(script.Body))
	w := Written{ScriptID: script.JSON201.ScriptId, Sections: map[int]int64{}, Characters: map[string]int64{},
		Beats: map[Element]Beat{}, Contexts: map[string][]int64{}}

	for i, title := range Scenes {
		s, err := c.Scripts.AddSectionHeadingWithResponse(ctx, w.ScriptID, nil, scriptsapi.SectionHeadingCreateRequest{Title: title, Kind: new("scene")})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, s.StatusCode(), string(s.Body))
		require.EqualValues(t, i+1, s.JSON201.SequenceNumber)
		w.Sections[i+1] = s.JSON201.HeadingId
	}
	for _, name := range Characters {
		ch, err := c.Characters.CreateCharacterWithResponse(ctx, nil, charactersapi.CharacterCreateRequest{Name: name, Description: "of Verona"})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, ch.StatusCode(), string(ch.Body))
		w.Characters[name] = ch.JSON201.CharacterId
	}

	// Write the scene in order; the story order must be exactly the order of writing.
	for i, b := range Balcony {
		section := w.Sections[b.Scene]
		var e Element
		switch {
		case b.Transition:
			r, err := c.Scripts.CreateTransitionWithResponse(ctx, w.ScriptID, nil, scriptsapi.TransitionCreateRequest{Text: b.Text, SectionId: &section})
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
			require.EqualValues(t, i+1, r.JSON201.SequenceNumber)
			e = Element{Type: "transition", ID: r.JSON201.TransitionId}
		case b.Speaker != "":
			r, err := c.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{
				ScriptId: w.ScriptID, SectionId: &section, CharacterId: new(w.Characters[b.Speaker]), Text: b.Text,
			})
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
			require.EqualValues(t, i+1, r.JSON201.SequenceNumber)
			e = Element{Type: "spokenWord", ID: r.JSON201.DialogueId}
		default:
			req := charactersapi.ActionCreateRequest{ScriptId: w.ScriptID, SectionId: &section, Description: b.Text}
			if b.Actor != "" {
				req.CharacterId = new(w.Characters[b.Actor])
			}
			r, err := c.Characters.CreateActionWithResponse(ctx, nil, req)
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
			require.EqualValues(t, i+1, r.JSON201.SequenceNumber)
			e = Element{Type: "action", ID: r.JSON201.ActionId}
		}
		w.Elements = append(w.Elements, e)
		w.Beats[e] = b
	}

	for _, cx := range Contexts {
		r, err := c.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{
			CharacterId: w.Characters[cx.Who], ScriptId: w.ScriptID, StartSequence: cx.From, Context: json.RawMessage(cx.State),
		})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
		require.JSONEq(t, cx.State, string(r.JSON201.Context), "structured values come back exactly")
		w.Contexts[cx.Who] = append(w.Contexts[cx.Who], r.JSON201.ContextId)
	}
	return w
}

// InForce is the context of who in force at story position at: the one with the greatest From <= at.
func InForce(who string, at int64) (Context, bool) {
	var best Context
	found := false
	for _, cx := range Contexts {
		if cx.Who == who && cx.From <= at && (!found || cx.From > best.From) {
			best, found = cx, true
		}
	}
	return best, found
}
