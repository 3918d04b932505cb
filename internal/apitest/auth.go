package apitest

import (
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
)

// Issuer and Audience are those of the test tokens.
const (
	Issuer   = authtest.Issuer
	Audience = authtest.Audience
)

// Auth is the authenticator of the test servers: the test tokens and ingest key of authtest, and
// the API keys stored in pool.
func Auth(t testing.TB, pool *pgxpool.Pool) *auth.Authenticator {
	t.Helper()
	return auth.New(authtest.Config(auth.NewKeyStore(pool)))
}

// Token is a bearer token for tenant with role, valid for an hour.
func Token(t testing.TB, tenant string, role auth.Role) string {
	t.Helper()
	return authtest.Token(tenant, role)
}

// SignedToken signs claims with the test secret, adding iss, aud, iat and exp where claims lack them.
func SignedToken(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	return authtest.Sign(claims)
}
