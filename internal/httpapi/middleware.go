package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	nethttpmiddleware "github.com/oapi-codegen/nethttp-middleware"
)

// RequestIDHeader carries the request id in both directions; the gateway's correlation-id plugin
// sets the same header, so one id follows a request through Kong, the services and their logs.
const RequestIDHeader = "X-Request-Id"

// MaxBody is the largest request body any service reads.
const (
	MaxBody     = 1 << 20
	MaxBodyText = "1048576 bytes"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	loggerKey
	routeKey
	logAttrsKey
)

// AddLogAttrs adds attributes to the log line of the request ctx belongs to (its tenant and
// subject, once it is authenticated): inner middlewares learn what the outermost one logs.
func AddLogAttrs(ctx context.Context, attrs ...slog.Attr) {
	if p, ok := ctx.Value(logAttrsKey).(*[]slog.Attr); ok {
		*p = append(*p, attrs...)
	}
}

// Route names the operation a request is routed to: the service and the spec's operationId. Logs
// and metrics are labelled with it rather than with the path, which would be unbounded.
type Route struct {
	Service   string
	Operation string
}

// WithRoute returns ctx carrying the route of the request being served.
func WithRoute(ctx context.Context, r Route) context.Context {
	return context.WithValue(ctx, routeKey, r)
}

// RouteFrom returns the route of the request being served; ok is false when no route matched.
func RouteFrom(ctx context.Context) (r Route, ok bool) {
	r, ok = ctx.Value(routeKey).(Route)
	return r, ok
}

// RequestID returns the id of the request being served, or "" outside one.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// LoggerFrom returns the request's logger (carrying its id), or the default logger.
func LoggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// WithRequestID returns ctx carrying id, so outgoing calls to other services can pass it on.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Observe assigns the request id (keeping a well-formed incoming one), answers it in the response
// header, recovers panics into a 500 ErrorResponse and writes one structured log line per request,
// naming the service and operation when an outer middleware has put the request's Route in its
// context.
func Observe(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			id := r.Header.Get(RequestIDHeader)
			if !validRequestID.MatchString(id) {
				id = newRequestID()
			}
			w.Header().Set(RequestIDHeader, id)
			reqLogger := logger.With(slog.String("request_id", id))
			ctx := context.WithValue(WithRequestID(r.Context(), id), loggerKey, reqLogger)
			var extra []slog.Attr
			ctx = context.WithValue(ctx, logAttrsKey, &extra)
			r = r.WithContext(ctx)
			rec := NewStatusRecorder(w)

			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					reqLogger.Error("panic", slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
					if !rec.wroteHeader {
						WriteError(rec, http.StatusInternalServerError, CodeInternal, "internal error", "request id: "+id)
					}
				}
				level := slog.LevelInfo
				if rec.status >= 500 {
					level = slog.LevelError
				}
				attrs := []slog.Attr{
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", rec.Status()),
					slog.Int64("bytes", rec.bytes),
					slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
					slog.String("remote", r.RemoteAddr),
				}
				if ua := r.UserAgent(); ua != "" {
					attrs = append(attrs, slog.String("user_agent", ua))
				}
				if route, ok := RouteFrom(ctx); ok {
					attrs = append(attrs, slog.String("service", route.Service), slog.String("operation", route.Operation))
				}
				reqLogger.LogAttrs(ctx, level, "request", append(attrs, extra...)...)
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

// StatusRecorder passes a response through and remembers its status and size.
type StatusRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (s *StatusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *StatusRecorder) Write(b []byte) (int, error) {
	if !s.wroteHeader {
		s.WriteHeader(http.StatusOK)
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// NewStatusRecorder records what is written to w.
func NewStatusRecorder(w http.ResponseWriter) *StatusRecorder {
	return &StatusRecorder{ResponseWriter: w}
}

// Status is the response's status; 200 when the handler set none.
func (s *StatusRecorder) Status() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *StatusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// LimitBody caps every request body at MaxBody; reading past it fails with *http.MaxBytesError,
// which the validator and the strict handler turn into 413.
func LimitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBody {
			writeTooLarge(w)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		next.ServeHTTP(w, r)
	})
}

// Validator checks every request against spec before the handler runs and answers failures with
// the ErrorResponse body. The spec must only list the routes it is mounted for.
func Validator(spec *openapi3.T) func(http.Handler) http.Handler {
	registerDecoders.Do(func() {
		// A Fountain screenplay is text; the validator reads it as it reads text/plain.
		openapi3filter.RegisterBodyDecoder("text/x-fountain", openapi3filter.PlainBodyDecoder)
	})
	spec.Servers = nil // match on path alone: the same spec serves behind Kong and on any host
	return nethttpmiddleware.OapiRequestValidatorWithOptions(spec, &nethttpmiddleware.Options{
		Options: openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			KeepValidatedValue: true,
		},
		ErrorHandlerWithOpts: func(ctx context.Context, err error, w http.ResponseWriter, r *http.Request, opts nethttpmiddleware.ErrorHandlerOpts) {
			if opts.MatchedRoute == nil {
				notFound(w, r)
				return
			}
			status, body := validationError(err, opts.StatusCode)
			WriteJSON(w, status, body)
		},
	})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	WriteError(w, http.StatusNotFound, CodeNotFound, "no such resource", r.Method+" "+r.URL.Path)
}

var registerDecoders sync.Once

// Fallback answers what the mux itself cannot route (unknown paths, wrong methods) with
// ErrorResponse bodies instead of the mux's plain text.
func Fallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &headerProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch probe.status {
		case http.StatusMethodNotAllowed:
			if allow := probe.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			WriteError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "method not allowed on this path",
				r.Method+" "+r.URL.Path)
		case http.StatusNotFound, 0:
			notFound(w, r)
		default:
			// Redirects the mux issues for cleaned paths are passed through unchanged.
			mux.ServeHTTP(w, r)
		}
	})
}

// headerProbe records what the mux's own not-found or not-allowed handler would answer.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(code int)        { p.status = code }

// HeadAsGet serves HEAD wherever GET is served, as HTTP requires of every server: the request is
// routed and validated as the GET the specs declare, and the server discards the body written to a
// HEAD response, keeping its status and headers.
func HeadAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			r = r.WithContext(r.Context())
			r.Method = http.MethodGet
		}
		next.ServeHTTP(w, r)
	})
}

// Chain applies middlewares so that the first one listed is outermost.
func Chain(h http.Handler, mws ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}
