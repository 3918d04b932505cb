package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// DetailsAsList gives the error bodies of the services for which asList is true their `details` as
// an array of strings. The published contract is not uniform: v2's Character Management document
// declares `details` an array, the other four a string, and a client generated from either fails to
// decode the other shape. The shared plumbing (authentication, body limits, request validation,
// idempotency, panics, unknown routes) writes Error with one string for every service; this
// middleware, placed where the route is known and outside all of that plumbing, turns that string
// into a one-item array for the services whose spec asks for one. A body whose details are already
// an array (a handler's typed response) passes unchanged.
func DetailsAsList(asList func(service string) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			route, ok := RouteFrom(r.Context())
			if !ok || !asList(route.Service) {
				next.ServeHTTP(w, r)
				return
			}
			lw := &listWriter{ResponseWriter: w}
			next.ServeHTTP(lw, r)
			lw.finish()
		})
	}
}

// listWriter holds back a JSON error body until the handler is done, so its details can be
// rewritten; every other answer goes straight through.
type listWriter struct {
	http.ResponseWriter
	wroteHeader bool
	holding     bool
	status      int
	body        bytes.Buffer
}

func (l *listWriter) WriteHeader(status int) {
	if l.wroteHeader {
		return
	}
	l.wroteHeader = true
	if status >= 400 && isJSON(l.Header().Get("Content-Type")) {
		l.holding, l.status = true, status
		return
	}
	l.ResponseWriter.WriteHeader(status)
}

func (l *listWriter) Write(b []byte) (int, error) {
	if !l.wroteHeader {
		l.WriteHeader(http.StatusOK)
	}
	if l.holding {
		return l.body.Write(b)
	}
	return l.ResponseWriter.Write(b)
}

// Flush passes on only what is not held back: a held error body is written whole by finish.
func (l *listWriter) Flush() {
	if l.holding {
		return
	}
	_ = http.NewResponseController(l.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (l *listWriter) Unwrap() http.ResponseWriter { return l.ResponseWriter }

func (l *listWriter) finish() {
	if !l.holding {
		return
	}
	body := detailsToList(l.body.Bytes())
	if l.Header().Get("Content-Length") != "" {
		l.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	l.ResponseWriter.WriteHeader(l.status)
	_, _ = l.ResponseWriter.Write(body)
}

// detailsToList returns body with a string `details` made a one-item array; any other body (not a
// JSON object, no details, details already an array) is returned as it is.
func detailsToList(body []byte) []byte {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return body
	}
	var details string
	if raw, ok := fields["details"]; !ok || json.Unmarshal(raw, &details) != nil {
		return body
	}
	list, err := json.Marshal([]string{details})
	if err != nil {
		return body
	}
	fields["details"] = list
	out, err := json.Marshal(fields)
	if err != nil {
		return body
	}
	return append(out, '\n')
}
