package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/service"
)

// processService is the service label of the endpoints every process serves besides its services'
// (health, readiness, metrics).
const processService = "process"

// routes maps the patterns registered on the mux ("GET /sessions/{sessionId}") to the operation they
// serve. The generated servers register each operation under its spec's method and path template,
// so a service's spec gives its patterns.
type routes map[string]route

// route is an operation and what its spec asks of callers.
type route struct {
	httpapi.Route
	need auth.Requirement
	// deprecated is what every response of a deprecated operation announces; nil for the others.
	deprecated *deprecation
}

// public is the requirement of the process endpoints and the specs.
var public = auth.Requirement{Public: true}

// roleExtension names, on an operation, the least role that may call it; without it GET needs
// reader and every other method writer.
const roleExtension = "x-fountain-role"

// addSpec adds every operation of s's spec and returns the spec.
func (t routes) addSpec(s service.Service) (*openapi3.T, error) {
	ops := map[string]bool{}
	doc, err := openapi3.NewLoader().LoadFromData(s.Spec)
	if err != nil {
		return nil, fmt.Errorf("load %s spec: %w", s.Name, err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s spec: %s %s has no operationId", s.Name, method, path)
			}
			need, err := requirement(doc, method, op)
			if err != nil {
				return nil, fmt.Errorf("%s spec: %s %s: %w", s.Name, method, path, err)
			}
			deprecated, err := deprecationOf(s.Name, op)
			if err != nil {
				return nil, fmt.Errorf("%s spec: %s %s: %w", s.Name, method, path, err)
			}
			t[method+" "+path] = route{Route: httpapi.Route{Service: s.Name, Operation: op.OperationID}, need: need, deprecated: deprecated}
			ops[op.OperationID] = true
		}
	}
	for _, id := range s.RelayedBodies {
		if !ops[id] {
			return nil, fmt.Errorf("%s spec: no operation %q, which the service says relays its bodies", s.Name, id)
		}
	}
	return doc, nil
}

// detailsAsList reports whether doc's ErrorResponse declares `details` an array of strings, as the
// Character Management API does (see httpapi.DetailsAsList).
func detailsAsList(doc *openapi3.T) bool {
	if doc.Components == nil || doc.Components.Schemas["ErrorResponse"] == nil {
		return false
	}
	details := doc.Components.Schemas["ErrorResponse"].Value.Properties["details"]
	return details != nil && details.Value != nil && details.Value.Type.Is(openapi3.TypeArray)
}

// requirement reads what op asks of callers from its security requirements (or the document's),
// and its role from roleExtension. Every operation must say: a spec without security requirements
// is refused rather than served open.
func requirement(doc *openapi3.T, method string, op *openapi3.Operation) (auth.Requirement, error) {
	security := op.Security
	if security == nil {
		security = &doc.Security
	}
	if len(*security) == 0 {
		if op.Security != nil {
			return public, nil // `security: []` on the operation: deliberately public
		}
		return auth.Requirement{}, errors.New("declares no security requirement")
	}
	var need auth.Requirement
	for _, alternative := range *security {
		for name := range alternative {
			var scheme *openapi3.SecuritySchemeRef
			if doc.Components != nil {
				scheme = doc.Components.SecuritySchemes[name]
			}
			if scheme == nil || scheme.Value == nil {
				return need, fmt.Errorf("security scheme %q is not defined", name)
			}
			switch v := scheme.Value; {
			case v.Type == "http" && strings.EqualFold(v.Scheme, "bearer"):
				need.Bearer = true
			case v.Type == "apiKey" && v.In == "header" && strings.EqualFold(v.Name, auth.APIKeyHeader):
				need.APIKey = true
			default:
				return need, fmt.Errorf("security scheme %q is neither a bearer token nor the %s header", name, auth.APIKeyHeader)
			}
		}
	}
	need.Role = auth.Writer
	if method == http.MethodGet {
		need.Role = auth.Reader
	}
	if v, ok := op.Extensions[roleExtension]; ok {
		s, _ := v.(string)
		role, err := auth.ParseRole(s)
		if err != nil {
			return need, fmt.Errorf("%s: %w", roleExtension, err)
		}
		need.Role = role
	}
	return need, nil
}

type (
	needKey        struct{}
	deprecationKey struct{}
)

// requirementOf is what the operation r is routed to asks of callers (the route middleware put it
// in r's context).
func requirementOf(r *http.Request) (auth.Requirement, bool) {
	need, ok := r.Context().Value(needKey{}).(auth.Requirement)
	return need, ok
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
					ctx := context.WithValue(httpapi.WithRoute(r.Context(), route.Route), needKey{}, route.need)
					if route.deprecated != nil {
						ctx = context.WithValue(ctx, deprecationKey{}, route.deprecated)
					}
					r = r.WithContext(ctx)
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
