package app

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// The extensions that date a deprecated operation (VERSIONING.md, "Deprecations"): when the
// deprecation was announced, and when the operation may be removed. Both are RFC 3339 dates
// ("2027-06-30") or date-times.
const (
	deprecatedAtExtension = "x-deprecated-at"
	sunsetExtension       = "x-sunset"
)

// minDeprecationPeriod is the least time VERSIONING.md promises between announcing a deprecation
// and removing the operation; a spec whose dates promise less is refused.
const minDeprecationPeriod = 6 // months

// deprecation is what every response of a deprecated operation announces: the Deprecation header
// (RFC 9745), the Sunset header (RFC 8594) and a link to where the deprecation is described.
type deprecation struct {
	since  time.Time
	sunset time.Time
	link   string
}

// deprecationOf reads op's deprecation from its spec, or nil when it is not deprecated. Clients can
// only plan for a removal whose date they are told, so a deprecated operation without both dates,
// a malformed date, or a date on an operation that is not deprecated stops the process from
// starting rather than being served silently.
func deprecationOf(service string, op *openapi3.Operation) (*deprecation, error) {
	since, hasSince, err := dateExtension(op, deprecatedAtExtension)
	if err != nil {
		return nil, err
	}
	sunset, hasSunset, err := dateExtension(op, sunsetExtension)
	if err != nil {
		return nil, err
	}
	if !op.Deprecated {
		if hasSince || hasSunset {
			return nil, fmt.Errorf("has %s or %s but is not deprecated: true", deprecatedAtExtension, sunsetExtension)
		}
		return nil, nil
	}
	if !hasSince {
		return nil, fmt.Errorf("is deprecated without %s, the date the deprecation was announced", deprecatedAtExtension)
	}
	if !hasSunset {
		return nil, fmt.Errorf("is deprecated without %s, the date it may be removed", sunsetExtension)
	}
	if sunset.Before(since.AddDate(0, minDeprecationPeriod, 0)) {
		return nil, fmt.Errorf("%s %s is less than %d months after %s %s", sunsetExtension, sunset.Format(time.DateOnly),
			minDeprecationPeriod, deprecatedAtExtension, since.Format(time.DateOnly))
	}
	// The operation's own documentation when it has one; else the spec as this process serves it,
	// which marks the operation deprecated and says what replaces it. A relative reference
	// resolves against the request's URL, so it holds behind the gateway too.
	link := "/openapi/" + service + ".yaml"
	if op.ExternalDocs != nil && op.ExternalDocs.URL != "" {
		link = op.ExternalDocs.URL
	}
	return &deprecation{since: since, sunset: sunset, link: link}, nil
}

// dateExtension reads op's extension name as an RFC 3339 date or date-time; a date is the start of
// its day in UTC.
func dateExtension(op *openapi3.Operation, name string) (time.Time, bool, error) {
	v, ok := op.Extensions[name]
	if !ok {
		return time.Time{}, false, nil
	}
	s, _ := v.(string)
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true, nil
		}
	}
	return time.Time{}, false, errors.New(name + ": " + strconv.Quote(fmt.Sprint(v)) + " is not an RFC 3339 date such as 2027-06-30")
}

// set writes d's headers. Link is added to, not replaced: a response may carry links of its own.
func (d *deprecation) set(h http.Header) {
	h.Set("Deprecation", "@"+strconv.FormatInt(d.since.Unix(), 10))
	h.Set("Sunset", d.sunset.Format(http.TimeFormat))
	link := "<" + d.link + `>; rel="deprecation"`
	if !slices.Contains(h.Values("Link"), link) {
		h.Add("Link", link)
	}
}

// announceDeprecation sets the deprecation headers on every response of a deprecated operation,
// refusals (401, 413, 400) as well as successes. They are set when the header is written, after
// whatever answers has set its own: a handler that sets its Link replaces the values before it.
func announceDeprecation(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, ok := r.Context().Value(deprecationKey{}).(*deprecation)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		dw := &deprecationWriter{ResponseWriter: w, d: d}
		next.ServeHTTP(dw, r)
		// A handler that writes nothing gets an implicit 200 once it returns; its header is
		// still open here.
		dw.announce()
	})
}

// deprecationWriter writes its deprecation's headers with the response header.
type deprecationWriter struct {
	http.ResponseWriter
	d       *deprecation
	written bool
}

func (w *deprecationWriter) announce() {
	if !w.written {
		w.written = true
		w.d.set(w.Header())
	}
}

func (w *deprecationWriter) WriteHeader(status int) {
	w.announce()
	w.ResponseWriter.WriteHeader(status)
}

func (w *deprecationWriter) Write(b []byte) (int, error) {
	w.announce()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer (flushes, deadlines).
func (w *deprecationWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
