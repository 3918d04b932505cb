package stories_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/storytest"
)

// checkBalcony compares story elements with the balcony scene as written, from story position
// first on: order, kind, text, character, section and the context in force.
func checkBalcony(t *testing.T, w storytest.Written, first int, got []storiesapi.StoryElement) {
	t.Helper()
	for i, e := range got {
		n := first + i
		want := w.Elements[n-1]
		b := w.Beats[want]
		where := b.Text
		require.EqualValues(t, n, e.Sequence, where)
		require.Equal(t, want, key(e), where)
		require.Equal(t, want.Type, string(e.ElementType), where)
		kinds := 0
		for _, set := range []bool{e.Action != nil, e.SpokenWord != nil, e.Transition != nil} {
			if set {
				kinds++
			}
		}
		require.Equal(t, 1, kinds, "exactly one of action, spokenWord, transition: %s", where)
		switch {
		case e.Action != nil:
			require.Equal(t, b.Text, e.Action.Description)
		case e.SpokenWord != nil:
			require.Equal(t, b.Text, e.SpokenWord.Text)
			require.EqualValues(t, n, *e.SpokenWord.Sequence)
		default:
			require.Equal(t, b.Text, e.Transition.Text)
		}
		require.Equal(t, w.Sections[b.Scene], *e.SectionId, where)
		if b.Who() == "" {
			require.Nil(t, e.Character, where)
			require.Nil(t, e.Context, where)
			continue
		}
		require.NotNil(t, e.Character, where)
		require.Equal(t, b.Who(), e.Character.Name)
		require.Equal(t, w.Characters[b.Who()], e.Character.CharacterId)
		require.Equal(t, "of Verona", e.Character.Description)
		cx, ok := storytest.InForce(b.Who(), int64(n))
		if !ok {
			require.Nil(t, e.Context, "no context of %s in force at %d", b.Who(), n)
			continue
		}
		require.NotNil(t, e.Context, "context of %s at %d", b.Who(), n)
		require.Equal(t, w.Characters[b.Who()], e.Context.CharacterId)
		require.Equal(t, cx.From, *e.Context.StartSequence)
		require.JSONEq(t, cx.State, string(e.Context.Data), "the context comes back exactly")
	}
}

// startsOf maps each section heading to where it starts within the answer (0: not within it).
func startsOf(sections []storiesapi.SectionHeading) map[int64]int64 {
	out := map[int64]int64{}
	for _, s := range sections {
		if s.StartSequence != nil {
			out[s.HeadingId] = *s.StartSequence
		} else {
			out[s.HeadingId] = 0
		}
	}
	return out
}

func elementsOf(w storytest.Written, who string) []storytest.Element {
	var out []storytest.Element
	for _, e := range w.Elements {
		if w.Beats[e].Who() == who {
			out = append(out, e)
		}
	}
	return out
}

func keys(story []storiesapi.StoryElement) []storytest.Element {
	out := make([]storytest.Element, len(story))
	for i, e := range story {
		out[i] = key(e)
	}
	return out
}

func TestBalconyScene(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := storytest.WriteBalcony(t, e.Clients)
	n := len(storytest.Balcony)
	scene1, scene2 := w.Sections[1], w.Sections[2]

	t.Run("whole story in one call", func(t *testing.T) {
		s := e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, Limit: new(5000)})
		require.Equal(t, w.ScriptID, s.ScriptId)
		require.Equal(t, "Romeo and Juliet", s.Title)
		require.Equal(t, "William Shakespeare", *s.Author)
		require.Equal(t, "Act II, scenes I and II", *s.Description)
		require.EqualValues(t, n, s.TotalCount)
		require.Equal(t, 5000, s.Limit)
		require.Zero(t, s.Offset)
		require.Nil(t, s.Orchestration)
		require.Len(t, s.Story, n)
		checkBalcony(t, w, 1, s.Story)

		require.Len(t, s.Sections, 2)
		for i, h := range s.Sections {
			require.Equal(t, w.Sections[i+1], h.HeadingId)
			require.Equal(t, storytest.Scenes[i], h.Title)
			require.EqualValues(t, i+1, h.Sequence)
			require.Equal(t, "scene", *h.Kind)
		}
		require.Equal(t, map[int64]int64{scene1: 1, scene2: 13}, startsOf(s.Sections), "scene II starts after the transition")

		// The transition is in place, between the scenes.
		require.Equal(t, storiesapi.StoryElementElementTypeTransition, s.Story[11].ElementType)
		require.Equal(t, "CUT TO:", s.Story[11].Transition.Text)
		require.Equal(t, "Exeunt", s.Story[10].Action.Description)
		require.Equal(t, "He jests at scars that never felt a wound.", s.Story[12].SpokenWord.Text)
	})

	t.Run("v2 default page", func(t *testing.T) {
		s := e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID})
		require.Equal(t, 10, s.Limit)
		require.Len(t, s.Story, 10)
		checkBalcony(t, w, 1, s.Story)
	})

	t.Run("pages never drop or repeat", func(t *testing.T) {
		for _, limit := range []int{1, 7, 12, 13, 44, 45, 100} {
			all := e.readAll(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID}, limit)
			require.Equal(t, w.Elements, keys(all), "limit %d", limit)
			checkBalcony(t, w, 1, all)
		}
		for _, offset := range []int64{1000, math.MaxInt64 - 1, math.MaxInt64} {
			past := e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, Offset: new(offset)})
			require.Empty(t, past.Story)
			require.EqualValues(t, n, past.TotalCount)
			require.Equal(t, offset, past.Offset)
		}
	})

	t.Run("section boundaries on pages", func(t *testing.T) {
		for _, c := range []struct {
			offset, limit int
			want          map[int64]int64
		}{
			{0, 12, map[int64]int64{scene1: 1, scene2: 0}},
			{1, 11, map[int64]int64{scene1: 0, scene2: 0}},  // scene I started before the page
			{7, 7, map[int64]int64{scene1: 0, scene2: 13}},  // scene II starts within
			{12, 7, map[int64]int64{scene1: 0, scene2: 13}}, // at the first element: the one before is scene I's
			{13, 7, map[int64]int64{scene1: 0, scene2: 0}},
		} {
			s := e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, Limit: new(c.limit), Offset: new(int64(c.offset))})
			require.Equal(t, c.want, startsOf(s.Sections), "offset %d limit %d", c.offset, c.limit)
			checkBalcony(t, w, c.offset+1, s.Story)
		}
	})

	t.Run("filters by name and by id", func(t *testing.T) {
		juliet := e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, FilterByCharacter: new("juliet"), Limit: new(5000)})
		require.Equal(t, elementsOf(w, "JULIET"), keys(juliet.Story), "by name, ignoring case")
		require.EqualValues(t, len(elementsOf(w, "JULIET")), juliet.TotalCount)
		for _, el := range juliet.Story {
			require.Equal(t, "JULIET", el.Character.Name)
		}
		// Scene II starts at 13, before Juliet's first element (14): outside this answer; her
		// elements' sectionId says where each belongs.
		require.Equal(t, map[int64]int64{scene1: 0, scene2: 0}, startsOf(juliet.Sections))
		require.Equal(t, scene2, *juliet.Story[0].SectionId)
		withRomeo := e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, FilterByCharacter: new("Romeo"), Limit: new(5000)})
		require.Equal(t, map[int64]int64{scene1: 1, scene2: 13}, startsOf(withRomeo.Sections), "boundaries of the unfiltered story")

		romeo := e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, CharacterId: new(w.Characters["ROMEO"]), Limit: new(5000)})
		require.Equal(t, elementsOf(w, "ROMEO"), keys(romeo.Story), "by id")
		// The first of Romeo's elements on a page holds the context in force, also across pages.
		paged := e.readAll(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, CharacterId: new(w.Characters["ROMEO"])}, 4)
		require.Equal(t, romeo.Story, paged, "filtered pages never drop or repeat")
		for _, el := range paged {
			cx, _ := storytest.InForce("ROMEO", el.Sequence)
			require.JSONEq(t, cx.State, string(el.Context.Data))
		}

		both := e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, FilterByCharacter: new("ROMEO"), CharacterId: new(w.Characters["JULIET"])})
		require.Empty(t, both.Story, "both filters must match")
		require.Zero(t, both.TotalCount)
		nobody := e.story(t, storiesapi.GetFullStoryParams{ScriptId: w.ScriptID, FilterByCharacter: new("Tybalt")})
		require.Empty(t, nobody.Story)
		require.Len(t, nobody.Sections, 2, "the header and table of contents come anyway")
	})

	t.Run("ranges", func(t *testing.T) {
		r := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID, StartSequence: 13, EndSequence: 20})
		require.Equal(t, w.ScriptID, r.ScriptId)
		require.EqualValues(t, 13, r.StartSequence)
		require.EqualValues(t, 20, r.EndSequence)
		require.EqualValues(t, 8, r.TotalCount)
		require.Equal(t, 5000, r.Limit)
		require.Len(t, r.Sequences, 8)
		checkBalcony(t, w, 13, r.Sequences)
		require.Equal(t, map[int64]int64{scene1: 0, scene2: 13}, startsOf(r.Sections))

		inner := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID, StartSequence: 14, EndSequence: 20})
		require.Equal(t, map[int64]int64{scene1: 0, scene2: 0}, startsOf(inner.Sections), "scene II started before the range")

		one := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID, StartSequence: 12, EndSequence: 12})
		require.Len(t, one.Sequences, 1)
		require.Equal(t, "CUT TO:", one.Sequences[0].Transition.Text)

		paged := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID, StartSequence: 5, EndSequence: 40, Limit: new(10), Offset: new(int64(10))})
		require.EqualValues(t, 36, paged.TotalCount)
		require.Len(t, paged.Sequences, 10)
		checkBalcony(t, w, 15, paged.Sequences)

		tail := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID, StartSequence: 40, EndSequence: 1000})
		require.EqualValues(t, n-39, tail.TotalCount)
		checkBalcony(t, w, 40, tail.Sequences)

		for _, offset := range []int64{36, math.MaxInt64 - 1, math.MaxInt64} {
			pastEnd := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID, StartSequence: 5, EndSequence: 40, Offset: new(offset)})
			require.Empty(t, pastEnd.Sequences, "offset %d", offset)
			require.EqualValues(t, 36, pastEnd.TotalCount, "offset %d", offset)
		}

		past := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID, StartSequence: 100, EndSequence: 200})
		require.Empty(t, past.Sequences)
		require.Zero(t, past.TotalCount)

		juliet := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: w.ScriptID, StartSequence: 20, EndSequence: 30, FilterByCharacter: new("JULIET")})
		var want []storytest.Element
		for _, el := range w.Elements[19:30] {
			if w.Beats[el].Who() == "JULIET" {
				want = append(want, el)
			}
		}
		require.Equal(t, want, keys(juliet.Sequences))
		require.EqualValues(t, len(want), juliet.TotalCount)
	})
}

// exampleOf is the JSON of the named example of an operation's 200 answer in our spec.
func exampleOf(t *testing.T, path, name string) string {
	t.Helper()
	doc, err := storiesapi.GetSwagger()
	require.NoError(t, err)
	ex := doc.Paths.Find(path).Get.Responses.Value("200").Value.Content.Get("application/json").Examples[name]
	require.NotNil(t, ex, "%s example %s", path, name)
	b, err := json.Marshal(ex.Value.Value)
	require.NoError(t, err)
	return string(b)
}

// TestV2Example writes the story of the published v2 example (Juliet and Romeo at the balcony, with
// their contexts) as a client would, on a fresh database, and reads back exactly the example of our
// spec: the v2 fields with the v2 values, one element per action and per line.
func TestV2Example(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	script, err := e.Scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{
		Title: "Romeo and Juliet", Author: new("William Shakespeare"), Description: new("A tale of two star-crossed lovers."),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, script.StatusCode(), string(script.Body))
	id := script.JSON201.ScriptId
	section, err := e.Scripts.AddSectionHeadingWithResponse(ctx, id, nil, scriptsapi.SectionHeadingCreateRequest{Title: "Act 1, Scene 1", Kind: new("scene")})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, section.StatusCode(), string(section.Body))
	sectionID := section.JSON201.HeadingId
	characters := map[string]int64{}
	for _, c := range []charactersapi.CharacterCreateRequest{
		{Name: "Juliet", Description: "The heroine of Romeo and Juliet."},
		{Name: "Romeo", Description: "The hero of Romeo and Juliet."},
	} {
		r, err := e.Characters.CreateCharacterWithResponse(ctx, nil, c)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
		characters[c.Name] = r.JSON201.CharacterId
	}
	for _, beat := range []struct{ who, action, line string }{
		{"Juliet", "Juliet stands on the balcony, looking out into the night.", "O Romeo, Romeo! wherefore art thou Romeo?"},
		{"Romeo", "Romeo steps out from the shadows below the balcony.", "By a name I know not how to tell thee who I am: My name, dear saint, is hateful to myself, Because it is an enemy to thee."},
		{"Juliet", "Juliet leans over the balcony, reaching out towards Romeo.", "What’s in a name? That which we call a rose By any other name would smell as sweet."},
	} {
		a, err := e.Characters.CreateActionWithResponse(ctx, nil, charactersapi.ActionCreateRequest{
			ScriptId: id, SectionId: &sectionID, CharacterId: new(characters[beat.who]), Description: beat.action,
		})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, a.StatusCode(), string(a.Body))
		l, err := e.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{
			ScriptId: id, SectionId: &sectionID, CharacterId: new(characters[beat.who]), Text: beat.line,
		})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, l.StatusCode(), string(l.Body))
	}
	tr, err := e.Scripts.CreateTransitionWithResponse(ctx, id, nil, scriptsapi.TransitionCreateRequest{Text: "FADE OUT.", SectionId: &sectionID})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, tr.StatusCode(), string(tr.Body))
	for _, c := range []struct {
		who  string
		from int64
		data string
	}{
		{"Juliet", 1, `{"mood":"longing","location":"Capulet's mansion balcony"}`},
		{"Romeo", 3, `{"mood":"desperate","location":"Below Juliet's balcony"}`},
		{"Juliet", 5, `{"mood":"curious","location":"Capulet's mansion balcony"}`},
	} {
		r, err := e.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{
			CharacterId: characters[c.who], ScriptId: id, StartSequence: c.from, Context: json.RawMessage(c.data),
		})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
	}
	// A fresh database numbers everything from 1, as the example does.
	require.EqualValues(t, 1, id)

	full, err := e.Stories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: id})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, full.StatusCode(), string(full.Body))
	require.JSONEq(t, exampleOf(t, "/stories", "balcony"), string(full.Body))

	r, err := e.Stories.GetStorySequencesWithResponse(ctx, &storiesapi.GetStorySequencesParams{ScriptId: id, StartSequence: 2, EndSequence: 3})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.StatusCode(), string(r.Body))
	require.JSONEq(t, exampleOf(t, "/stories/sequences", "balcony"), string(r.Body))
}
