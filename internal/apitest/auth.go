package apitest

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
)

// Auth is the authenticator of the test servers: the test tokens and ingest key of authtest, and
// the API keys stored in pool.
func Auth(t testing.TB, pool *pgxpool.Pool) *auth.Authenticator {
	t.Helper()
	return auth.New(authtest.Config(auth.NewKeyStore(pool)))
}
