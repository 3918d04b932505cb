package app

import (
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/service"
)

// processService is the service label of the endpoints every process serves besides its services'
// (health, readiness, metrics).
const processService = "process"

// routes maps the patterns registered on the mux ("GET /sessions/{sessionId}") to the operation they
// serve. The generated servers register each operation under its spec's method and path template,
// so a service's spec gives its patterns.
type routes map[string]httpapi.Route

// addSpec adds every operation of s's spec.
func (t routes) addSpec(s service.Service) error {
	ops := map[string]bool{}
	doc, err := openapi3.NewLoader().LoadFromData(s.Spec)
	if err != nil {
		return fmt.Errorf("load %s spec: %w", s.Name, err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return fmt.Errorf("%s spec: %s %s has no operationId", s.Name, method, path)
			}
			t[method+" "+path] = httpapi.Route{Service: s.Name, Operation: op.OperationID}
			ops[op.OperationID] = true
		}
	}
	for _, id := range s.RelayedBodies {
		if !ops[id] {
			return fmt.Errorf("%s spec: no operation %q, which the service says relays its bodies", s.Name, id)
		}
	}
	return nil
}

// middleware puts the route of each request in its context before any other middleware runs, so
// the request log and metrics name it even when a middleware answers before the mux (a replayed
// idempotent response, an oversized body). Requests the mux cannot route get no route.
func (t routes) middleware(mux *http.ServeMux) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// For a path the mux redirects to its clean form, pattern is the one the redirect leads
			// to: the redirect is counted under that operation, with its 3xx status.
			if _, pattern := mux.Handler(r); pattern != "" {
				if route, ok := t[pattern]; ok {
					r = r.WithContext(httpapi.WithRoute(r.Context(), route))
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
