package auth_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fountainai/fountainai/internal/auth"
)

// BenchmarkVerify measures what authenticating one request costs in the verifier: checking an HS256
// token, and an RS256 token against keys fetched once from a JWKS.
func BenchmarkVerify(b *testing.B) {
	secret := []byte(strings.Repeat("s", 32))
	hs, err := auth.NewJWTVerifier(b.Context(), auth.JWTConfig{HS256Secret: secret})
	if err != nil {
		b.Fatal(err)
	}
	hsToken, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims("fountainai", "fountainai")).SignedString(secret)
	if err != nil {
		b.Fatal(err)
	}

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	jwks, _ := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
		"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(jwks) }))
	b.Cleanup(srv.Close)
	rs, err := auth.NewJWTVerifier(b.Context(), auth.JWTConfig{Issuer: "https://id.example", JWKSURL: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims("https://id.example", "fountainai"))
	tok.Header["kid"] = "k1"
	rsToken, err := tok.SignedString(key)
	if err != nil {
		b.Fatal(err)
	}

	for _, c := range []struct {
		name  string
		v     *auth.JWTVerifier
		token string
	}{{"HS256", hs, hsToken}, {"RS256", rs, rsToken}} {
		b.Run(c.name, func(b *testing.B) {
			if _, err := c.v.Verify(b.Context(), c.token); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.v.Verify(b.Context(), c.token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
