package apitest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/gen/accessapi"
	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/service"
)

// Env is services served in one process on a test database of their own, as `fountain serve` runs
// them, with clients of every API. Its Clients act as Client does: an admin of the default tenant.
type Env struct {
	Clients
	// Pool is the database the services serve, for checks a client cannot make.
	Pool     *pgxpool.Pool
	services []service.Service
}

// Options are the ways an Env departs from the default.
type Options struct {
	// Pool is the database to serve: one shared with another Env stands for a replica. Default: a
	// fresh migrated database.
	Pool *pgxpool.Pool
	// MaxConns sizes the pool of a fresh database; default 8.
	MaxConns int32
	// Peers are the URLs of services not served, e.g. a fake or a closed port.
	Peers map[string]string
	// PeerTimeout bounds each call to another service; default DefaultPeerTimeout.
	PeerTimeout time.Duration
}

// NewEnv serves services on a fresh database; everything is closed when t ends.
func NewEnv(t testing.TB, services ...service.Service) Env {
	t.Helper()
	return NewEnvWith(t, Options{}, services...)
}

// NewEnvWith is NewEnv with opts.
func NewEnvWith(t testing.TB, opts Options, services ...service.Service) Env {
	t.Helper()
	pool := opts.Pool
	if pool == nil {
		n := opts.MaxConns
		if n == 0 {
			n = 8
		}
		pool = dbtest.PoolFor(t, dbtest.New(t), n)
	}
	srv := newServer(t, pool, opts.Peers, opts.PeerTimeout, services...)
	return Env{Clients: NewClients(t, srv.URL, Client(t, services...)), Pool: pool, services: services}
}

// As is the Clients of the Env acting for tenant with role; every response is checked against the
// specs of the services served.
func (e Env) As(t testing.TB, tenant string, role auth.Role) Clients {
	t.Helper()
	return NewClients(t, e.URL, ClientAs(t, tenant, role, e.services...))
}

// Anonymous is the Clients of the Env sending no credentials but those a request carries.
func (e Env) Anonymous(t testing.TB) Clients {
	t.Helper()
	return NewClients(t, e.URL, Anonymous(t, e.services...))
}

// WithKey is the Clients of the Env sending the API key key as their only credential.
func (e Env) WithKey(t testing.TB, key string) Clients {
	t.Helper()
	hc := Anonymous(t, e.services...)
	hc.Transport = authtest.WithCredential(auth.APIKeyHeader, key, hc.Transport)
	return NewClients(t, e.URL, hc)
}

// Clients are the generated clients of every API, on one base URL and one HTTP client.
type Clients struct {
	Sequence   *sequenceapi.ClientWithResponses
	Scripts    *scriptsapi.ClientWithResponses
	Characters *charactersapi.ClientWithResponses
	Sessions   *sessionsapi.ClientWithResponses
	Stories    *storiesapi.ClientWithResponses
	Logs       *logsapi.ClientWithResponses
	Access     *accessapi.ClientWithResponses
	// URL is the base URL and HTTP the client that sends every request, for the requests the
	// generated clients cannot make.
	URL  string
	HTTP *http.Client
}

// NewClients builds every client on url, sending through hc.
func NewClients(t testing.TB, url string, hc *http.Client) Clients {
	t.Helper()
	c := Clients{URL: url, HTTP: hc}
	var err error
	if c.Sequence, err = sequenceapi.NewClientWithResponses(url, sequenceapi.WithHTTPClient(hc)); err != nil {
		t.Fatalf("apitest: sequence client: %v", err)
	}
	if c.Scripts, err = scriptsapi.NewClientWithResponses(url, scriptsapi.WithHTTPClient(hc)); err != nil {
		t.Fatalf("apitest: scripts client: %v", err)
	}
	if c.Characters, err = charactersapi.NewClientWithResponses(url, charactersapi.WithHTTPClient(hc)); err != nil {
		t.Fatalf("apitest: characters client: %v", err)
	}
	if c.Sessions, err = sessionsapi.NewClientWithResponses(url, sessionsapi.WithHTTPClient(hc)); err != nil {
		t.Fatalf("apitest: sessions client: %v", err)
	}
	if c.Stories, err = storiesapi.NewClientWithResponses(url, storiesapi.WithHTTPClient(hc)); err != nil {
		t.Fatalf("apitest: stories client: %v", err)
	}
	if c.Logs, err = logsapi.NewClientWithResponses(url, logsapi.WithHTTPClient(hc)); err != nil {
		t.Fatalf("apitest: logs client: %v", err)
	}
	if c.Access, err = accessapi.NewClientWithResponses(url, accessapi.WithHTTPClient(hc)); err != nil {
		t.Fatalf("apitest: access client: %v", err)
	}
	return c
}

// Do sends a raw request to path, for bodies and headers the generated clients cannot produce: a
// body is sent as JSON unless header (name, value pairs) sets another Content-Type. It returns the
// status, headers and body of the answer.
func (c Clients) Do(t testing.TB, method, path, body string, header ...string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.URL+path, r)
	if err != nil {
		t.Fatalf("apitest: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("apitest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("apitest: %s %s: read body: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, b
}

// ErrorCode is the errorCode of an ErrorResponse body; a body that is not JSON fails t.
func ErrorCode(t testing.TB, body []byte) string {
	t.Helper()
	var e struct {
		ErrorCode string `json:"errorCode"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("apitest: not an ErrorResponse: %v: %s", err, body)
	}
	return e.ErrorCode
}
