package stories_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
)

// TestSectionStartsAgainWithinAnswer: a section whose elements are not contiguous starts more than
// once; an answer reports its first start within the answer's elements, also when it started
// before them (a character filter keeps a later stretch of the story).
func TestSectionStartsAgainWithinAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	script, err := e.Scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{Title: "Interleaved"})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, script.StatusCode(), string(script.Body))
	id := script.JSON201.ScriptId
	heading := map[string]int64{}
	for _, title := range []string{"A", "B"} {
		h, err := e.Scripts.AddSectionHeadingWithResponse(ctx, id, nil, scriptsapi.SectionHeadingCreateRequest{Title: title})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, h.StatusCode(), string(h.Body))
		heading[title] = h.JSON201.HeadingId
	}
	cast := map[string]int64{}
	for _, name := range []string{"X", "Y"} {
		c, err := e.Characters.CreateCharacterWithResponse(ctx, nil, charactersCreate(name))
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, c.StatusCode(), string(c.Body))
		cast[name] = c.JSON201.CharacterId
	}
	// Story positions 1, 2, 3: A starts at 1 and again at 3, B starts at 2.
	for i, l := range []struct{ section, who string }{{"A", "X"}, {"B", "Y"}, {"A", "Y"}} {
		r, err := e.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{
			ScriptId: id, SectionId: new(heading[l.section]), CharacterId: new(cast[l.who]), Text: l.section + l.who,
		})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
		require.EqualValues(t, i+1, r.JSON201.SequenceNumber)
	}
	a, b := heading["A"], heading["B"]

	t.Run("filtered", func(t *testing.T) {
		y := e.story(t, storiesapi.GetFullStoryParams{ScriptId: id, CharacterId: new(cast["Y"])})
		require.Equal(t, []int64{2, 3}, sequencesOf(y.Story))
		require.Equal(t, map[int64]int64{a: 3, b: 2}, startsOf(y.Sections), "A starts again at 3, within Y's elements")
		byName := e.story(t, storiesapi.GetFullStoryParams{ScriptId: id, FilterByCharacter: new("y")})
		require.Equal(t, startsOf(y.Sections), startsOf(byName.Sections))

		r := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: id, StartSequence: 1, EndSequence: 3, CharacterId: new(cast["Y"])})
		require.Equal(t, []int64{2, 3}, sequencesOf(r.Sequences))
		require.Equal(t, map[int64]int64{a: 3, b: 2}, startsOf(r.Sections), "on a range too")

		// A page of Y's elements: only the starts within the page.
		first := e.story(t, storiesapi.GetFullStoryParams{ScriptId: id, CharacterId: new(cast["Y"]), Limit: new(1)})
		require.Equal(t, map[int64]int64{a: 0, b: 2}, startsOf(first.Sections))
		second := e.story(t, storiesapi.GetFullStoryParams{ScriptId: id, CharacterId: new(cast["Y"]), Limit: new(1), Offset: new(int64(1))})
		require.Equal(t, map[int64]int64{a: 3, b: 0}, startsOf(second.Sections))

		x := e.story(t, storiesapi.GetFullStoryParams{ScriptId: id, CharacterId: new(cast["X"])})
		require.Equal(t, map[int64]int64{a: 1, b: 0}, startsOf(x.Sections), "the first of A's starts")
	})

	t.Run("unfiltered pages", func(t *testing.T) {
		for _, c := range []struct {
			offset, limit int
			want          map[int64]int64
		}{
			{0, 10, map[int64]int64{a: 1, b: 2}},
			{0, 1, map[int64]int64{a: 1, b: 0}},
			{1, 2, map[int64]int64{a: 3, b: 2}},
			{2, 1, map[int64]int64{a: 3, b: 0}},
			{3, 1, map[int64]int64{a: 0, b: 0}},
		} {
			s := e.story(t, storiesapi.GetFullStoryParams{ScriptId: id, Limit: new(c.limit), Offset: new(int64(c.offset))})
			require.Equal(t, c.want, startsOf(s.Sections), "offset %d limit %d", c.offset, c.limit)
		}
		r := e.sequences(t, storiesapi.GetStorySequencesParams{ScriptId: id, StartSequence: 2, EndSequence: 3})
		require.Equal(t, map[int64]int64{a: 3, b: 2}, startsOf(r.Sections))
	})
}

func sequencesOf(story []storiesapi.StoryElement) []int64 {
	out := make([]int64, len(story))
	for i, e := range story {
		out[i] = e.Sequence
	}
	return out
}
