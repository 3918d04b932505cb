// Package httpapi holds the HTTP plumbing every FountainAI service shares: the error body all specs
// declare, request validation against a service's embedded spec, request ids, structured request logs,
// panic recovery, body limits, and JSON answers for paths and methods no service serves.
package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/fountainai/fountainai/internal/dbx"
)

// Error is the ErrorResponse body of every FountainAI spec. Each generated package has its own
// ErrorResponse type of this shape; the plumbing writes this one so it needs none of them.
type Error struct {
	ErrorCode string `json:"errorCode"`
	Message   string `json:"message"`
	Details   string `json:"details,omitempty"`
}

// Error codes shared by every service; services add their own business codes.
const (
	CodeValidationFailed     = "VALIDATION_FAILED"
	CodeMalformedJSON        = "MALFORMED_JSON"
	CodeNotFound             = "NOT_FOUND"
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	CodePayloadTooLarge      = "PAYLOAD_TOO_LARGE"
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	CodeInternal             = "INTERNAL"
	CodeUnavailable          = "UNAVAILABLE"
	CodeClientClosed         = "CLIENT_CLOSED_REQUEST"
)

// WriteError answers with status and the ErrorResponse body.
func WriteError(w http.ResponseWriter, status int, code, message, details string) {
	WriteJSON(w, status, Error{ErrorCode: code, Message: message, Details: details})
}

// WriteJSON answers with status and v encoded as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteInternal answers 500 without any internal detail; the request id lets an operator find the
// logged cause.
func WriteInternal(w http.ResponseWriter, r *http.Request, err error) {
	id := RequestID(r.Context())
	LoggerFrom(r.Context()).Error("internal error", slog.String("error", err.Error()))
	WriteError(w, http.StatusInternalServerError, CodeInternal, "internal error", "request id: "+id)
}

// RequestErrorHandler is the strict server's RequestErrorHandlerFunc: the body passed validation
// but could not be decoded into the handler's types.
func RequestErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	if tooLarge(err) {
		writeTooLarge(w)
		return
	}
	WriteError(w, http.StatusBadRequest, CodeMalformedJSON, "request body is not valid JSON for this operation", "")
}

// ResponseErrorHandler is the strict server's ResponseErrorHandlerFunc: the handler returned an
// error. An error that carries its answer is answered with it; an unavailable database or
// dependency is a 503 with Retry-After; anything else is a bug, a 500 whose cause stays in the log.
// A request whose context has ended has nobody to read its answer (a client that went away, or an
// in-process call its caller gave up on): it is answered 499, as proxies do, so that it is neither
// counted nor logged as an error of the service.
func ResponseErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	if a, ok := errors.AsType[Answerer](err); ok {
		a.Answer(w)
		return
	}
	if r.Context().Err() != nil {
		LoggerFrom(r.Context()).Info("request abandoned by its client", slog.String("error", err.Error()))
		WriteError(w, StatusClientClosed, CodeClientClosed, "the client closed the request", "")
		return
	}
	if dep, ok := asDependencyFailure(err); ok {
		writeDependencyFailure(w, r, dep)
		return
	}
	if IsUnavailable(err) {
		LoggerFrom(r.Context()).Warn("database unavailable", slog.String("error", err.Error()))
		WriteUnavailable(w, CodeUnavailable, "database unavailable", "retry later")
		return
	}
	WriteInternal(w, r, err)
}

// StatusClientClosed is the status recorded for a request whose client went away before the
// answer: no client sees it.
const StatusClientClosed = 499

// RetryAfter is the wait, in seconds, suggested with every 503.
const RetryAfter = 1

// WriteUnavailable answers 503 with Retry-After.
func WriteUnavailable(w http.ResponseWriter, code, message, details string) {
	w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	WriteError(w, http.StatusServiceUnavailable, code, message, details)
}

// ParamErrorHandler is the generated router's ErrorHandlerFunc for parameters it cannot bind.
func ParamErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	WriteError(w, http.StatusBadRequest, CodeValidationFailed, "invalid parameter", firstLine(err.Error()))
}

// validationError turns a kin-openapi request validation failure into a status and an ErrorResponse.
// Its text describes the client's request (which field, which rule), never the server's internals.
func validationError(err error, suggested int) (int, Error) {
	if tooLarge(err) {
		return http.StatusRequestEntityTooLarge, tooLargeBody
	}
	var reqErr *openapi3filter.RequestError
	if errors.As(err, &reqErr) {
		switch {
		case strings.Contains(reqErr.Reason, "unsupported content type"),
			strings.Contains(reqErr.Reason, "header Content-Type"):
			return http.StatusUnsupportedMediaType, Error{
				ErrorCode: CodeUnsupportedMediaType, Message: "request body must be application/json", Details: reqErr.Reason,
			}
		case reqErr.RequestBody != nil && isJSONSyntax(reqErr.Err):
			return http.StatusBadRequest, Error{
				ErrorCode: CodeMalformedJSON, Message: "request body is not valid JSON", Details: firstLine(reqErr.Err.Error()),
			}
		}
		return http.StatusBadRequest, Error{
			ErrorCode: CodeValidationFailed, Message: requestPart(reqErr) + " does not match the API schema", Details: describe(reqErr),
		}
	}
	var multi openapi3.MultiError
	if errors.As(err, &multi) && len(multi) > 0 {
		return validationError(multi[0], suggested)
	}
	if suggested == 0 || suggested >= 500 {
		suggested = http.StatusBadRequest
	}
	return suggested, Error{ErrorCode: CodeValidationFailed, Message: "request does not match the API schema", Details: firstLine(err.Error())}
}

func requestPart(e *openapi3filter.RequestError) string {
	switch {
	case e.Parameter != nil:
		return e.Parameter.In + " parameter " + e.Parameter.Name
	case e.RequestBody != nil:
		return "request body"
	}
	return "request"
}

// describe names the offending field and rule, e.g. `elementId: number must be at least 1`.
func describe(e *openapi3filter.RequestError) string {
	var se *openapi3.SchemaError
	if errors.As(e.Err, &se) {
		field := strings.Join(se.JSONPointer(), ".")
		reason := se.Reason
		if field == "" {
			return reason
		}
		return field + ": " + reason
	}
	if e.Err != nil {
		return firstLine(e.Err.Error())
	}
	return firstLine(e.Reason)
}

func isJSONSyntax(err error) bool {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	return errors.As(err, &syn) || errors.As(err, &typ) ||
		(err != nil && (strings.Contains(err.Error(), "unexpected EOF") || strings.Contains(err.Error(), "invalid character")))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

var tooLargeBody = Error{ErrorCode: CodePayloadTooLarge, Message: "request body is too large", Details: "the limit is " + MaxBodyText}

func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func writeTooLarge(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	WriteJSON(w, http.StatusRequestEntityTooLarge, tooLargeBody)
}

// IsUnavailable reports whether err means the database is unreachable or refused service, which
// answers 503, whether or not the code that met it interpreted it.
func IsUnavailable(err error) bool { return errors.Is(dbx.Interpret(err), dbx.ErrUnavailable) }
