package sequence

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sequencedb"
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
	if f := at.Check(); f != nil || at == (placement.At{}) {
		if f == nil {
			f = httpapi.Fail(http.StatusBadRequest, placement.CodeInvalid, "give one of before, after and atSequence", "where the element goes")
		}
		return moveRefused(f)
	}
	owner, scopeID, err := s.orderOf(ctx, first, b)
	if err != nil {
		return moveAnswer(err)
	}
	params := sequencedb.PositionMoveParams{ScopeID: scopeID, FirstType: first.typ, FirstID: first.id}
	if b.Through != nil {
		params.LastType, params.LastID = dbx.Text((*string)(&b.Through.ElementType)), dbx.Int8(&b.Through.ElementId)
	}
	params.BeforeType, params.BeforeID, params.AfterType, params.AfterID, params.AtSequence = placementParams(at)
	resp, err := write.Do(ctx, s.writes, write.Lane{}, sequenceapi.MoveElements200JSONResponse.VisitMoveElementsResponse,
		func(ctx context.Context, tx *write.Tx) (sequenceapi.MoveElements200JSONResponse, error) {
			q := sequencedb.New(tx)
			rows, err := q.PositionMove(ctx, params)
			if err != nil {
				if f := placement.Refusal(err); f != nil {
					return sequenceapi.MoveElements200JSONResponse{}, f
				}
				return sequenceapi.MoveElements200JSONResponse{}, fmt.Errorf("move %s: %w", first, dbx.Interpret(err))
			}
			scope, err := q.ScopeGetByID(ctx, scopeID)
			if err != nil {
				return sequenceapi.MoveElements200JSONResponse{}, dbx.Interpret(err)
			}
			out := sequenceapi.MoveElements200JSONResponse{
				Scope: scope.Name, ScriptId: optionalID(scope.ScriptID), Owner: sequenceapi.Owner(owner),
				MovedElements: make([]sequenceapi.Position, len(rows)),
			}
			for i, r := range rows {
				out.MovedElements[i] = sequenceapi.Position{ElementType: sequenceapi.ElementType(r.ElementType), ElementId: r.ElementID, SequenceNumber: r.SequenceNumber}
			}
			return out, nil
		})
	if err != nil {
		return moveAnswer(err)
	}
	return resp, nil
}

// orderOf finds the order the element to move holds its position in, and whose position it is,
// as reorder finds them (listedPositions), checking the scriptId and scope the request names.
func (s *Server) orderOf(ctx context.Context, first element, b *sequenceapi.MoveRequest) (string, int64, error) {
	types, ids := []string{first.typ}, []int64{first.id}
	var (
		owner string
		held  []sequencedb.PositionListByElementsRow
		err   error
	)
	if b.Owner != nil {
		owner = string(*b.Owner)
		held, err = s.q.PositionListByElements(ctx, types, ids, owner)
	} else {
		owner, held, err = listedPositions(ctx, s.q, &sequenceapi.ReorderRequest{ElementType: b.ElementType, ScriptId: b.ScriptId, Scope: b.Scope}, types, ids)
	}
	if err != nil {
		return "", 0, fmt.Errorf("find the position of %s: %w", first, dbx.Interpret(err))
	}
	if len(held) == 0 {
		return "", 0, httpapi.NotFound(httpapi.CodeNotFound, "element has no position", first.String())
	}
	scope, err := s.q.ScopeGetByID(ctx, held[0].ScopeID)
	if err != nil {
		return "", 0, fmt.Errorf("read the scope of %s: %w", first, dbx.Interpret(err))
	}
	key := scopeKey{scriptID: scope.ScriptID, name: scope.Name}
	if (b.ScriptId != nil && *b.ScriptId != key.scriptID) || (b.Scope != nil && *b.Scope != key.name) {
		return "", 0, httpapi.Fail(http.StatusBadRequest, codeScopeMismatch, "the element is not in the scope the request names",
			fmt.Sprintf("%s is in %s", first, key))
	}
	return owner, scope.ID, nil
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
