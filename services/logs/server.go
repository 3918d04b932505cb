// Package logs is the Logging Service: it stores the request logs that the FountainAI services ship
// (POST /logs) and that Kong's http-log plugin posts (POST /logs/kong) as entries of one kind, lets
// operators filter and search them, and drops them after the retention period (Retention) by
// dropping whole daily partitions.
package logs

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/api"
	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/internal/write"
	"github.com/fountainai/fountainai/migrations"
)

// Name is the service's name on the command line, in its schema and in the peer-URL variable.
const Name = "logs"

// Server implements the generated strict server interface.
type Server struct {
	pool   *pgxpool.Pool
	writes *write.Writer
	log    *slog.Logger
}

var _ logsapi.StrictServerInterface = (*Server)(nil)

// NewServer builds the service on a pool whose database has the logs schema migrated; ingest goes
// through writes.
func NewServer(pool *pgxpool.Pool, logger *slog.Logger, writes *write.Writer) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	return &Server{pool: pool, writes: writes, log: logger}
}

// Service describes the Logging Service to the fountain binary. Its retention runs apart from the
// requests it serves (see Retention), in the processes that serve it.
func Service() service.Service {
	return service.Service{
		Name:       Name,
		Title:      "Logging Service: request logs from the services and Kong, filtered and searched",
		Spec:       api.Logs,
		Migrations: migrations.For(Name),
		Mount: func(mux *http.ServeMux, deps service.Deps) error {
			return Mount(mux, NewServer(deps.Pool, deps.Logger, deps.Writes))
		},
		// Kong logs the headers of every request as the client sent them; one client's odd bytes
		// must not cost the batch, nor hide the request from the logs.
		RelayedBodies: []string{"ingestKongLogs"},
	}
}

// Mount registers srv's routes on mux behind request validation against the embedded spec.
func Mount(mux *http.ServeMux, srv *Server) error {
	spec, err := logsapi.GetSwagger()
	if err != nil {
		return fmt.Errorf("load logs spec: %w", err)
	}
	// Ingest bodies carry up to a thousand entries, thousands of times a second: their schemas are
	// compiled once instead of walked for every entry.
	bodies, err := compiledBodies(spec, "ingestLogs", "ingestKongLogs")
	if err != nil {
		return fmt.Errorf("compile the ingest bodies' schemas: %w", err)
	}
	strict := logsapi.NewStrictHandlerWithOptions(srv, nil, logsapi.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  httpapi.RequestErrorHandler,
		ResponseErrorHandlerFunc: httpapi.ResponseErrorHandler,
	})
	logsapi.HandlerWithOptions(strict, logsapi.StdHTTPServerOptions{
		BaseRouter:       mux,
		Middlewares:      []logsapi.MiddlewareFunc{httpapi.Validator(spec), bodies},
		ErrorHandlerFunc: httpapi.ParamErrorHandler,
	})
	return nil
}

// Error codes of this service besides the shared ones.
const codeInvalidCursor = "INVALID_CURSOR"
