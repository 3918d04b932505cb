package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNoneMatch(t *testing.T) {
	for _, tc := range []struct {
		header, current string
		want            bool
	}{
		{"", `"1"`, false},
		{"*", `W/"x"`, true},
		{`"1"`, `"1"`, true},
		{`W/"1"`, `"1"`, true},
		{`"1"`, `W/"1"`, true},
		{`"2", W/"1"`, `"1"`, true},
		{`"1.2"`, `"1.3"`, false},
		{`"2"`, `"1"`, false},
	} {
		require.Equal(t, tc.want, NoneMatch(tc.header, tc.current), "If-None-Match %s against %s", tc.header, tc.current)
	}
}

func TestConditional(t *testing.T) {
	body := []byte(`{"items":[]}`)
	handler := func(status int, tag string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if tag != "" {
				w.Header().Set("ETag", tag)
			}
			w.WriteHeader(status)
			_, _ = w.Write(body)
		})
	}
	serve := func(h http.Handler, method, inm string, applies bool) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/things", nil)
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		w := httptest.NewRecorder()
		Conditional(func(*http.Request) bool { return applies })(h).ServeHTTP(w, r)
		return w
	}

	first := serve(handler(200, ""), http.MethodGet, "", true)
	require.Equal(t, 200, first.Code)
	require.Equal(t, WeakETag(body), first.Header().Get("ETag"))
	require.Equal(t, string(body), first.Body.String())

	held := serve(handler(200, ""), http.MethodGet, first.Header().Get("ETag"), true)
	require.Equal(t, http.StatusNotModified, held.Code)
	require.Empty(t, held.Body.String())
	require.Empty(t, held.Header().Get("Content-Type"))
	require.Equal(t, first.Header().Get("ETag"), held.Header().Get("ETag"))

	strong := serve(handler(200, `"4"`), http.MethodGet, `"4"`, true)
	require.Equal(t, http.StatusNotModified, strong.Code, "the handler's own tag is the one compared")
	require.Equal(t, `"4"`, strong.Header().Get("ETag"))
	require.Equal(t, 200, serve(handler(200, `"5"`), http.MethodGet, `"4"`, true).Code)

	// Errors, writes and requests outside the operations pass through untouched.
	missing := serve(handler(404, ""), http.MethodGet, "*", true)
	require.Equal(t, 404, missing.Code)
	require.Empty(t, missing.Header().Get("ETag"))
	require.Equal(t, 200, serve(handler(200, ""), http.MethodPost, "*", true).Code)
	other := serve(handler(200, ""), http.MethodGet, "*", false)
	require.Equal(t, 200, other.Code)
	require.Empty(t, other.Header().Get("ETag"))

	// A peer's call in this process is left alone unless it asks to revalidate.
	peer := func(inm string) *http.Response {
		r := httptest.NewRequest(http.MethodGet, "/things", nil)
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		resp, err := ServeInProcess(Conditional(func(*http.Request) bool { return true })(handler(200, "")), r)
		require.NoError(t, err)
		return resp
	}
	require.Empty(t, peer("").Header.Get("ETag"))
	require.Equal(t, http.StatusNotModified, peer(WeakETag(body)).StatusCode)
}
