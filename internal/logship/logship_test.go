package logship_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/logship"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services/logs"
	"github.com/fountainai/fountainai/services/sessions"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestShipsRequestLinesInProcess runs the Logging Service and another service in one process, as
// `fountain serve` does: the process's request lines reach GET /logs through its own handler, the
// Logging Service's own requests and the process endpoints do not, and the process's output keeps
// every line.
func TestShipsRequestLinesInProcess(t *testing.T) {
	t.Parallel()
	out := &apitest.Output{}
	shipper := logship.New(logship.Options{FlushInterval: time.Hour})
	logger := slog.New(shipper.Handler(slog.NewJSONHandler(out, nil)))
	pool := dbtest.NewPool(t)
	h, err := app.Handler([]service.Service{logs.Service(), sessions.Service()}, app.Options{Pool: pool, Logger: logger, Auth: apitest.Auth(t, pool)})
	admin := authtest.Client(auth.DefaultTenant, auth.Admin)
	require.NoError(t, err)
	client, err := logsapi.NewClient("http://in-process", logsapi.WithHTTPClient(logship.HandlerClient(h)))
	require.NoError(t, err)
	shipper.Start(client)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	call := func(method, path, body string) string {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := admin.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.Header.Get(httpapi.RequestIDHeader)
	}
	created := call("POST", "/sessions", `{"userId":7}`)
	missing := call("GET", "/sessions/999", "")
	unrouted := call("GET", "/nowhere", "")
	call("GET", "/healthz", "")
	call("GET", "/logs", "")
	call("GET", "/logs/search?query=x", "")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, shipper.Close(ctx))
	require.Equal(t, logship.Stats{Shipped: 3}, shipper.Stats())
	require.Equal(t, 7, strings.Count(out.String(), `"msg":"request"`), "every line, the shipping POST's among them, still goes to the output")

	resp, err := admin.Get(srv.URL + "/logs")
	require.NoError(t, err)
	defer resp.Body.Close()
	var page logsapi.LogPage
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	require.Len(t, page.Items, 3)
	byID := map[string]logsapi.LogEntry{}
	for _, e := range page.Items {
		byID[*e.RequestId] = e
	}
	e := byID[created]
	require.Equal(t, "sessions", e.Service)
	require.Equal(t, "createSession", *e.OperationId)
	require.Equal(t, "POST", e.Method)
	require.Equal(t, "/sessions", e.Endpoint)
	require.Equal(t, 201, e.StatusCode)
	require.Equal(t, logsapi.Info, e.Level)
	require.Equal(t, "POST /sessions 201 createSession", e.Message)
	require.Greater(t, e.ResponseTimeMs, 0.0)
	require.WithinDuration(t, time.Now(), e.Timestamp, time.Minute)
	require.Equal(t, 404, byID[missing].StatusCode)
	require.Equal(t, logsapi.Warn, byID[missing].Level)
	require.Equal(t, "getSession", *byID[missing].OperationId)
	require.Equal(t, "fountain", byID[unrouted].Service, "no route: the process's name")
	require.Nil(t, byID[unrouted].OperationId)
}

// fakeLogs stands for the Logging Service in another process: it answers every batch with status
// after release is closed, and keeps what it took.
type fakeLogs struct {
	status  int
	release chan struct{}
	mu      sync.Mutex
	entries []logsapi.LogEntryInput
}

func (f *fakeLogs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	<-f.release
	var batch []logsapi.LogEntryInput
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil || r.URL.Path != "/logs" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if f.status == http.StatusCreated {
		f.mu.Lock()
		f.entries = append(f.entries, batch...)
		f.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.status)
	_, _ = w.Write([]byte(`{"accepted":1}`))
}

func remote(t *testing.T, f *fakeLogs) logsapi.ClientInterface {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := logsapi.NewClient(srv.URL)
	require.NoError(t, err)
	return c
}

func requestLine(l *slog.Logger, path string, status int) {
	l.LogAttrs(context.Background(), slog.LevelInfo, "request",
		slog.String("method", "GET"), slog.String("path", path), slog.Int("status", status),
		slog.Float64("duration_ms", 2.5), slog.String("service", "scripts"), slog.String("operation", "getScript"))
}

// TestNeverBlocksAndCountsDrops: with the Logging Service stalled, logging stays immediate; what
// does not fit the queue is dropped and counted, and every line is accounted for in the end.
func TestNeverBlocksAndCountsDrops(t *testing.T) {
	t.Parallel()
	f := &fakeLogs{status: http.StatusCreated, release: make(chan struct{})}
	shipper := logship.New(logship.Options{QueueSize: 50, BatchSize: 10, FlushInterval: time.Millisecond})
	shipper.Start(remote(t, f))
	l := slog.New(shipper.Handler(slog.DiscardHandler)).With(slog.String("request_id", "r"))

	// The fake holds every shipment until release: a logger that waited for the Logging Service
	// would never get through these lines.
	for range 5000 {
		requestLine(l, "/scripts/1", 200)
	}
	require.Greater(t, shipper.Stats().Dropped, uint64(4000))

	close(f.release)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, shipper.Close(ctx))
	st := shipper.Stats()
	require.Equal(t, uint64(5000), st.Shipped+st.Dropped+st.Failed)
	require.Zero(t, st.Failed)
	require.Len(t, f.entries, int(st.Shipped))

	requestLine(l, "/scripts/1", 200)
	require.Equal(t, st.Dropped+1, shipper.Stats().Dropped, "after Close nothing is queued")
}

func TestRefusedBatchesAreCounted(t *testing.T) {
	t.Parallel()
	f := &fakeLogs{status: http.StatusServiceUnavailable, release: make(chan struct{})}
	close(f.release)
	out := &apitest.Output{}
	shipper := logship.New(logship.Options{BatchSize: 4, FlushInterval: time.Hour})
	shipper.Start(remote(t, f))
	l := slog.New(shipper.Handler(slog.NewJSONHandler(out, nil))).With(slog.String("request_id", "r"))
	for range 10 {
		requestLine(l, "/scripts/1", 200)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, shipper.Close(ctx))
	require.Equal(t, logship.Stats{Failed: 10}, shipper.Stats())
	require.Equal(t, 1, strings.Count(out.String(), "request logs not shipped"), "one warning, not one per batch")
	require.Equal(t, 1, strings.Count(out.String(), `"msg":"log shipping stopped"`))
}

// TestEntries checks how request lines become entries the Logging Service accepts, whatever the
// request looked like.
func TestEntries(t *testing.T) {
	t.Parallel()
	f := &fakeLogs{status: http.StatusCreated, release: make(chan struct{})}
	close(f.release)
	shipper := logship.New(logship.Options{FlushInterval: time.Hour, Service: "sequence"})
	shipper.Start(remote(t, f))
	base := slog.New(shipper.Handler(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError})))
	end := time.Date(2026, 11, 25, 20, 0, 1, 0, time.UTC)
	line := func(l *slog.Logger, level slog.Level, attrs ...slog.Attr) {
		r := slog.NewRecord(end, level, "request", 0)
		r.AddAttrs(attrs...)
		require.NoError(t, l.Handler().Handle(context.Background(), r))
	}
	withID := base.With(slog.String("request_id", "id-1"))
	line(withID, slog.LevelInfo, slog.String("method", "get"), slog.String("path", "/sequence"), slog.Int("status", 200), slog.Float64("duration_ms", 1000))
	line(withID, slog.LevelError, slog.String("method", "M-SEARCH"), slog.String("path", "/a\x00b\xff"+strings.Repeat("é", 3000)), slog.Int("status", 500), slog.Float64("duration_ms", 1))
	line(withID, slog.LevelWarn, slog.String("method", "GET"), slog.String("path", "/x"), slog.Int("status", 429), slog.String("service", "scripts"))
	line(withID, slog.LevelInfo, slog.String("method", "GET"), slog.String("path", "/x"), slog.Int("status", 0))
	line(base, slog.LevelInfo, slog.String("method", "GET"), slog.String("path", "/x"), slog.Int("status", 200))
	line(withID.WithGroup("other"), slog.LevelInfo, slog.String("method", "GET"), slog.String("path", "/x"), slog.Int("status", 200))
	line(withID, slog.LevelInfo, slog.String("method", "GET"), slog.String("path", "/openapi/logs.yaml"), slog.Int("status", 200), slog.String("service", "logs"))
	withID.Info("not a request line", slog.String("path", "/x"), slog.Int("status", 200))
	require.True(t, withID.Enabled(context.Background(), slog.LevelInfo), "request lines are shipped below the output's level")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, shipper.Close(ctx))
	require.Len(t, f.entries, 3, "no status, no request id, a group's attributes or the Logging Service's own: not shipped")

	e := f.entries[0]
	require.Equal(t, "GET", e.Method)
	require.Equal(t, end.Add(-time.Second), e.Timestamp, "stamped with when the request began")
	require.Equal(t, "sequence", e.Service, "no route: the process's name")
	require.Equal(t, "id-1", e.RequestId)
	require.Nil(t, e.Level, "the Logging Service derives it from the status")
	require.Equal(t, "GET /sequence 200", e.Message)

	e = f.entries[1]
	require.Equal(t, "OTHER", e.Method, "methods outside the spec's pattern")
	require.Equal(t, 2048, len([]rune(e.Endpoint)))
	require.True(t, strings.HasPrefix(e.Endpoint, "/a\uFFFDb\uFFFDé"))
	require.Equal(t, logsapi.Error, *e.Level)

	require.Equal(t, "scripts", f.entries[2].Service)
	require.Equal(t, logsapi.Warn, *f.entries[2].Level)
}
