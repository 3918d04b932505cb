package characters

import (
	"context"
	"net/http"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/charactersdb"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
)

// actions are stage directions in a script's story order (element type `action`).
var actions = &storyKind[charactersdb.CharactersAction, charactersapi.Action]{
	rows: actionRows{},
	original: original{
		originalType: charactersapi.OriginalTypeAction, noun: "action", paraphraseFK: "paraphrases_action_id_fkey",
	},
	typ:         sequenceapi.Action,
	characterFK: "actions_character_id_fkey",
}

// actionRows is the actions table as storyKind reads and writes it.
type actionRows struct{}

var _ elementRows[charactersdb.CharactersAction, charactersapi.Action] = actionRows{}

func (actionRows) get(ctx context.Context, q *charactersdb.Queries, tenant string, id int64) (charactersdb.CharactersAction, error) {
	return q.ActionGetByID(ctx, tenant, id)
}

func (actionRows) listByIDs(ctx context.Context, q *charactersdb.Queries, tenant string, ids []int64) ([]charactersdb.CharactersAction, error) {
	return q.ActionListByIDs(ctx, tenant, ids)
}

func (actionRows) list(ctx context.Context, q *charactersdb.Queries, f listFilter) ([]charactersdb.CharactersAction, error) {
	return q.ActionList(ctx, charactersdb.ActionListParams(f))
}

func (actionRows) count(ctx context.Context, q *charactersdb.Queries, f countFilter) (int64, error) {
	return q.ActionCount(ctx, charactersdb.ActionCountParams(f))
}

func (actionRows) idsByFilter(ctx context.Context, q *charactersdb.Queries, f storyFilter) ([]int64, error) {
	return q.ActionListIDsByFilter(ctx, charactersdb.ActionListIDsByFilterParams(f))
}

func (actionRows) remove(ctx context.Context, q *charactersdb.Queries, t removeTarget) (int64, error) {
	return q.ActionDelete(ctx, charactersdb.ActionDeleteParams(t))
}

func (actionRows) removeWhere(ctx context.Context, q *charactersdb.Queries, f removeFilter) ([]int64, error) {
	return q.ActionDeleteByFilter(ctx, charactersdb.ActionDeleteByFilterParams(f))
}

func (actionRows) meta(r charactersdb.CharactersAction) elementMeta {
	return elementMeta{id: r.ID, scriptID: r.ScriptID, version: r.Version}
}

func (actionRows) item(r charactersdb.CharactersAction, n int64) charactersapi.Action {
	return charactersapi.Action{
		ActionId: r.ID, ScriptId: r.ScriptID, SectionId: dbx.Int8Ptr(r.SectionID), CharacterId: dbx.Int8Ptr(r.CharacterID),
		Description: r.Description, Format: charactersapi.ActionFormat(r.Format), Forced: r.Forced,
		SequenceNumber: n, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// ListActions lists actions, in story order when filtered by script.
func (s *Server) ListActions(ctx context.Context, req charactersapi.ListActionsRequestObject) (charactersapi.ListActionsResponseObject, error) {
	p := req.Params
	lp := listParams{scriptID: p.ScriptId, sectionID: p.SectionId, characterID: p.CharacterId, ids: p.Ids, limit: p.Limit, offset: p.Offset}
	var (
		items []charactersapi.Action
		total int64
		err   error
	)
	if p.ScriptId != nil {
		items, total, err = actions.storyOrderPage(ctx, s, *p.ScriptId, lp)
	} else {
		items, total, err = actions.idOrderPage(ctx, s, lp)
	}
	if err != nil {
		return nil, err
	}
	limit, offset := httpapi.Page(p.Limit, p.Offset)
	return charactersapi.ListActions200JSONResponse{Items: items, TotalCount: total, Limit: limit, Offset: offset}, nil
}

// CreateAction stores an action in its script's story order: at the end, or where the request places it.
func (s *Server) CreateAction(ctx context.Context, req charactersapi.CreateActionRequestObject) (charactersapi.CreateActionResponseObject, error) {
	b := req.Body
	resp, err := create(ctx, s, actions, b.ScriptId, b.SectionId, placement.Of(b.Before, b.After, b.AtSequence),
		func(ctx context.Context, q *charactersdb.Queries) (charactersdb.CharactersAction, error) {
			return q.ActionCreate(ctx, charactersdb.ActionCreateParams{
				Tenant: auth.Tenant(ctx), ScriptID: b.ScriptId, SectionID: dbx.Int8(b.SectionId), CharacterID: dbx.Int8(b.CharacterId), Description: b.Description,
				Format: formatOr(b.Format), Forced: flag(b.Forced),
			})
		},
		func(a charactersapi.Action) charactersapi.CreateAction201JSONResponse {
			return charactersapi.CreateAction201JSONResponse{Body: a, Headers: charactersapi.CreateAction201ResponseHeaders{ETag: httpapi.PlacedETag(a.Version, a.SequenceNumber), Location: httpapi.Location("actions", a.ActionId)}}
		},
		charactersapi.CreateAction201JSONResponse.VisitCreateActionResponse)
	if f, err := httpapi.AsFailure(err); err != nil {
		return nil, err
	} else if f != nil {
		switch f.Status {
		case http.StatusBadRequest:
			return charactersapi.CreateAction400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
		case http.StatusConflict:
			return charactersapi.CreateAction409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
		case http.StatusUnprocessableEntity:
			return charactersapi.CreateAction422JSONResponse{UnresolvedReferenceJSONResponse: httpapi.ListBody[charactersapi.UnresolvedReferenceJSONResponse](f)}, nil
		}
		return nil, f.Unexpected()
	}
	return resp, nil
}

// DeleteActions deletes the actions matching the filters and releases their positions.
func (s *Server) DeleteActions(ctx context.Context, req charactersapi.DeleteActionsRequestObject) (charactersapi.DeleteActionsResponseObject, error) {
	p := req.Params
	n, err := actions.deleteWhere(ctx, s, p.ScriptId, p.SectionId, p.CharacterId)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return charactersapi.DeleteActions400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	}
	return charactersapi.DeleteActions200JSONResponse{DeletedCount: n}, nil
}

// GetAction reads an action with its story position.
func (s *Server) GetAction(ctx context.Context, req charactersapi.GetActionRequestObject) (charactersapi.GetActionResponseObject, error) {
	a, err := actions.read(ctx, s, req.ActionId)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return charactersapi.GetAction404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return charactersapi.GetAction200JSONResponse{Body: a, Headers: charactersapi.GetAction200ResponseHeaders{ETag: httpapi.PlacedETag(a.Version, a.SequenceNumber)}}, nil
}

// ReplaceAction sets every field a client sets; a section or character left out is unlinked, a
// format or forced mark left out is reset.
func (s *Server) ReplaceAction(ctx context.Context, req charactersapi.ReplaceActionRequestObject) (charactersapi.ReplaceActionResponseObject, error) {
	b, id := req.Body, req.ActionId
	a, err := actions.update(ctx, s, id, b.SectionId, func(q *charactersdb.Queries) (charactersdb.CharactersAction, error) {
		return q.ActionReplace(ctx, charactersdb.ActionReplaceParams{
			Tenant: auth.Tenant(ctx), ID: id, IfVersion: dbx.IfMatch(req.Params.IfMatch),
			Description: b.Description, SectionID: dbx.Int8(b.SectionId), CharacterID: dbx.Int8(b.CharacterId),
			Format: formatOr(b.Format), Forced: flag(b.Forced),
		})
	})
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.ReplaceAction200JSONResponse{Body: a, Headers: charactersapi.ReplaceAction200ResponseHeaders{ETag: httpapi.PlacedETag(a.Version, a.SequenceNumber)}}, nil
	case http.StatusNotFound:
		return charactersapi.ReplaceAction404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.ReplaceAction412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	case http.StatusUnprocessableEntity:
		return charactersapi.ReplaceAction422JSONResponse{UnresolvedReferenceJSONResponse: httpapi.ListBody[charactersapi.UnresolvedReferenceJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// UpdateAction changes the fields given.
func (s *Server) UpdateAction(ctx context.Context, req charactersapi.UpdateActionRequestObject) (charactersapi.UpdateActionResponseObject, error) {
	b, id := req.Body, req.ActionId
	a, err := actions.update(ctx, s, id, b.SectionId, func(q *charactersdb.Queries) (charactersdb.CharactersAction, error) {
		return q.ActionUpdate(ctx, charactersdb.ActionUpdateParams{
			Tenant: auth.Tenant(ctx), ID: id, IfVersion: dbx.IfMatch(req.Params.IfMatch),
			Description: dbx.Text(b.Description), SectionID: dbx.Int8(b.SectionId), CharacterID: dbx.Int8(b.CharacterId),
			Format: formatIfGiven(b.Format), Forced: flagIfGiven(b.Forced),
		})
	})
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.UpdateAction200JSONResponse{Body: a, Headers: charactersapi.UpdateAction200ResponseHeaders{ETag: httpapi.PlacedETag(a.Version, a.SequenceNumber)}}, nil
	case http.StatusNotFound:
		return charactersapi.UpdateAction404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.UpdateAction412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	case http.StatusUnprocessableEntity:
		return charactersapi.UpdateAction422JSONResponse{UnresolvedReferenceJSONResponse: httpapi.ListBody[charactersapi.UnresolvedReferenceJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// DeleteAction deletes an action (with its paraphrases when cascade) and releases its position.
func (s *Server) DeleteAction(ctx context.Context, req charactersapi.DeleteActionRequestObject) (charactersapi.DeleteActionResponseObject, error) {
	p := req.Params
	f, err := httpapi.AsFailure(actions.deleteOne(ctx, s, req.ActionId, dbx.IfMatch(p.IfMatch), p.Cascade != nil && *p.Cascade))
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.DeleteAction204Response{}, nil
	case http.StatusNotFound:
		return charactersapi.DeleteAction404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusConflict:
		return charactersapi.DeleteAction409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.DeleteAction412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}
