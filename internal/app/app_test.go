package app_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/metrics"
	"github.com/fountainai/fountainai/services"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// logBuffer collects the JSON log lines of a handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// requestLines returns the "request" log lines by request id.
func (b *logBuffer) requestLines(t *testing.T) map[string][]map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	lines := map[string][]map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line))
		if line["msg"] == "request" {
			id, _ := line["request_id"].(string)
			lines[id] = append(lines[id], line)
		}
	}
	return lines
}

func parseMetrics(r io.Reader) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(r)
}

type counts map[[4]string]float64 // service, operation, method, status

// scrape reads the request counter from the handler's /metrics.
func scrape(t *testing.T, h http.Handler) counts {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	families, err := parseMetrics(rec.Body)
	require.NoError(t, err)
	c := counts{}
	if f, ok := families[metrics.RequestsTotal]; ok {
		for _, m := range f.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			c[[4]string{l["service"], l["operation"], l["method"], l["status"]}] = m.GetCounter().GetValue()
		}
	}
	return c
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestEveryOperationIsAttributed sends one request to every operation of every service's spec and
// finds each under its service and operationId, in the request log line and in the request metrics.
// The requests carry no valid bodies and name missing resources: what is checked is attribution, not
// the answer.
func TestEveryOperationIsAttributed(t *testing.T) {
	t.Parallel()
	logs := &logBuffer{}
	pool := dbtest.NewPool(t)
	h, err := app.Handler(services.All(), app.Options{
		Pool: pool, Logger: slog.New(slog.NewJSONHandler(logs, nil)), Auth: apitest.Auth(t, pool),
	})
	require.NoError(t, err)

	type sent struct{ service, operation, method, path string }
	requests := map[string]sent{}
	add := func(id string, s sent) {
		req := httptest.NewRequest(s.method, s.path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Request-Id", id)
		req.Header.Set("Authorization", "Bearer "+authtest.Token(auth.DefaultTenant, auth.Admin))
		h.ServeHTTP(httptest.NewRecorder(), req)
		requests[id] = s
	}
	for _, svc := range services.All() {
		doc, err := openapi3.NewLoader().LoadFromData(svc.Spec)
		require.NoError(t, err)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				add("op-"+op.OperationID, sent{svc.Name, op.OperationID, method, pathParam.ReplaceAllString(path, "999999")})
			}
		}
		add("spec-"+svc.Name, sent{svc.Name, "openapiSpec", http.MethodGet, "/openapi/" + svc.Name + ".yaml"})
	}
	add("healthz", sent{"process", "healthz", http.MethodGet, "/healthz"})
	add("readyz", sent{"process", "readyz", http.MethodGet, "/readyz"})
	add("head", sent{"scripts", "listScripts", http.MethodHead, "/scripts"})
	add("unknown-path", sent{metrics.Unmatched, metrics.Unmatched, http.MethodGet, "/no/such/thing"})
	add("wrong-method", sent{metrics.Unmatched, metrics.Unmatched, http.MethodDelete, "/healthz"})
	add("odd-method", sent{metrics.Unmatched, metrics.Unmatched, "BREW", "/scripts"})
	add("unclean-path", sent{"scripts", "listScripts", http.MethodGet, "/scripts/../scripts"})

	lines := logs.requestLines(t)
	got := scrape(t, h)
	seen := map[[2]string]float64{}
	for k, v := range got {
		seen[[2]string{k[0], k[1]}] += v
	}
	for id, s := range requests {
		var line map[string]any
		for _, l := range lines[id] {
			// In-process calls to other services carry the same request id: pick the request sent.
			if l["method"] == s.method && l["path"] == s.path {
				line = l
			}
		}
		require.NotNil(t, line, "%s %s: no request log line", s.method, s.path)
		if s.service == metrics.Unmatched {
			require.NotContains(t, line, "service", "%s %s", s.method, s.path)
			require.NotContains(t, line, "operation", "%s %s", s.method, s.path)
		} else {
			require.Equal(t, s.service, line["service"], "%s %s", s.method, s.path)
			require.Equal(t, s.operation, line["operation"], "%s %s", s.method, s.path)
		}
		require.GreaterOrEqual(t, seen[[2]string{s.service, s.operation}], 1.0, "%s %s: not counted as %s/%s", s.method, s.path, s.service, s.operation)
	}
	require.Equal(t, 1.0, got[[4]string{metrics.Unmatched, metrics.Unmatched, "OTHER", "405"}], "BREW /scripts")
	require.Equal(t, 1.0, got[[4]string{"process", "readyz", "GET", "200"}])
	require.Equal(t, 1.0, got[[4]string{"scripts", "listScripts", "GET", "307"}], "the redirect to the clean path")
}

// Not parallel: the allocation counter is process-wide, and no other test of this package may
// allocate while this one counts.
func TestSequenceAllocationsAreCounted(t *testing.T) {
	pool := dbtest.NewPool(t)
	h, err := app.Handler(services.All(), app.Options{Pool: pool, Logger: slog.New(slog.DiscardHandler), Auth: apitest.Auth(t, pool)})
	require.NoError(t, err)
	allocations := func() float64 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		families, err := parseMetrics(rec.Body)
		require.NoError(t, err)
		return families[metrics.SequenceAllocsTotal].GetMetric()[0].GetCounter().GetValue()
	}
	allocate := func(body string) int {
		req := httptest.NewRequest(http.MethodPost, "/sequence", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+authtest.Token(auth.DefaultTenant, auth.Writer))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	before := allocations()
	require.Equal(t, http.StatusCreated, allocate(`{"elementType":"script","elementId":1}`))
	require.Equal(t, http.StatusCreated, allocate(`{"elementType":"script","elementId":2}`))
	require.Equal(t, before+2, allocations())
	// Asking again for an element that holds a position allocates nothing.
	require.Equal(t, http.StatusCreated, allocate(`{"elementType":"script","elementId":1}`))
	require.Equal(t, before+2, allocations())
}

// Each handler has its own registry: tests (and processes) building several see only their own
// requests.
func TestHandlersHaveTheirOwnRegistries(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	build := func() http.Handler {
		h, err := app.Handler(services.All(), app.Options{Pool: pool, Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		return h
	}
	a, b := build(), build()
	for range 3 {
		a.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	}
	key := [4]string{"process", "healthz", "GET", "200"}
	require.Equal(t, 3.0, scrape(t, a)[key])
	require.NotContains(t, scrape(t, b), key)
}
