package sequence

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sequencedb"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// GenerateSequenceNumber places an element at the end of its scope, or reports where it already is.
func (s *Server) GenerateSequenceNumber(ctx context.Context, req sequenceapi.GenerateSequenceNumberRequestObject) (sequenceapi.GenerateSequenceNumberResponseObject, error) {
	b := req.Body
	scope, explicit := requestedScope(b.ElementType, b.ScriptId, b.Scope)
	elem := element{string(b.ElementType), b.ElementId}
	p, err := s.alloc.Allocate(ctx, scope, elem)
	if err != nil {
		return nil, err
	}
	if explicit && p.scope != scope {
		return sequenceapi.GenerateSequenceNumber409JSONResponse{ConflictJSONResponse: sequenceapi.ConflictJSONResponse(errBody(
			"ELEMENT_IN_OTHER_SCOPE", "the element already holds a position in another scope",
			fmt.Sprintf("%s holds number %d in %s, not in %s", elem, p.number, p.scope, scope)))}, nil
	}
	return sequenceapi.GenerateSequenceNumber201JSONResponse{
		SequenceNumber: p.number,
		ElementType:    b.ElementType,
		ElementId:      b.ElementId,
		ScriptId:       optionalID(p.scope.scriptID),
		Scope:          p.scope.name,
		Created:        p.created,
	}, nil
}

// GetElementPosition reads the scope and number an element holds.
func (s *Server) GetElementPosition(ctx context.Context, req sequenceapi.GetElementPositionRequestObject) (sequenceapi.GetElementPositionResponseObject, error) {
	row, err := s.q.PositionGetByElement(ctx, string(req.ElementType), req.ElementId)
	if err = dbx.Interpret(err); errors.Is(err, dbx.ErrNotFound) {
		return sequenceapi.GetElementPosition404JSONResponse{NotFoundJSONResponse: sequenceapi.NotFoundJSONResponse(errBody(
			"NOT_FOUND", "the element holds no position", fmt.Sprintf("%s %d", req.ElementType, req.ElementId)))}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read position of %s %d: %w", req.ElementType, req.ElementId, err)
	}
	return sequenceapi.GetElementPosition200JSONResponse{
		ElementType:    req.ElementType,
		ElementId:      req.ElementId,
		ScriptId:       optionalID(row.ScriptID),
		Scope:          row.ScopeName,
		SequenceNumber: row.SequenceNumber,
	}, nil
}

// ListPositions pages through one scope in sequence order.
func (s *Server) ListPositions(ctx context.Context, req sequenceapi.ListPositionsRequestObject) (sequenceapi.ListPositionsResponseObject, error) {
	p := req.Params
	start, end := int64(1), int64(math.MaxInt64)
	if p.StartSequence != nil {
		start = *p.StartSequence
	}
	if p.EndSequence != nil {
		end = *p.EndSequence
	}
	if end < start {
		return sequenceapi.ListPositions400JSONResponse{BadRequestJSONResponse: sequenceapi.BadRequestJSONResponse(errBody(
			"VALIDATION_FAILED", "endSequence must not be below startSequence", fmt.Sprintf("startSequence %d, endSequence %d", start, end)))}, nil
	}
	limit, offset := httpapi.Page(p.Limit, p.Offset)
	page := sequenceapi.PositionPage{Scope: p.Scope, ScriptId: p.ScriptId, Limit: limit, Offset: offset, Positions: []sequenceapi.Position{}}
	var scriptID int64
	if p.ScriptId != nil {
		scriptID = *p.ScriptId
	}
	scope, err := s.q.ScopeFind(ctx, scriptID, p.Scope)
	if err = dbx.Interpret(err); errors.Is(err, dbx.ErrNotFound) {
		return sequenceapi.ListPositions200JSONResponse(page), nil
	} else if err != nil {
		return nil, fmt.Errorf("find %s: %w", scopeKey{scriptID, p.Scope}, err)
	}
	filter := sequencedb.PositionListByScopeParams{ScopeID: scope.ID, StartSequence: start, EndSequence: end, RowLimit: int64(limit), RowOffset: offset}
	if p.ElementType != nil {
		filter.ElementType.String, filter.ElementType.Valid = string(*p.ElementType), true
	}
	rows, err := s.q.PositionListByScope(ctx, filter)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", scopeKey{scriptID, p.Scope}, dbx.Interpret(err))
	}
	if p.ElementType == nil && p.StartSequence == nil && p.EndSequence == nil {
		// The whole scope: its count is kept with it, so a late page of a long order does not count
		// the order again.
		page.TotalCount = scope.PositionCount
	} else if page.TotalCount, err = s.q.PositionCountByScope(ctx, sequencedb.PositionCountByScopeParams{
		ScopeID: scope.ID, ElementType: filter.ElementType, StartSequence: start, EndSequence: end,
	}); err != nil {
		return nil, fmt.Errorf("count %s: %w", scopeKey{scriptID, p.Scope}, dbx.Interpret(err))
	}
	for _, r := range rows {
		page.Positions = append(page.Positions, sequenceapi.Position{
			ElementType: sequenceapi.ElementType(r.ElementType), ElementId: r.ElementID, SequenceNumber: r.SequenceNumber,
		})
	}
	return positionPage(page), nil
}

// ReleasePosition removes an element from its scope under the scope's lock, so a concurrent
// reorder of that scope sees the element either wholly present or gone.
func (s *Server) ReleasePosition(ctx context.Context, req sequenceapi.ReleasePositionRequestObject) (sequenceapi.ReleasePositionResponseObject, error) {
	typ := string(req.ElementType)
	notFound := sequenceapi.ReleasePosition404JSONResponse{NotFoundJSONResponse: sequenceapi.NotFoundJSONResponse(errBody(
		"NOT_FOUND", "the element holds no position", fmt.Sprintf("%s %d", typ, req.ElementId)))}
	var released bool
	err := dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := sequencedb.New(tx)
		pos, err := q.PositionGetByElement(ctx, typ, req.ElementId)
		if err != nil {
			return err
		}
		if _, err := q.ScopeLockByID(ctx, pos.ScopeID); err != nil {
			return err
		}
		n, err := q.PositionDelete(ctx, typ, req.ElementId)
		released = n == 1
		return err
	})
	if errors.Is(err, dbx.ErrNotFound) || (err == nil && !released) {
		return notFound, nil
	}
	if err != nil {
		return nil, fmt.Errorf("release position of %s %d: %w", typ, req.ElementId, err)
	}
	return sequenceapi.ReleasePosition204Response{}, nil
}

// ListElementPositions reads the positions of several elements of one type in one query.
func (s *Server) ListElementPositions(ctx context.Context, req sequenceapi.ListElementPositionsRequestObject) (sequenceapi.ListElementPositionsResponseObject, error) {
	rows, err := s.q.PositionListByIDs(ctx, req.Params.Ids, string(req.ElementType))
	if err != nil {
		return nil, fmt.Errorf("read positions of %d %s elements: %w", len(req.Params.Ids), req.ElementType, dbx.Interpret(err))
	}
	list := sequenceapi.ElementPositionList{Items: make([]sequenceapi.ElementPosition, len(rows))}
	for i, r := range rows {
		list.Items[i] = sequenceapi.ElementPosition{
			ElementType: req.ElementType, ElementId: r.ElementID, ScriptId: optionalID(r.ScriptID),
			Scope: r.ScopeName, SequenceNumber: r.SequenceNumber,
		}
	}
	return sequenceapi.ListElementPositions200JSONResponse(list), nil
}

// positionPage answers listPositions through httpapi.WriteLargeJSON: a page holds up to 5,000
// positions, the whole of a story page the Story Factory reads.
type positionPage sequenceapi.PositionPage

func (p positionPage) VisitListPositionsResponse(w http.ResponseWriter) error {
	return httpapi.WriteLargeJSON(w, http.StatusOK, sequenceapi.PositionPage(p))
}
