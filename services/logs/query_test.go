package logs_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

func TestListFilters(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	s.ingest(t,
		entry(t0, "scripts", "GET", "/scripts/1", 200, "a"),
		entry(t0.Add(1*time.Minute), "scripts", "POST", "/scripts", 201, "b"),
		entry(t0.Add(2*time.Minute), "scripts", "GET", "/scripts/2/sections", 404, "c"),
		entry(t0.Add(3*time.Minute), "sequence", "PUT", "/sequence/reorder", 422, "d"),
		entry(t0.Add(4*time.Minute), "sessions", "POST", "/sessions", 503, "e"),
		entry(t0.Add(5*time.Minute), "sessions", "GET", "/sessions/9", 500, "f"),
		entry(t0.Add(6*time.Minute), "scripts", "GET", "/scriptsx", 200, "a"),
	)
	for name, tc := range map[string]struct {
		params logsapi.ListLogsParams
		want   []string
	}{
		"none":               {logsapi.ListLogsParams{}, []string{"a", "f", "e", "d", "c", "b", "a"}},
		"service":            {logsapi.ListLogsParams{Service: new("sessions")}, []string{"f", "e"}},
		"status range":       {logsapi.ListLogsParams{StatusMin: new(400), StatusMax: new(499)}, []string{"d", "c"}},
		"status from":        {logsapi.ListLogsParams{StatusMin: new(500)}, []string{"f", "e"}},
		"status up to":       {logsapi.ListLogsParams{StatusMax: new(201)}, []string{"a", "b", "a"}},
		"method":             {logsapi.ListLogsParams{Method: new("POST")}, []string{"e", "b"}},
		"path prefix":        {logsapi.ListLogsParams{PathPrefix: new("/scripts/")}, []string{"c", "a"}},
		"path prefix, bare":  {logsapi.ListLogsParams{PathPrefix: new("/scripts")}, []string{"a", "c", "b", "a"}},
		"path prefix, %_":    {logsapi.ListLogsParams{PathPrefix: new("/s%")}, []string{}},
		"request id":         {logsapi.ListLogsParams{RequestId: new("a")}, []string{"a", "a"}},
		"since, inclusive":   {logsapi.ListLogsParams{Since: new(t0.Add(5 * time.Minute))}, []string{"a", "f"}},
		"until, exclusive":   {logsapi.ListLogsParams{Until: new(t0.Add(2 * time.Minute))}, []string{"b", "a"}},
		"window":             {logsapi.ListLogsParams{Since: new(t0.Add(time.Minute)), Until: new(t0.Add(3 * time.Minute))}, []string{"c", "b"}},
		"empty window":       {logsapi.ListLogsParams{Since: new(t0), Until: new(t0)}, []string{}},
		"all together":       {logsapi.ListLogsParams{Service: new("scripts"), Method: new("GET"), StatusMin: new(200), StatusMax: new(299), PathPrefix: new("/scripts/"), Since: new(t0)}, []string{"a"}},
		"nothing matches":    {logsapi.ListLogsParams{Service: new("characters")}, []string{}},
		"equal status range": {logsapi.ListLogsParams{StatusMin: new(503), StatusMax: new(503)}, []string{"e"}},
	} {
		require.Equal(t, tc.want, requestIDs(s.list(t, tc.params)), name)
	}
}

func TestListRefusesBadParameters(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	for name, tc := range map[string]struct{ path, code string }{
		"cursor not base64":        {"/logs?cursor=%21%21", "INVALID_CURSOR"},
		"cursor of other text":     {"/logs?cursor=aGVsbG8", "INVALID_CURSOR"},
		"cursor without an id":     {"/logs?cursor=MTc5NTYzNjgwMDEyMzAwMC4w", "INVALID_CURSOR"},
		"statusMin above Max":      {"/logs?statusMin=500&statusMax=400", "VALIDATION_FAILED"},
		"status not a code":        {"/logs?statusMin=42", "VALIDATION_FAILED"},
		"limit too large":          {"/logs?limit=1001", "VALIDATION_FAILED"},
		"since not a time":         {"/logs?since=yesterday", "VALIDATION_FAILED"},
		"since after until":        {"/logs?since=2026-11-26T00:00:01Z&until=2026-11-26T00:00:00Z", "VALIDATION_FAILED"},
		"search since after until": {"/logs/search?query=x&since=2026-11-27T00:00:00Z&until=2026-11-26T00:00:00Z", "VALIDATION_FAILED"},
		"method lower-case":        {"/logs?method=get", "VALIDATION_FAILED"},
		"service not UTF-8":        {"/logs?service=%FF", "VALIDATION_FAILED"},
		"request id with NUL":      {"/logs?requestId=a%00b", "VALIDATION_FAILED"},
		"search without query":     {"/logs/search", "VALIDATION_FAILED"},
		"search query not UTF-8":   {"/logs/search?query=%FF", "VALIDATION_FAILED"},
		"search with a bad cursor": {"/logs/search?query=x&cursor=Kg", "INVALID_CURSOR"},
	} {
		status, body := s.get(t, tc.path)
		require.Equal(t, http.StatusBadRequest, status, "%s: %s", name, body)
		require.Equal(t, tc.code, apitest.ErrorCode(t, body), name)
	}
}

// TestListPagesThroughEverythingOnce pages with a small limit through entries sharing timestamps
// while more arrive: every entry there at the start is seen exactly once, in order.
func TestListPagesThroughEverythingOnce(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var batch []logsapi.LogEntryInput
	for i := range 53 {
		// Groups of three share a timestamp, so the id decides their order.
		batch = append(batch, entry(t0.Add(time.Duration(i/3)*time.Millisecond), "scripts", "GET", "/scripts", 200, fmt.Sprint(i)))
	}
	s.ingest(t, batch...)
	want := ids(s.list(t, logsapi.ListLogsParams{Limit: new(1000)}))
	require.Len(t, want, 53)

	var got []int64
	params := logsapi.ListLogsParams{Limit: new(7)}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10)
		page := s.list(t, params)
		got = append(got, ids(page)...)
		// Newer and older entries arriving meanwhile shift nothing already paged past.
		s.ingest(t, entry(time.Now(), "scripts", "GET", "/scripts", 200, "newer"))
		if page.NextCursor == nil {
			break
		}
		params.Cursor = page.NextCursor
	}
	require.Equal(t, want, got)
}

func TestSearch(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	withMessage := func(e logsapi.LogEntryInput, m string) logsapi.LogEntryInput { e.Message = m; return e }
	s.ingest(t,
		withMessage(entry(t0, "scripts", "GET", "/scripts/1", 200, "a"), "GET /scripts/1 200 getScript"),
		withMessage(entry(t0.Add(time.Second), "scripts", "GET", "/scripts/2/sections", 404, "b"), "GET /scripts/2/sections 404 listSectionHeadings"),
		withMessage(entry(t0.Add(2*time.Second), "sessions", "PATCH", "/sessions/3", 412, "c"), "PATCH /sessions/3 412 updateSession: Romeo's balcony"),
		withMessage(entry(t0.Add(3*time.Second), "characters", "POST", "/characters", 201, "d"), "Juliet created"),
	)
	status, body := s.post(t, "/logs/kong", "application/json", mustJSON(t, kongExample(t)))
	require.Equal(t, http.StatusCreated, status, string(body))

	for name, tc := range map[string]struct {
		query string
		want  []string
	}{
		"a word of a message":   {"juliet", []string{"d"}},
		"a path segment":        {"sections", []string{"b"}},
		"a path":                {"/scripts/1", []string{"2f6946328ffc4946b8c9120704a4a155", "a"}},
		"all words":             {"scripts 404", []string{"b"}},
		"either word":           {"juliet or romeo's", []string{"d", "c"}},
		"excluding":             {"scripts -sections", []string{"2f6946328ffc4946b8c9120704a4a155", "a"}},
		"a phrase":              {`"updatesession romeo's balcony"`, []string{"c"}},
		"Kong's entries":        {"kong", []string{"2f6946328ffc4946b8c9120704a4a155"}},
		"case does not matter":  {"GETSCRIPT", []string{"2f6946328ffc4946b8c9120704a4a155", "a"}},
		"no such word":          {"tybalt", []string{}},
		"no words at all":       {"!!!", []string{}},
		"unbalanced web syntax": {`"scripts`, []string{"2f6946328ffc4946b8c9120704a4a155", "b", "a"}},
	} {
		resp, err := s.Logs.SearchLogsWithResponse(context.Background(), &logsapi.SearchLogsParams{Query: tc.query})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), "%s: %s", name, resp.Body)
		require.Equal(t, tc.want, requestIDs(*resp.JSON200), name)
	}

	// A window and paging, as on GET /logs.
	params := &logsapi.SearchLogsParams{Query: "scripts", Since: new(t0), Until: new(t0.Add(time.Hour)), Limit: new(1)}
	var got []string
	for {
		resp, err := s.Logs.SearchLogsWithResponse(context.Background(), params)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
		got = append(got, requestIDs(*resp.JSON200)...)
		if resp.JSON200.NextCursor == nil {
			break
		}
		params.Cursor = resp.JSON200.NextCursor
	}
	require.Equal(t, []string{"b", "a"}, got)
}

// TestReadsWhileIngesting: concurrent readers and writers all succeed and readers see whole
// batches only.
func TestReadsWhileIngesting(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				batch := make([]logsapi.LogEntryInput, 10)
				for j := range batch {
					batch[j] = entry(time.Now(), "scripts", "GET", "/scripts", 200, fmt.Sprintf("w%d-%d", w, i))
				}
				s.ingest(t, batch...)
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range 20 {
				page := s.list(t, logsapi.ListLogsParams{Limit: new(1000)})
				count := map[string]int{}
				for _, id := range requestIDs(page) {
					count[id]++
				}
				for id, n := range count {
					require.Equal(t, 10, n, "batch %s seen whole", id)
				}
			}
		})
	}
	wg.Wait()
	require.Equal(t, 400, s.stored(t))
}
