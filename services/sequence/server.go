// Package sequence is the Central Sequence Service: the one authority for the order of every story
// element and for the version history of elements. All of its concurrency guarantees live in
// PostgreSQL (row locks, constraints, single statements), so they hold across any number of replicas.
package sequence

import (
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/api"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sequencedb"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/service"
	"github.com/fountainai/fountainai/internal/write"
	"github.com/fountainai/fountainai/migrations"
)

// Server implements the generated strict server interface.
type Server struct {
	pool   *pgxpool.Pool
	q      *sequencedb.Queries
	writes *write.Writer
}

var _ sequenceapi.StrictServerInterface = (*Server)(nil)

// NewServer builds the service on a pool whose database has the sequence schema migrated.
func NewServer(pool *pgxpool.Pool, writes *write.Writer) *Server {
	return &Server{pool: pool, q: sequencedb.New(dbx.Interpreted(pool)), writes: writes}
}

// Service describes the Central Sequence Service to the fountain binary.
func Service() service.Service {
	return service.Service{
		Name:       "sequence",
		Title:      "Central Sequence Service: order and versions of story elements",
		Spec:       api.Sequence,
		Migrations: migrations.For("sequence"),
		Mount: func(mux *http.ServeMux, deps service.Deps) error {
			return Mount(mux, NewServer(deps.Pool, deps.Writes))
		},
	}
}

// Mount registers srv's routes on mux behind request validation against the embedded spec.
func Mount(mux *http.ServeMux, srv *Server) error {
	spec, err := sequenceapi.GetSwagger()
	if err != nil {
		return fmt.Errorf("load sequence spec: %w", err)
	}
	strict := sequenceapi.NewStrictHandlerWithOptions(srv, nil, sequenceapi.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  httpapi.RequestErrorHandler,
		ResponseErrorHandlerFunc: httpapi.ResponseErrorHandler,
	})
	sequenceapi.HandlerWithOptions(strict, sequenceapi.StdHTTPServerOptions{
		BaseRouter:       mux,
		Middlewares:      []sequenceapi.MiddlewareFunc{httpapi.Validator(spec)},
		ErrorHandlerFunc: httpapi.ParamErrorHandler,
	})
	return nil
}

// Error codes of this service (the shared ones are in httpapi).
const (
	codeContentOrder        = "CONTENT_ORDER"
	codeContentOwned        = "CONTENT_OWNED"
	codeElementInOtherScope = "ELEMENT_IN_OTHER_SCOPE"
	codeScopeMismatch       = "SCOPE_MISMATCH"
	codeDuplicateElement    = "DUPLICATE_ELEMENT"
	codeDuplicateSequence   = "DUPLICATE_SEQUENCE"
	codeSequenceConflict    = "SEQUENCE_CONFLICT"
)

// conflict is f as the body of a declared 409.
func conflict(f *httpapi.Failure) sequenceapi.ConflictJSONResponse {
	return sequenceapi.ConflictJSONResponse{Body: httpapi.Body[sequenceapi.ErrorResponse](f)}
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
