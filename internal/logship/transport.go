package logship

import (
	"net/http"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// HandlerClient returns an HTTP client whose requests h serves in-process: a process that serves
// the Logging Service ships to itself through its own handler (validation, idempotency and error
// bodies included) without a network round trip, and keeps doing so while its listener is shut
// down and the last lines are flushed.
func HandlerClient(h http.Handler) *http.Client {
	return &http.Client{Transport: handlerTransport{h}, Timeout: sendTimeout}
}

type handlerTransport struct{ h http.Handler }

// RoundTrip serves req as the process's own ingest credential would: shipping in-process needs no
// secret, since nothing outside the process can make these calls.
func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.WithContext(auth.WithIdentity(req.Context(), auth.Identity{Subject: "ingest", Role: auth.Ingest}))
	return httpapi.ServeInProcess(t.h, req)
}

// KeyClient returns an HTTP client that ships to a Logging Service in another process with the
// ingest key (FOUNTAIN_INGEST_KEY).
func KeyClient(key string) *http.Client {
	return &http.Client{Transport: keyTransport{key: key, next: http.DefaultTransport}, Timeout: sendTimeout}
}

type keyTransport struct {
	key  string
	next http.RoundTripper
}

func (t keyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set(auth.APIKeyHeader, t.key)
	return t.next.RoundTrip(req)
}
