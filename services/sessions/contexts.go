package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/gen/sessionsdb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/write"
)

// Error codes of character contexts.
const (
	codeContextExists     = "CONTEXT_EXISTS"
	codeFilterRequired    = "FILTER_REQUIRED"
	codeScriptNotFound    = "SCRIPT_NOT_FOUND"
	codeCharacterNotFound = "CHARACTER_NOT_FOUND"
)

// CreateCharacterContext stores a character context once its script and character are known to
// exist; when either service cannot tell, nothing is stored.
func (s *Server) CreateCharacterContext(ctx context.Context, req sessionsapi.CreateCharacterContextRequestObject) (sessionsapi.CreateCharacterContextResponseObject, error) {
	b := req.Body
	canonical, err := canonicalObject(b.Context)
	if err != nil {
		return sessionsapi.CreateCharacterContext400JSONResponse{BadRequestJSONResponse: badRequest("context: " + err.Error())}, nil
	}
	unresolved, err := s.checkReferences(ctx, &b.ScriptId, &b.CharacterId)
	if err != nil {
		return nil, err
	}
	if unresolved != nil {
		return sessionsapi.CreateCharacterContext422JSONResponse{UnresolvedReferenceJSONResponse: *unresolved}, nil
	}
	resp, err := write.Do(ctx, s.writes, write.Lane{}, sessionsapi.CreateCharacterContext201JSONResponse.VisitCreateCharacterContextResponse,
		func(ctx context.Context, tx *write.Tx) (sessionsapi.CreateCharacterContext201JSONResponse, error) {
			row, err := sessionsdb.New(dbx.Interpreted(tx)).CharacterContextCreate(ctx, sessionsdb.CharacterContextCreateParams{
				Tenant: auth.Tenant(ctx), ScriptID: b.ScriptId, CharacterID: b.CharacterId, StartSequence: b.StartSequence, Context: canonical,
			})
			if err != nil {
				return sessionsapi.CreateCharacterContext201JSONResponse{}, err
			}
			return sessionsapi.CreateCharacterContext201JSONResponse{Body: characterContextOf(row), Headers: sessionsapi.CreateCharacterContext201ResponseHeaders{ETag: httpapi.ETag(row.Version), Location: httpapi.Location("characterContexts", row.ID)}}, nil
		})
	if errors.Is(err, dbx.ErrConflict) {
		body, err := s.contextExists(ctx, b.ScriptId, b.CharacterId, b.StartSequence)
		if err != nil {
			return nil, err
		}
		return sessionsapi.CreateCharacterContext409JSONResponse{ConflictJSONResponse: sessionsapi.ConflictJSONResponse{Body: body}}, nil
	} else if err != nil {
		return nil, fmt.Errorf("create context of character %d in script %d: %w", b.CharacterId, b.ScriptId, err)
	}
	return resp, nil
}

// ListCharacterContexts pages through character contexts, or with atSequence through the context in
// force at that story position for each character of a script.
func (s *Server) ListCharacterContexts(ctx context.Context, req sessionsapi.ListCharacterContextsRequestObject) (sessionsapi.ListCharacterContextsResponseObject, error) {
	p := req.Params
	limit, offset := httpapi.Page(p.Limit, p.Offset)
	tenant := auth.Tenant(ctx)
	var (
		rows  []sessionsdb.SessionsCharacterContext
		total int64
		err   error
	)
	if p.AtSequence != nil {
		// Positions are numbered per script: a position without its script means nothing.
		if p.ScriptId == nil {
			return sessionsapi.ListCharacterContexts400JSONResponse{BadRequestJSONResponse: httpapi.BodyOf[sessionsapi.BadRequestJSONResponse](
				codeFilterRequired, "atSequence needs scriptId", "story positions are numbered per script")}, nil
		}
		rows, err = s.q.CharacterContextListAtSequence(ctx, sessionsdb.CharacterContextListAtSequenceParams{
			Tenant: tenant, ScriptID: *p.ScriptId, CharacterID: dbx.Int8(p.CharacterId), AtSequence: *p.AtSequence, RowLimit: int64(limit), RowOffset: offset,
		})
		if err != nil {
			return nil, fmt.Errorf("list contexts of script %d at %d: %w", *p.ScriptId, *p.AtSequence, err)
		}
		total, err = s.q.CharacterContextCountAtSequence(ctx, sessionsdb.CharacterContextCountAtSequenceParams{
			Tenant: tenant, ScriptID: *p.ScriptId, CharacterID: dbx.Int8(p.CharacterId), AtSequence: *p.AtSequence,
		})
		if err != nil {
			return nil, fmt.Errorf("count contexts of script %d at %d: %w", *p.ScriptId, *p.AtSequence, err)
		}
	} else {
		rows, err = s.q.CharacterContextList(ctx, sessionsdb.CharacterContextListParams{
			Tenant: tenant, ScriptID: dbx.Int8(p.ScriptId), CharacterID: dbx.Int8(p.CharacterId), RowLimit: int64(limit), RowOffset: offset,
		})
		if err != nil {
			return nil, fmt.Errorf("list character contexts: %w", err)
		}
		total, err = s.q.CharacterContextCount(ctx, tenant, dbx.Int8(p.ScriptId), dbx.Int8(p.CharacterId))
		if err != nil {
			return nil, fmt.Errorf("count character contexts: %w", err)
		}
	}
	page := sessionsapi.CharacterContextList{Items: make([]sessionsapi.CharacterContext, 0, len(rows)), TotalCount: total, Limit: limit, Offset: offset}
	for _, r := range rows {
		page.Items = append(page.Items, characterContextOf(r))
	}
	return sessionsapi.ListCharacterContexts200JSONResponse(page), nil
}

// DeleteCharacterContexts deletes every context of a script and/or a character: the cascade of the
// scripts and characters services.
func (s *Server) DeleteCharacterContexts(ctx context.Context, req sessionsapi.DeleteCharacterContextsRequestObject) (sessionsapi.DeleteCharacterContextsResponseObject, error) {
	p := req.Params
	if p.ScriptId == nil && p.CharacterId == nil {
		return sessionsapi.DeleteCharacterContexts400JSONResponse{BadRequestJSONResponse: httpapi.BodyOf[sessionsapi.BadRequestJSONResponse](
			codeFilterRequired, "scriptId or characterId is required", "a bulk delete without a filter would empty the service")}, nil
	}
	n, err := s.q.CharacterContextDeleteByFilter(ctx, auth.Tenant(ctx), dbx.Int8(p.ScriptId), dbx.Int8(p.CharacterId))
	if err != nil {
		return nil, fmt.Errorf("delete character contexts: %w", err)
	}
	return sessionsapi.DeleteCharacterContexts200JSONResponse{DeletedCount: n}, nil
}

// GetCharacterContext reads one character context.
func (s *Server) GetCharacterContext(ctx context.Context, req sessionsapi.GetCharacterContextRequestObject) (sessionsapi.GetCharacterContextResponseObject, error) {
	row, err := s.q.CharacterContextGetByID(ctx, auth.Tenant(ctx), req.ContextId)
	if errors.Is(err, dbx.ErrNotFound) {
		return sessionsapi.GetCharacterContext404JSONResponse{NotFoundJSONResponse: contextNotFound(req.ContextId)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read character context %d: %w", req.ContextId, err)
	}
	return sessionsapi.GetCharacterContext200JSONResponse{Body: characterContextOf(row), Headers: sessionsapi.GetCharacterContext200ResponseHeaders{ETag: httpapi.ETag(row.Version)}}, nil
}

// ReplaceCharacterContext sets every field of a character context.
func (s *Server) ReplaceCharacterContext(ctx context.Context, req sessionsapi.ReplaceCharacterContextRequestObject) (sessionsapi.ReplaceCharacterContextResponseObject, error) {
	b := req.Body
	res, err := s.changeContext(ctx, req.ContextId, req.Params.IfMatch, contextChange{
		scriptID: &b.ScriptId, characterID: &b.CharacterId, startSequence: &b.StartSequence, context: &b.Context,
	}, func(ifv pgtype.Int8, canonical json.RawMessage) (sessionsdb.SessionsCharacterContext, error) {
		return s.q.CharacterContextReplace(ctx, sessionsdb.CharacterContextReplaceParams{
			Tenant: auth.Tenant(ctx), ID: req.ContextId, ScriptID: b.ScriptId, CharacterID: b.CharacterId, StartSequence: b.StartSequence,
			Context: canonical, IfVersion: ifv,
		})
	})
	if err != nil {
		return nil, err
	}
	switch res.status {
	case http.StatusBadRequest:
		return sessionsapi.ReplaceCharacterContext400JSONResponse{BadRequestJSONResponse: sessionsapi.BadRequestJSONResponse(res.problem)}, nil
	case http.StatusNotFound:
		return sessionsapi.ReplaceCharacterContext404JSONResponse{NotFoundJSONResponse: sessionsapi.NotFoundJSONResponse(res.problem)}, nil
	case http.StatusConflict:
		return sessionsapi.ReplaceCharacterContext409JSONResponse{ConflictJSONResponse: sessionsapi.ConflictJSONResponse{Body: res.problem}}, nil
	case http.StatusPreconditionFailed:
		return sessionsapi.ReplaceCharacterContext412JSONResponse{PreconditionFailedJSONResponse: sessionsapi.PreconditionFailedJSONResponse(res.problem)}, nil
	case http.StatusUnprocessableEntity:
		return sessionsapi.ReplaceCharacterContext422JSONResponse{UnresolvedReferenceJSONResponse: sessionsapi.UnresolvedReferenceJSONResponse(res.problem)}, nil
	}
	return sessionsapi.ReplaceCharacterContext200JSONResponse{Body: characterContextOf(res.row), Headers: sessionsapi.ReplaceCharacterContext200ResponseHeaders{ETag: httpapi.ETag(res.row.Version)}}, nil
}

// UpdateCharacterContext changes the fields the body gives and keeps the others.
func (s *Server) UpdateCharacterContext(ctx context.Context, req sessionsapi.UpdateCharacterContextRequestObject) (sessionsapi.UpdateCharacterContextResponseObject, error) {
	b := req.Body
	res, err := s.changeContext(ctx, req.ContextId, req.Params.IfMatch, contextChange{
		scriptID: b.ScriptId, characterID: b.CharacterId, startSequence: b.StartSequence, context: b.Context,
	}, func(ifv pgtype.Int8, canonical json.RawMessage) (sessionsdb.SessionsCharacterContext, error) {
		return s.q.CharacterContextUpdate(ctx, sessionsdb.CharacterContextUpdateParams{
			Tenant: auth.Tenant(ctx), ID: req.ContextId, ScriptID: dbx.Int8(b.ScriptId), CharacterID: dbx.Int8(b.CharacterId), StartSequence: dbx.Int8(b.StartSequence),
			Context: canonical, IfVersion: ifv,
		})
	})
	if err != nil {
		return nil, err
	}
	switch res.status {
	case http.StatusBadRequest:
		return sessionsapi.UpdateCharacterContext400JSONResponse{BadRequestJSONResponse: sessionsapi.BadRequestJSONResponse(res.problem)}, nil
	case http.StatusNotFound:
		return sessionsapi.UpdateCharacterContext404JSONResponse{NotFoundJSONResponse: sessionsapi.NotFoundJSONResponse(res.problem)}, nil
	case http.StatusConflict:
		return sessionsapi.UpdateCharacterContext409JSONResponse{ConflictJSONResponse: sessionsapi.ConflictJSONResponse{Body: res.problem}}, nil
	case http.StatusPreconditionFailed:
		return sessionsapi.UpdateCharacterContext412JSONResponse{PreconditionFailedJSONResponse: sessionsapi.PreconditionFailedJSONResponse(res.problem)}, nil
	case http.StatusUnprocessableEntity:
		return sessionsapi.UpdateCharacterContext422JSONResponse{UnresolvedReferenceJSONResponse: sessionsapi.UnresolvedReferenceJSONResponse(res.problem)}, nil
	}
	return sessionsapi.UpdateCharacterContext200JSONResponse{Body: characterContextOf(res.row), Headers: sessionsapi.UpdateCharacterContext200ResponseHeaders{ETag: httpapi.ETag(res.row.Version)}}, nil
}

// DeleteCharacterContext deletes one character context; from its start on, the character's previous
// context is in force again.
func (s *Server) DeleteCharacterContext(ctx context.Context, req sessionsapi.DeleteCharacterContextRequestObject) (sessionsapi.DeleteCharacterContextResponseObject, error) {
	ifv := dbx.IfMatch(req.Params.IfMatch)
	n, err := s.q.CharacterContextDelete(ctx, auth.Tenant(ctx), req.ContextId, ifv)
	if err != nil {
		return nil, fmt.Errorf("delete character context %d: %w", req.ContextId, err)
	}
	if n == 0 {
		miss, err := s.contextMiss(ctx, req.ContextId, ifv)
		if err != nil {
			return nil, err
		}
		if miss.stale {
			return sessionsapi.DeleteCharacterContext412JSONResponse{PreconditionFailedJSONResponse: miss.preconditionFailed()}, nil
		}
		return sessionsapi.DeleteCharacterContext404JSONResponse{NotFoundJSONResponse: contextNotFound(req.ContextId)}, nil
	}
	return sessionsapi.DeleteCharacterContext204Response{}, nil
}

// contextChange is what a PUT or PATCH asks of a character context; nil keeps a field.
type contextChange struct {
	scriptID, characterID, startSequence *int64
	context                              *json.RawMessage
}

// changeResult is a write's outcome: the row written, or the status (400, 404, 409, 412 or 422)
// and body of why nothing was.
type changeResult struct {
	row     sessionsdb.SessionsCharacterContext
	status  int
	problem sessionsapi.ErrorResponse
}

// changeContext runs the checks shared by PUT and PATCH, then write (the guarded UPDATE). The current
// row is read first so that an unknown context (404) or a stale If-Match (412) is answered without
// asking other services, and so that only references that change are checked; the UPDATE's own
// version guard still decides a race with another writer.
func (s *Server) changeContext(ctx context.Context, id int64, ifMatch *string, c contextChange,
	write func(ifv pgtype.Int8, canonical json.RawMessage) (sessionsdb.SessionsCharacterContext, error),
) (changeResult, error) {
	var canonical json.RawMessage
	if c.context != nil {
		var err error
		if canonical, err = canonicalObject(*c.context); err != nil {
			return changeResult{status: http.StatusBadRequest, problem: sessionsapi.ErrorResponse(badRequest("context: " + err.Error()))}, nil
		}
	}
	cur, err := s.q.CharacterContextGetByID(ctx, auth.Tenant(ctx), id)
	if errors.Is(err, dbx.ErrNotFound) {
		return changeResult{status: http.StatusNotFound, problem: sessionsapi.ErrorResponse(contextNotFound(id))}, nil
	} else if err != nil {
		return changeResult{}, fmt.Errorf("read character context %d: %w", id, err)
	}
	ifv := dbx.IfMatch(ifMatch)
	if ifv.Valid && ifv.Int64 != cur.Version {
		return changeResult{status: http.StatusPreconditionFailed, problem: sessionsapi.ErrorResponse(miss{stale: true, current: cur.Version}.preconditionFailed())}, nil
	}
	script, character, start := cur.ScriptID, cur.CharacterID, cur.StartSequence
	var checkScript, checkCharacter *int64
	if c.scriptID != nil && *c.scriptID != script {
		script, checkScript = *c.scriptID, c.scriptID
	}
	if c.characterID != nil && *c.characterID != character {
		character, checkCharacter = *c.characterID, c.characterID
	}
	if c.startSequence != nil {
		start = *c.startSequence
	}
	unresolved, err := s.checkReferences(ctx, checkScript, checkCharacter)
	if err != nil {
		return changeResult{}, err
	}
	if unresolved != nil {
		return changeResult{status: http.StatusUnprocessableEntity, problem: sessionsapi.ErrorResponse(*unresolved)}, nil
	}
	row, err := write(ifv, canonical)
	switch {
	case errors.Is(err, dbx.ErrConflict):
		body, err := s.contextExists(ctx, script, character, start)
		if err != nil {
			return changeResult{}, err
		}
		return changeResult{status: http.StatusConflict, problem: body}, nil
	case errors.Is(err, dbx.ErrNotFound):
		// Deleted or changed since it was read.
		miss, err := s.contextMiss(ctx, id, ifv)
		if err != nil {
			return changeResult{}, err
		}
		if miss.stale {
			return changeResult{status: http.StatusPreconditionFailed, problem: sessionsapi.ErrorResponse(miss.preconditionFailed())}, nil
		}
		return changeResult{status: http.StatusNotFound, problem: sessionsapi.ErrorResponse(contextNotFound(id))}, nil
	case err != nil:
		return changeResult{}, fmt.Errorf("change character context %d: %w", id, err)
	}
	return changeResult{row: row}, nil
}

// contextMiss tells why a guarded write of character context id matched no row, as sessionMiss.
func (s *Server) contextMiss(ctx context.Context, id int64, ifv pgtype.Int8) (miss, error) {
	if !ifv.Valid {
		return miss{}, nil
	}
	row, err := s.q.CharacterContextGetByID(ctx, auth.Tenant(ctx), id)
	if errors.Is(err, dbx.ErrNotFound) {
		return miss{}, nil
	} else if err != nil {
		return miss{}, fmt.Errorf("read character context %d: %w", id, err)
	}
	return miss{stale: true, current: row.Version}, nil
}

// contextExists is the 409 body naming the context that already starts at a position.
func (s *Server) contextExists(ctx context.Context, scriptID, characterID, start int64) (sessionsapi.ErrorResponse, error) {
	where := fmt.Sprintf("scriptId %d, characterId %d, startSequence %d", scriptID, characterID, start)
	other, err := s.q.CharacterContextGetByStart(ctx, sessionsdb.CharacterContextGetByStartParams{
		Tenant: auth.Tenant(ctx), ScriptID: scriptID, CharacterID: characterID, StartSequence: start,
	})
	if errors.Is(err, dbx.ErrNotFound) {
		// Deleted again since it refused the write: still a conflict of that moment.
		return httpapi.BodyOf[sessionsapi.ErrorResponse](codeContextExists, "the character already has a context at this start position", where), nil
	} else if err != nil {
		return sessionsapi.ErrorResponse{}, fmt.Errorf("find context at %s: %w", where, err)
	}
	return httpapi.BodyOf[sessionsapi.ErrorResponse](codeContextExists, "the character already has a context at this start position",
		fmt.Sprintf("contextId %d (%s)", other.ID, where)), nil
}

// checkReferences asks the scripts and characters services whether the script and character a
// body names exist (nil: not to be checked). It returns the 422 body for the first that does not,
// or the dependency failure that kept it from knowing.
func (s *Server) checkReferences(ctx context.Context, scriptID, characterID *int64) (*sessionsapi.UnresolvedReferenceJSONResponse, error) {
	if scriptID != nil {
		resp, err := s.scripts.GetScript(ctx, *scriptID)
		found, err := existence("scripts", resp, err)
		if err != nil {
			return nil, err
		}
		if !found {
			body := httpapi.BodyOf[sessionsapi.UnresolvedReferenceJSONResponse](codeScriptNotFound, "the script does not exist", fmt.Sprintf("scriptId %d", *scriptID))
			return &body, nil
		}
	}
	if characterID != nil {
		resp, err := s.characters.GetCharacter(ctx, *characterID)
		found, err := existence("characters", resp, err)
		if err != nil {
			return nil, err
		}
		if !found {
			body := httpapi.BodyOf[sessionsapi.UnresolvedReferenceJSONResponse](codeCharacterNotFound, "the character does not exist", fmt.Sprintf("characterId %d", *characterID))
			return &body, nil
		}
	}
	return nil, nil
}

// existence reads the answer to a GET by id of another service: 200 exists, 404 does not; no
// answer is a 503 and any other answer is the dependency's fault (502, or 503 if it said so).
func existence(service string, resp *http.Response, err error) (bool, error) {
	if err != nil {
		return false, httpapi.DependencyError(service, err)
	}
	defer func() {
		// Drained, the connection can be reused; the body is at most one resource.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
	}()
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, httpapi.UnexpectedResponse(service, resp.StatusCode)
}

func characterContextOf(r sessionsdb.SessionsCharacterContext) sessionsapi.CharacterContext {
	return sessionsapi.CharacterContext{
		ContextId: r.ID, ScriptId: r.ScriptID, CharacterId: r.CharacterID, StartSequence: r.StartSequence,
		Context: r.Context, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func contextNotFound(id int64) sessionsapi.NotFoundJSONResponse {
	return httpapi.BodyOf[sessionsapi.NotFoundJSONResponse](codeNotFound, "character context not found", fmt.Sprintf("contextId %d", id))
}
