// Package characters is the Character Management Service: characters, their actions and spoken
// words, and paraphrases of all three. Actions and spoken words have their place in a script's story
// order, which only the Central Sequence Service holds: this service stores none of it, allocates a
// position in the same transaction that stores an element, releases it when the element goes, and
// reads it for every response. Scripts and sections are checked through the Core Script Management
// service, character contexts are removed through the Session & Context service; every other service
// is reached only through its generated client.
package characters

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/api"
	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/charactersdb"
	"github.com/fountainai/fountainai/gen/scriptsapi"
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
	peerSequence = "sequence"
	peerScripts  = "scripts"
	peerSessions = "sessions"
)

// Server implements the generated strict server interface.
type Server struct {
	pool     *pgxpool.Pool
	q        *charactersdb.Queries
	log      *slog.Logger
	seq      sequenceapi.ClientWithResponsesInterface
	scripts  scriptsapi.ClientWithResponsesInterface
	sessions sessionsapi.ClientWithResponsesInterface
	slots    *dbx.CallSlots
}

var _ charactersapi.StrictServerInterface = (*Server)(nil)

// NewServer builds the service on a pool whose database has the characters schema migrated.
// Creating an action or spoken word and deleting a character keep a transaction open across a call
// to another service, within slots.
func NewServer(pool *pgxpool.Pool, logger *slog.Logger, slots *dbx.CallSlots, c peerclient.Set) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	return &Server{
		pool: pool, q: charactersdb.New(pool), log: logger,
		seq: c.Sequence, scripts: c.Scripts, sessions: c.Sessions, slots: slots,
	}
}

// Service describes the Character Management Service to the fountain binary.
func Service() service.Service {
	return service.Service{
		Name:       "characters",
		Title:      "Character Management: characters, actions, spoken words and paraphrases",
		Spec:       api.Characters,
		Migrations: migrations.For("characters"),
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
	spec, err := charactersapi.GetSwagger()
	if err != nil {
		return fmt.Errorf("load characters spec: %w", err)
	}
	strict := charactersapi.NewStrictHandlerWithOptions(srv, nil, charactersapi.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  httpapi.RequestErrorHandler,
		ResponseErrorHandlerFunc: httpapi.ResponseErrorHandler,
	})
	charactersapi.HandlerWithOptions(strict, charactersapi.StdHTTPServerOptions{
		BaseRouter:       mux,
		Middlewares:      []charactersapi.MiddlewareFunc{httpapi.Validator(spec)},
		ErrorHandlerFunc: httpapi.ParamErrorHandler,
	})
	return nil
}

// Error codes of this service (the shared ones are in httpapi).
const (
	codeFilterRequired      = "FILTER_REQUIRED"
	codeOriginalIDMismatch  = "ORIGINAL_ID_MISMATCH"
	codeScriptNotFound      = "SCRIPT_NOT_FOUND"
	codeSectionNotFound     = "SECTION_NOT_FOUND"
	codeCharacterNotFound   = "CHARACTER_NOT_FOUND"
	codeHasDependants       = "HAS_DEPENDANTS"
	codeParaphraseAmbiguous = "PARAPHRASE_AMBIGUOUS"
	codePrecondition        = "PRECONDITION_FAILED"
)

// failure is an expected error answer. Shared code returns it; each handler turns it into the typed
// response its operation declares for the status.
type failure struct {
	status int
	body   charactersapi.ErrorResponse
}

func fail(status int, code, message, details string) *failure {
	f := &failure{status: status, body: charactersapi.ErrorResponse{ErrorCode: code, Message: message}}
	if details != "" {
		f.body.Details = &details
	}
	return f
}

func notFound(what string, id int64) *failure {
	return fail(http.StatusNotFound, httpapi.CodeNotFound, what+" not found", fmt.Sprintf("%s %d", what, id))
}

func stale(current int64) *failure {
	return fail(http.StatusPreconditionFailed, codePrecondition, "the resource has changed since that version",
		fmt.Sprintf("current version: %d", current))
}

// status is the failure's HTTP status, 0 for none.
func status(f *failure) int {
	if f == nil {
		return 0
	}
	return f.status
}

// unexpected is a failure an operation does not declare: a bug in this service.
func (f *failure) unexpected() error {
	return fmt.Errorf("operation cannot answer %d %s", f.status, f.body.ErrorCode)
}

// The generated error bodies, one per declared response.
func (f *failure) notFound() charactersapi.NotFoundJSONResponse {
	return charactersapi.NotFoundJSONResponse(f.body)
}
func (f *failure) badRequest() charactersapi.BadRequestJSONResponse {
	return charactersapi.BadRequestJSONResponse(f.body)
}
func (f *failure) conflict() charactersapi.ConflictJSONResponse {
	return charactersapi.ConflictJSONResponse(f.body)
}
func (f *failure) precondition() charactersapi.PreconditionFailedJSONResponse {
	return charactersapi.PreconditionFailedJSONResponse(f.body)
}
func (f *failure) unresolved() charactersapi.UnresolvedReferenceJSONResponse {
	return charactersapi.UnresolvedReferenceJSONResponse(f.body)
}

// rejection carries a failure out of a transaction function and so rolls the transaction back.
type rejection struct{ f *failure }

func (r *rejection) Error() string { return "rejected: " + r.f.body.ErrorCode }

// splitRejection separates a transaction's expected failure from an unexpected error.
func splitRejection(err error) (*failure, error) {
	var r *rejection
	if errors.As(err, &r) {
		return r.f, nil
	}
	return nil, err
}

// whyNoRow tells why a conditional write matched no row: the row is missing (404), or If-Match named
// another version than the current one (412).
func whyNoRow(what string, id int64, current func() (int64, error)) (*failure, error) {
	version, err := current()
	if err = dbx.Interpret(err); errors.Is(err, dbx.ErrNotFound) {
		return notFound(what, id), nil
	} else if err != nil {
		return nil, fmt.Errorf("read %s %d: %w", what, id, err)
	}
	return stale(version), nil
}
