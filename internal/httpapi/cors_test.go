package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseOrigin(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{
		"https://app.example.com", "http://localhost:3000", "http://127.0.0.1:8080", "https://xn--bcher-kva.example",
		"https://a-b.example.com:8443", AnyOrigin,
	} {
		got, err := ParseOrigin(ok)
		require.NoError(t, err, ok)
		require.Equal(t, ok, got)
	}
	for _, tc := range []struct{ origin, err string }{
		{"https://app.example.com/", "write it as a browser sends it: https://app.example.com"},
		{"https://App.Example.com", "write it as a browser sends it: https://app.example.com"},
		{"HTTPS://app.example.com", "write it as a browser sends it: https://app.example.com"},
		{"https://app.example.com:443", "write it as a browser sends it: https://app.example.com"},
		{"http://localhost:80", "write it as a browser sends it: http://localhost"},
		{"https://app.example.com/path", "write it as a browser sends it: https://app.example.com"},
		{"app.example.com", "http:// or https://"},
		{"", "http:// or https://"},
		{"ftp://app.example.com", "http:// or https://"},
		{"null", "null origin"},
		{"https://", "no host"},
		{"https://:8080", "no host"},
		{"https:app.example.com", "no host"},
		{"https://user@app.example.com", "no user, query or fragment"},
		{"https://app.example.com?x=1", "no user, query or fragment"},
		{"https://app.example.com#top", "no user, query or fragment"},
		{"https://*.example.com", "no wildcards"},
		{"https://[::1]:3000", "IPv6"},
		{"https://app_example.com", "letters, digits, dots and hyphens"},
		{"https://app.example.com:0", "not 1 to 65535"},
		{"https://app.example.com:70000", "not 1 to 65535"},
		{"https://app.example.com:x", "invalid port"},
	} {
		_, err := ParseOrigin(tc.origin)
		require.ErrorContains(t, err, tc.err, "%q", tc.origin)
		if tc.origin != "" {
			require.ErrorContains(t, err, tc.origin, "the error names the origin")
		}
	}
}

func TestNewCORS(t *testing.T) {
	t.Parallel()
	for _, none := range [][]string{nil, {}} {
		p, err := NewCORS(none)
		require.NoError(t, err)
		require.Nil(t, p, "no origin: no policy")
	}
	p, err := NewCORS([]string{"https://a.example", "http://localhost:3000", "https://a.example"})
	require.NoError(t, err)
	require.Equal(t, []string{"https://a.example", "http://localhost:3000"}, p.Origins(), "in order, once each")
	_, err = NewCORS([]string{"https://a.example", "https://b.example/"})
	require.ErrorContains(t, err, "https://b.example/")
	_, err = NewCORS([]string{"https://a.example", AnyOrigin})
	require.ErrorContains(t, err, "list it alone")

	// The accessors hand out copies: the one policy cannot be changed through them.
	p.Methods()[0] = "TRACE"
	p.RequestHeaders()[0] = "Cookie"
	p.ExposedHeaders()[0] = "Set-Cookie"
	p.Origins()[0] = AnyOrigin
	require.Equal(t, http.MethodGet, p.Methods()[0])
	require.Equal(t, "Authorization", p.RequestHeaders()[0])
	require.Equal(t, "ETag", p.ExposedHeaders()[0])
	require.Equal(t, "https://a.example", p.Origins()[0])
}

// TestNilCORSChangesNothing: without a policy the middleware is the handler it wraps.
func TestNilCORSChangesNothing(t *testing.T) {
	t.Parallel()
	var p *CORS
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodOptions, "/scripts", nil)
	r.Header.Set("Origin", "https://a.example")
	r.Header.Set("Access-Control-Request-Method", http.MethodPost)
	p.Middleware(next).ServeHTTP(rec, r)
	require.Equal(t, http.StatusTeapot, rec.Code)
	require.Empty(t, rec.Header())
}
