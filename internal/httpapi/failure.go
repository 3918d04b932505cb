package httpapi

import (
	"errors"
	"fmt"
	"net/http"
)

// Failure is an expected refusal of a request: a status its operation declares and the error body
// to answer with. Shared code returns it as an error, which also rolls back a transaction it is
// returned from; each handler turns it into the typed response its operation declares for the
// status (Body), and answers a status it does not declare as a bug (Unexpected).
type Failure struct {
	Status int
	Body   Error
}

// Fail returns the failure with status and the ErrorResponse fields.
func Fail(status int, code, message, details string) *Failure {
	return &Failure{Status: status, Body: Error{ErrorCode: code, Message: message, Details: details}}
}

// NotFound is the 404 of a missing resource: what, and which.
func NotFound(code, message, details string) *Failure {
	return Fail(http.StatusNotFound, code, message, details)
}

func (f *Failure) Error() string {
	return fmt.Sprintf("refused %d %s: %s", f.Status, f.Body.ErrorCode, f.Body.Message)
}

// Unexpected is the error for a failure the operation does not declare: a bug in the service.
func (f *Failure) Unexpected() error {
	return fmt.Errorf("operation cannot answer %d %s", f.Status, f.Body.ErrorCode)
}

// AsFailure splits an expected refusal from an unexpected error: (f, nil) or (nil, err).
func AsFailure(err error) (*Failure, error) {
	if f, ok := errors.AsType[*Failure](err); ok {
		return f, nil
	}
	return nil, err
}

// StatusOf is the status of a failure, 0 for none.
func StatusOf(f *Failure) int {
	if f == nil {
		return 0
	}
	return f.Status
}

// ErrorBody is the shape of every generated ErrorResponse and of the typed error responses made of
// it (NotFoundJSONResponse…).
type ErrorBody interface {
	~struct {
		Details   *string `json:"details,omitempty"`
		ErrorCode string  `json:"errorCode"`
		Message   string  `json:"message"`
	}
}

// Body is f's error body as the generated type T.
func Body[T ErrorBody](f *Failure) T {
	return BodyOf[T](f.Body.ErrorCode, f.Body.Message, f.Body.Details)
}

// BodyOf is the error body of code, message and details ("" for none) as the generated type T: an
// ErrorResponse or a typed response made of one (NotFoundJSONResponse…).
func BodyOf[T ErrorBody](code, message, details string) T {
	var d *string
	if details != "" {
		d = &details
	}
	return T{Details: d, ErrorCode: code, Message: message}
}

// ErrorListBody is the shape of a generated ErrorResponse whose details are an array of strings, as
// the Character Management API's v2 document declared them, and of the typed responses made of it.
type ErrorListBody interface {
	~struct {
		Details   *[]string `json:"details,omitempty"`
		ErrorCode string    `json:"errorCode"`
		Message   string    `json:"message"`
	}
}

// ListBody is f's error body as the generated type T, its details the array's one item.
func ListBody[T ErrorListBody](f *Failure) T {
	var details *[]string
	if f.Body.Details != "" {
		details = &[]string{f.Body.Details}
	}
	return T{Details: details, ErrorCode: f.Body.ErrorCode, Message: f.Body.Message}
}

// Answerer is an error that carries its own answer, such as the replay of an idempotent request;
// ResponseErrorHandler writes it.
type Answerer interface {
	error
	Answer(w http.ResponseWriter)
}
