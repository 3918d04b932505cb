package app_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/idempotency"
	"github.com/fountainai/fountainai/internal/metrics"
	"github.com/fountainai/fountainai/services"
)

const (
	allowedOrigin = "https://app.example.com"
	otherOrigin   = "https://evil.example.net"
)

// corsHandler is the whole handler with policy, logging to logs.
func corsHandler(t *testing.T, policy *httpapi.CORS, logs *logBuffer) http.Handler {
	t.Helper()
	pool := dbtest.NewPool(t)
	h, err := app.Handler(services.All(), app.Options{
		Pool: pool, Logger: slog.New(slog.NewJSONHandler(logs, nil)), Auth: apitest.Auth(t, pool), CORS: policy,
	})
	require.NoError(t, err)
	return h
}

// send serves one request; origin and credential are left out when empty.
func send(h http.Handler, method, path, origin, body string, header http.Header) *httptest.ResponseRecorder {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, path, nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		r.Header[k] = vs
	}
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func preflight(method, headers string) http.Header {
	h := http.Header{"Access-Control-Request-Method": {method}}
	if headers != "" {
		h.Set("Access-Control-Request-Headers", headers)
	}
	return h
}

var admin = http.Header{"Authorization": {"Bearer " + authtest.Token(auth.DefaultTenant, auth.Admin)}}

// corsHeaders are the response's Access-Control-* headers.
func corsHeaders(rec *httptest.ResponseRecorder) http.Header {
	out := http.Header{}
	for k, v := range rec.Header() {
		if strings.HasPrefix(k, "Access-Control-") {
			out[k] = v
		}
	}
	return out
}

func varies(rec *httptest.ResponseRecorder, header string) bool {
	for _, v := range rec.Header().Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), header) {
				return true
			}
		}
	}
	return false
}

func TestCORSPolicyCoversTheAPIsHeaders(t *testing.T) {
	t.Parallel()
	p, err := httpapi.NewCORS([]string{allowedOrigin})
	require.NoError(t, err)
	// The credentials and the retry key are named where they are read; the policy lets a browser
	// send them.
	require.Contains(t, p.RequestHeaders(), auth.APIKeyHeader)
	require.Contains(t, p.RequestHeaders(), "Authorization")
	require.Contains(t, p.RequestHeaders(), idempotency.Header)
	require.Contains(t, p.RequestHeaders(), httpapi.RequestIDHeader)
	require.Contains(t, p.ExposedHeaders(), httpapi.RequestIDHeader)
}

func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	policy, err := httpapi.NewCORS([]string{allowedOrigin, "http://localhost:3000"})
	require.NoError(t, err)
	logs := &logBuffer{}
	h := corsHandler(t, policy, logs)

	// Allowed: answered without a credential, for any operation's path and method.
	for _, tc := range []struct{ method, path, headers string }{
		{http.MethodPost, "/scripts", "authorization,content-type,idempotency-key"},
		{http.MethodPatch, "/scripts/1", "content-type,if-match,x-api-key"},
		{http.MethodDelete, "/characters/7", "x-api-key"},
		{http.MethodGet, "/stories?scriptId=1", "authorization,if-none-match,x-request-id"},
		{http.MethodPut, "/sessions/1/context", ""},
	} {
		hdr := preflight(tc.method, tc.headers)
		hdr.Set(httpapi.RequestIDHeader, "preflight-"+tc.method)
		rec := send(h, http.MethodOptions, tc.path, allowedOrigin, "", hdr)
		require.Equal(t, http.StatusNoContent, rec.Code, "%s %s", tc.method, tc.path)
		require.Empty(t, rec.Body.String())
		got := corsHeaders(rec)
		require.Equal(t, allowedOrigin, got.Get("Access-Control-Allow-Origin"), "%s %s", tc.method, tc.path)
		require.Equal(t, tc.method, got.Get("Access-Control-Allow-Methods"))
		require.Equal(t, tc.headers, got.Get("Access-Control-Allow-Headers"))
		require.Equal(t, "600", got.Get("Access-Control-Max-Age"))
		require.NotContains(t, got, "Access-Control-Allow-Credentials", "credentials are headers, not cookies")
		require.True(t, varies(rec, "Origin"))
		require.Equal(t, "preflight-"+tc.method, rec.Header().Get(httpapi.RequestIDHeader), "preflights get their request id")
	}
	rec := send(h, http.MethodOptions, "/scripts", "http://localhost:3000", "", preflight(http.MethodPost, ""))
	require.Equal(t, "http://localhost:3000", rec.Header().Get("Access-Control-Allow-Origin"), "each allowed origin is answered as itself")

	// Refused: another origin, a method or a header outside the policy. The browser sees no
	// Access-Control-Allow-Origin and does not send the request.
	for _, tc := range []struct {
		origin string
		hdr    http.Header
	}{
		{otherOrigin, preflight(http.MethodPost, "content-type")},
		{"https://app.example.com.evil.example.net", preflight(http.MethodGet, "")},
		{"http://app.example.com", preflight(http.MethodGet, "")},
		{"null", preflight(http.MethodGet, "")},
		{allowedOrigin, preflight("TRACE", "")},
		{allowedOrigin, preflight(http.MethodPost, "content-type,cookie")},
	} {
		rec := send(h, http.MethodOptions, "/scripts", tc.origin, "", tc.hdr)
		require.Empty(t, corsHeaders(rec), "%s %v", tc.origin, tc.hdr)
		require.True(t, varies(rec, "Origin"), "a cache must not serve one origin's answer to another")
	}

	// Logged and counted like any request: one line with its status and origin, and in the
	// metrics under the unmatched route, outside the services' error and latency ratios.
	lines := logs.requestLines(t)
	require.Len(t, lines["preflight-POST"], 1)
	line := lines["preflight-POST"][0]
	require.Equal(t, "OPTIONS", line["method"])
	require.Equal(t, "/scripts", line["path"])
	require.EqualValues(t, http.StatusNoContent, line["status"])
	require.Equal(t, allowedOrigin, line["origin"])
	require.Equal(t, true, line["cors_allowed"])
	require.NotContains(t, line, "tenant", "no credential was asked for")
	refused := 0
	for _, ls := range lines {
		for _, l := range ls {
			if l["origin"] == otherOrigin {
				require.Equal(t, false, l["cors_allowed"])
				refused++
			}
		}
	}
	require.Equal(t, 1, refused)
	c := scrape(t, h)
	require.Equal(t, float64(5+1+6), c[[4]string{metrics.Unmatched, metrics.Unmatched, http.MethodOptions, "204"}])
}

func TestCORSActualRequests(t *testing.T) {
	t.Parallel()
	policy, err := httpapi.NewCORS([]string{allowedOrigin})
	require.NoError(t, err)
	h := corsHandler(t, policy, &logBuffer{})

	created := send(h, http.MethodPost, "/scripts", allowedOrigin, `{"title":"Hamlet"}`, admin)
	require.Equal(t, http.StatusCreated, created.Code, created.Body.String())
	var script struct {
		ScriptID int `json:"scriptId"`
	}
	require.NoError(t, json.Unmarshal(created.Body.Bytes(), &script))
	location := "/scripts/" + strconv.Itoa(script.ScriptID)

	// Every answer to an allowed origin, errors and the unknown-route fallback included, lets the
	// page read it and the headers it needs.
	for _, tc := range []struct {
		method, path, body string
		header             http.Header
		status             int
	}{
		{http.MethodPost, "/scripts", `{"title":"Macbeth"}`, admin, http.StatusCreated},
		{http.MethodGet, location, "", admin, http.StatusOK},
		{http.MethodHead, location, "", admin, http.StatusOK},
		{http.MethodGet, "/scripts", "", nil, http.StatusUnauthorized},
		{http.MethodGet, "/scripts/999999", "", admin, http.StatusNotFound},
		{http.MethodGet, "/no/such/path", "", admin, http.StatusNotFound},
		{http.MethodDelete, "/healthz", "", nil, http.StatusMethodNotAllowed},
		{http.MethodPost, "/scripts", `{"title":`, admin, http.StatusBadRequest},
		{http.MethodGet, "/healthz", "", nil, http.StatusOK},
	} {
		rec := send(h, tc.method, tc.path, allowedOrigin, tc.body, tc.header)
		what := tc.method + " " + tc.path
		require.Equal(t, tc.status, rec.Code, what)
		require.Equal(t, allowedOrigin, rec.Header().Get("Access-Control-Allow-Origin"), what)
		exposed := strings.Split(rec.Header().Get("Access-Control-Expose-Headers"), ", ")
		require.Subset(t, exposed, []string{"Etag", "Location", "X-Request-Id", "Www-Authenticate", "Retry-After"}, what)
		require.NotContains(t, rec.Header(), "Access-Control-Allow-Credentials", what)
		require.True(t, varies(rec, "Origin"), what)
		if tc.status == http.StatusUnauthorized {
			require.NotEmpty(t, rec.Header().Get("WWW-Authenticate"), "the page can read why")
		}
	}

	// Another origin, or none (same origin, or not a browser): the answer is unchanged, without
	// permission to read it.
	for _, origin := range []string{otherOrigin, ""} {
		rec := send(h, http.MethodGet, "/scripts", origin, "", admin)
		require.Equal(t, http.StatusOK, rec.Code, origin)
		require.Empty(t, corsHeaders(rec), origin)
		require.True(t, varies(rec, "Origin"), origin)
		rec = send(h, http.MethodGet, "/scripts", origin, "", nil)
		require.Equal(t, http.StatusUnauthorized, rec.Code, origin)
		require.Empty(t, corsHeaders(rec), origin)
	}

	// An OPTIONS request that is not a preflight is no operation: it is routed as before.
	rec := send(h, http.MethodOptions, "/scripts", allowedOrigin, "", nil)
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	require.Equal(t, allowedOrigin, rec.Header().Get("Access-Control-Allow-Origin"))
}

func TestCORSAnyOrigin(t *testing.T) {
	t.Parallel()
	policy, err := httpapi.NewCORS([]string{httpapi.AnyOrigin})
	require.NoError(t, err)
	h := corsHandler(t, policy, &logBuffer{})
	for _, origin := range []string{allowedOrigin, otherOrigin, "http://localhost:5173"} {
		rec := send(h, http.MethodOptions, "/scripts", origin, "", preflight(http.MethodPost, "content-type,x-api-key"))
		require.Equal(t, http.StatusNoContent, rec.Code)
		require.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"), origin)
		require.NotContains(t, rec.Header(), "Access-Control-Allow-Credentials", "never with *")
		rec = send(h, http.MethodGet, "/scripts", origin, "", admin)
		require.Equal(t, http.StatusOK, rec.Code)
		require.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"), origin)
		require.Contains(t, rec.Header().Get("Access-Control-Expose-Headers"), "Etag")
	}
}

// TestNoCORSWithoutOrigins: with no origin configured nothing changes, OPTIONS included.
func TestNoCORSWithoutOrigins(t *testing.T) {
	t.Parallel()
	logs := &logBuffer{}
	h := corsHandler(t, nil, logs)

	hdr := preflight(http.MethodPost, "content-type,x-api-key")
	hdr.Set(httpapi.RequestIDHeader, "no-cors-preflight")
	rec := send(h, http.MethodOptions, "/scripts", allowedOrigin, "", hdr)
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code, "OPTIONS is served as before")
	require.ElementsMatch(t, []string{"GET", "HEAD", "POST"}, strings.Split(strings.ReplaceAll(rec.Header().Get("Allow"), " ", ""), ","))
	require.Empty(t, corsHeaders(rec))
	require.False(t, varies(rec, "Origin"))
	require.NotContains(t, logs.requestLines(t)["no-cors-preflight"][0], "origin", "no policy: nothing to say about origins")

	for _, tc := range []struct {
		path   string
		header http.Header
		status int
	}{
		{"/scripts", admin, http.StatusOK},
		{"/scripts", nil, http.StatusUnauthorized},
		{"/no/such/path", admin, http.StatusNotFound},
	} {
		rec := send(h, http.MethodGet, tc.path, allowedOrigin, "", tc.header)
		require.Equal(t, tc.status, rec.Code, tc.path)
		require.Empty(t, corsHeaders(rec), tc.path)
		require.False(t, varies(rec, "Origin"), tc.path)
	}
}
