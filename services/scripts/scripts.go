package scripts

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/scriptsdb"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
	"github.com/fountainai/fountainai/internal/write"
)

// Foreign keys whose refusal answers a request: a section or transition of a script that does not
// exist, a transition naming a section of another script (or none), a script or section that still
// has dependants.
const (
	fkSectionScript    = "sections_script_id_fkey"
	fkTransitionScript = "transitions_script_id_fkey"
	fkTransitionSect   = "transitions_section_fkey"
)

func scriptBody(r scriptsdb.ScriptsScript) (scriptsapi.Script, error) {
	titlePage, err := titlePageOf(r.TitlePage)
	if err != nil {
		return scriptsapi.Script{}, fmt.Errorf("script %d: %w", r.ID, err)
	}
	return scriptsapi.Script{
		ScriptId: r.ID, Title: r.Title, Author: dbx.TextPtr(r.Author), Description: dbx.TextPtr(r.Description),
		TitlePage: titlePage, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}, nil
}

// ListScripts pages through scripts in creation order.
func (s *Server) ListScripts(ctx context.Context, req scriptsapi.ListScriptsRequestObject) (scriptsapi.ListScriptsResponseObject, error) {
	p := req.Params
	limit, offset := httpapi.Page(p.Limit, p.Offset)
	tenant, title, author := auth.Tenant(ctx), dbx.Text(p.Title), dbx.Text(p.Author)
	rows, err := s.q.ScriptList(ctx, scriptsdb.ScriptListParams{Tenant: tenant, Title: title, Author: author, RowLimit: int64(limit), RowOffset: offset})
	if err != nil {
		return nil, fmt.Errorf("list scripts: %w", err)
	}
	total, err := s.q.ScriptCount(ctx, tenant, title, author)
	if err != nil {
		return nil, fmt.Errorf("count scripts: %w", err)
	}
	page := scriptsapi.ScriptPage{Scripts: make([]scriptsapi.Script, 0, len(rows)), TotalCount: total, Limit: limit, Offset: offset}
	for _, r := range rows {
		body, err := scriptBody(r)
		if err != nil {
			return nil, err
		}
		page.Scripts = append(page.Scripts, body)
	}
	return scriptsapi.ListScripts200JSONResponse(page), nil
}

// CreateScript stores a new script.
func (s *Server) CreateScript(ctx context.Context, req scriptsapi.CreateScriptRequestObject) (scriptsapi.CreateScriptResponseObject, error) {
	b, tenant := req.Body, auth.Tenant(ctx)
	titlePage, err := titlePageJSON(b.TitlePage)
	if err != nil {
		return nil, err
	}
	resp, err := write.Do(ctx, s.writes, write.Lane{}, scriptsapi.CreateScript201JSONResponse.VisitCreateScriptResponse,
		func(ctx context.Context, tx *write.Tx) (scriptsapi.CreateScript201JSONResponse, error) {
			row, err := scriptsdb.New(dbx.Interpreted(tx)).ScriptCreate(ctx, scriptsdb.ScriptCreateParams{
				Tenant: tenant, Title: b.Title, Author: dbx.Text(b.Author), Description: dbx.Text(b.Description), TitlePage: titlePage,
			})
			if dbx.ConstraintName(err) == ckTitlePage {
				return scriptsapi.CreateScript201JSONResponse{}, titlePageTooLarge()
			}
			if err != nil {
				return scriptsapi.CreateScript201JSONResponse{}, err
			}
			body, err := scriptBody(row)
			if err != nil {
				return scriptsapi.CreateScript201JSONResponse{}, err
			}
			return scriptsapi.CreateScript201JSONResponse{Body: body, Headers: scriptsapi.CreateScript201ResponseHeaders{ETag: httpapi.ETag(row.Version), Location: httpapi.Location("scripts", row.ID)}}, nil
		})
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, fmt.Errorf("create script: %w", err)
	case f == nil:
		return resp, nil
	case f.Status == http.StatusBadRequest:
		return scriptsapi.CreateScript400JSONResponse{BadRequestJSONResponse: httpapi.Body[scriptsapi.BadRequestJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// GetScript reads one script.
func (s *Server) GetScript(ctx context.Context, req scriptsapi.GetScriptRequestObject) (scriptsapi.GetScriptResponseObject, error) {
	row, err := s.q.ScriptGetByID(ctx, auth.Tenant(ctx), req.ScriptId)
	if errors.Is(err, dbx.ErrNotFound) {
		return scriptsapi.GetScript404JSONResponse{NotFoundJSONResponse: scriptNotFound(req.ScriptId)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read script %d: %w", req.ScriptId, err)
	}
	body, err := scriptBody(row)
	if err != nil {
		return nil, err
	}
	return scriptsapi.GetScript200JSONResponse{Body: body, Headers: scriptsapi.GetScript200ResponseHeaders{ETag: httpapi.ETag(row.Version)}}, nil
}

// scriptWriteMissed tells why a conditional write of a script changed no row: the script is gone
// (found false) or has another version than If-Match named (current).
func (s *Server) scriptWriteMissed(ctx context.Context, id int64) (current int64, found bool, err error) {
	row, err := s.q.ScriptGetByID(ctx, auth.Tenant(ctx), id)
	if errors.Is(err, dbx.ErrNotFound) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("read script %d: %w", id, err)
	}
	return row.Version, true, nil
}

// UpdateScript changes the fields that are sent (PATCH).
func (s *Server) UpdateScript(ctx context.Context, req scriptsapi.UpdateScriptRequestObject) (scriptsapi.UpdateScriptResponseObject, error) {
	b := req.Body
	titlePage, err := titlePageJSON(b.TitlePage)
	if err != nil {
		return nil, err
	}
	row, err := s.q.ScriptPatch(ctx, scriptsdb.ScriptPatchParams{
		Tenant: auth.Tenant(ctx), ID: req.ScriptId, IfVersion: dbx.IfMatch(req.Params.IfMatch),
		Title: dbx.Text(b.Title), Author: dbx.Text(b.Author), Description: dbx.Text(b.Description), TitlePage: titlePage,
	})
	if dbx.ConstraintName(err) == ckTitlePage {
		return scriptsapi.UpdateScript400JSONResponse{BadRequestJSONResponse: httpapi.Body[scriptsapi.BadRequestJSONResponse](titlePageTooLarge())}, nil
	}
	if errors.Is(err, dbx.ErrNotFound) {
		current, found, err := s.scriptWriteMissed(ctx, req.ScriptId)
		switch {
		case err != nil:
			return nil, err
		case !found:
			return scriptsapi.UpdateScript404JSONResponse{NotFoundJSONResponse: scriptNotFound(req.ScriptId)}, nil
		}
		return scriptsapi.UpdateScript412JSONResponse{PreconditionFailedJSONResponse: stale(current)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("update script %d: %w", req.ScriptId, err)
	}
	body, err := scriptBody(row)
	if err != nil {
		return nil, err
	}
	return scriptsapi.UpdateScript200JSONResponse{Body: body, Headers: scriptsapi.UpdateScript200ResponseHeaders{ETag: httpapi.ETag(row.Version)}}, nil
}

// ReplaceScript sets every field of a script (PUT).
func (s *Server) ReplaceScript(ctx context.Context, req scriptsapi.ReplaceScriptRequestObject) (scriptsapi.ReplaceScriptResponseObject, error) {
	b := req.Body
	titlePage, err := titlePageJSON(b.TitlePage)
	if err != nil {
		return nil, err
	}
	row, err := s.q.ScriptReplace(ctx, scriptsdb.ScriptReplaceParams{
		Tenant: auth.Tenant(ctx), ID: req.ScriptId, IfVersion: dbx.IfMatch(req.Params.IfMatch),
		Title: b.Title, Author: dbx.Text(b.Author), Description: dbx.Text(b.Description), TitlePage: titlePage,
	})
	if dbx.ConstraintName(err) == ckTitlePage {
		return scriptsapi.ReplaceScript400JSONResponse{BadRequestJSONResponse: httpapi.Body[scriptsapi.BadRequestJSONResponse](titlePageTooLarge())}, nil
	}
	if errors.Is(err, dbx.ErrNotFound) {
		current, found, err := s.scriptWriteMissed(ctx, req.ScriptId)
		switch {
		case err != nil:
			return nil, err
		case !found:
			return scriptsapi.ReplaceScript404JSONResponse{NotFoundJSONResponse: scriptNotFound(req.ScriptId)}, nil
		}
		return scriptsapi.ReplaceScript412JSONResponse{PreconditionFailedJSONResponse: stale(current)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("replace script %d: %w", req.ScriptId, err)
	}
	body, err := scriptBody(row)
	if err != nil {
		return nil, err
	}
	return scriptsapi.ReplaceScript200JSONResponse{Body: body, Headers: scriptsapi.ReplaceScript200ResponseHeaders{ETag: httpapi.ETag(row.Version)}}, nil
}

const scriptHasDependants = "the script has dependants; delete them first or use cascade=true"

// DeleteScript deletes a script; with cascade, everything of it here and in the other services
// first. See the operation's description for what a failure midway leaves.
func (s *Server) DeleteScript(ctx context.Context, req scriptsapi.DeleteScriptRequestObject) (scriptsapi.DeleteScriptResponseObject, error) {
	id := req.ScriptId
	want := dbx.IfMatch(req.Params.IfMatch)
	// If-Match is checked before anything is deleted (and again when the script row goes).
	cur, err := s.q.ScriptGetByID(ctx, auth.Tenant(ctx), id)
	if errors.Is(err, dbx.ErrNotFound) {
		return scriptsapi.DeleteScript404JSONResponse{NotFoundJSONResponse: scriptNotFound(id)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read script %d: %w", id, err)
	}
	if !matches(want, cur.Version) {
		return scriptsapi.DeleteScript412JSONResponse{PreconditionFailedJSONResponse: stale(cur.Version)}, nil
	}

	if req.Params.Cascade == nil || !*req.Params.Cascade {
		counts, err := s.scriptDependants(ctx, id)
		if err != nil {
			return nil, err
		}
		if anyDependants(counts) {
			return scriptsapi.DeleteScript409JSONResponse{HasDependantsJSONResponse: hasDependants(scriptHasDependants, counts)}, nil
		}
	} else if err := s.deleteRemoteDependants(ctx, id); err != nil {
		return nil, err
	}

	f, err := httpapi.AsFailure(s.deleteScriptRows(ctx, id, want, req.Params.Cascade != nil && *req.Params.Cascade))
	switch {
	case err != nil:
		return nil, fmt.Errorf("delete script %d: %w", id, err)
	case f == nil:
		return scriptsapi.DeleteScript204Response{}, nil
	case f.Status == http.StatusNotFound:
		return scriptsapi.DeleteScript404JSONResponse{NotFoundJSONResponse: httpapi.Body[scriptsapi.NotFoundJSONResponse](f)}, nil
	case f.Status == http.StatusConflict:
		return scriptsapi.DeleteScript409JSONResponse{HasDependantsJSONResponse: httpapi.Body[scriptsapi.HasDependantsJSONResponse](f)}, nil
	case f.Status == http.StatusPreconditionFailed:
		return scriptsapi.DeleteScript412JSONResponse{PreconditionFailedJSONResponse: httpapi.Body[scriptsapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// deleteScriptRows deletes the script row; with cascade, its transitions and sections first, with
// their positions, all in one transaction. The script row stays locked meanwhile, so no section or
// transition can be added to it (their foreign keys need the row).
func (s *Server) deleteScriptRows(ctx context.Context, id int64, want pgtype.Int8, cascade bool) error {
	tenant := auth.Tenant(ctx)
	return dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := scriptsdb.New(dbx.Interpreted(tx))
		cur, err := q.ScriptLockByID(ctx, tenant, id)
		if errors.Is(err, dbx.ErrNotFound) {
			return failureOf(http.StatusNotFound, scriptsapi.ErrorResponse(scriptNotFound(id)))
		} else if err != nil {
			return err
		}
		if !matches(want, cur.Version) {
			return failureOf(http.StatusPreconditionFailed, scriptsapi.ErrorResponse(stale(cur.Version)))
		}
		if cascade {
			transitions, err := q.TransitionDeleteByScript(ctx, tenant, id)
			if err != nil {
				return err
			}
			sections, err := q.SectionDeleteByScript(ctx, tenant, id)
			if err != nil {
				return err
			}
			if err := placement.Release(ctx, tx, string(transitionElement.typ), transitions); err != nil {
				return err
			}
			if err := placement.Release(ctx, tx, string(sectionElement.typ), sections); err != nil {
				return err
			}
		}
		_, err = q.ScriptDelete(ctx, tenant, id, want)
		if c := dbx.ConstraintName(err); c == fkSectionScript || c == fkTransitionScript {
			// A section or transition was added after the dependants were counted.
			return httpapi.Fail(http.StatusConflict, codeHasDependants, scriptHasDependants, "section headings or transitions were added meanwhile")
		}
		return err
	})
}

// scriptDependants counts what still belongs to a script, here and in the other services.
func (s *Server) scriptDependants(ctx context.Context, id int64) ([]dependantCount, error) {
	own, err := s.q.ScriptDependantCounts(ctx, auth.Tenant(ctx), id)
	if err != nil {
		return nil, fmt.Errorf("count dependants of script %d: %w", id, err)
	}
	one := 1
	actions, err := s.chars.ListActionsWithResponse(ctx, &charactersapi.ListActionsParams{ScriptId: &id, Limit: &one})
	if err != nil {
		return nil, httpapi.DependencyError(peerCharacters, err)
	}
	if actions.JSON200 == nil {
		return nil, httpapi.UnexpectedResponse(peerCharacters, actions.StatusCode())
	}
	words, err := s.chars.ListSpokenWordsWithResponse(ctx, &charactersapi.ListSpokenWordsParams{ScriptId: &id, Limit: &one})
	if err != nil {
		return nil, httpapi.DependencyError(peerCharacters, err)
	}
	if words.JSON200 == nil {
		return nil, httpapi.UnexpectedResponse(peerCharacters, words.StatusCode())
	}
	contexts, err := s.sess.ListCharacterContextsWithResponse(ctx, &sessionsapi.ListCharacterContextsParams{ScriptId: &id, Limit: &one})
	if err != nil {
		return nil, httpapi.DependencyError(peerSessions, err)
	}
	if contexts.JSON200 == nil {
		return nil, httpapi.UnexpectedResponse(peerSessions, contexts.StatusCode())
	}
	return []dependantCount{
		{"sections", own.Sections},
		{"transitions", own.Transitions},
		{"spokenWords", words.JSON200.TotalCount},
		{"actions", actions.JSON200.TotalCount},
		{"characterContexts", contexts.JSON200.TotalCount},
	}, nil
}

// deleteRemoteDependants deletes a script's actions and spoken words (which releases their story
// positions) and its character contexts, through the other services' bulk deletes.
func (s *Server) deleteRemoteDependants(ctx context.Context, id int64) error {
	actions, err := s.chars.DeleteActionsWithResponse(ctx, &charactersapi.DeleteActionsParams{ScriptId: &id})
	if err != nil {
		return httpapi.DependencyError(peerCharacters, err)
	}
	if actions.JSON200 == nil {
		return httpapi.UnexpectedResponse(peerCharacters, actions.StatusCode())
	}
	words, err := s.chars.DeleteSpokenWordsWithResponse(ctx, &charactersapi.DeleteSpokenWordsParams{ScriptId: &id})
	if err != nil {
		return httpapi.DependencyError(peerCharacters, err)
	}
	if words.JSON200 == nil {
		return httpapi.UnexpectedResponse(peerCharacters, words.StatusCode())
	}
	contexts, err := s.sess.DeleteCharacterContextsWithResponse(ctx, &sessionsapi.DeleteCharacterContextsParams{ScriptId: &id})
	if err != nil {
		return httpapi.DependencyError(peerSessions, err)
	}
	if contexts.JSON200 == nil {
		return httpapi.UnexpectedResponse(peerSessions, contexts.StatusCode())
	}
	return nil
}
