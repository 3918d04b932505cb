package auth_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/oidctest"
)

// TestTokensOfARealProvider verifies access tokens that an OpenID Connect provider issues by client
// credentials, finding its keys by discovery, and goes on verifying them across a key rotation.
func TestTokensOfARealProvider(t *testing.T) {
	t.Parallel()
	p := oidctest.Start(t)
	p.AddClient("drafting-agent", "agent-secret-1", "fountainai", map[string]any{"tenant": "acme", "role": "writer"})
	p.AddClient("other-audience", "agent-secret-2", "someone-else", map[string]any{"tenant": "acme", "role": "writer"})
	p.AddClient("no-tenant", "agent-secret-3", "fountainai", map[string]any{"role": "admin"})
	p.AddClient("org", "agent-secret-4", "fountainai", map[string]any{"org": "globex", "groups": []any{"reader", "admin"}})
	v, err := auth.NewJWTVerifier(t.Context(), auth.JWTConfig{Issuer: p.Issuer(), Audience: "fountainai"})
	require.NoError(t, err)

	id, err := v.Verify(t.Context(), p.Token(t, "drafting-agent", "agent-secret-1"))
	require.NoError(t, err)
	require.Equal(t, auth.Identity{Subject: "drafting-agent", Tenant: "acme", Role: auth.Writer}, id)

	before := p.CurrentKeyID()
	p.RotateKey()
	require.NotEqual(t, before, p.CurrentKeyID())
	rotated := p.Token(t, "drafting-agent", "agent-secret-1")
	id, err = v.Verify(t.Context(), rotated)
	require.NoError(t, err, "a token signed with the new key verifies: the key set is fetched again")
	require.Equal(t, "acme", id.Tenant)

	_, err = v.Verify(t.Context(), p.Token(t, "other-audience", "agent-secret-2"))
	require.ErrorContains(t, err, "audience")
	_, err = v.Verify(t.Context(), p.Token(t, "no-tenant", "agent-secret-3"))
	require.ErrorContains(t, err, `no "tenant" claim`)

	// Claims named by configuration: the tenant from "org", the strongest role of a list.
	custom, err := auth.NewJWTVerifier(t.Context(), auth.JWTConfig{Issuer: p.Issuer(), Audience: "fountainai", TenantClaim: "org", RoleClaim: "groups"})
	require.NoError(t, err)
	id, err = custom.Verify(t.Context(), p.Token(t, "org", "agent-secret-4"))
	require.NoError(t, err)
	require.Equal(t, auth.Identity{Subject: "org", Tenant: "globex", Role: auth.Admin}, id)

	p.SetTokenLifetime(-2 * auth.Leeway)
	_, err = v.Verify(t.Context(), p.Token(t, "drafting-agent", "agent-secret-1"))
	require.ErrorContains(t, err, "expired")

	// An HMAC token whose secret is the provider's public key: the confusion of algorithms that a
	// verifier trusting the token's alg would accept.
	pub := publicKeyPEM(t, p.Issuer())
	forged := sign(t, jwt.SigningMethodHS256, pub, claims(p.Issuer(), "fountainai"))
	_, err = v.Verify(t.Context(), forged)
	require.ErrorContains(t, err, "signature")

	_, err = v.Verify(t.Context(), unsigned(claims(p.Issuer(), "fountainai")))
	require.Error(t, err)
}

// TestSharedSecretTokens covers the HS256 mode and every way a token can be refused.
func TestSharedSecretTokens(t *testing.T) {
	t.Parallel()
	secret := []byte(strings.Repeat("s", 32))
	v, err := auth.NewJWTVerifier(context.Background(), auth.JWTConfig{HS256Secret: secret})
	require.NoError(t, err)
	ok := claims("fountainai", "fountainai")
	id, err := v.Verify(t.Context(), sign(t, jwt.SigningMethodHS256, secret, ok))
	require.NoError(t, err)
	require.Equal(t, auth.Identity{Subject: "someone", Tenant: "acme", Role: auth.Reader}, id, "no role claim: reader")

	now := time.Now()
	for name, c := range map[string]jwt.MapClaims{
		"expired":        with(ok, "exp", now.Add(-2*auth.Leeway).Unix()),
		"not yet valid":  with(ok, "nbf", now.Add(2*auth.Leeway).Unix()),
		"issued later":   with(ok, "iat", now.Add(2*auth.Leeway).Unix()),
		"no expiry":      with(ok, "exp", nil),
		"wrong issuer":   with(ok, "iss", "https://evil.example"),
		"wrong audience": with(ok, "aud", "other"),
		"no tenant":      with(ok, "tenant", nil),
		"bad role claim": with(ok, "role", 7),
	} {
		_, err := v.Verify(t.Context(), sign(t, jwt.SigningMethodHS256, secret, c))
		require.Error(t, err, name)
	}
	// Within the bounded skew a token is still good.
	_, err = v.Verify(t.Context(), sign(t, jwt.SigningMethodHS256, secret, with(ok, "exp", now.Add(-auth.Leeway/2).Unix())))
	require.NoError(t, err)
	_, err = v.Verify(t.Context(), sign(t, jwt.SigningMethodHS256, []byte(strings.Repeat("x", 32)), ok))
	require.ErrorContains(t, err, "signature")
	_, err = v.Verify(t.Context(), unsigned(ok))
	require.Error(t, err, "alg none")
	_, err = v.Verify(t.Context(), sign(t, jwt.SigningMethodHS512, secret, ok))
	require.ErrorContains(t, err, "signature", "the algorithm is pinned to HS256")

	_, err = auth.NewJWTVerifier(context.Background(), auth.JWTConfig{HS256Secret: []byte("short")})
	require.Error(t, err)
}

func claims(iss, aud string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{"iss": iss, "aud": aud, "sub": "someone", "tenant": "acme", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func sign(t *testing.T, m jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	require.NoError(t, err)
	return s
}

// unsigned is a token with alg "none", built by hand: the library refuses to make one.
func unsigned(c jwt.MapClaims) string {
	h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(b) + "."
}

// publicKeyPEM is the provider's current public key as PEM, read from its JWKS.
func publicKeyPEM(t *testing.T, issuer string) []byte {
	t.Helper()
	resp, err := http.Get(issuer + "/.well-known/openid-configuration")
	require.NoError(t, err)
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	resp.Body.Close()
	resp, err = http.Get(doc.JWKSURI)
	require.NoError(t, err)
	defer resp.Body.Close()
	var set struct {
		Keys []struct {
			N string `json:"n"`
			E string `json:"e"`
		} `json:"keys"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&set))
	require.NotEmpty(t, set.Keys)
	n, err := base64.RawURLEncoding.DecodeString(set.Keys[0].N)
	require.NoError(t, err)
	e, err := base64.RawURLEncoding.DecodeString(set.Keys[0].E)
	require.NoError(t, err)
	kf := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	der, err := x509.MarshalPKIXPublicKey(kf)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// TestUnreachableProvider: a token cannot be checked while the provider fails, which is the
// provider's failure (the middleware answers 503), not the caller's; requests meanwhile do not each
// wait for it.
func TestUnreachableProvider(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "down", http.StatusBadGateway)
	}))
	t.Cleanup(down.Close)
	v, err := auth.NewJWTVerifier(t.Context(), auth.JWTConfig{Issuer: down.URL})
	require.NoError(t, err)
	token := sign(t, jwt.SigningMethodHS256, []byte(strings.Repeat("s", 32)), claims(down.URL, "fountainai"))
	for range 3 {
		_, err = v.Verify(t.Context(), token)
		require.ErrorContains(t, err, "identity provider unreachable")
	}
	require.EqualValues(t, 1, hits.Load(), "the failure is remembered for a while")
}
