// Package oidctest runs a real OpenID Connect provider inside a test, so tests can prove that a
// service verifies bearer tokens the way it will in production: by reading the issuer's discovery
// document, fetching its JWKS, and checking the signature and claims of a JWT access token.
//
// The provider is zitadel's certified OpenID provider library (github.com/zitadel/oidc/v3/pkg/op);
// this package only supplies a small in-memory storage for it. Discovery
// (Issuer()+"/.well-known/openid-configuration"), the JWKS (the document's jwks_uri) and the token
// endpoint (its token_endpoint) are all served by the library's own handler on an httptest server.
//
// Only the client_credentials grant is supported: AddClient registers a confidential client and
// Token fetches a JWT access token for it through the token endpoint. Tokens are signed with RS256
// and carry a kid; RotateKey and RetireOldKeys drive key rotation the way a real issuer would.
//
// Typical use:
//
//	p := oidctest.Start(t)
//	p.AddClient("writer-app", "s3cret", "fountain-api", map[string]any{"tenant": "acme", "role": "writer"})
//	tok := p.Token(t, "writer-app", "s3cret")
//	// point the service under test at p.Issuer() and send "Authorization: Bearer "+tok
package oidctest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// DefaultTokenLifetime is how long access tokens live unless SetTokenLifetime says otherwise.
const DefaultTokenLifetime = 5 * time.Minute

// Provider is a running OpenID provider. Its methods are safe for concurrent use.
type Provider struct {
	issuer  string
	srv     *httptest.Server
	storage *storage
}

// Start runs a provider on an httptest server that is closed at t.Cleanup. The issuer is the
// server's URL (plain http, which the library is told to allow).
func Start(t testing.TB) *Provider {
	t.Helper()
	s := &storage{clients: map[string]*client{}, lifetime: DefaultTokenLifetime}
	if err := s.rotate(); err != nil {
		t.Fatalf("oidctest: signing key: %v", err)
	}

	// The listener exists before the server starts, so the issuer (which the library needs at
	// construction) is known before any request can arrive.
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()

	var cryptoKey [32]byte // encrypts opaque tokens only; our clients get JWTs, but keep it random
	if _, err := rand.Read(cryptoKey[:]); err != nil {
		t.Fatalf("oidctest: crypto key: %v", err)
	}
	provider, err := op.NewProvider(&op.Config{CryptoKey: cryptoKey}, s, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		srv.Close()
		t.Fatalf("oidctest: new provider: %v", err)
	}
	srv.Config.Handler = provider
	srv.Start()
	t.Cleanup(srv.Close)
	return &Provider{issuer: issuer, srv: srv, storage: s}
}

// Issuer returns the issuer URL. Discovery is at Issuer()+"/.well-known/openid-configuration".
func (p *Provider) Issuer() string { return p.issuer }

// AddClient registers a confidential client (client_secret_basic) for the client_credentials
// grant, replacing any client with the same id. Tokens issued to it are JWT access tokens (RS256,
// with kid) whose claims are iss, sub (the client id), aud (audience; the client id when empty),
// exp, iat, nbf, jti and client_id, plus the given extra claims. An extra claim cannot replace one
// of those registered claims: the library writes the registered ones over it.
func (p *Provider) AddClient(id, secret, audience string, claims map[string]any) {
	p.storage.mu.Lock()
	defer p.storage.mu.Unlock()
	p.storage.clients[id] = &client{id: id, secret: secret, audience: audience, claims: maps.Clone(claims)}
}

// SetTokenLifetime sets the lifetime of tokens issued from now on (DefaultTokenLifetime at start).
// A negative lifetime issues tokens that have already expired, for testing their rejection.
func (p *Provider) SetTokenLifetime(d time.Duration) {
	p.storage.mu.Lock()
	defer p.storage.mu.Unlock()
	p.storage.lifetime = d
}

// Token fetches an access token for the client through the provider's real token endpoint (a
// client_credentials POST with HTTP Basic client authentication) and fails the test if the
// provider refuses.
func (p *Provider) Token(t testing.TB, clientID, secret string) string {
	t.Helper()
	form := url.Values{"grant_type": {string(oidc.GrantTypeClientCredentials)}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, p.TokenEndpoint(), strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("oidctest: token request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// RFC 6749 section 2.3.1: the id and secret are form-encoded before Basic encoding.
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	resp, err := p.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("oidctest: token request: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("oidctest: token response: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("oidctest: token endpoint answered %s: %s", resp.Status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("oidctest: token response %s: %v", body, err)
	}
	return tok.AccessToken
}

// TokenEndpoint returns the URL of the provider's token endpoint.
func (p *Provider) TokenEndpoint() string {
	return op.DefaultEndpoints.Token.Absolute(p.issuer)
}

// RotateKey makes a new RSA signing key, with a new kid, the current one. The JWKS then publishes
// the old keys and the new one, so tokens already issued still verify; new tokens are signed with
// the new key.
func (p *Provider) RotateKey() {
	if err := p.storage.rotate(); err != nil {
		panic(fmt.Sprintf("oidctest: rotate key: %v", err))
	}
}

// RetireOldKeys removes every key but the current one from the JWKS.
func (p *Provider) RetireOldKeys() {
	p.storage.mu.Lock()
	defer p.storage.mu.Unlock()
	p.storage.keys = p.storage.keys[len(p.storage.keys)-1:]
}

// CurrentKeyID returns the kid of the key that signs new tokens.
func (p *Provider) CurrentKeyID() string {
	p.storage.mu.Lock()
	defer p.storage.mu.Unlock()
	return p.storage.keys[len(p.storage.keys)-1].id
}

// signingKey is one RSA key; it serves as both op.SigningKey (private half) and, through
// publicKey, op.Key (public half, for the JWKS).
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

type publicKey struct{ k *signingKey }

func (k publicKey) ID() string                         { return k.k.id }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.k.key.PublicKey }

// client is a registered confidential client; it implements op.Client.
type client struct {
	id, secret, audience string
	claims               map[string]any
}

func (c *client) GetID() string                       { return c.id }
func (c *client) RedirectURIs() []string              { return nil }
func (c *client) PostLogoutRedirectURIs() []string    { return nil }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *client) ResponseTypes() []oidc.ResponseType  { return nil }
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeClientCredentials}
}
func (c *client) LoginURL(string) string               { return "" }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeJWT }
func (c *client) IDTokenLifetime() time.Duration       { return 0 }
func (c *client) DevMode() bool                        { return false }
func (c *client) IsScopeAllowed(string) bool           { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// ccRequest is the op.TokenRequest of one client_credentials grant.
type ccRequest struct {
	clientID string
	audience []string
	scopes   []string
}

func (r *ccRequest) GetSubject() string    { return r.clientID }
func (r *ccRequest) GetAudience() []string { return r.audience }
func (r *ccRequest) GetScopes() []string   { return r.scopes }

var errUnsupported = errors.New("oidctest: only the client_credentials grant is supported")

// storage is the op.Storage of the provider, plus op.ClientCredentialsStorage (which turns on the
// client_credentials grant) and op.CanGetPrivateClaimsFromRequest (which puts a client's extra
// claims into its JWT access tokens).
type storage struct {
	mu       sync.Mutex
	clients  map[string]*client
	keys     []*signingKey // the last one signs; all are published
	lifetime time.Duration
}

var (
	_ op.Storage                        = (*storage)(nil)
	_ op.ClientCredentialsStorage       = (*storage)(nil)
	_ op.CanGetPrivateClaimsFromRequest = (*storage)(nil)
	_ op.Client                         = (*client)(nil)
)

func (s *storage) rotate() error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	kid := make([]byte, 8)
	if _, err := rand.Read(kid); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, &signingKey{id: hex.EncodeToString(kid), key: key})
	return nil
}

func (s *storage) client(id string) (*client, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	return c, ok
}

// op.ClientCredentialsStorage

func (s *storage) ClientCredentials(_ context.Context, clientID, clientSecret string) (op.Client, error) {
	c, ok := s.client(clientID)
	if !ok || c.secret != clientSecret {
		return nil, errors.New("oidctest: unknown client or wrong secret")
	}
	return c, nil
}

func (s *storage) ClientCredentialsTokenRequest(_ context.Context, clientID string, scopes []string) (op.TokenRequest, error) {
	c, ok := s.client(clientID)
	if !ok {
		return nil, errors.New("oidctest: unknown client")
	}
	var aud []string
	if c.audience != "" {
		aud = []string{c.audience}
	}
	return &ccRequest{clientID: clientID, audience: aud, scopes: scopes}, nil
}

// op.CanGetPrivateClaimsFromRequest: called by the library when it builds a JWT access token.

func (s *storage) GetPrivateClaimsFromRequest(_ context.Context, request op.TokenRequest, _ []string) (map[string]any, error) {
	r, ok := request.(*ccRequest)
	if !ok {
		return nil, nil
	}
	return s.clientClaims(r.clientID), nil
}

func (s *storage) clientClaims(clientID string) map[string]any {
	c, ok := s.client(clientID)
	if !ok {
		return nil
	}
	return maps.Clone(c.claims)
}

// op.AuthStorage

func (s *storage) CreateAccessToken(_ context.Context, request op.TokenRequest) (string, time.Time, error) {
	if _, ok := request.(*ccRequest); !ok {
		return "", time.Time{}, errUnsupported
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return "", time.Time{}, err
	}
	s.mu.Lock()
	lifetime := s.lifetime
	s.mu.Unlock()
	return hex.EncodeToString(id), time.Now().UTC().Add(lifetime), nil
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[len(s.keys)-1], nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]op.Key, len(s.keys))
	for i, k := range s.keys {
		keys[i] = publicKey{k}
	}
	return keys, nil
}

func (s *storage) CreateAuthRequest(context.Context, *oidc.AuthRequest, string) (op.AuthRequest, error) {
	return nil, errUnsupported
}
func (s *storage) AuthRequestByID(context.Context, string) (op.AuthRequest, error) {
	return nil, errUnsupported
}
func (s *storage) AuthRequestByCode(context.Context, string) (op.AuthRequest, error) {
	return nil, errUnsupported
}
func (s *storage) SaveAuthCode(context.Context, string, string) error { return errUnsupported }
func (s *storage) DeleteAuthRequest(context.Context, string) error    { return errUnsupported }
func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errUnsupported
}
func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, errUnsupported
}
func (s *storage) TerminateSession(context.Context, string, string) error { return errUnsupported }
func (s *storage) RevokeToken(context.Context, string, string, string) *oidc.Error {
	return oidc.ErrRequestNotSupported().WithDescription("%s", errUnsupported)
}
func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

// op.OPStorage

func (s *storage) GetClientByClientID(_ context.Context, clientID string) (op.Client, error) {
	c, ok := s.client(clientID)
	if !ok {
		return nil, errors.New("oidctest: unknown client")
	}
	return c, nil
}

func (s *storage) AuthorizeClientIDSecret(ctx context.Context, clientID, clientSecret string) error {
	_, err := s.ClientCredentials(ctx, clientID, clientSecret)
	return err
}

func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}
func (s *storage) SetUserinfoFromToken(context.Context, *oidc.UserInfo, string, string, string) error {
	return errUnsupported
}
func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errUnsupported
}

// GetPrivateClaimsFromScopes is the library's fallback when the storage lacks
// GetPrivateClaimsFromRequest; ours has it, so this only keeps the answer the same either way.
func (s *storage) GetPrivateClaimsFromScopes(_ context.Context, _, clientID string, _ []string) (map[string]any, error) {
	return s.clientClaims(clientID), nil
}
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errUnsupported
}
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errUnsupported
}

// Health is the readiness probe of the provider (the rest of op.Storage).
func (s *storage) Health(context.Context) error { return nil }
