package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/fountainai/fountainai/internal/httpapi"
)

// Error codes of refused credentials and rights.
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
)

// APIKeyHeader carries an API key (the specs' apiKeyAuth scheme).
const APIKeyHeader = "X-API-Key"

var (
	errInvalidToken = errors.New("invalid bearer token")
	errInvalidKey   = errors.New("invalid API key")
)

// Requirement is what an operation's spec asks of its callers.
type Requirement struct {
	// Public operations need no credentials (the specs' `security: []`).
	Public bool
	// Bearer and APIKey say which credentials the operation accepts.
	Bearer, APIKey bool
	// Role is the least role that may call it.
	Role Role
}

// Config says how callers are authenticated.
type Config struct {
	// Disabled lets every request through as an admin of the default tenant: for local experiments
	// only (the command refuses it on an address other hosts can reach).
	Disabled bool
	// JWT verifies bearer tokens; nil refuses them.
	JWT *JWTVerifier
	// Keys verifies API keys; nil refuses them.
	Keys *KeyStore
	// IngestKey, when set, is the credential of the gateway and of the services that post request
	// logs: sent as an API key, it acts with the ingest role and no tenant.
	IngestKey string
}

// Authenticator establishes the identity of requests.
type Authenticator struct {
	cfg    Config
	ingest [32]byte
}

// New returns the authenticator of cfg.
func New(cfg Config) *Authenticator {
	a := &Authenticator{cfg: cfg}
	if cfg.IngestKey != "" {
		a.ingest = HashSecret(cfg.IngestKey)
	}
	return a
}

// Keys is the key store, for the operations that manage keys (nil when keys are not accepted).
func (a *Authenticator) Keys() *KeyStore { return a.cfg.Keys }

type credentialKey struct{}

// credential is the header that authenticated a request, passed on to the services it calls over
// the network, which verify it again: nothing a client sends can claim an identity it cannot prove.
type credential struct{ header, value string }

// ForwardCredential puts the credential of the request ctx serves on req, a call to another service.
func ForwardCredential(ctx context.Context, req *http.Request) {
	if c, ok := ctx.Value(credentialKey{}).(credential); ok && req.Header.Get(c.header) == "" {
		req.Header.Set(c.header, c.value)
	}
}

// Middleware authenticates the requests whose operation requirement names, and refuses those
// whose credentials are missing or invalid (401) or whose role falls short (403). A request already
// carrying an identity is a call one service makes to another in the same process, on behalf of a
// request authenticated on its way in; nothing from the network carries one.
func (a *Authenticator) Middleware(requirement func(*http.Request) (Requirement, bool)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			need, known := requirement(r)
			if !known || need.Public {
				next.ServeHTTP(w, r)
				return
			}
			ctx := r.Context()
			id, ok := From(ctx)
			if !ok && a.cfg.Disabled {
				id = Identity{Subject: "anonymous", Tenant: DefaultTenant, Role: Admin}
				next.ServeHTTP(w, r.WithContext(WithIdentity(ctx, id)))
				return
			}
			if !ok {
				var cred credential
				var err error
				id, cred, err = a.authenticate(ctx, r, need)
				if err != nil {
					a.refuse(w, r, err)
					return
				}
				ctx = context.WithValue(WithIdentity(ctx, id), credentialKey{}, cred)
			}
			httpapi.AddLogAttrs(ctx, slog.String("tenant", id.Tenant), slog.String("subject", id.Subject))
			if !id.Role.Allows(need.Role) && !a.cfg.Disabled {
				httpapi.WriteError(w, http.StatusForbidden, CodeForbidden, "your role may not do this",
					"role "+string(id.Role)+"; this operation needs "+string(need.Role))
				return
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

var errNoCredentials = errors.New("no credentials")

func (a *Authenticator) authenticate(ctx context.Context, r *http.Request, need Requirement) (Identity, credential, error) {
	authz, key := r.Header.Get("Authorization"), r.Header.Get(APIKeyHeader)
	switch {
	case authz != "" && key != "":
		return Identity{}, credential{}, fmt.Errorf("%w: send either a bearer token or an API key, not both", errInvalidToken)
	case authz != "":
		scheme, token, _ := strings.Cut(authz, " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			return Identity{}, credential{}, fmt.Errorf("%w: the Authorization header must be `Bearer <token>`", errInvalidToken)
		}
		if !need.Bearer || a.cfg.JWT == nil {
			return Identity{}, credential{}, fmt.Errorf("%w: bearer tokens are not accepted here", errInvalidToken)
		}
		id, err := a.cfg.JWT.Verify(ctx, token)
		return id, credential{"Authorization", authz}, err
	case key != "":
		if a.cfg.IngestKey != "" {
			sum := HashSecret(key)
			if subtle.ConstantTimeCompare(sum[:], a.ingest[:]) == 1 {
				return Identity{Subject: "ingest", Role: Ingest}, credential{APIKeyHeader, key}, nil
			}
		}
		if !need.APIKey || a.cfg.Keys == nil {
			return Identity{}, credential{}, fmt.Errorf("%w: API keys are not accepted here", errInvalidKey)
		}
		id, err := a.cfg.Keys.Verify(ctx, key)
		return id, credential{APIKeyHeader, key}, err
	}
	return Identity{}, credential{}, errNoCredentials
}

// refuse answers a request whose credentials could not be accepted. Messages name what is wrong
// with a credential, never any part of it.
func (a *Authenticator) refuse(w http.ResponseWriter, r *http.Request, err error) {
	challenge := `Bearer realm="fountainai"`
	switch {
	case errors.Is(err, errNoCredentials):
		w.Header().Set("WWW-Authenticate", challenge)
		httpapi.WriteError(w, http.StatusUnauthorized, CodeUnauthenticated, "credentials required",
			"send `Authorization: Bearer <JWT>` or `"+APIKeyHeader+": <API key>`")
	case errors.Is(err, errInvalidToken), errors.Is(err, errInvalidKey):
		detail := err.Error()
		w.Header().Set("WWW-Authenticate", challenge+`, error="invalid_token", error_description="`+strings.ReplaceAll(detail, `"`, `'`)+`"`)
		httpapi.WriteError(w, http.StatusUnauthorized, CodeUnauthenticated, "credentials not accepted", detail)
	case errors.Is(err, errProvider):
		httpapi.LoggerFrom(r.Context()).Warn("bearer token not checked", slog.String("error", err.Error()))
		httpapi.WriteUnavailable(w, httpapi.CodeUnavailable, "the identity provider cannot be reached", "")
	default:
		httpapi.ResponseErrorHandler(w, r, err)
	}
}
