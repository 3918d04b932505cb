package logship

import (
	"net/http"

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

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return httpapi.ServeInProcess(t.h, req)
}
