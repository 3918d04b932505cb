package stories_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/internal/storytest"
	"github.com/fountainai/fountainai/services"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// env is every service in one process on a database of the test's own.
type env struct{ apitest.Env }

func newEnv(t *testing.T) env {
	t.Helper()
	return env{apitest.NewEnvWith(t, apitest.Options{MaxConns: 16}, services.All()...)}
}

// story reads GET /stories and requires a 200.
func (e env) story(t *testing.T, p storiesapi.GetFullStoryParams) *storiesapi.FullStory {
	t.Helper()
	resp, err := e.Stories.GetFullStoryWithResponse(context.Background(), &p)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return resp.JSON200
}

// sequences reads GET /stories/sequences and requires a 200.
func (e env) sequences(t *testing.T, p storiesapi.GetStorySequencesParams) *storiesapi.StorySequence {
	t.Helper()
	resp, err := e.Stories.GetStorySequencesWithResponse(context.Background(), &p)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return resp.JSON200
}

// readAll pages through the whole story with page size limit and the given filters.
func (e env) readAll(t *testing.T, p storiesapi.GetFullStoryParams, limit int) []storiesapi.StoryElement {
	t.Helper()
	var all []storiesapi.StoryElement
	var total int64 = -1
	for offset := int64(0); ; offset += int64(limit) {
		p.Limit, p.Offset = &limit, &offset
		page := e.story(t, p)
		if total >= 0 {
			require.Equal(t, total, page.TotalCount, "totalCount is the same on every page")
		}
		total = page.TotalCount
		require.LessOrEqual(t, len(page.Story), limit)
		if len(page.Story) == 0 {
			require.GreaterOrEqual(t, offset, total)
			break
		}
		all = append(all, page.Story...)
	}
	require.Len(t, all, int(total))
	return all
}

// key is an element as the story order names it.
func key(e storiesapi.StoryElement) storytest.Element {
	switch {
	case e.Action != nil:
		return storytest.Element{Type: "action", ID: e.Action.ActionId}
	case e.SpokenWord != nil:
		return storytest.Element{Type: "spokenWord", ID: e.SpokenWord.DialogueId}
	case e.Transition != nil:
		return storytest.Element{Type: "transition", ID: e.Transition.TransitionId}
	}
	return storytest.Element{}
}

// servicesExcept lists every service but the named ones.
func servicesExcept(names ...string) []service.Service {
	var out []service.Service
	for _, s := range services.All() {
		if !slices.Contains(names, s.Name) {
			out = append(out, s)
		}
	}
	return out
}

func charactersCreate(name string) charactersapi.CharacterCreateRequest {
	return charactersapi.CharacterCreateRequest{Name: name, Description: "of Verona"}
}
