package logs_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/api"
	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

// kongExample is the spec's example of one Kong 3.x http-log object: a GET through Kong to the
// scripts service, with the correlation-id header on request and response.
func kongExample(t *testing.T) map[string]any {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.Logs)
	require.NoError(t, err)
	b, err := json.Marshal(doc.Components.Examples["KongLog"].Value.Value)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestIngestKongMapsThePayload(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	example := kongExample(t)
	status, body := s.post(t, "/logs/kong", "application/json", mustJSON(t, example))
	require.Equal(t, http.StatusCreated, status, string(body))

	page := s.list(t, logsapi.ListLogsParams{})
	require.Len(t, page.Items, 1)
	e := page.Items[0]
	require.Equal(t, logsapi.Kong, e.Source)
	require.Equal(t, time.Date(2026, 11, 25, 20, 0, 0, 123000000, time.UTC), e.Timestamp, "started_at, ms since the epoch")
	require.Equal(t, "scripts", e.Service, "service.name")
	require.Equal(t, "GET", e.Method)
	require.Equal(t, "/scripts/1", e.Endpoint, "request.uri without the query string")
	require.Equal(t, 200, e.StatusCode)
	require.InDelta(t, 5, e.ResponseTimeMs, 1e-9, "latencies.request")
	require.Equal(t, "2f6946328ffc4946b8c9120704a4a155", *e.RequestId, "the correlation-id header")
	require.Equal(t, "172.18.0.1", *e.ClientIp)
	require.Equal(t, logsapi.Info, e.Level)
	require.Nil(t, e.OperationId)
	require.Equal(t, "GET /scripts/1 200 via kong route scripts-getScript", e.Message)
	require.NotNil(t, e.Kong)
	require.JSONEq(t, mustJSON(t, example), string(*e.Kong), "the whole object is kept")
}

// TestIngestKongKeepsOddMethods: Kong logs any method a client sent; one outside the Method schema
// is stored as OTHER, and the batch it came in is stored whole.
func TestIngestKongKeepsOddMethods(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	var batch []string
	want := map[string]string{"get": "GET", "M-SEARCH": "OTHER", strings.Repeat("A", 21): "OTHER", "geſ": "OTHER", "PROPFIND": "PROPFIND"}
	for sent := range want {
		o := kongExample(t)
		o["request"].(map[string]any)["method"] = sent
		batch = append(batch, mustJSON(t, o))
	}
	status, body := s.post(t, "/logs/kong", "application/json", "["+strings.Join(batch, ",")+"]")
	require.Equal(t, http.StatusCreated, status, string(body))
	got := map[string]string{}
	for _, e := range s.list(t, logsapi.ListLogsParams{}).Items {
		var raw struct{ Request struct{ Method string } }
		require.NoError(t, json.Unmarshal(*e.Kong, &raw))
		got[raw.Request.Method] = e.Method
	}
	require.Equal(t, want, got)
}

// TestIngestKongBatch is a batch as the plugin's queue sends it, with a request Kong answered
// itself before any service matched and id headers in the forms Kong logs them.
func TestIngestKongBatch(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	proxied := kongExample(t)
	refused := map[string]any{
		"request": map[string]any{
			"id": "9a1b2c3d4e5f60718293a4b5c6d7e8f9", "method": "POST", "uri": "/nowhere?x=1",
			"url": "http://localhost:8000/nowhere?x=1", "size": 80, "querystring": map[string]any{"x": "1"},
			"headers": map[string]any{"host": "localhost:8000"},
		},
		"response":     map[string]any{"status": 404, "size": 120, "headers": map[string]any{"content-type": "application/json"}},
		"latencies":    map[string]any{"request": 0, "kong": 0, "proxy": -1},
		"client_ip":    "10.0.0.7",
		"started_at":   1795636801000,
		"upstream_uri": "",
		"source":       "kong",
		"consumer":     map[string]any{"username": "agent-7"},
	}
	repeated := kongExample(t)
	repeated["started_at"] = 1795636802000
	repeated["request"].(map[string]any)["headers"] = map[string]any{"x-request-id": []any{"first-id", "second-id"}}
	repeated["response"].(map[string]any)["headers"] = map[string]any{}

	status, body := s.post(t, "/logs/kong", "application/json", mustJSON(t, []any{proxied, refused, repeated}))
	require.Equal(t, http.StatusCreated, status, string(body))
	var result logsapi.IngestResult
	require.NoError(t, json.Unmarshal(body, &result))
	require.Equal(t, 3, result.Accepted)

	page := s.list(t, logsapi.ListLogsParams{})
	require.Equal(t, []string{"first-id", "9a1b2c3d4e5f60718293a4b5c6d7e8f9", "2f6946328ffc4946b8c9120704a4a155"}, requestIDs(page),
		"a repeated header counts its first value; without the header, Kong's request.id")
	nf := page.Items[1]
	require.Equal(t, "kong", nf.Service, "no Kong service matched")
	require.Equal(t, "/nowhere", nf.Endpoint)
	require.Equal(t, "POST", nf.Method)
	require.Equal(t, 404, nf.StatusCode)
	require.Equal(t, logsapi.Warn, nf.Level)
	require.Equal(t, "POST /nowhere 404 via kong", nf.Message)
	require.Contains(t, string(*nf.Kong), `"agent-7"`, "fields this service does not read are kept")
}

func TestIngestKongRefusesMalformedObjectsWhole(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	mutate := func(f func(m map[string]any)) string {
		good := kongExample(t)
		f(good)
		return "[" + mustJSON(t, kongExample(t)) + "," + mustJSON(t, good) + "]"
	}
	for name, body := range map[string]string{
		"no started_at":         mutate(func(m map[string]any) { delete(m, "started_at") }),
		"started_at negative":   mutate(func(m map[string]any) { m["started_at"] = -5 }),
		"started_at a string":   mutate(func(m map[string]any) { m["started_at"] = "yesterday" }),
		"no request":            mutate(func(m map[string]any) { delete(m, "request") }),
		"no request.uri":        mutate(func(m map[string]any) { delete(m["request"].(map[string]any), "uri") }),
		"empty request.method":  mutate(func(m map[string]any) { m["request"].(map[string]any)["method"] = "" }),
		"status out of range":   mutate(func(m map[string]any) { m["response"].(map[string]any)["status"] = 999 }),
		"status a string":       mutate(func(m map[string]any) { m["response"].(map[string]any)["status"] = "200" }),
		"service name a number": mutate(func(m map[string]any) { m["service"].(map[string]any)["name"] = 7 }),
		"NUL in a header":       strings.Replace(mutate(func(m map[string]any) {}), `"curl/8.5.0"`, `"curl\u0000"`, 1),
		"empty batch":           "[]",
		"a number":              "42",
	} {
		status, resp := s.post(t, "/logs/kong", "application/json", body)
		require.Equal(t, http.StatusBadRequest, status, "%s: %s", name, resp)
		require.Equal(t, "VALIDATION_FAILED", apitest.ErrorCode(t, resp), name)
	}
	require.Zero(t, s.stored(t), "nothing of a refused batch is stored")
}

// TestIngestKongStoresOddText: Kong logs headers as clients sent them; text jsonb cannot hold as
// written (invalid UTF-8, a lone surrogate) is stored as Go's decoder reads it.
func TestIngestKongStoresOddText(t *testing.T) {
	t.Parallel()
	s := newLogsService(t)
	body := strings.Replace(mustJSON(t, kongExample(t)), `"curl/8.5.0"`, "\"curl\xff \\ud800 \\u00e9\"", 1)
	status, resp := s.post(t, "/logs/kong", "application/json", body)
	require.Equal(t, http.StatusCreated, status, string(resp))
	page := s.list(t, logsapi.ListLogsParams{})
	require.Len(t, page.Items, 1)
	var kong struct {
		Request struct {
			Headers map[string]string `json:"headers"`
		} `json:"request"`
	}
	require.NoError(t, json.Unmarshal(*page.Items[0].Kong, &kong))
	require.Equal(t, "curl\uFFFD \uFFFD \u00e9", kong.Request.Headers["user-agent"])
}
