// Package access is the Access Service: who a caller is, and the API keys of a tenant, which its
// admins make, list and revoke. The keys themselves live in the auth schema, which every process's
// authentication reads; this service owns no tables.
package access

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fountainai/fountainai/api"
	"github.com/fountainai/fountainai/gen/accessapi"
	"github.com/fountainai/fountainai/gen/authdb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/service"
)

// Name is the service's name on the command line and in /openapi/access.yaml.
const Name = "access"

// Server implements the generated strict server interface.
type Server struct {
	pool *pgxpool.Pool
	q    *authdb.Queries
	keys *auth.KeyStore
}

var _ accessapi.StrictServerInterface = (*Server)(nil)

// NewServer manages the keys stored in pool; keys, when given, is the process's key store, told of
// revocations so that they hold at once here.
func NewServer(pool *pgxpool.Pool, keys *auth.KeyStore) *Server {
	return &Server{pool: pool, q: authdb.New(dbx.Interpreted(pool)), keys: keys}
}

// Service describes the Access Service to the fountain binary.
func Service() service.Service {
	return service.Service{
		Name:  Name,
		Title: "Access Service: the caller's identity and the tenant's API keys",
		Spec:  api.Access,
		Mount: func(mux *http.ServeMux, deps service.Deps) error {
			return Mount(mux, NewServer(deps.Pool, deps.Keys))
		},
	}
}

// Mount registers srv's routes on mux behind request validation against the embedded spec.
func Mount(mux *http.ServeMux, srv *Server) error {
	spec, err := accessapi.GetSwagger()
	if err != nil {
		return fmt.Errorf("load access spec: %w", err)
	}
	strict := accessapi.NewStrictHandlerWithOptions(srv, nil, accessapi.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  httpapi.RequestErrorHandler,
		ResponseErrorHandlerFunc: httpapi.ResponseErrorHandler,
	})
	accessapi.HandlerWithOptions(strict, accessapi.StdHTTPServerOptions{
		BaseRouter:       mux,
		Middlewares:      []accessapi.MiddlewareFunc{httpapi.Validator(spec)},
		ErrorHandlerFunc: httpapi.ParamErrorHandler,
	})
	return nil
}

func caller(ctx context.Context) auth.Identity {
	id, _ := auth.From(ctx) // the authentication middleware put it there before any handler runs
	return id
}

func (s *Server) GetCaller(ctx context.Context, _ accessapi.GetCallerRequestObject) (accessapi.GetCallerResponseObject, error) {
	id := caller(ctx)
	return accessapi.GetCaller200JSONResponse{Subject: id.Subject, Tenant: id.Tenant, Role: accessapi.Role(id.Role)}, nil
}

func (s *Server) CreateKey(ctx context.Context, req accessapi.CreateKeyRequestObject) (accessapi.CreateKeyResponseObject, error) {
	b := req.Body
	if b.ExpiresAt != nil && !b.ExpiresAt.After(time.Now()) {
		return accessapi.CreateKey400JSONResponse{BadRequestJSONResponse: accessapi.BadRequestJSONResponse(
			httpapi.BodyOf[accessapi.ErrorResponse](httpapi.CodeValidationFailed, "expiresAt must be in the future", b.ExpiresAt.Format(time.RFC3339)))}, nil
	}
	id := caller(ctx)
	row, key, err := auth.Create(ctx, s.pool, auth.NewKeyParams{
		Name: b.Name, Tenant: id.Tenant, Role: auth.Role(b.Role), CreatedBy: id.Subject, ExpiresAt: b.ExpiresAt,
	})
	if err != nil {
		return nil, err
	}
	location := "/keys/" + row.ID
	k := apiKey(authdb.KeyGetRow(row))
	return accessapi.CreateKey201JSONResponse{
		Headers: accessapi.CreateKey201ResponseHeaders{Location: location},
		Body: accessapi.CreatedKey{Key: key, KeyId: k.KeyId, Name: k.Name, Tenant: k.Tenant, Role: k.Role, CreatedBy: k.CreatedBy,
			CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, RevokedAt: k.RevokedAt},
	}, nil
}

func (s *Server) ListKeys(ctx context.Context, req accessapi.ListKeysRequestObject) (accessapi.ListKeysResponseObject, error) {
	limit, offset := 100, int64(0)
	if req.Params.Limit != nil {
		limit = *req.Params.Limit
	}
	if req.Params.Offset != nil {
		offset = *req.Params.Offset
	}
	if offset > 1<<31-1 {
		offset = 1<<31 - 1 // past every page: an empty one, with the total counted below
	}
	rows, err := s.q.KeyList(ctx, auth.OfTenant(caller(ctx).Tenant), int32(offset), int32(limit))
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	out := accessapi.ListKeys200JSONResponse{Keys: make([]accessapi.ApiKey, len(rows)), Limit: limit, Offset: offset}
	for i, r := range rows {
		out.Keys[i] = apiKey(authdb.KeyGetRow{ID: r.ID, Name: r.Name, Tenant: r.Tenant, Role: r.Role, CreatedBy: r.CreatedBy,
			CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt})
		out.TotalCount = r.TotalCount
	}
	if len(rows) == 0 && offset > 0 {
		// Past the last page the window holds no row to carry the count.
		all, err := s.q.KeyList(ctx, auth.OfTenant(caller(ctx).Tenant), 0, 1)
		if err != nil {
			return nil, fmt.Errorf("count API keys: %w", err)
		}
		if len(all) > 0 {
			out.TotalCount = all[0].TotalCount
		}
	}
	return out, nil
}

func (s *Server) GetKey(ctx context.Context, req accessapi.GetKeyRequestObject) (accessapi.GetKeyResponseObject, error) {
	row, err := s.q.KeyGet(ctx, req.KeyId, auth.OfTenant(caller(ctx).Tenant))
	if errors.Is(err, dbx.ErrNotFound) {
		return accessapi.GetKey404JSONResponse{NotFoundJSONResponse: notFound(req.KeyId)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read API key: %w", err)
	}
	return accessapi.GetKey200JSONResponse(apiKey(row)), nil
}

func (s *Server) RevokeKey(ctx context.Context, req accessapi.RevokeKeyRequestObject) (accessapi.RevokeKeyResponseObject, error) {
	_, err := s.q.KeyRevoke(ctx, req.KeyId, auth.OfTenant(caller(ctx).Tenant))
	if errors.Is(err, dbx.ErrNotFound) {
		return accessapi.RevokeKey404JSONResponse{NotFoundJSONResponse: notFound(req.KeyId)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("revoke API key: %w", err)
	}
	if s.keys != nil {
		s.keys.Forget(req.KeyId)
	}
	slog.Default().InfoContext(ctx, "API key revoked", slog.String("key_id", req.KeyId))
	return accessapi.RevokeKey204Response{}, nil
}

func notFound(id string) accessapi.NotFoundJSONResponse {
	return httpapi.BodyOf[accessapi.NotFoundJSONResponse](httpapi.CodeNotFound, "API key not found", "keyId "+id)
}

func apiKey(r authdb.KeyGetRow) accessapi.ApiKey {
	return accessapi.ApiKey{KeyId: r.ID, Name: r.Name, Tenant: r.Tenant, Role: accessapi.Role(r.Role), CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt}
}
