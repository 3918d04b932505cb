package scripts

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/scriptsdb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
)

func transitionBody(r scriptsdb.ScriptsTransition, number int64) scriptsapi.Transition {
	return scriptsapi.Transition{
		TransitionId: r.ID, ScriptId: r.ScriptID, SectionId: dbx.Int8Ptr(r.SectionID), Text: r.Text, Forced: r.Forced,
		SequenceNumber: number, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// transitionNotFound names what is missing when a transition of a script was not found: the script
// or the transition.
func (s *Server) transitionNotFound(ctx context.Context, scriptID, id int64) (scriptsapi.NotFoundJSONResponse, error) {
	exists, err := s.scriptExists(ctx, scriptID)
	if err != nil {
		return scriptsapi.NotFoundJSONResponse{}, err
	}
	if !exists {
		return scriptNotFound(scriptID), nil
	}
	return notFound(codeTransitionNotFound, "transition not found", fmt.Sprintf("transition %d of script %d", id, scriptID)), nil
}

// badSection is the refusal of a transition whose sectionId is not a heading of its script. The
// foreign key on (script_id, section_id) refuses it, and also a transition of a script that does not
// exist; which of the two keys fires first is not guaranteed, so the script is looked up.
func (s *Server) badSection(ctx context.Context, scriptID int64, sectionID *int64) (notFound *scriptsapi.NotFoundJSONResponse, unprocessable *scriptsapi.UnprocessableEntityJSONResponse, err error) {
	exists, err := s.scriptExists(ctx, scriptID)
	if err != nil {
		return nil, nil, err
	}
	if !exists {
		nf := scriptNotFound(scriptID)
		return &nf, nil, nil
	}
	var id int64
	if sectionID != nil {
		id = *sectionID
	}
	u := httpapi.BodyOf[scriptsapi.UnprocessableEntityJSONResponse](codeSectionNotFound,
		"sectionId is not a section heading of this script", fmt.Sprintf("section %d", id))
	return nil, &u, nil
}

// transitionNumber reads the current story number of a transition just read or written; missing is
// the 404 answer when the transition was deleted meanwhile.
func (s *Server) transitionNumber(ctx context.Context, row scriptsdb.ScriptsTransition) (number int64, missing *scriptsapi.NotFoundJSONResponse, err error) {
	number, deleted, err := s.numberOf(ctx, transitionElement, row.ID, func() (bool, error) {
		_, err := s.q.TransitionGetByID(ctx, auth.Tenant(ctx), row.ScriptID, row.ID)
		if errors.Is(err, dbx.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil || !deleted {
		return number, nil, err
	}
	resp, err := s.transitionNotFound(ctx, row.ScriptID, row.ID)
	return 0, &resp, err
}

// CreateTransition stores a transition in the script's story order: at the end, or where the
// request places it.
func (s *Server) CreateTransition(ctx context.Context, req scriptsapi.CreateTransitionRequestObject) (scriptsapi.CreateTransitionResponseObject, error) {
	b, tenant := req.Body, auth.Tenant(ctx)
	resp, err := createPositioned(ctx, s, transitionElement, req.ScriptId, placement.Of(b.Before, b.After, b.AtSequence),
		func(ctx context.Context, q *scriptsdb.Queries) (scriptsdb.ScriptsTransition, int64, error) {
			row, err := q.TransitionCreate(ctx, scriptsdb.TransitionCreateParams{
				Tenant: tenant, ScriptID: req.ScriptId, SectionID: dbx.Int8(b.SectionId), Text: b.Text, Forced: orFalse(b.Forced),
			})
			return row, row.ID, err
		},
		func(row scriptsdb.ScriptsTransition, number int64) scriptsapi.CreateTransition201JSONResponse {
			return scriptsapi.CreateTransition201JSONResponse{
				Body: transitionBody(row, number), Headers: scriptsapi.CreateTransition201ResponseHeaders{
					ETag: httpapi.PlacedETag(row.Version, number), Location: httpapi.Location("scripts", row.ScriptID, "transitions", row.ID),
				},
			}
		},
		scriptsapi.CreateTransition201JSONResponse.VisitCreateTransitionResponse)
	switch dbx.ConstraintName(err) {
	case fkTransitionScript:
		return scriptsapi.CreateTransition404JSONResponse{NotFoundJSONResponse: scriptNotFound(req.ScriptId)}, nil
	case fkTransitionSect:
		nf, u, err := s.badSection(ctx, req.ScriptId, b.SectionId)
		switch {
		case err != nil:
			return nil, err
		case nf != nil:
			return scriptsapi.CreateTransition404JSONResponse{NotFoundJSONResponse: *nf}, nil
		}
		return scriptsapi.CreateTransition422JSONResponse{UnprocessableEntityJSONResponse: *u}, nil
	}
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, fmt.Errorf("create transition of script %d: %w", req.ScriptId, err)
	case f == nil:
		return resp, nil
	case f.Status == http.StatusBadRequest:
		return scriptsapi.CreateTransition400JSONResponse{BadRequestJSONResponse: httpapi.Body[scriptsapi.BadRequestJSONResponse](f)}, nil
	case f.Status == http.StatusConflict:
		return scriptsapi.CreateTransition409JSONResponse{PlacementConflictJSONResponse: placementConflict(f)}, nil
	}
	return nil, f.Unexpected()
}

// ListTransitions pages through a script's transitions in story order: one call for the page of
// positions, one query for those transitions.
func (s *Server) ListTransitions(ctx context.Context, req scriptsapi.ListTransitionsRequestObject) (scriptsapi.ListTransitionsResponseObject, error) {
	limit, offset := httpapi.Page(req.Params.Limit, req.Params.Offset)
	page, err := s.positions(ctx, transitionElement, req.ScriptId, limit, offset)
	if err != nil {
		return nil, err
	}
	rows, err := s.q.TransitionListByIDs(ctx, page.ids, auth.Tenant(ctx), req.ScriptId)
	if err != nil {
		return nil, fmt.Errorf("read transitions of script %d: %w", req.ScriptId, err)
	}
	if len(rows) == 0 {
		if exists, err := s.scriptExists(ctx, req.ScriptId); err != nil {
			return nil, err
		} else if !exists {
			return scriptsapi.ListTransitions404JSONResponse{NotFoundJSONResponse: scriptNotFound(req.ScriptId)}, nil
		}
	}
	out := scriptsapi.TransitionPage{Items: make([]scriptsapi.Transition, 0, len(rows)), TotalCount: page.total, Limit: limit, Offset: offset}
	for _, r := range rows {
		out.Items = append(out.Items, transitionBody(r, page.numbers[r.ID]))
	}
	return scriptsapi.ListTransitions200JSONResponse(out), nil
}

// GetTransition reads one transition with its current story position.
func (s *Server) GetTransition(ctx context.Context, req scriptsapi.GetTransitionRequestObject) (scriptsapi.GetTransitionResponseObject, error) {
	row, err := s.q.TransitionGetByID(ctx, auth.Tenant(ctx), req.ScriptId, req.TransitionId)
	if errors.Is(err, dbx.ErrNotFound) {
		resp, err := s.transitionNotFound(ctx, req.ScriptId, req.TransitionId)
		if err != nil {
			return nil, err
		}
		return scriptsapi.GetTransition404JSONResponse{NotFoundJSONResponse: resp}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read transition %d: %w", req.TransitionId, err)
	}
	number, missing, err := s.transitionNumber(ctx, row)
	if err != nil {
		return nil, err
	}
	if missing != nil {
		return scriptsapi.GetTransition404JSONResponse{NotFoundJSONResponse: *missing}, nil
	}
	return scriptsapi.GetTransition200JSONResponse{
		Body: transitionBody(row, number), Headers: scriptsapi.GetTransition200ResponseHeaders{ETag: httpapi.PlacedETag(row.Version, number)},
	}, nil
}

// transitionWriteMissed tells why a conditional write of a transition changed no row: missing
// (not-found answer) or at another version (current).
func (s *Server) transitionWriteMissed(ctx context.Context, q *scriptsdb.Queries, scriptID, id int64) (missing *scriptsapi.NotFoundJSONResponse, current int64, err error) {
	row, err := q.TransitionGetByID(ctx, auth.Tenant(ctx), scriptID, id)
	if errors.Is(err, dbx.ErrNotFound) {
		resp, err := s.transitionNotFound(ctx, scriptID, id)
		return &resp, 0, err
	} else if err != nil {
		return nil, 0, fmt.Errorf("read transition %d: %w", id, err)
	}
	return nil, row.Version, nil
}

// ReplaceTransition sets every field of a transition (PUT); its position does not change.
func (s *Server) ReplaceTransition(ctx context.Context, req scriptsapi.ReplaceTransitionRequestObject) (scriptsapi.ReplaceTransitionResponseObject, error) {
	b := req.Body
	row, err := s.q.TransitionReplace(ctx, scriptsdb.TransitionReplaceParams{
		Tenant: auth.Tenant(ctx), ScriptID: req.ScriptId, ID: req.TransitionId, IfVersion: dbx.IfMatch(req.Params.IfMatch),
		Text: b.Text, SectionID: dbx.Int8(b.SectionId), Forced: orFalse(b.Forced),
	})
	if dbx.ConstraintName(err) == fkTransitionSect {
		nf, u, err := s.badSection(ctx, req.ScriptId, b.SectionId)
		switch {
		case err != nil:
			return nil, err
		case nf != nil:
			return scriptsapi.ReplaceTransition404JSONResponse{NotFoundJSONResponse: *nf}, nil
		}
		return scriptsapi.ReplaceTransition422JSONResponse{UnprocessableEntityJSONResponse: *u}, nil
	}
	if errors.Is(err, dbx.ErrNotFound) {
		missing, current, err := s.transitionWriteMissed(ctx, s.q, req.ScriptId, req.TransitionId)
		switch {
		case err != nil:
			return nil, err
		case missing != nil:
			return scriptsapi.ReplaceTransition404JSONResponse{NotFoundJSONResponse: *missing}, nil
		}
		return scriptsapi.ReplaceTransition412JSONResponse{PreconditionFailedJSONResponse: stale(current)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("replace transition %d: %w", req.TransitionId, err)
	}
	number, missing, err := s.transitionNumber(ctx, row)
	if err != nil {
		return nil, err
	}
	if missing != nil {
		return scriptsapi.ReplaceTransition404JSONResponse{NotFoundJSONResponse: *missing}, nil
	}
	return scriptsapi.ReplaceTransition200JSONResponse{
		Body: transitionBody(row, number), Headers: scriptsapi.ReplaceTransition200ResponseHeaders{ETag: httpapi.PlacedETag(row.Version, number)},
	}, nil
}

// UpdateTransition changes the fields that are sent (PATCH).
func (s *Server) UpdateTransition(ctx context.Context, req scriptsapi.UpdateTransitionRequestObject) (scriptsapi.UpdateTransitionResponseObject, error) {
	b := req.Body
	row, err := s.q.TransitionPatch(ctx, scriptsdb.TransitionPatchParams{
		Tenant: auth.Tenant(ctx), ScriptID: req.ScriptId, ID: req.TransitionId, IfVersion: dbx.IfMatch(req.Params.IfMatch),
		Text: dbx.Text(b.Text), SectionID: dbx.Int8(b.SectionId), Forced: optBool(b.Forced),
	})
	if dbx.ConstraintName(err) == fkTransitionSect {
		nf, u, err := s.badSection(ctx, req.ScriptId, b.SectionId)
		switch {
		case err != nil:
			return nil, err
		case nf != nil:
			return scriptsapi.UpdateTransition404JSONResponse{NotFoundJSONResponse: *nf}, nil
		}
		return scriptsapi.UpdateTransition422JSONResponse{UnprocessableEntityJSONResponse: *u}, nil
	}
	if errors.Is(err, dbx.ErrNotFound) {
		missing, current, err := s.transitionWriteMissed(ctx, s.q, req.ScriptId, req.TransitionId)
		switch {
		case err != nil:
			return nil, err
		case missing != nil:
			return scriptsapi.UpdateTransition404JSONResponse{NotFoundJSONResponse: *missing}, nil
		}
		return scriptsapi.UpdateTransition412JSONResponse{PreconditionFailedJSONResponse: stale(current)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("update transition %d: %w", req.TransitionId, err)
	}
	number, missing, err := s.transitionNumber(ctx, row)
	if err != nil {
		return nil, err
	}
	if missing != nil {
		return scriptsapi.UpdateTransition404JSONResponse{NotFoundJSONResponse: *missing}, nil
	}
	return scriptsapi.UpdateTransition200JSONResponse{
		Body: transitionBody(row, number), Headers: scriptsapi.UpdateTransition200ResponseHeaders{ETag: httpapi.PlacedETag(row.Version, number)},
	}, nil
}

// DeleteTransition deletes a transition and releases its story position.
func (s *Server) DeleteTransition(ctx context.Context, req scriptsapi.DeleteTransitionRequestObject) (scriptsapi.DeleteTransitionResponseObject, error) {
	scriptID, id, tenant := req.ScriptId, req.TransitionId, auth.Tenant(ctx)
	want := dbx.IfMatch(req.Params.IfMatch)
	err := s.deletePositioned(ctx, transitionElement, id, func(ctx context.Context, q *scriptsdb.Queries) error {
		_, err := q.TransitionDelete(ctx, scriptsdb.TransitionDeleteParams{Tenant: tenant, ScriptID: scriptID, ID: id, IfVersion: want})
		if !errors.Is(err, dbx.ErrNotFound) {
			return err
		}
		missing, current, err := s.transitionWriteMissed(ctx, q, scriptID, id)
		switch {
		case err != nil:
			return err
		case missing != nil:
			return failureOf(http.StatusNotFound, scriptsapi.ErrorResponse(*missing))
		}
		return failureOf(http.StatusPreconditionFailed, scriptsapi.ErrorResponse(stale(current)))
	})
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, fmt.Errorf("delete transition %d: %w", id, err)
	case f == nil:
		return scriptsapi.DeleteTransition204Response{}, nil
	case f.Status == http.StatusNotFound:
		return scriptsapi.DeleteTransition404JSONResponse{NotFoundJSONResponse: httpapi.Body[scriptsapi.NotFoundJSONResponse](f)}, nil
	case f.Status == http.StatusPreconditionFailed:
		return scriptsapi.DeleteTransition412JSONResponse{PreconditionFailedJSONResponse: httpapi.Body[scriptsapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}
