package oidctest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"github.com/fountainai/fountainai/internal/oidctest"
)

const (
	clientID = "writer-app"
	secret   = "s3cret with spaces & symbols"
	audience = "fountain-api"
)

type discovery struct {
	Issuer              string   `json:"issuer"`
	JWKSURI             string   `json:"jwks_uri"`
	TokenEndpoint       string   `json:"token_endpoint"`
	GrantTypesSupported []string `json:"grant_types_supported"`
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: decode: %v", u, err)
	}
}

func discover(t *testing.T, p *oidctest.Provider) discovery {
	t.Helper()
	var d discovery
	getJSON(t, p.Issuer()+"/.well-known/openid-configuration", &d)
	if d.Issuer != p.Issuer() {
		t.Fatalf("discovery issuer %q, want %q", d.Issuer, p.Issuer())
	}
	if d.JWKSURI == "" || d.TokenEndpoint != p.TokenEndpoint() {
		t.Fatalf("discovery jwks_uri %q token_endpoint %q", d.JWKSURI, d.TokenEndpoint)
	}
	if !slices.Contains(d.GrantTypesSupported, "client_credentials") {
		t.Fatalf("discovery grant_types_supported %v lacks client_credentials", d.GrantTypesSupported)
	}
	return d
}

// kids lists the key ids the JWKS publishes.
func kids(t *testing.T, jwksURI string) []string {
	t.Helper()
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
			Alg string `json:"alg"`
			Use string `json:"use"`
			Kty string `json:"kty"`
		} `json:"keys"`
	}
	getJSON(t, jwksURI, &set)
	var out []string
	for _, k := range set.Keys {
		if k.Alg != "RS256" || k.Use != "sig" || k.Kty != "RSA" {
			t.Fatalf("JWKS key %+v: want RSA, RS256, sig", k)
		}
		out = append(out, k.Kid)
	}
	return out
}

// newKeyfunc reads the JWKS the way a service would, refreshing at once on an unknown kid.
func newKeyfunc(t *testing.T, jwksURI string) keyfunc.Keyfunc {
	t.Helper()
	kf, err := keyfunc.NewDefaultOverrideCtx(t.Context(), []string{jwksURI}, keyfunc.Override{
		RefreshUnknownKID: rate.NewLimiter(rate.Inf, 1),
	})
	if err != nil {
		t.Fatalf("keyfunc: %v", err)
	}
	return kf
}

// verify checks the token independently of the provider's library: signature by JWKS, iss, aud, exp.
func verify(p *oidctest.Provider, kf keyfunc.Keyfunc, tok string) (*jwt.Token, jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(tok, claims, kf.Keyfunc,
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(p.Issuer()),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
	)
	return parsed, claims, err
}

func mustVerify(t *testing.T, p *oidctest.Provider, kf keyfunc.Keyfunc, tok string) (*jwt.Token, jwt.MapClaims) {
	t.Helper()
	parsed, claims, err := verify(p, kf, tok)
	if err != nil {
		t.Fatalf("verify token: %v", err)
	}
	return parsed, claims
}

func TestTokenVerifiesByDiscoveryAndJWKS(t *testing.T) {
	p := oidctest.Start(t)
	p.AddClient(clientID, secret, audience, map[string]any{"tenant": "acme", "role": "writer"})
	d := discover(t, p)
	kf := newKeyfunc(t, d.JWKSURI)

	tok := p.Token(t, clientID, secret)
	parsed, claims := mustVerify(t, p, kf, tok)
	if kid, _ := parsed.Header["kid"].(string); kid == "" || kid != p.CurrentKeyID() {
		t.Fatalf("kid %q, want current key %q", kid, p.CurrentKeyID())
	}
	if sub, _ := claims.GetSubject(); sub != clientID {
		t.Errorf("sub %q, want %q", sub, clientID)
	}
	if claims["tenant"] != "acme" || claims["role"] != "writer" {
		t.Errorf("extra claims tenant=%v role=%v, want acme, writer", claims["tenant"], claims["role"])
	}
	for _, name := range []string{"iat", "nbf", "exp"} {
		if _, ok := claims[name].(float64); !ok {
			t.Errorf("claim %s missing: %v", name, claims)
		}
	}
	exp, _ := claims.GetExpirationTime()
	if left := time.Until(exp.Time); left <= 0 || left > oidctest.DefaultTokenLifetime+time.Second {
		t.Errorf("exp in %v, want within %v", left, oidctest.DefaultTokenLifetime)
	}

	// Another audience is refused: aud is checked, not only the signature.
	if _, err := jwt.Parse(tok, kf.Keyfunc, jwt.WithAudience("other-api")); !errors.Is(err, jwt.ErrTokenInvalidAudience) {
		t.Errorf("token for %q accepted for other-api: %v", audience, err)
	}
}

func TestWrongSecretIsRefused(t *testing.T) {
	p := oidctest.Start(t)
	p.AddClient(clientID, secret, audience, nil)
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequest(http.MethodPost, p.TokenEndpoint(), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, "wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode == http.StatusOK || body.Error != "invalid_client" {
		t.Fatalf("wrong secret: %s, error %q; want a refusal with invalid_client", resp.Status, body.Error)
	}
}

func TestExpiredTokenIsRejected(t *testing.T) {
	p := oidctest.Start(t)
	p.AddClient(clientID, secret, audience, nil)
	kf := newKeyfunc(t, discover(t, p).JWKSURI)
	p.SetTokenLifetime(-time.Minute)
	tok := p.Token(t, clientID, secret)
	if _, _, err := verify(p, kf, tok); !errors.Is(err, jwt.ErrTokenExpired) {
		t.Fatalf("expired token: %v, want %v", err, jwt.ErrTokenExpired)
	}
}

func TestKeyRotation(t *testing.T) {
	p := oidctest.Start(t)
	p.AddClient(clientID, secret, audience, map[string]any{"tenant": "acme"})
	d := discover(t, p)
	kf := newKeyfunc(t, d.JWKSURI)

	oldTok := p.Token(t, clientID, secret)
	oldParsed, _ := mustVerify(t, p, kf, oldTok)
	oldKid := oldParsed.Header["kid"].(string)

	p.RotateKey()
	newTok := p.Token(t, clientID, secret)
	// kf has only cached the old key; the unknown kid makes it fetch the JWKS again.
	newParsed, claims := mustVerify(t, p, kf, newTok)
	newKid := newParsed.Header["kid"].(string)
	if newKid == oldKid || newKid != p.CurrentKeyID() {
		t.Fatalf("kid after rotation %q (old %q, current %q)", newKid, oldKid, p.CurrentKeyID())
	}
	if claims["tenant"] != "acme" {
		t.Errorf("tenant %v after rotation", claims["tenant"])
	}
	if got := kids(t, d.JWKSURI); !slices.Contains(got, oldKid) || !slices.Contains(got, newKid) || len(got) != 2 {
		t.Fatalf("JWKS after rotation %v, want %s and %s", got, oldKid, newKid)
	}
	mustVerify(t, p, kf, oldTok) // tokens issued before the rotation still verify

	p.RetireOldKeys()
	if got := kids(t, d.JWKSURI); !slices.Equal(got, []string{newKid}) {
		t.Fatalf("JWKS after retiring %v, want only %s", got, newKid)
	}
	fresh := newKeyfunc(t, d.JWKSURI)
	mustVerify(t, p, fresh, newTok)
	if _, _, err := verify(p, fresh, oldTok); err == nil {
		t.Fatal("token signed by a retired key still verifies")
	}
}
