// Package scripts is the Core Script Management Service: scripts, the section headings of a script
// and its transitions. It stores no sequence numbers: the order of headings and transitions lives in
// the Central Sequence Service, which it reaches only through the generated sequence client, as it
// reaches Character Management and Session & Context for a script's dependants there.
package scripts

import (
	"context"
	"errors"
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
	pool  *pgxpool.Pool
	q     *scriptsdb.Queries
	log   *slog.Logger
	seq   sequenceapi.ClientWithResponsesInterface
	chars charactersapi.ClientWithResponsesInterface
	sess  sessionsapi.ClientWithResponsesInterface
	slots *dbx.CallSlots
}

var _ scriptsapi.StrictServerInterface = (*Server)(nil)

// NewServer builds the service on a pool whose database has the scripts schema migrated.
// Creating or deleting a positioned element keeps a transaction open across a call to the sequence
// service, within slots.
func NewServer(pool *pgxpool.Pool, logger *slog.Logger, slots *dbx.CallSlots, c peerclient.Set) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	return &Server{
		pool: pool, q: scriptsdb.New(pool), log: logger,
		seq: c.Sequence, chars: c.Characters, sess: c.Sessions, slots: slots,
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
			return Mount(mux, NewServer(deps.Pool, deps.Logger, deps.CallSlots, clients))
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

func errBody(code, message, details string) scriptsapi.ErrorResponse {
	e := scriptsapi.ErrorResponse{ErrorCode: code, Message: message}
	if details != "" {
		e.Details = &details
	}
	return e
}

func notFound(code, message, details string) scriptsapi.NotFoundJSONResponse {
	return scriptsapi.NotFoundJSONResponse(errBody(code, message, details))
}

func scriptNotFound(id int64) scriptsapi.NotFoundJSONResponse {
	return notFound(codeScriptNotFound, "script not found", fmt.Sprintf("script %d", id))
}

func stale(current int64) scriptsapi.PreconditionFailedJSONResponse {
	return scriptsapi.PreconditionFailedJSONResponse(errBody(codePrecondition,
		"the resource has changed since that version", fmt.Sprintf("current version: %d", current)))
}

func hasDependants(message string, counts []dependantCount) scriptsapi.HasDependantsJSONResponse {
	var parts []string
	for _, c := range counts {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return scriptsapi.HasDependantsJSONResponse(errBody(codeHasDependants, message, strings.Join(parts, ", ")))
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

// rejection carries a typed answer out of a transaction and rolls it back.
type rejection struct{ resp any }

func (r *rejection) Error() string { return "request rejected" }

func rejected(err error) (any, bool) {
	var r *rejection
	if errors.As(err, &r) {
		return r.resp, true
	}
	return nil, false
}
