// Package apitest runs the full FountainAI handler stack against a test database and checks every
// response a test receives against the spec of the service that answered it. A test starts from
// NewEnv: the services it names on a database of its own, and clients of every API.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/service"
)

// NewServer serves services on pool from an httptest server closed when t ends; they call each
// other in-process, as in `fountain serve`.
func NewServer(t testing.TB, pool *pgxpool.Pool, services ...service.Service) *httptest.Server {
	t.Helper()
	return NewServerWithPeers(t, pool, nil, services...)
}

// NewServerWithPeers is NewServer where the services not listed are reached at peerURLs, e.g. a
// closed port to see how a service answers when a dependency is down.
func NewServerWithPeers(t testing.TB, pool *pgxpool.Pool, peerURLs map[string]string, services ...service.Service) *httptest.Server {
	t.Helper()
	return newServer(t, pool, peerURLs, 0, services...)
}

// DefaultPeerTimeout bounds the calls between the services of a test server: far above what a call
// takes, so that a machine loaded by other tests slows a test down instead of turning a slow call
// into a 503. A test of what a timeout answers sets its own (Options.PeerTimeout).
const DefaultPeerTimeout = 30 * time.Second

// newServer is NewServerWithPeers with peerTimeout bounding each call to a peer (0: DefaultPeerTimeout).
func newServer(t testing.TB, pool *pgxpool.Pool, peerURLs map[string]string, peerTimeout time.Duration, services ...service.Service) *httptest.Server {
	t.Helper()
	if peerTimeout == 0 {
		peerTimeout = DefaultPeerTimeout
	}
	// Everything the server logs is searched for the credentials tests sent, when the test ends.
	logs := &Output{}
	t.Cleanup(func() { checkLogs(t, logs) })
	h, err := app.Handler(services, app.Options{
		Pool: pool, Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), PeerURLs: peerURLs, PeerTimeout: peerTimeout,
		Auth: Auth(t, pool),
	})
	if err != nil {
		t.Fatalf("apitest: build handler: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// Client returns an HTTP client whose every response is validated against the specs of services; a
// response the spec does not allow fails t. It acts as an admin of the default tenant, and posts
// request logs with the ingest key, the only credential allowed to (a request that carries
// credentials of its own keeps them).
func Client(t testing.TB, services ...service.Service) *http.Client {
	t.Helper()
	c := ClientAs(t, auth.DefaultTenant, auth.Admin, services...)
	c.Transport.(*validatingTransport).ingest = true
	return c
}

// ClientAs is Client acting for tenant with role.
func ClientAs(t testing.TB, tenant string, role auth.Role, services ...service.Service) *http.Client {
	t.Helper()
	c := Anonymous(t, services...)
	v := c.Transport.(*validatingTransport)
	v.next = authtest.Transport(tenant, role, v.next)
	return c
}

// IngestClient is Client with the ingest credential of the gateway and the services: the one that
// may post request logs.
func IngestClient(t testing.TB, services ...service.Service) *http.Client {
	t.Helper()
	return ClientAs(t, "", auth.Ingest, services...)
}

// Anonymous is Client sending no credentials but those a request carries.
func Anonymous(t testing.TB, services ...service.Service) *http.Client {
	t.Helper()
	var rs []routers.Router
	for _, s := range services {
		doc, err := openapi3.NewLoader().LoadFromData(s.Spec)
		if err != nil {
			t.Fatalf("apitest: load %s spec: %v", s.Name, err)
		}
		doc.Servers = nil
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			t.Fatalf("apitest: route %s spec: %v", s.Name, err)
		}
		rs = append(rs, r)
	}
	return &http.Client{Transport: &validatingTransport{t: t, routers: rs, next: http.DefaultTransport}}
}

type validatingTransport struct {
	t       testing.TB
	routers []routers.Router
	next    http.RoundTripper
	// ingest sends the ingest key to the operations that take only it.
	ingest bool
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if v.ingest && req.Header.Get("Authorization") == "" && req.Header.Get(auth.APIKeyHeader) == "" {
		if route, _ := v.find(req); route != nil && route.Operation.Extensions["x-fountain-role"] == string(auth.Ingest) {
			req = req.Clone(req.Context())
			req.Header.Set(auth.APIKeyHeader, authtest.IngestKey)
		}
	}
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	sent := req
	if resp.Request != nil {
		sent = resp.Request // with the credential an inner transport added
	}
	for _, h := range []string{"Authorization", auth.APIKeyHeader} {
		if c := sent.Header.Get(h); c != "" {
			_, token, _ := strings.Cut(c, " ")
			RecordSecret(c)
			RecordSecret(token)
		}
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if resp.Header.Get(httpapi.RequestIDHeader) == "" {
		v.t.Errorf("%s %s: response has no %s header", req.Method, req.URL.Path, httpapi.RequestIDHeader)
	}
	route, params := v.find(req)
	if route == nil {
		// Outside every spec (unknown path or method): the body must still be an ErrorResponse.
		if resp.StatusCode >= 400 {
			checkErrorBody(v.t, req, resp.StatusCode, body)
		}
		return resp, nil
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: resp.StatusCode,
		Header: resp.Header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true, // a status the operation does not declare is a failure
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		v.t.Errorf("%s %s -> %d: response does not match the spec: %v\nbody: %s", req.Method, req.URL.Path, resp.StatusCode, err, body)
	}
	if resp.StatusCode >= 400 {
		checkErrorBody(v.t, req, resp.StatusCode, body)
	}
	if s := leaked(body); s != "" && resp.StatusCode >= 400 {
		v.t.Errorf("%s %s -> %d: the error body holds a credential the test sent: %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return resp, nil
}

func (v *validatingTransport) find(req *http.Request) (*routers.Route, map[string]string) {
	for _, r := range v.routers {
		if route, params, err := r.FindRoute(req); err == nil {
			return route, params
		}
	}
	return nil, nil
}

func checkErrorBody(t testing.TB, req *http.Request, status int, body []byte) {
	var e struct {
		ErrorCode *string `json:"errorCode"`
		Message   *string `json:"message"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.ErrorCode == nil || e.Message == nil || *e.ErrorCode == "" {
		t.Errorf("%s %s -> %d: body is not an ErrorResponse: %s", req.Method, req.URL.Path, status, body)
	}
	if status >= 500 && status != http.StatusServiceUnavailable && status != http.StatusBadGateway {
		t.Errorf("%s %s -> %d: a 5xx is a bug: %s", req.Method, req.URL.Path, status, body)
	}
}
