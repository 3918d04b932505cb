package httpapi

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes for failures of another service a request depends on.
const (
	CodeDependencyUnavailable = "DEPENDENCY_UNAVAILABLE"
	CodeBadGateway            = "BAD_GATEWAY"
)

// DependencyFailure is a failed call to another service. Handlers return it as their error and the
// shared ResponseErrorHandler answers 503 (unreachable, timed out, or itself unavailable) or 502
// (answered something its spec does not allow for the call).
type DependencyFailure struct {
	Service string
	Status  int // the answer's status; 0 when there was no answer
	Err     error
}

func (e *DependencyFailure) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s service answered %d", e.Service, e.Status)
	}
	return fmt.Sprintf("%s service unreachable: %v", e.Service, e.Err)
}

func (e *DependencyFailure) Unwrap() error { return e.Err }

// DependencyError wraps a transport failure (refused, reset, timeout) calling service.
func DependencyError(service string, err error) error {
	return &DependencyFailure{Service: service, Err: err}
}

// UnexpectedResponse reports that service answered with a status the caller cannot act on; a 503
// from it stays a 503 here, anything else becomes a 502.
func UnexpectedResponse(service string, status int) error {
	return &DependencyFailure{Service: service, Status: status}
}

func writeDependencyFailure(w http.ResponseWriter, r *http.Request, e *DependencyFailure) {
	LoggerFrom(r.Context()).Warn("dependency failed", "service", e.Service, "status", e.Status, "error", e.Error())
	if e.Status == 0 || e.Status == http.StatusServiceUnavailable {
		WriteUnavailable(w, CodeDependencyUnavailable,
			"the "+e.Service+" service is unavailable", "retry later; request id: "+RequestID(r.Context()))
		return
	}
	WriteError(w, http.StatusBadGateway, CodeBadGateway,
		"the "+e.Service+" service answered unexpectedly", fmt.Sprintf("status %d; request id: %s", e.Status, RequestID(r.Context())))
}

func asDependencyFailure(err error) (*DependencyFailure, bool) {
	var e *DependencyFailure
	ok := errors.As(err, &e)
	return e, ok
}
