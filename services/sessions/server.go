// Package sessions is the Session & Context Service: users' working sessions (v2's text context plus
// structured key/value state) and character contexts, the state of a character from a position of a
// script's story order on, which the Story Factory joins to each story element. Character contexts
// name scripts and characters of other services; those references are checked through their
// generated clients when written.
package sessions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/api"
	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/gen/sessionsdb"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/peerclient"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/internal/write"
	"github.com/fountainai/fountainai/migrations"
)

// Server implements the generated strict server interface.
type Server struct {
	pool       *pgxpool.Pool
	q          *sessionsdb.Queries
	log        *slog.Logger
	scripts    scriptsapi.ClientInterface
	characters charactersapi.ClientInterface
	writes     *write.Writer
}

var _ sessionsapi.StrictServerInterface = (*Server)(nil)

// NewServer builds the service on a pool whose database has the sessions schema migrated; its creates
// go through writes. Of the peers, it calls the scripts and characters services, whose resources
// character contexts name.
func NewServer(pool *pgxpool.Pool, logger *slog.Logger, writes *write.Writer, c peerclient.Set) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	return &Server{pool: pool, q: sessionsdb.New(dbx.Interpreted(pool)), log: logger, scripts: c.Scripts, characters: c.Characters, writes: writes}
}

// Service describes the Session & Context Service to the fountain binary.
func Service() service.Service {
	return service.Service{
		Name:       "sessions",
		Title:      "Session & Context Service: sessions and character contexts",
		Spec:       api.Sessions,
		Migrations: migrations.For("sessions"),
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
	spec, err := sessionsapi.GetSwagger()
	if err != nil {
		return fmt.Errorf("load sessions spec: %w", err)
	}
	strict := sessionsapi.NewStrictHandlerWithOptions(srv, nil, sessionsapi.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  httpapi.RequestErrorHandler,
		ResponseErrorHandlerFunc: httpapi.ResponseErrorHandler,
	})
	sessionsapi.HandlerWithOptions(strict, sessionsapi.StdHTTPServerOptions{
		BaseRouter:       mux,
		Middlewares:      []sessionsapi.MiddlewareFunc{httpapi.Validator(spec)},
		ErrorHandlerFunc: httpapi.ParamErrorHandler,
	})
	return nil
}

// canonicalObject re-encodes a JSON object the way the validator understood it, so that what
// PostgreSQL's jsonb parser gets is what the client was told it sent: invalid UTF-8 and lone UTF-16
// surrogates become U+FFFD (as Go's decoder reads them; jsonb would refuse them), numbers keep their
// digits, and a repeated key keeps its last value (as jsonb does). A NUL in a key or string is
// refused: jsonb cannot hold it.
func canonicalObject(raw json.RawMessage) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the object")
	}
	return dbx.StorableJSON(v)
}
