package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/gen/sessionsdb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/write"
)

// Error codes of this service (the shared ones are in internal/httpapi).
const (
	codeValidationFailed   = "VALIDATION_FAILED"
	codeNotFound           = "NOT_FOUND"
	codePreconditionFailed = "PRECONDITION_FAILED"
)

// emptyObject is contextData when a session is created without one.
var emptyObject = json.RawMessage(`{}`)

// CreateSession stores a session at version 1; v2's body (userId and a text context) is accepted as
// is, and what is not given starts empty.
func (s *Server) CreateSession(ctx context.Context, req sessionsapi.CreateSessionRequestObject) (sessionsapi.CreateSessionResponseObject, error) {
	b := req.Body
	text := ""
	if b.Context != nil {
		text = *b.Context
	}
	data := &emptyObject
	if b.ContextData != nil {
		data = b.ContextData
	}
	canonical, problem := sessionContext(data)
	if problem != "" {
		return sessionsapi.CreateSession400JSONResponse{BadRequestJSONResponse: badRequest(problem)}, nil
	}
	resp, err := write.Do(ctx, s.writes, write.Lane{}, sessionsapi.CreateSession201JSONResponse.VisitCreateSessionResponse,
		func(ctx context.Context, tx *write.Tx) (sessionsapi.CreateSession201JSONResponse, error) {
			row, err := sessionsdb.New(dbx.Interpreted(tx)).SessionCreate(ctx, sessionsdb.SessionCreateParams{
				Tenant: auth.Tenant(ctx), UserID: b.UserId, Context: text, ContextData: canonical,
			})
			if err != nil {
				return sessionsapi.CreateSession201JSONResponse{}, err
			}
			return sessionsapi.CreateSession201JSONResponse{Body: sessionOf(row), Headers: sessionsapi.CreateSession201ResponseHeaders{ETag: httpapi.ETag(row.Version), Location: httpapi.Location("sessions", row.ID)}}, nil
		})
	if err != nil {
		return nil, fmt.Errorf("create session of user %d: %w", b.UserId, err)
	}
	return resp, nil
}

// ListSessions pages through sessions in id order, optionally those of one user.
func (s *Server) ListSessions(ctx context.Context, req sessionsapi.ListSessionsRequestObject) (sessionsapi.ListSessionsResponseObject, error) {
	limit, offset := httpapi.Page(req.Params.Limit, req.Params.Offset)
	tenant, user := auth.Tenant(ctx), dbx.Int8(req.Params.UserId)
	rows, err := s.q.SessionList(ctx, sessionsdb.SessionListParams{Tenant: tenant, UserID: user, RowOffset: offset, RowLimit: int64(limit)})
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	total, err := s.q.SessionCount(ctx, tenant, user)
	if err != nil {
		return nil, fmt.Errorf("count sessions: %w", err)
	}
	page := sessionsapi.SessionList{Sessions: make([]sessionsapi.Session, 0, len(rows)), TotalCount: total, Limit: limit, Offset: offset}
	for _, r := range rows {
		page.Sessions = append(page.Sessions, sessionOf(r))
	}
	return sessionsapi.ListSessions200JSONResponse(page), nil
}

// GetSession reads one session.
func (s *Server) GetSession(ctx context.Context, req sessionsapi.GetSessionRequestObject) (sessionsapi.GetSessionResponseObject, error) {
	row, err := s.q.SessionGetByID(ctx, auth.Tenant(ctx), req.SessionId)
	if errors.Is(err, dbx.ErrNotFound) {
		return sessionsapi.GetSession404JSONResponse{NotFoundJSONResponse: sessionNotFound(req.SessionId)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read session %d: %w", req.SessionId, err)
	}
	return sessionsapi.GetSession200JSONResponse{Body: sessionOf(row), Headers: sessionsapi.GetSession200ResponseHeaders{ETag: httpapi.ETag(row.Version)}}, nil
}

// ReplaceSession sets every field of a session.
func (s *Server) ReplaceSession(ctx context.Context, req sessionsapi.ReplaceSessionRequestObject) (sessionsapi.ReplaceSessionResponseObject, error) {
	b := req.Body
	canonical, problem := sessionContext(&b.ContextData)
	if problem != "" {
		return sessionsapi.ReplaceSession400JSONResponse{BadRequestJSONResponse: badRequest(problem)}, nil
	}
	ifv := dbx.IfMatch(req.Params.IfMatch)
	row, err := s.q.SessionReplace(ctx, sessionsdb.SessionReplaceParams{
		Tenant: auth.Tenant(ctx), ID: req.SessionId, UserID: b.UserId, Context: b.Context, ContextData: canonical, IfVersion: ifv,
	})
	if errors.Is(err, dbx.ErrNotFound) {
		miss, err := s.sessionMiss(ctx, req.SessionId, ifv)
		if err != nil {
			return nil, err
		}
		if miss.stale {
			return sessionsapi.ReplaceSession412JSONResponse{PreconditionFailedJSONResponse: miss.preconditionFailed()}, nil
		}
		return sessionsapi.ReplaceSession404JSONResponse{NotFoundJSONResponse: sessionNotFound(req.SessionId)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("replace session %d: %w", req.SessionId, err)
	}
	return sessionsapi.ReplaceSession200JSONResponse{Body: sessionOf(row), Headers: sessionsapi.ReplaceSession200ResponseHeaders{ETag: httpapi.ETag(row.Version)}}, nil
}

// UpdateSession, the v2 operation, changes the fields the body gives and keeps the others.
func (s *Server) UpdateSession(ctx context.Context, req sessionsapi.UpdateSessionRequestObject) (sessionsapi.UpdateSessionResponseObject, error) {
	b := req.Body
	canonical, problem := sessionContext(b.ContextData)
	if problem != "" {
		return sessionsapi.UpdateSession400JSONResponse{BadRequestJSONResponse: badRequest(problem)}, nil
	}
	ifv := dbx.IfMatch(req.Params.IfMatch)
	row, err := s.q.SessionUpdate(ctx, sessionsdb.SessionUpdateParams{
		Tenant: auth.Tenant(ctx), ID: req.SessionId, UserID: dbx.Int8(b.UserId), Context: dbx.Text(b.Context), ContextData: canonical, IfVersion: ifv,
	})
	if errors.Is(err, dbx.ErrNotFound) {
		miss, err := s.sessionMiss(ctx, req.SessionId, ifv)
		if err != nil {
			return nil, err
		}
		if miss.stale {
			return sessionsapi.UpdateSession412JSONResponse{PreconditionFailedJSONResponse: miss.preconditionFailed()}, nil
		}
		return sessionsapi.UpdateSession404JSONResponse{NotFoundJSONResponse: sessionNotFound(req.SessionId)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("update session %d: %w", req.SessionId, err)
	}
	return sessionsapi.UpdateSession200JSONResponse{Body: sessionOf(row), Headers: sessionsapi.UpdateSession200ResponseHeaders{ETag: httpapi.ETag(row.Version)}}, nil
}

// DeleteSession deletes a session; nothing depends on one.
func (s *Server) DeleteSession(ctx context.Context, req sessionsapi.DeleteSessionRequestObject) (sessionsapi.DeleteSessionResponseObject, error) {
	ifv := dbx.IfMatch(req.Params.IfMatch)
	n, err := s.q.SessionDelete(ctx, auth.Tenant(ctx), req.SessionId, ifv)
	if err != nil {
		return nil, fmt.Errorf("delete session %d: %w", req.SessionId, err)
	}
	if n == 0 {
		miss, err := s.sessionMiss(ctx, req.SessionId, ifv)
		if err != nil {
			return nil, err
		}
		if miss.stale {
			return sessionsapi.DeleteSession412JSONResponse{PreconditionFailedJSONResponse: miss.preconditionFailed()}, nil
		}
		return sessionsapi.DeleteSession404JSONResponse{NotFoundJSONResponse: sessionNotFound(req.SessionId)}, nil
	}
	return sessionsapi.DeleteSession204Response{}, nil
}

// GetSessionContext, the v2 operation, reads a session's context: v2's body plus contextData and
// the version a client needs to replace it safely.
func (s *Server) GetSessionContext(ctx context.Context, req sessionsapi.GetSessionContextRequestObject) (sessionsapi.GetSessionContextResponseObject, error) {
	row, err := s.q.SessionGetByID(ctx, auth.Tenant(ctx), req.SessionId)
	if errors.Is(err, dbx.ErrNotFound) {
		return sessionsapi.GetSessionContext404JSONResponse{NotFoundJSONResponse: sessionNotFound(req.SessionId)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read session %d: %w", req.SessionId, err)
	}
	return sessionsapi.GetSessionContext200JSONResponse{Body: contextOf(row), Headers: sessionsapi.GetSessionContext200ResponseHeaders{ETag: httpapi.ETag(row.Version)}}, nil
}

// ReplaceSessionContext replaces both parts of a session's context: the same change as a PATCH of
// the session with context and contextData.
func (s *Server) ReplaceSessionContext(ctx context.Context, req sessionsapi.ReplaceSessionContextRequestObject) (sessionsapi.ReplaceSessionContextResponseObject, error) {
	b := req.Body
	canonical, problem := sessionContext(&b.ContextData)
	if problem != "" {
		return sessionsapi.ReplaceSessionContext400JSONResponse{BadRequestJSONResponse: badRequest(problem)}, nil
	}
	ifv := dbx.IfMatch(req.Params.IfMatch)
	row, err := s.q.SessionUpdate(ctx, sessionsdb.SessionUpdateParams{
		Tenant: auth.Tenant(ctx), ID: req.SessionId, Context: dbx.Text(&b.Context), ContextData: canonical, IfVersion: ifv,
	})
	if errors.Is(err, dbx.ErrNotFound) {
		miss, err := s.sessionMiss(ctx, req.SessionId, ifv)
		if err != nil {
			return nil, err
		}
		if miss.stale {
			return sessionsapi.ReplaceSessionContext412JSONResponse{PreconditionFailedJSONResponse: miss.preconditionFailed()}, nil
		}
		return sessionsapi.ReplaceSessionContext404JSONResponse{NotFoundJSONResponse: sessionNotFound(req.SessionId)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("replace context of session %d: %w", req.SessionId, err)
	}
	return sessionsapi.ReplaceSessionContext200JSONResponse{Body: contextOf(row), Headers: sessionsapi.ReplaceSessionContext200ResponseHeaders{ETag: httpapi.ETag(row.Version)}}, nil
}

// sessionContext returns the contextData a body gives as it will be stored (nil when not given), or
// why the body is refused.
func sessionContext(data *json.RawMessage) (json.RawMessage, string) {
	if data == nil {
		return nil, ""
	}
	canonical, err := canonicalObject(*data)
	if err != nil {
		return nil, "contextData: " + err.Error()
	}
	return canonical, ""
}

// miss is why a guarded write matched no row.
type miss struct {
	stale   bool  // the resource exists with another version than If-Match named
	current int64 // its version then
}

func (m miss) preconditionFailed() sessionsapi.PreconditionFailedJSONResponse {
	return httpapi.BodyOf[sessionsapi.PreconditionFailedJSONResponse](codePreconditionFailed,
		"the resource has changed since it was read", "current ETag: "+httpapi.ETag(m.current))
}

// sessionMiss tells why a guarded write of session id matched no row: without If-Match only a
// missing session can be the reason; with it, the session may exist with another version.
func (s *Server) sessionMiss(ctx context.Context, id int64, ifv pgtype.Int8) (miss, error) {
	if !ifv.Valid {
		return miss{}, nil
	}
	row, err := s.q.SessionGetByID(ctx, auth.Tenant(ctx), id)
	if errors.Is(err, dbx.ErrNotFound) {
		return miss{}, nil
	} else if err != nil {
		return miss{}, fmt.Errorf("read session %d: %w", id, err)
	}
	return miss{stale: true, current: row.Version}, nil
}

func sessionOf(r sessionsdb.SessionsSession) sessionsapi.Session {
	return sessionsapi.Session{
		SessionId: r.ID, UserId: r.UserID, Context: r.Context, ContextData: r.ContextData,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func contextOf(r sessionsdb.SessionsSession) sessionsapi.SessionContextResponse {
	return sessionsapi.SessionContextResponse{
		SessionId: r.ID, Context: r.Context, ContextData: r.ContextData, Version: r.Version, UpdatedAt: r.UpdatedAt,
	}
}

func sessionNotFound(id int64) sessionsapi.NotFoundJSONResponse {
	return httpapi.BodyOf[sessionsapi.NotFoundJSONResponse](codeNotFound, "session not found", fmt.Sprintf("sessionId %d", id))
}

func badRequest(details string) sessionsapi.BadRequestJSONResponse {
	return httpapi.BodyOf[sessionsapi.BadRequestJSONResponse](codeValidationFailed, "request body breaks a rule of this API", details)
}
