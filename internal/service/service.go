// Package service describes what each FountainAI service brings to the fountain binary, so that
// `fountain serve` can run any set of them in one process on one port.
package service

import (
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/write"
)

// Deps are what a service is built from.
type Deps struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
	Peers  Peers
	// CallSlots bounds, for every service on Pool together, the transactions kept open across a
	// call to another service.
	CallSlots *dbx.CallSlots
	// Writes makes every write a client asks for, for every service of the process together.
	Writes *write.Writer
	// Keys is the process's API key store (nil when API keys are not accepted).
	Keys *auth.KeyStore
}

// Peers reaches the other services. A service calls another only through that service's generated
// client, built on the base URL and HTTP client returned here: in-process when both run in one
// process, over HTTP otherwise. The client has a timeout and forwards the caller's request id. A
// service this process can reach neither way still gets a client, whose every call fails, so only
// the operations that need it answer 503 and the rest of the service works.
type Peers interface {
	Peer(name string) (baseURL string, client *http.Client)
}

// Service is one FountainAI service.
type Service struct {
	// Name is used on the command line, as the PostgreSQL schema and in /openapi/<Name>.yaml.
	Name string
	// Title is a one-line description for help output.
	Title string
	// Spec is the service's OpenAPI document as written in api/.
	Spec []byte
	// Migrations holds the service's goose migrations; nil for a service that owns no tables (no
	// schema is created for it).
	Migrations fs.FS
	// Mount registers the service's routes on mux, each validated against the service's spec.
	Mount func(mux *http.ServeMux, deps Deps) error
	// RelayedBodies names the operations (by operationId) whose JSON bodies relay text that a
	// gateway received from clients, such as Kong's request logs: invalid UTF-8 and unpaired
	// surrogates in their strings are read as U+FFFD instead of refused (see httpapi.CheckJSONBody).
	RelayedBodies []string
}
