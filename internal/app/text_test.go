package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/services"
)

// TestUnstorableTextIsRefused: text PostgreSQL cannot store or compare (U+0000 anywhere, invalid
// UTF-8 in the URL) gets a 400 with an ErrorResponse from every operation, never a 500, and nothing
// is stored.
func TestUnstorableTextIsRefused(t *testing.T) {
	t.Parallel()
	all := services.All()
	env := apitest.NewEnv(t, all...)
	client := env.HTTP // fails the test on any answer the spec does not allow

	send := func(method, path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, env.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	refused := func(method, path, body string) {
		t.Helper()
		status, answer := send(method, path, body)
		require.Equal(t, http.StatusBadRequest, status, "%s %s %s: %s", method, path, body, answer)
		var e struct {
			ErrorCode string
			Details   json.RawMessage
		}
		require.NoError(t, json.Unmarshal([]byte(answer), &e))
		require.Equal(t, "VALIDATION_FAILED", e.ErrorCode, "%s %s", method, path)
		require.Contains(t, detailsText(t, e.Details), "U+0000", "%s %s", method, path)
	}

	for _, svc := range all {
		doc, err := openapi3.NewLoader().LoadFromData(svc.Spec)
		require.NoError(t, err)
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				p := pathParam.ReplaceAllString(path, "1")
				refused(method, p+"?x=a%00b", "")
				refused(method, p+"?x=%FF", "")
				if op.RequestBody != nil {
					refused(method, p, `{"a":{"b":["c\u0000"]}}`)
					refused(method, p, `{"a\u0000":1}`)
				}
			}
		}
	}

	// Bodies that are valid but for one character.
	refused(http.MethodPost, "/scripts", `{"title":"Romeo\u0000"}`)
	refused(http.MethodPost, "/characters", `{"name":"Juliet","description":"\u0000"}`)
	refused(http.MethodPost, "/sequence/version", `{"elementType":"action","elementId":1,"newVersionData":{"a\u0000":"b"}}`)
	refused(http.MethodGet, "/scripts?title=%00", "")
	refused(http.MethodGet, "/characters?name=Juli%FFet", "")
	// A malformed pair beside them does not hide them: the others are still read downstream.
	refused(http.MethodGet, "/scripts?title=%00&x=%zz", "")
	refused(http.MethodGet, "/scripts?title=%FF&a;b", "")
	refused(http.MethodGet, "/logs?requestId=a%00b&x=%zz", "")
	// A JSON body with odd Content-Type parameters is still read as JSON downstream.
	for _, ct := range []string{"application/json; x", "application/json;;", "Application/JSON ; charset", "application/problem+json"} {
		req, err := http.NewRequest(http.MethodPost, env.URL+"/sessions", strings.NewReader(`{"userId":1,"context":"a\u0000"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ct)
		resp, err := client.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Contains(t, []int{http.StatusBadRequest, http.StatusUnsupportedMediaType}, resp.StatusCode, ct)
	}
	// An Idempotency-Key is stored as text too.
	for _, key := range []string{"k\xff", "k\xc3"} {
		req, err := http.NewRequest(http.MethodPost, env.URL+"/scripts", strings.NewReader(`{"title":"Hamlet"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header["Idempotency-Key"] = []string{key}
		resp, err := client.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%q", key)
	}
	status, answer := send(http.MethodGet, "/scripts", "")
	require.Equal(t, http.StatusOK, status, answer)
	require.Contains(t, answer, `"totalCount":0`, "nothing stored")

	// Other answers come first: an unknown path is a 404 and a broken body MALFORMED_JSON.
	status, answer = send(http.MethodGet, "/no/such%00thing", "")
	require.Equal(t, http.StatusNotFound, status, answer)
	status, answer = send(http.MethodPost, "/scripts", `{"title":"\u0000`)
	require.Equal(t, http.StatusBadRequest, status, answer)
	require.Contains(t, answer, "MALFORMED_JSON")

	// A backslash followed by u0000 is ordinary text.
	status, answer = send(http.MethodPost, "/scripts", `{"title":"C:\\u0000"}`)
	require.Equal(t, http.StatusCreated, status, answer)
	require.Contains(t, answer, `"title":"C:\\u0000"`)
}
