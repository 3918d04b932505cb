// Package characters is the Character Management Service: characters, their actions and spoken
// words, and paraphrases of all three. Actions and spoken words have their place in a script's story
// order, which only the Central Sequence Service holds: this service stores none of it, places an
// element through the sequence service's published functions in the transaction that stores it
// (internal/placement), releases it in the one that deletes it, and reads it over HTTP for every
// response. Scripts and sections are checked through the Core Script Management
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
	"github.com/fountainai/fountainai/internal/write"
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
	writes   *write.Writer
}

var _ charactersapi.StrictServerInterface = (*Server)(nil)

// NewServer builds the service on a pool whose database has the characters schema migrated; its
// creates go through writes. Deleting a character keeps a transaction open across a call to the
// Session & Context service, within slots.
func NewServer(pool *pgxpool.Pool, logger *slog.Logger, slots *dbx.CallSlots, writes *write.Writer, c peerclient.Set) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	return &Server{
		pool: pool, q: charactersdb.New(dbx.Interpreted(pool)), log: logger,
		seq: c.Sequence, scripts: c.Scripts, sessions: c.Sessions, slots: slots, writes: writes,
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
			return Mount(mux, NewServer(deps.Pool, deps.Logger, deps.CallSlots, deps.Writes, clients))
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

func notFound(what string, id int64) *httpapi.Failure {
	return httpapi.NotFound(httpapi.CodeNotFound, what+" not found", fmt.Sprintf("%s %d", what, id))
}

func stale(current int64) *httpapi.Failure {
	return httpapi.Fail(http.StatusPreconditionFailed, codePrecondition, "the resource has changed since that version",
		fmt.Sprintf("current version: %d", current))
}

// conflict is f as the body of a declared 409.
func conflict(f *httpapi.Failure) charactersapi.ConflictJSONResponse {
	return charactersapi.ConflictJSONResponse{Body: httpapi.ListBody[charactersapi.ErrorResponse](f)}
}

// whyNoRow tells why a conditional write matched no row: the row is missing (404), or If-Match named
// another version than the current one (412).
func whyNoRow(what string, id int64, current func() (int64, error)) error {
	version, err := current()
	if errors.Is(err, dbx.ErrNotFound) {
		return notFound(what, id)
	} else if err != nil {
		return fmt.Errorf("read %s %d: %w", what, id, err)
	}
	return stale(version)
}
