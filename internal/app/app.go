// Package app assembles services into one HTTP handler with the process endpoints every shape of
// FountainAI serves: health, readiness, metrics and the specs.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/docs"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/idempotency"
	"github.com/fountainai/fountainai/internal/metrics"
	"github.com/fountainai/fountainai/internal/migrate"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/internal/write"
)

// Options are what the assembled handler needs besides its services.
type Options struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	// PeerURLs are the base URLs of services this process calls but does not serve, by name.
	PeerURLs map[string]string
	// PeerTimeout bounds every call to another service (default 5s).
	PeerTimeout time.Duration
	// Auth authenticates requests; nil accepts the API keys stored in Pool and nothing else.
	Auth *auth.Authenticator
	// CORS lets browsers on other origins call the services; nil (the default) allows none. Its
	// preflights are answered before authentication, logged, and counted under the unmatched route.
	CORS *httpapi.CORS
	// Context ends when work still running must stop, at the end of a shutdown: the writes in
	// flight then roll back. Default: never.
	Context context.Context
	// Catalog is every service of the deployment. The process serves each one's spec at
	// /openapi/<name>.yaml and lists them all at /docs: behind the gateway, which routes /docs to
	// one process and each spec's operations to their own service, the page is the whole API.
	// Default: the services this process serves.
	Catalog []service.Service
}

// Migrate brings every service's schema, and the idempotency keys' schema, up to date.
func Migrate(ctx context.Context, pool *pgxpool.Pool, services []service.Service, logger *slog.Logger) error {
	schemas := []migrate.Schema{
		{Name: idempotency.Schema, Migrations: idempotency.Migrations()},
		{Name: auth.Schema, Migrations: auth.Migrations()},
	}
	for _, s := range services {
		if s.Migrations == nil {
			continue // a service that owns no tables, such as the Story Factory
		}
		schemas = append(schemas, migrate.Schema{Name: s.Name, Migrations: s.Migrations})
	}
	return migrate.Up(ctx, pool, schemas, logger)
}

// isOperation reports whether r is routed to an operation of a service's spec, the requests whose
// answers the specs give entity tags.
func isOperation(r *http.Request) bool {
	route, ok := httpapi.RouteFrom(r.Context())
	return ok && route.Service != processService && route.Operation != "openapiSpec"
}

// Handler serves services on one mux with the process endpoints, request ids, logs, metrics, body
// limits, checks of JSON bodies and JSON errors for unknown routes. Each call has its own metrics
// registry.
func Handler(services []service.Service, o Options) (http.Handler, error) {
	if o.PeerTimeout == 0 {
		o.PeerTimeout = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	p := &peers{local: map[string]bool{}, urls: o.PeerURLs, timeout: o.PeerTimeout, logger: o.Logger, remote: peerTransport()}
	names := make([]string, len(services))
	var relayed []httpapi.Route
	for i, s := range services {
		p.local[s.Name] = true
		names[i] = s.Name
		for _, id := range s.RelayedBodies {
			relayed = append(relayed, httpapi.Route{Service: s.Name, Operation: id})
		}
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Auth == nil {
		o.Auth = auth.New(auth.Config{Keys: auth.NewKeyStore(o.Pool)})
	}
	deps := service.Deps{Pool: o.Pool, Logger: o.Logger, Peers: p, CallSlots: dbx.NewCallSlots(o.Pool), Writes: write.New(o.Context, o.Pool), Keys: o.Auth.Keys()}
	mux := http.NewServeMux()
	table := routes{
		"GET /healthz": {Route: httpapi.Route{Service: processService, Operation: "healthz"}, need: public},
		"GET /readyz":  {Route: httpapi.Route{Service: processService, Operation: "readyz"}, need: public},
		"GET /metrics": {Route: httpapi.Route{Service: processService, Operation: "metrics"}, need: public},
	}
	listDetails := map[string]bool{}
	for _, s := range services {
		if err := s.Mount(mux, deps); err != nil {
			return nil, err
		}
		doc, err := table.addSpec(s)
		if err != nil {
			return nil, err
		}
		if detailsAsList(doc) {
			listDetails[s.Name] = true
		}
	}
	documented := names
	for _, s := range o.Catalog {
		if !p.local[s.Name] {
			documented = append(documented, s.Name)
		}
	}
	for _, s := range slices.Concat(services, o.Catalog) {
		specPattern := "GET /openapi/" + s.Name + ".yaml"
		if _, done := table[specPattern]; done {
			continue
		}
		spec := s.Spec
		table[specPattern] = route{Route: httpapi.Route{Service: s.Name, Operation: "openapiSpec"}, need: public}
		mux.HandleFunc(specPattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/yaml")
			_, _ = w.Write(spec)
		})
	}
	if err := docs.Mount(mux, documented); err != nil {
		return nil, err
	}
	for _, pattern := range docs.Patterns {
		table[pattern] = route{Route: httpapi.Route{Service: processService, Operation: "docs"}, need: public}
	}
	m := metrics.New(o.Pool)
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := o.Pool.Ping(ctx); err != nil {
			httpapi.LoggerFrom(r.Context()).Warn("not ready", slog.String("error", err.Error()))
			httpapi.WriteUnavailable(w, httpapi.CodeUnavailable, "database unavailable", "")
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	h := httpapi.Chain(httpapi.Fallback(mux), table.middleware(mux), announceDeprecation,
		httpapi.DetailsAsList(func(service string) bool { return listDetails[service] }), m.Middleware, httpapi.Observe(o.Logger), o.CORS.Middleware,
		o.Auth.Middleware(requirementOf), httpapi.LimitBody, httpapi.RefuseUnstorableText, httpapi.CheckJSONBody(relayed...),
		idempotency.Middleware(o.Pool), httpapi.Conditional(isOperation), httpapi.HeadAsGet)
	p.handler.Store(&h)
	return h, nil
}
