// Package app assembles services into one HTTP handler with the process endpoints every shape of
// FountainAI serves: health, readiness and the specs.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/migrate"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/services/sequence"
)

// All lists every service, in the order they are mounted and migrated.
func All() []service.Service {
	return []service.Service{sequence.Service()}
}

// Migrate brings every service's schema up to date.
func Migrate(ctx context.Context, pool *pgxpool.Pool, services []service.Service, logger *slog.Logger) error {
	for _, s := range services {
		if err := migrate.Up(ctx, pool, s.Name, s.Migrations, logger); err != nil {
			return err
		}
	}
	return nil
}

// Handler serves services on one mux with the process endpoints, request ids, logs, body limits and
// JSON errors for unknown routes.
func Handler(services []service.Service, deps service.Deps) (http.Handler, error) {
	mux := http.NewServeMux()
	for _, s := range services {
		if err := s.Mount(mux, deps); err != nil {
			return nil, err
		}
		spec := s.Spec
		mux.HandleFunc("GET /openapi/"+s.Name+".yaml", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/yaml")
			_, _ = w.Write(spec)
		})
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := deps.Pool.Ping(ctx); err != nil {
			httpapi.LoggerFrom(r.Context()).Warn("not ready", slog.String("error", err.Error()))
			httpapi.WriteError(w, http.StatusServiceUnavailable, httpapi.CodeUnavailable, "database unavailable", "")
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	return httpapi.Chain(httpapi.Fallback(mux), httpapi.Observe(deps.Logger), httpapi.LimitBody), nil
}
