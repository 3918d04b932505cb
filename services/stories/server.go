// Package stories is the Story Factory: it answers "give me the story" by assembling a script's story
// elements in sequence order, with their characters, actions, spoken words, transitions and the
// character contexts in force, from the other services. It owns no tables and reads nothing from the
// database: everything comes through the generated clients of the Central Sequence, Core Script
// Management, Character Management and Session & Context services, in a number of calls that grows
// with the size of the answer in steps of 5000 elements, never per element.
package stories

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/fountainai/fountainai/api"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/peerclient"
	"github.com/fountainai/fountainai/internal/service"
)

// Peer service names, as deps.Peers knows them and as dependency errors name them.
const (
	peerSequence   = "sequence"
	peerScripts    = "scripts"
	peerCharacters = "characters"
	peerSessions   = "sessions"
)

// Server implements the generated strict server interface.
type Server struct {
	c   peerclient.Set
	log *slog.Logger
	// attempts bounds how often a story that changed while it was read is read again; pause is the
	// wait before the first retry, doubled before each next one.
	attempts int
	pause    time.Duration
}

var _ storiesapi.StrictServerInterface = (*Server)(nil)

// NewServer builds the Story Factory on the clients of the services it reads.
func NewServer(logger *slog.Logger, c peerclient.Set) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	return &Server{c: c, log: logger, attempts: 3, pause: 5 * time.Millisecond}
}

// Service describes the Story Factory to the fountain binary. It owns no tables, so it has no
// migrations and no schema.
func Service() service.Service {
	return service.Service{
		Name:  "stories",
		Title: "Story Factory: a script's story, assembled in order",
		Spec:  api.Stories,
		Mount: func(mux *http.ServeMux, deps service.Deps) error {
			clients, err := peerclient.New(deps.Peers)
			if err != nil {
				return err
			}
			return Mount(mux, NewServer(deps.Logger, clients))
		},
	}
}

// Mount registers srv's routes on mux behind request validation against the embedded spec.
func Mount(mux *http.ServeMux, srv *Server) error {
	spec, err := storiesapi.GetSwagger()
	if err != nil {
		return fmt.Errorf("load stories spec: %w", err)
	}
	strict := storiesapi.NewStrictHandlerWithOptions(srv, []storiesapi.StrictMiddlewareFunc{withAccept}, storiesapi.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  httpapi.RequestErrorHandler,
		ResponseErrorHandlerFunc: httpapi.ResponseErrorHandler,
	})
	storiesapi.HandlerWithOptions(strict, storiesapi.StdHTTPServerOptions{
		BaseRouter:       mux,
		Middlewares:      []storiesapi.MiddlewareFunc{httpapi.Validator(spec)},
		ErrorHandlerFunc: httpapi.ParamErrorHandler,
	})
	return nil
}

// Error codes of this service (the shared ones are in httpapi).
const (
	codeScriptNotFound = "SCRIPT_NOT_FOUND"
	codeInvalidRange   = "INVALID_RANGE"
	codeStoryChanging  = "STORY_CHANGING"
)
