package app_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/service"
)

// No operation of ours is deprecated yet, so these tests serve a spec of their own: /drafts is
// deprecated and documented by the spec alone, /outlines is deprecated with documentation of its
// own, /scenes is current.
const deprecationSpec = `openapi: 3.0.3
info: {title: Drafts, version: 1.0.0}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
    apiKeyAuth: {type: apiKey, in: header, name: X-API-Key}
security: [{bearerAuth: []}, {apiKeyAuth: []}]
paths:
  /drafts:
    get:
      operationId: listDrafts
      deprecated: true
      x-deprecated-at: "2026-12-01"
      x-sunset: 2027-06-30
      responses: {"200": {description: drafts}}
  /outlines:
    get:
      operationId: listOutlines
      deprecated: true
      x-deprecated-at: 2026-12-01T12:00:00+01:00
      x-sunset: "2027-07-01T00:00:00Z"
      externalDocs: {url: "https://fountain.example/outlines-go"}
      responses: {"200": {description: outlines}}
  /scenes:
    get:
      operationId: listScenes
      responses: {"200": {description: scenes}}
`

func deprecationService(spec string) service.Service {
	return service.Service{
		Name:  "drafts",
		Title: "deprecation test",
		Spec:  []byte(spec),
		Mount: func(mux *http.ServeMux, _ service.Deps) error {
			for _, p := range []string{"/drafts", "/outlines", "/scenes"} {
				mux.HandleFunc("GET "+p, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Link", `</scenes?page=2>; rel="next"`)
					if p != "/outlines" { // which answers with the implicit 200 of a handler that writes nothing
						w.WriteHeader(http.StatusOK)
					}
				})
			}
			return nil
		},
	}
}

// TestDeprecatedOperationsAnnounceIt: every response of a deprecated operation, its refusals
// included, carries Deprecation, Sunset and a deprecation link next to its own links; the other
// operations and the process endpoints carry none.
func TestDeprecatedOperationsAnnounceIt(t *testing.T) {
	t.Parallel()
	srv := apitest.NewServer(t, dbtest.NewPool(t), deprecationService(deprecationSpec))
	reader := authtest.Client(auth.DefaultTenant, auth.Reader)
	anonymous := &http.Client{}

	drafts := map[string]string{
		"Deprecation": "@" + strconv.FormatInt(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).Unix(), 10),
		"Sunset":      "Wed, 30 Jun 2027 00:00:00 GMT",
	}
	outlines := map[string]string{
		"Deprecation": "@" + strconv.FormatInt(time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC).Unix(), 10),
		"Sunset":      "Thu, 01 Jul 2027 00:00:00 GMT",
	}
	for _, c := range []struct {
		client *http.Client
		method string
		path   string
		status int
		want   map[string]string
		link   string
	}{
		{reader, http.MethodGet, "/drafts", http.StatusOK, drafts, `</openapi/drafts.yaml>; rel="deprecation"`},
		{reader, http.MethodHead, "/drafts", http.StatusOK, drafts, `</openapi/drafts.yaml>; rel="deprecation"`},
		{anonymous, http.MethodGet, "/drafts", http.StatusUnauthorized, drafts, `</openapi/drafts.yaml>; rel="deprecation"`},
		{reader, http.MethodGet, "/outlines", http.StatusOK, outlines, `<https://fountain.example/outlines-go>; rel="deprecation"`},
		{reader, http.MethodGet, "/scenes", http.StatusOK, nil, ""},
		{anonymous, http.MethodGet, "/scenes", http.StatusUnauthorized, nil, ""},
		{anonymous, http.MethodGet, "/openapi/drafts.yaml", http.StatusOK, nil, ""},
		{anonymous, http.MethodGet, "/healthz", http.StatusOK, nil, ""},
	} {
		req, err := http.NewRequest(c.method, srv.URL+c.path, nil)
		require.NoError(t, err)
		resp, err := c.client.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		name := c.method + " " + c.path
		require.Equal(t, c.status, resp.StatusCode, name)
		for _, h := range []string{"Deprecation", "Sunset"} {
			require.Equal(t, c.want[h], resp.Header.Get(h), "%s: %s", name, h)
		}
		links := resp.Header.Values("Link")
		if c.link == "" {
			require.NotContains(t, strings.Join(links, ","), "deprecation", name)
			continue
		}
		require.Contains(t, links, c.link, name)
		if c.status == http.StatusOK {
			require.Contains(t, links, `</scenes?page=2>; rel="next"`, "%s: the operation's own link stays", name)
		}
	}
}

// TestDeprecationsAreDatedOrRefused: a process does not start with a deprecated operation that
// does not say when it was deprecated and when it may go, with a malformed date, with less than the
// six months VERSIONING.md promises between the two, or with dates on an operation that is not
// deprecated.
func TestDeprecationsAreDatedOrRefused(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	for _, c := range []struct{ replace, with, refusal string }{
		{`      x-deprecated-at: "2026-12-01"` + "\n", "", "GET /drafts: is deprecated without x-deprecated-at"},
		{`      x-sunset: 2027-06-30` + "\n", "", "GET /drafts: is deprecated without x-sunset"},
		{`x-sunset: 2027-06-30`, `x-sunset: 30/06/2027`, `GET /drafts: x-sunset: "30/06/2027" is not an RFC 3339 date`},
		{`x-sunset: 2027-06-30`, `x-sunset: 2027-06-31`, `GET /drafts: x-sunset: "2027-06-31" is not an RFC 3339 date`},
		{`x-deprecated-at: "2026-12-01"`, `x-deprecated-at: "yesterday"`, `GET /drafts: x-deprecated-at: "yesterday" is not an RFC 3339 date`},
		{`x-sunset: 2027-06-30`, `x-sunset: 2027-05-31`, "GET /drafts: x-sunset 2027-05-31 is less than 6 months after x-deprecated-at 2026-12-01"},
		{"      responses: {\"200\": {description: scenes}}", "      x-sunset: 2027-06-30\n      responses: {\"200\": {description: scenes}}",
			"GET /scenes: has x-deprecated-at or x-sunset but is not deprecated: true"},
	} {
		spec := strings.Replace(deprecationSpec, c.replace, c.with, 1)
		require.NotEqual(t, deprecationSpec, spec, "the case changes the spec: %q", c.replace)
		_, err := app.Handler([]service.Service{deprecationService(spec)}, app.Options{Pool: pool, Auth: apitest.Auth(t, pool)})
		require.ErrorContains(t, err, "drafts spec: "+c.refusal)
	}

	// Six months to the day is enough.
	spec := strings.Replace(deprecationSpec, `x-sunset: 2027-06-30`, `x-sunset: 2027-06-01`, 1)
	h, err := app.Handler([]service.Service{deprecationService(spec)}, app.Options{Pool: pool, Auth: apitest.Auth(t, pool)})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/drafts", nil)
	req.Header.Set("Authorization", "Bearer "+authtest.Token(auth.DefaultTenant, auth.Reader))
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "Tue, 01 Jun 2027 00:00:00 GMT", rec.Header().Get("Sunset"))
}
