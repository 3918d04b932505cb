// Package fountain is the Go SDK of the FountainAI APIs: one client per service, generated from the
// OpenAPI specs (packages sequence, scripts, characters, sessions, stories, logs and access), made
// together by New with one base URL and one credential, and Error, the body of every error answer.
//
//	c, err := fountain.New("http://localhost:8080", fountain.WithAPIKey(key))
//	script, err := fountain.Call(c.Scripts.CreateScriptWithResponse(ctx, nil, scripts.ScriptRequest{Title: "Hamlet"}))
//
// Every service answers under the same base URL when they run in one process (fountain serve) or
// behind the gateway; WithServiceURL points one service elsewhere.
package fountain

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/fountainai/fountainai/sdk/go/access"
	"github.com/fountainai/fountainai/sdk/go/characters"
	"github.com/fountainai/fountainai/sdk/go/logs"
	"github.com/fountainai/fountainai/sdk/go/scripts"
	"github.com/fountainai/fountainai/sdk/go/sequence"
	"github.com/fountainai/fountainai/sdk/go/sessions"
	"github.com/fountainai/fountainai/sdk/go/stories"
)

// Client holds a typed client of every service.
type Client struct {
	Sequence   *sequence.ClientWithResponses
	Scripts    *scripts.ClientWithResponses
	Characters *characters.ClientWithResponses
	Sessions   *sessions.ClientWithResponses
	Stories    *stories.ClientWithResponses
	Logs       *logs.ClientWithResponses
	Access     *access.ClientWithResponses
}

// Doer sends HTTP requests; *http.Client is one.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Option configures New.
type Option func(*config) error

type config struct {
	header, value string // the credential's header and value; empty: none
	doer          Doer
	services      map[string]string
}

// The credential headers the services accept.
const (
	APIKeyHeader        = "X-API-Key"
	AuthorizationHeader = "Authorization"
)

// WithAPIKey sends key (a fai_… API key) in X-API-Key with every request.
func WithAPIKey(key string) Option {
	return func(c *config) error { return c.credential(APIKeyHeader, key, "an API key") }
}

// WithBearerToken sends token (a JWT) as Authorization: Bearer with every request.
func WithBearerToken(token string) Option {
	return func(c *config) error { return c.credential(AuthorizationHeader, "Bearer "+token, "a bearer token") }
}

func (c *config) credential(header, value, what string) error {
	if c.header != "" {
		// Two credentials would leave it to the server which one counts.
		return errors.New("fountain: more than one credential (WithAPIKey, WithBearerToken)")
	}
	if value == "" || value == "Bearer " {
		return fmt.Errorf("fountain: %s is empty", what)
	}
	c.header, c.value = header, value
	return nil
}

// WithHTTPClient sends the requests through d instead of http.DefaultClient: for timeouts, proxies,
// retries or a transport of your own.
func WithHTTPClient(d Doer) Option {
	return func(c *config) error {
		if d == nil {
			return errors.New("fountain: WithHTTPClient(nil)")
		}
		c.doer = d
		return nil
	}
}

// Services names the services, as WithServiceURL takes them.
var Services = []string{"sequence", "scripts", "characters", "sessions", "stories", "logs", "access"}

// WithServiceURL sends the requests of service (one of Services) to baseURL instead of New's: for
// services deployed apart without the gateway in front.
func WithServiceURL(service, baseURL string) Option {
	return func(c *config) error {
		for _, s := range Services {
			if s == service {
				if err := checkURL(baseURL); err != nil {
					return err
				}
				c.services[service] = baseURL
				return nil
			}
		}
		return fmt.Errorf("fountain: no service %q (one of %v)", service, Services)
	}
}

func checkURL(baseURL string) error {
	u, err := url.Parse(baseURL)
	if err != nil {
		return fmt.Errorf("fountain: base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("fountain: base URL %q: want http(s)://host[:port][/path]", baseURL)
	}
	return nil
}

// New makes the clients of every service at baseURL (e.g. http://localhost:8080, or the gateway's
// URL).
func New(baseURL string, opts ...Option) (*Client, error) {
	if err := checkURL(baseURL); err != nil {
		return nil, err
	}
	cfg := &config{doer: http.DefaultClient, services: map[string]string{}}
	for _, o := range opts {
		if err := o(cfg); err != nil {
			return nil, err
		}
	}
	at := func(service string) string {
		if u, ok := cfg.services[service]; ok {
			return u
		}
		return baseURL
	}
	doer := cfg.doer
	if cfg.header != "" {
		doer = credentialDoer{header: cfg.header, value: cfg.value, next: cfg.doer}
	}
	var c Client
	var err error
	if c.Sequence, err = sequence.NewClientWithResponses(at("sequence"), sequence.WithHTTPClient(doer)); err != nil {
		return nil, err
	}
	if c.Scripts, err = scripts.NewClientWithResponses(at("scripts"), scripts.WithHTTPClient(doer)); err != nil {
		return nil, err
	}
	if c.Characters, err = characters.NewClientWithResponses(at("characters"), characters.WithHTTPClient(doer)); err != nil {
		return nil, err
	}
	if c.Sessions, err = sessions.NewClientWithResponses(at("sessions"), sessions.WithHTTPClient(doer)); err != nil {
		return nil, err
	}
	if c.Stories, err = stories.NewClientWithResponses(at("stories"), stories.WithHTTPClient(doer)); err != nil {
		return nil, err
	}
	if c.Logs, err = logs.NewClientWithResponses(at("logs"), logs.WithHTTPClient(doer)); err != nil {
		return nil, err
	}
	if c.Access, err = access.NewClientWithResponses(at("access"), access.WithHTTPClient(doer)); err != nil {
		return nil, err
	}
	return &c, nil
}

// credentialDoer adds the credential when the request is sent, after every request editor ran, so
// that a credential set on one request (an editor passed to a call) wins: it may act for someone
// else.
type credentialDoer struct {
	header, value string
	next          Doer
}

func (d credentialDoer) Do(req *http.Request) (*http.Response, error) {
	if req.Header.Get(APIKeyHeader) == "" && req.Header.Get(AuthorizationHeader) == "" {
		req.Header.Set(d.header, d.value)
	}
	return d.next.Do(req)
}
