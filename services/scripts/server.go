// Package scripts is the Core Script Management Service: scripts, the section headings of a script
// and its transitions. It stores no sequence numbers: the order of headings and transitions lives in
// the Central Sequence Service. It places and releases its elements there through the functions that
// service publishes for use inside its own transactions (internal/placement), and reads their
// positions, as it reaches Character Management and Session & Context for a script's dependants,
// only through the generated clients.
package scripts

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/api"
	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/scriptsdb"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/peerclient"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/internal/write"
	"github.com/fountainai/fountainai/migrations"
)

// Peer service names, as deps.Peers knows them and as dependency errors name them.
const (
	peerSequence   = "sequence"
	peerCharacters = "characters"
	peerSessions   = "sessions"
)

// Server implements the generated strict server interface.
type Server struct {
	pool   *pgxpool.Pool
	q      *scriptsdb.Queries
	log    *slog.Logger
	seq    sequenceapi.ClientWithResponsesInterface
	chars  charactersapi.ClientWithResponsesInterface
	sess   sessionsapi.ClientWithResponsesInterface
	writes *write.Writer
}

var _ scriptsapi.StrictServerInterface = (*Server)(nil)

// NewServer builds the service on a pool whose database has the scripts schema migrated; its creates
// go through writes.
func NewServer(pool *pgxpool.Pool, logger *slog.Logger, writes *write.Writer, c peerclient.Set) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	return &Server{
		pool: pool, q: scriptsdb.New(dbx.Interpreted(pool)), log: logger,
		seq: c.Sequence, chars: c.Characters, sess: c.Sessions, writes: writes,
	}
}

// Service describes the Core Script Management Service to the fountain binary.
func Service() service.Service {
	return service.Service{
		Name:       "scripts",
		Title:      "Core Script Management: scripts, section headings and transitions",
		Spec:       api.Scripts,
		Migrations: migrations.For("scripts"),
		Mount: func(mux *http.ServeMux, deps service.Deps) error {
			clients, err := peerclient.New(deps.Peers)
			if err != nil {
				return err
			}
			return Mount(mux, NewServer(deps.Pool, deps.Logger, deps.Writes, clients))
		},
	}
}

// Mount registers srv's routes on mux behind request validation against the embedded spec.
func Mount(mux *http.ServeMux, srv *Server) error {
	spec, err := scriptsapi.GetSwagger()
	if err != nil {
		return fmt.Errorf("load scripts spec: %w", err)
	}
	strict := scriptsapi.NewStrictHandlerWithOptions(srv, nil, scriptsapi.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  httpapi.RequestErrorHandler,
		ResponseErrorHandlerFunc: httpapi.ResponseErrorHandler,
	})
	scriptsapi.HandlerWithOptions(strict, scriptsapi.StdHTTPServerOptions{
		BaseRouter:       mux,
		Middlewares:      []scriptsapi.MiddlewareFunc{httpapi.Validator(spec)},
		ErrorHandlerFunc: httpapi.ParamErrorHandler,
	})
	return nil
}

// Error codes of this service (the shared ones are in httpapi).
const (
	codeScriptNotFound     = "SCRIPT_NOT_FOUND"
	codeSectionNotFound    = "SECTION_NOT_FOUND"
	codeTransitionNotFound = "TRANSITION_NOT_FOUND"
	codeHasDependants      = "HAS_DEPENDANTS"
	codePrecondition       = "PRECONDITION_FAILED"
)

func notFound(code, message, details string) scriptsapi.NotFoundJSONResponse {
	return httpapi.BodyOf[scriptsapi.NotFoundJSONResponse](code, message, details)
}

func scriptNotFound(id int64) scriptsapi.NotFoundJSONResponse {
	return notFound(codeScriptNotFound, "script not found", fmt.Sprintf("script %d", id))
}

func stale(current int64) scriptsapi.PreconditionFailedJSONResponse {
	return httpapi.BodyOf[scriptsapi.PreconditionFailedJSONResponse](codePrecondition,
		"the resource has changed since that version", fmt.Sprintf("current version: %d", current))
}

func hasDependants(message string, counts []dependantCount) scriptsapi.HasDependantsJSONResponse {
	var parts []string
	for _, c := range counts {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return httpapi.BodyOf[scriptsapi.HasDependantsJSONResponse](codeHasDependants, message, strings.Join(parts, ", "))
}

// dependantCount is how many dependants of one kind a resource has.
type dependantCount struct {
	what string
	n    int64
}

func anyDependants(counts []dependantCount) bool {
	for _, c := range counts {
		if c.n > 0 {
			return true
		}
	}
	return false
}

// matches reports whether a resource at version current satisfies the If-Match condition want.
func matches(want pgtype.Int8, current int64) bool { return !want.Valid || want.Int64 == current }

// logger is the request's logger, which carries the request id, or the service's outside a request.
func (s *Server) logger(ctx context.Context) *slog.Logger {
	if httpapi.RequestID(ctx) != "" {
		return httpapi.LoggerFrom(ctx)
	}
	return s.log
}

// placementConflict is f, a placement the order refused, as the body of a create's declared 409.
func placementConflict(f *httpapi.Failure) scriptsapi.PlacementConflictJSONResponse {
	return scriptsapi.PlacementConflictJSONResponse{Body: httpapi.Body[scriptsapi.ErrorResponse](f)}
}

// failureOf is an answer this service computed as a typed body, carried out of a transaction as
// the failure that rolls it back.
func failureOf(status int, b scriptsapi.ErrorResponse) *httpapi.Failure {
	f := httpapi.Fail(status, b.ErrorCode, b.Message, "")
	if b.Details != nil {
		f.Body.Details = *b.Details
	}
	return f
}
