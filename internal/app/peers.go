package app

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// peers reaches services in this process through the process's own handler (no network, but the
// same validation, logging and error bodies as any client gets) and the others at their URLs.
type peers struct {
	local   map[string]bool
	urls    map[string]string
	timeout time.Duration
	logger  *slog.Logger
	handler atomic.Pointer[http.Handler]
	remote  http.RoundTripper
}

// peerTransport keeps connections to the other services open between calls. The default transport
// keeps two idle per host: under a few dozen concurrent requests most calls dial anew, paying a
// handshake each and leaving a TIME_WAIT entry behind, which sustained load turns into a shortage
// of local ports.
func peerTransport() http.RoundTripper {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// PeerURLEnv names the environment variable holding the base URL of service name, e.g.
// FOUNTAIN_SEQUENCE_URL.
func PeerURLEnv(name string) string { return "FOUNTAIN_" + strings.ToUpper(name) + "_URL" }

// PeerURLsFromEnv reads the base URLs of the named services from the environment.
func PeerURLsFromEnv(names []string) map[string]string {
	urls := map[string]string{}
	for _, n := range names {
		if u := os.Getenv(PeerURLEnv(n)); u != "" {
			urls[n] = strings.TrimRight(u, "/")
		}
	}
	return urls
}

func (p *peers) Peer(name string) (string, *http.Client) {
	if p.local[name] {
		return "http://in-process", &http.Client{Transport: inProcess{p}, Timeout: p.timeout}
	}
	if u, ok := p.urls[name]; ok {
		return u, &http.Client{Transport: forwardRequestID{p.remote}, Timeout: p.timeout}
	}
	err := fmt.Errorf("service %q is not served by this process and %s is not set", name, PeerURLEnv(name))
	return "http://" + name + ".invalid", &http.Client{Transport: &unreachable{err: err, service: name, logger: p.logger}}
}

// unreachable fails every call to a service this process has no address for. It warns at the first
// call, not when the client is built: services build clients of every peer, and a process whose
// operations never call a peer has no reason to know its address.
type unreachable struct {
	err     error
	service string
	logger  *slog.Logger
	warned  sync.Once
}

func (u *unreachable) RoundTrip(*http.Request) (*http.Response, error) {
	u.warned.Do(func() {
		u.logger.Warn("peer service unreachable; the operations that need it answer 503", slog.String("service", u.service), slog.String("error", u.err.Error()))
	})
	return nil, u.err
}

// forwardRequestID carries the request id and the credential of the request being served to the
// services it calls.
type forwardRequestID struct{ next http.RoundTripper }

func (f forwardRequestID) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if id := httpapi.RequestID(req.Context()); id != "" && req.Header.Get(httpapi.RequestIDHeader) == "" {
		req.Header.Set(httpapi.RequestIDHeader, id)
	}
	// The service called verifies the caller's credential again and acts for the same identity.
	auth.ForwardCredential(req.Context(), req)
	return f.next.RoundTrip(req)
}

// inProcess serves a request with the process's own handler.
type inProcess struct{ p *peers }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	h := t.p.handler.Load()
	if h == nil {
		return nil, fmt.Errorf("in-process call to %s before the handler is built", req.URL.Path)
	}
	if id := httpapi.RequestID(req.Context()); id != "" && req.Header.Get(httpapi.RequestIDHeader) == "" {
		req = req.Clone(req.Context())
		req.Header.Set(httpapi.RequestIDHeader, id)
	}
	return httpapi.ServeInProcess(*h, req)
}
