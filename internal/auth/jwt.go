package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// Leeway bounds the clock skew tolerated between the token's issuer and this process, for exp, nbf
// and iat.
const Leeway = time.Minute

// JWTConfig says which bearer tokens are accepted.
type JWTConfig struct {
	// Issuer is the OpenID Connect issuer URL: its discovery document gives the JWKS URL, and every
	// token's iss must equal it. In HS256 mode it is the expected iss (default "fountainai").
	Issuer string
	// JWKSURL, when set, is used instead of discovery.
	JWKSURL string
	// HS256Secret switches to shared-secret mode: tokens are HS256, signed with it (32 bytes or more).
	HS256Secret []byte
	// Audience every token's aud must contain (default "fountainai").
	Audience string
	// TenantClaim and RoleClaim name the claims holding the tenant (default "tenant") and the role
	// (default "role"; a string or a list, of which the strongest counts; reader when absent).
	TenantClaim string
	RoleClaim   string
	// HTTPClient fetches discovery and keys (default: a client with a 10 s timeout).
	HTTPClient *http.Client
}

// asymmetric are the algorithms accepted with keys from a JWKS: never "none" nor an HMAC, so a
// token signed with a public key used as an HMAC secret is refused.
var asymmetric = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// JWTVerifier checks bearer tokens.
type JWTVerifier struct {
	cfg    JWTConfig
	parser *jwt.Parser
	ctx    context.Context

	mu   sync.Mutex
	keys jwt.Keyfunc // nil until discovery succeeded
	// failed is when discovery last failed: requests meanwhile are refused at once rather than each
	// waiting for the provider in turn.
	failed    time.Time
	failedErr error
}

// rediscoverAfter is how long a failed discovery is not tried again.
const rediscoverAfter = 5 * time.Second

// NewJWTVerifier returns a verifier for cfg. Discovery and key fetching happen on first use and are
// retried while they fail, so a provider that starts after the services is no problem; ctx ends the
// background refresh of the keys.
func NewJWTVerifier(ctx context.Context, cfg JWTConfig) (*JWTVerifier, error) {
	if cfg.Audience == "" {
		cfg.Audience = "fountainai"
	}
	if cfg.TenantClaim == "" {
		cfg.TenantClaim = "tenant"
	}
	if cfg.RoleClaim == "" {
		cfg.RoleClaim = "role"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	v := &JWTVerifier{cfg: cfg, ctx: ctx}
	methods := asymmetric
	switch {
	case len(cfg.HS256Secret) > 0:
		if len(cfg.HS256Secret) < 32 {
			return nil, errors.New("the HS256 secret must be at least 32 bytes")
		}
		if v.cfg.Issuer == "" {
			v.cfg.Issuer = "fountainai"
		}
		methods = []string{"HS256"}
		secret := cfg.HS256Secret
		v.keys = func(*jwt.Token) (any, error) { return secret, nil }
	case cfg.Issuer == "" && cfg.JWKSURL == "":
		return nil, errors.New("bearer tokens need an issuer, a JWKS URL or an HS256 secret")
	}
	v.parser = jwt.NewParser(jwt.WithValidMethods(methods), jwt.WithIssuer(v.cfg.Issuer), jwt.WithAudience(cfg.Audience),
		jwt.WithLeeway(Leeway), jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	return v, nil
}

// errProvider marks a token that could not be checked because the provider could not be reached.
var errProvider = errors.New("identity provider unreachable")

// Verify returns the identity raw names.
func (v *JWTVerifier) Verify(ctx context.Context, raw string) (Identity, error) {
	keys, err := v.keyfunc(ctx)
	if err != nil {
		return Identity{}, err
	}
	claims := jwt.MapClaims{}
	if _, err := v.parser.ParseWithClaims(raw, claims, keys); err != nil {
		return Identity{}, fmt.Errorf("%w: %s", errInvalidToken, tokenProblem(err))
	}
	sub, _ := claims.GetSubject()
	tenant, _ := claims[v.cfg.TenantClaim].(string)
	if tenant == "" {
		return Identity{}, fmt.Errorf("%w: the token has no %q claim", errInvalidToken, v.cfg.TenantClaim)
	}
	role, err := roleClaim(claims[v.cfg.RoleClaim])
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", errInvalidToken, err)
	}
	return Identity{Subject: sub, Tenant: tenant, Role: role}, nil
}

// tokenProblem says why a token was refused without echoing any of it.
func tokenProblem(err error) string {
	for _, known := range []error{jwt.ErrTokenExpired, jwt.ErrTokenNotValidYet, jwt.ErrTokenUsedBeforeIssued,
		jwt.ErrTokenInvalidIssuer, jwt.ErrTokenInvalidAudience, jwt.ErrTokenSignatureInvalid,
		jwt.ErrTokenUnverifiable, jwt.ErrTokenMalformed, jwt.ErrTokenRequiredClaimMissing} {
		if errors.Is(err, known) {
			return known.Error()
		}
	}
	return "token is invalid"
}

func roleClaim(v any) (Role, error) {
	var names []string
	switch c := v.(type) {
	case nil:
		return Reader, nil
	case string:
		names = strings.Fields(c)
	case []any:
		for _, e := range c {
			if s, ok := e.(string); ok {
				names = append(names, s)
			}
		}
	default:
		return "", errors.New("the role claim is neither a string nor a list")
	}
	best := Role("")
	for _, n := range names {
		r, err := ParseRole(n)
		if err != nil || r == Ingest {
			continue // roles of other applications in the same claim
		}
		if best == "" || r.Allows(best) {
			best = r
		}
	}
	if best == "" {
		return Reader, nil
	}
	return best, nil
}

// keyfunc returns the token keys, discovering the provider's JWKS on first use.
func (v *JWTVerifier) keyfunc(ctx context.Context) (jwt.Keyfunc, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys != nil {
		return v.keys, nil
	}
	if time.Since(v.failed) < rediscoverAfter {
		return nil, v.failedErr
	}
	url := v.cfg.JWKSURL
	if url == "" {
		var err error
		// Not the request's context: a client that gives up must not count as the provider failing.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		url, err = v.discover(dctx)
		cancel()
		if err != nil {
			v.failed, v.failedErr = time.Now(), fmt.Errorf("%w: %v", errProvider, err)
			return nil, v.failedErr
		}
	}
	// A token signed with a key the set does not hold yet (the provider rotated) makes the set be
	// fetched again, at most every 30 seconds, so forged kids cannot make us hammer the provider.
	kf, err := keyfunc.NewDefaultOverrideCtx(v.ctx, []string{url}, keyfunc.Override{
		Client: v.cfg.HTTPClient, RefreshInterval: 15 * time.Minute,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(30*time.Second), 1),
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errProvider, err)
	}
	v.keys = kf.KeyfuncCtx(v.ctx)
	return v.keys, nil
}

func (v *JWTVerifier) discover(ctx context.Context) (string, error) {
	issuer := strings.TrimRight(v.cfg.Issuer, "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, issuer+"/.well-known/openid-configuration", nil)
	if err != nil {
		return "", err
	}
	resp, err := v.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("discovery: %s answered %s", req.URL, resp.Status)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return "", fmt.Errorf("discovery: %w", err)
	}
	if strings.TrimRight(doc.Issuer, "/") != issuer {
		return "", fmt.Errorf("discovery: the document names issuer %q, not %q", doc.Issuer, v.cfg.Issuer)
	}
	if doc.JWKSURI == "" {
		return "", errors.New("discovery: no jwks_uri")
	}
	return doc.JWKSURI, nil
}
