package sequence

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sequencedb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
	"github.com/fountainai/fountainai/internal/write"
)

// MoveElements moves an element, or the run from it through a later element, to a new place in its
// order: one statement (sequence.move_run) under the order's lock, whatever the order's length.
func (s *Server) MoveElements(ctx context.Context, req sequenceapi.MoveElementsRequestObject) (sequenceapi.MoveElementsResponseObject, error) {
	b := req.Body
	first := element{string(b.ElementType), b.ElementId}
	at := placement.Of(b.Before, b.After, b.AtSequence)
	if f := at.CheckOne("where the element goes"); f != nil {
		return moveRefused(f)
	}
	owner, scope, err := s.orderOf(ctx, first, b)
	if err != nil {
		return moveAnswer(err)
	}
	scopeID := scope.ID
	var heading *sequencedb.PositionMoveParams
	if b.Heading != nil {
		if heading, err = s.headingMove(ctx, scope, b.Heading); err != nil {
			return moveAnswer(err)
		}
	}
	tenant := auth.Tenant(ctx)
	params := sequencedb.PositionMoveParams{Tenant: tenant, ScopeID: scopeID, FirstType: first.typ, FirstID: first.id}
	if b.Through != nil {
		params.LastType, params.LastID = dbx.Text((*string)(&b.Through.ElementType)), dbx.Int8(&b.Through.ElementId)
	}
	params.BeforeType, params.BeforeID, params.AfterType, params.AfterID, params.AtSequence = at.Params()
	resp, err := write.Do(ctx, s.writes, write.Lane{}, sequenceapi.MoveElements200JSONResponse.VisitMoveElementsResponse,
		func(ctx context.Context, tx *write.Tx) (sequenceapi.MoveElements200JSONResponse, error) {
			q := sequencedb.New(dbx.Interpreted(tx))
			if heading != nil {
				if err := q.ScopeLockByIDs(ctx, tenant, []int64{scopeID, heading.ScopeID}); err != nil {
					return sequenceapi.MoveElements200JSONResponse{}, err
				}
			}
			rows, err := q.PositionMove(ctx, params)
			if err != nil {
				if f := placement.Refusal(err); f != nil {
					return sequenceapi.MoveElements200JSONResponse{}, f
				}
				return sequenceapi.MoveElements200JSONResponse{}, fmt.Errorf("move %s: %w", first, err)
			}
			scope, err := q.ScopeGetByID(ctx, tenant, scopeID)
			if err != nil {
				return sequenceapi.MoveElements200JSONResponse{}, err
			}
			out := sequenceapi.MoveElements200JSONResponse{
				Scope: scope.Name, ScriptId: optionalID(scope.ScriptID), Owner: sequenceapi.Owner(owner),
				MovedElements: make([]sequenceapi.Position, len(rows)),
			}
			for i, r := range rows {
				out.MovedElements[i] = sequenceapi.Position{ElementType: sequenceapi.ElementType(r.ElementType), ElementId: r.ElementID, SequenceNumber: r.SequenceNumber}
			}
			if heading != nil {
				moved, err := q.PositionMove(ctx, *heading)
				if err != nil {
					if f := placement.Refusal(err); f != nil {
						return sequenceapi.MoveElements200JSONResponse{}, f
					}
					return sequenceapi.MoveElements200JSONResponse{}, fmt.Errorf("move heading %d: %w", heading.FirstID, err)
				}
				out.Heading = &sequenceapi.Position{ElementType: sequenceapi.Section, ElementId: moved[0].ElementID, SequenceNumber: moved[0].SequenceNumber}
			}
			return out, nil
		})
	if err != nil {
		return moveAnswer(err)
	}
	return resp, nil
}

// headingMove is the move of a scene's heading in the sections order of the script whose story
// order holds the run: only a run of a script's story has a heading.
func (s *Server) headingMove(ctx context.Context, story sequencedb.ScopeGetByIDRow, h *sequenceapi.HeadingMove) (*sequencedb.PositionMoveParams, error) {
	if story.Owner != string(sequenceapi.OwnerContent) || story.Name != scopeStory {
		return nil, httpapi.Fail(http.StatusBadRequest, codeScopeMismatch, "a heading moves with a run of a script's story",
			fmt.Sprintf("the run is in %s", scopeKey{story.ScriptID, story.Name}))
	}
	at := placement.Of(h.Before, h.After, h.AtSequence)
	if f := at.CheckOne("where the heading goes"); f != nil {
		return nil, f
	}
	tenant := auth.Tenant(ctx)
	sections, err := s.q.ScopeFind(ctx, tenant, story.ScriptID, scopeSections)
	if errors.Is(err, dbx.ErrNotFound) {
		return nil, httpapi.NotFound(httpapi.CodeNotFound, "element has no position", fmt.Sprintf("section %d", h.HeadingId))
	} else if err != nil {
		return nil, fmt.Errorf("find the sections of script %d: %w", story.ScriptID, err)
	}
	params := &sequencedb.PositionMoveParams{Tenant: tenant, ScopeID: sections.ID, FirstType: string(sequenceapi.Section), FirstID: h.HeadingId}
	params.BeforeType, params.BeforeID, params.AfterType, params.AfterID, params.AtSequence = at.Params()
	return params, nil
}

// orderOf finds the order the element to move holds its position in, and whose position it is,
// as reorder finds them (listedPositions), checking the scriptId and scope the request names.
func (s *Server) orderOf(ctx context.Context, first element, b *sequenceapi.MoveRequest) (string, sequencedb.ScopeGetByIDRow, error) {
	types, ids := []string{first.typ}, []int64{first.id}
	var (
		owner string
		held  []sequencedb.PositionListByElementsRow
		err   error
	)
	if b.Owner != nil {
		owner = string(*b.Owner)
		held, err = s.q.PositionListByElements(ctx, sequencedb.PositionListByElementsParams{
			Tenant: auth.Tenant(ctx), ElementTypes: types, ElementIds: ids, Owner: owner,
		})
	} else {
		owner, held, err = listedPositions(ctx, s.q, &sequenceapi.ReorderRequest{ElementType: b.ElementType, ScriptId: b.ScriptId, Scope: b.Scope}, types, ids)
	}
	if err != nil {
		return "", sequencedb.ScopeGetByIDRow{}, fmt.Errorf("find the position of %s: %w", first, err)
	}
	if len(held) == 0 {
		return "", sequencedb.ScopeGetByIDRow{}, httpapi.NotFound(httpapi.CodeNotFound, "element has no position", first.String())
	}
	scope, err := s.q.ScopeGetByID(ctx, auth.Tenant(ctx), held[0].ScopeID)
	if err != nil {
		return "", sequencedb.ScopeGetByIDRow{}, fmt.Errorf("read the scope of %s: %w", first, err)
	}
	key := scopeKey{scriptID: scope.ScriptID, name: scope.Name}
	if (b.ScriptId != nil && *b.ScriptId != key.scriptID) || (b.Scope != nil && *b.Scope != key.name) {
		return "", sequencedb.ScopeGetByIDRow{}, httpapi.Fail(http.StatusBadRequest, codeScopeMismatch, "the element is not in the scope the request names",
			fmt.Sprintf("%s is in %s", first, key))
	}
	return owner, scope, nil
}

// moveAnswer answers a move that failed: a refusal with the response its status declares.
func moveAnswer(err error) (sequenceapi.MoveElementsResponseObject, error) {
	if f, err := httpapi.AsFailure(err); err != nil {
		return nil, err
	} else if f != nil {
		return moveRefused(f)
	}
	return nil, errors.New("move failed without an error")
}

func moveRefused(f *httpapi.Failure) (sequenceapi.MoveElementsResponseObject, error) {
	switch f.Status {
	case http.StatusBadRequest:
		return sequenceapi.MoveElements400JSONResponse{BadRequestJSONResponse: httpapi.Body[sequenceapi.BadRequestJSONResponse](f)}, nil
	case http.StatusNotFound:
		return sequenceapi.MoveElements404JSONResponse{NotFoundJSONResponse: httpapi.Body[sequenceapi.NotFoundJSONResponse](f)}, nil
	case http.StatusConflict:
		return sequenceapi.MoveElements409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
	}
	return nil, f.Unexpected()
}
