// Package authtest gives tests and benchmarks credentials the FountainAI processes they start accept:
// HS256 bearer tokens signed with a secret made for the test binary, and an ingest key. A process
// started with Env() in its environment accepts both; an in-process handler gets Config().
package authtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fountainai/fountainai/internal/auth"
)

// Secret signs the test tokens; a new one in every test binary.
var Secret = random()

// IngestKey is the ingest credential of the test processes.
var IngestKey = random()

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Issuer and Audience are those of the test tokens.
const (
	Issuer   = "fountainai-test"
	Audience = "fountainai"
)

// Env is the environment that makes a fountain process accept the test credentials.
func Env() []string {
	return []string{"FOUNTAIN_JWT_HS256_SECRET=" + Secret, "FOUNTAIN_OIDC_ISSUER=" + Issuer,
		"FOUNTAIN_JWT_AUDIENCE=" + Audience, "FOUNTAIN_INGEST_KEY=" + IngestKey}
}

// Config is the authentication of an in-process test server: the test tokens, the ingest key and
// the API keys of keys (nil: none).
func Config(keys *auth.KeyStore) auth.Config {
	v, err := auth.NewJWTVerifier(context.Background(), auth.JWTConfig{HS256Secret: []byte(Secret), Issuer: Issuer, Audience: Audience})
	if err != nil {
		panic(err) // the secret is long enough by construction
	}
	return auth.Config{JWT: v, Keys: keys, IngestKey: IngestKey}
}

// Token is a bearer token for tenant with role, valid for an hour.
func Token(tenant string, role auth.Role) string {
	return Sign(jwt.MapClaims{"sub": "test-" + string(role), "tenant": tenant, "role": string(role)})
}

// Sign signs claims with Secret, adding iss, aud, iat and exp where claims lack them.
func Sign(claims jwt.MapClaims) string {
	now := time.Now()
	for k, v := range map[string]any{"iss": Issuer, "aud": Audience, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()} {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(Secret))
	if err != nil {
		panic(err)
	}
	return s
}

// Transport adds a credential to every request that carries none: a bearer token, or with role
// ingest the ingest key.
func Transport(tenant string, role auth.Role, next http.RoundTripper) http.RoundTripper {
	if role == auth.Ingest {
		return WithCredential(auth.APIKeyHeader, IngestKey, next)
	}
	return WithCredential("Authorization", "Bearer "+Token(tenant, role), next)
}

// WithCredential sets header to value on every request that carries no credential (neither
// Authorization nor X-API-Key); next (default http.DefaultTransport) sends it.
func WithCredential(header, value string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return credTransport{header: header, value: value, next: next}
}

type credTransport struct {
	header, value string
	next          http.RoundTripper
}

func (c credTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") == "" && req.Header.Get(auth.APIKeyHeader) == "" {
		req = req.Clone(req.Context())
		req.Header.Set(c.header, c.value)
	}
	return c.next.RoundTrip(req)
}

// Client is an HTTP client acting for tenant with role.
func Client(tenant string, role auth.Role) *http.Client {
	return &http.Client{Transport: Transport(tenant, role, nil)}
}

// Install makes the test credentials those of the whole test binary: the fountain processes it
// starts accept them (they inherit the environment), and requests through http.DefaultTransport
// carry an admin's bearer token of the default tenant unless they carry a credential.
func Install() {
	for _, kv := range Env() {
		k, v, _ := strings.Cut(kv, "=")
		if err := os.Setenv(k, v); err != nil {
			panic(err)
		}
	}
	http.DefaultTransport = Transport(auth.DefaultTenant, auth.Admin, http.DefaultTransport)
}
