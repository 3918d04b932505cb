package scripts_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/services/scripts"
	"github.com/fountainai/fountainai/services/sequence"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var bg = context.Background()

// env is the scripts and sequence services on a test database, with a stand-in for Character
// Management and Session & Context.
type env struct {
	apitest.Env
	deps *dependantsFake
}

func newEnv(t *testing.T) env {
	t.Helper()
	deps := newDependantsFake(t)
	peers := map[string]string{"characters": deps.url, "sessions": deps.url}
	return env{Env: apitest.NewEnvWith(t, apitest.Options{Peers: peers}, sequence.Service(), scripts.Service()), deps: deps}
}

func createScript(t *testing.T, c *scriptsapi.ClientWithResponses, title string) scriptsapi.Script {
	t.Helper()
	resp, err := c.CreateScriptWithResponse(bg, nil, scriptsapi.ScriptRequest{Title: title})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return *resp.JSON201
}

func addSection(t *testing.T, c *scriptsapi.ClientWithResponses, scriptID int64, title string) scriptsapi.SectionHeading {
	t.Helper()
	resp, err := c.AddSectionHeadingWithResponse(bg, scriptID, nil, scriptsapi.SectionHeadingCreateRequest{Title: title})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return *resp.JSON201
}

func addTransition(t *testing.T, c *scriptsapi.ClientWithResponses, scriptID int64, body scriptsapi.TransitionCreateRequest) scriptsapi.Transition {
	t.Helper()
	resp, err := c.CreateTransitionWithResponse(bg, scriptID, nil, body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	return *resp.JSON201
}

func listSections(t *testing.T, c *scriptsapi.ClientWithResponses, scriptID int64) []scriptsapi.SectionHeading {
	t.Helper()
	resp, err := c.ListSectionHeadingsWithResponse(bg, scriptID, &scriptsapi.ListSectionHeadingsParams{Limit: new(1000)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	require.EqualValues(t, len(resp.JSON200.Items), resp.JSON200.TotalCount)
	return resp.JSON200.Items
}

func listTransitions(t *testing.T, c *scriptsapi.ClientWithResponses, scriptID int64) []scriptsapi.Transition {
	t.Helper()
	resp, err := c.ListTransitionsWithResponse(bg, scriptID, &scriptsapi.ListTransitionsParams{Limit: new(1000)})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	require.EqualValues(t, len(resp.JSON200.Items), resp.JSON200.TotalCount)
	return resp.JSON200.Items
}

// headingIDs lists the ids of headings in the order given, with their numbers.
func headingOrder(items []scriptsapi.SectionHeading) [][2]int64 {
	out := make([][2]int64, len(items))
	for i, h := range items {
		out[i] = [2]int64{h.HeadingId, h.SequenceNumber}
	}
	return out
}

// positionOf reads an element's position from the sequence service; 0 when it holds none.
func positionOf(t *testing.T, seq *sequenceapi.ClientWithResponses, typ sequenceapi.ElementType, id int64) int64 {
	t.Helper()
	resp, err := seq.GetElementPositionWithResponse(bg, typ, id, &sequenceapi.GetElementPositionParams{Owner: new(sequenceapi.OwnerContent)})
	require.NoError(t, err)
	if resp.StatusCode() == http.StatusNotFound {
		return 0
	}
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return resp.JSON200.SequenceNumber
}

// dependantsFake stands in for Character Management and Session & Context: it reports how many
// actions, spoken words and character contexts a script (or a section) has, and records the bulk
// deletes a cascade sends. Tests with the real services are in cascade_test.go.
type dependantsFake struct {
	url string

	mu      sync.Mutex
	counts  map[string]int64 // "actions?scriptId=1", "spokenWords?scriptId=1&sectionId=2"…
	deletes []string         // "actions?scriptId=1"…
	status  int              // when set, every request is answered with it
}

func newDependantsFake(t *testing.T) *dependantsFake {
	f := &dependantsFake{counts: map[string]int64{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

func (f *dependantsFake) set(key string, n int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts[key] = n
}

func (f *dependantsFake) failWith(status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = status
}

func (f *dependantsFake) deleted() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.deletes...)
}

func (f *dependantsFake) serve(w http.ResponseWriter, r *http.Request) {
	kind := strings.TrimPrefix(r.URL.Path, "/")
	if kind != "actions" && kind != "spokenWords" && kind != "characterContexts" {
		http.NotFound(w, r)
		return
	}
	key := kind + "?scriptId=" + r.URL.Query().Get("scriptId")
	if s := r.URL.Query().Get("sectionId"); s != "" {
		key += "&sectionId=" + s
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if f.status != 0 {
		w.WriteHeader(f.status)
		_, _ = fmt.Fprint(w, `{"errorCode":"INTERNAL","message":"internal error"}`)
		return
	}
	switch r.Method {
	case http.MethodGet:
		_, _ = fmt.Fprintf(w, `{"items":[],"totalCount":%d,"limit":1,"offset":0}`, f.counts[key])
	case http.MethodDelete:
		var n int64
		for k, c := range f.counts {
			if k == key || strings.HasPrefix(k, key+"&") {
				n += c
				delete(f.counts, k)
			}
		}
		f.deletes = append(f.deletes, key)
		_, _ = fmt.Fprintf(w, `{"deletedCount":%d}`, n)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}
