package apitest

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/internal/auth"
)

// Secret signs the test tokens (HS256); a new one in every test binary.
var Secret = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}()

// Issuer and Audience are those of the test tokens.
const (
	Issuer   = "fountainai-test"
	Audience = "fountainai"
)

// Auth is the authenticator of the test servers: HS256 tokens signed with Secret and the API keys
// stored in pool.
func Auth(t testing.TB, pool *pgxpool.Pool) *auth.Authenticator {
	t.Helper()
	v, err := auth.NewJWTVerifier(context.Background(), auth.JWTConfig{HS256Secret: Secret, Issuer: Issuer, Audience: Audience})
	if err != nil {
		t.Fatalf("apitest: %v", err)
	}
	return auth.New(auth.Config{JWT: v, Keys: auth.NewKeyStore(pool)})
}

// Token is a bearer token for tenant with role, valid for an hour.
func Token(t testing.TB, tenant string, role auth.Role) string {
	t.Helper()
	return SignedToken(t, jwt.MapClaims{"sub": "test-" + string(role), "tenant": tenant, "role": string(role)})
}

// SignedToken signs claims with Secret, adding iss, aud, iat and exp where claims lack them.
func SignedToken(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	now := time.Now()
	for k, v := range map[string]any{"iss": Issuer, "aud": Audience, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()} {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(Secret)
	if err != nil {
		t.Fatalf("apitest: sign token: %v", err)
	}
	return s
}
