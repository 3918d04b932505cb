package sequence

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sequencedb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/metrics"
	"github.com/fountainai/fountainai/internal/placement"
	"github.com/fountainai/fountainai/internal/write"
)

// GenerateSequenceNumber places a client's element at the end of its scope, or reports where it
// already is.
func (s *Server) GenerateSequenceNumber(ctx context.Context, req sequenceapi.GenerateSequenceNumberRequestObject) (sequenceapi.GenerateSequenceNumberResponseObject, error) {
	b := req.Body
	scope, explicit := requestedScope(b.ElementType, b.ScriptId, b.Scope)
	elem := element{string(b.ElementType), b.ElementId}
	at := placement.Of(b.Before, b.After, b.AtSequence)
	if f := at.Check(); f != nil {
		return sequenceapi.GenerateSequenceNumber400JSONResponse{BadRequestJSONResponse: httpapi.Body[sequenceapi.BadRequestJSONResponse](f)}, nil
	}
	a := allocation{tenant: auth.Tenant(ctx), scope: scope, explicit: explicit, elem: elem, at: at}
	resp, err := s.allocate(ctx, a)
	if errors.Is(err, dbx.ErrConflict) {
		// The element was placed in another scope by a transaction that committed after this one
		// looked: asking again finds it there.
		resp, err = s.allocate(ctx, a)
	}
	if f, err := httpapi.AsFailure(err); err != nil {
		return nil, fmt.Errorf("allocate a position for %s in %s: %w", elem, scope, err)
	} else if f != nil {
		switch f.Status {
		case http.StatusConflict:
			return sequenceapi.GenerateSequenceNumber409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
		case http.StatusBadRequest:
			return sequenceapi.GenerateSequenceNumber400JSONResponse{BadRequestJSONResponse: httpapi.Body[sequenceapi.BadRequestJSONResponse](f)}, nil
		}
		return nil, f.Unexpected()
	}
	return resp, nil
}

// allocation is one element a client asks a position for.
type allocation struct {
	tenant   string // whose scope it is
	scope    scopeKey
	explicit bool // the request named the scope
	elem     element
	at       placement.At
}

// allocate places a client element in a client write. Appends to one scope share their
// transactions (write.Lane), which queue at the scope's row lock across replicas, and one statement
// places all the elements of a transaction (allocateAll). A placement in the middle moves the
// numbers after it, so it has a transaction of its own, and answers its number as of its commit.
// The lane is the tenant's scope's: a joint write acts for one tenant.
func (s *Server) allocate(ctx context.Context, a allocation) (sequenceapi.GenerateSequenceNumber201JSONResponse, error) {
	if a.scope.contentOrder() {
		return sequenceapi.GenerateSequenceNumber201JSONResponse{}, httpapi.Fail(http.StatusConflict, codeContentOrder,
			"the story and sections orders of a script are kept by the services that store their elements",
			fmt.Sprintf("%s; create the %s through its own service, which places it", a.scope, a.elem.typ))
	}
	render := sequenceapi.GenerateSequenceNumber201JSONResponse.VisitGenerateSequenceNumberResponse
	if a.at.End() {
		return write.DoJoint(ctx, s.writes, write.Lane{Key: fmt.Sprintf("sequence of tenant %q: %s", a.tenant, a.scope)}, render, a, allocateAll)
	}
	return write.Do(ctx, s.writes, write.Lane{}, render, func(ctx context.Context, tx *write.Tx) (sequenceapi.GenerateSequenceNumber201JSONResponse, error) {
		params := sequencedb.PositionAllocatePlacedParams{Tenant: a.tenant, ScriptID: a.scope.scriptID, ScopeName: a.scope.name, ElementType: a.elem.typ, ElementID: a.elem.id}
		params.BeforeType, params.BeforeID, params.AfterType, params.AfterID, params.AtSequence = a.at.Params()
		row, err := sequencedb.New(dbx.Interpreted(tx)).PositionAllocatePlaced(ctx, params)
		if err != nil {
			if f := placement.Refusal(err); f != nil {
				return sequenceapi.GenerateSequenceNumber201JSONResponse{}, f
			}
			return sequenceapi.GenerateSequenceNumber201JSONResponse{}, err
		}
		results, refusals, err := answerAllocations(ctx, tx, []allocation{a}, []allocated{{
			ElementType: row.ElementType, ElementID: row.ElementID, ScopeID: row.ScopeID, SequenceNumber: row.SequenceNumber, Created: row.Created,
		}})
		if err != nil {
			return sequenceapi.GenerateSequenceNumber201JSONResponse{}, err
		}
		return results[0], refusals[0]
	})
}

// allocateAll places the elements of one transaction's allocations, all in one scope of one tenant
// (their lane's), with one statement, and answers each with where its element stands.
func allocateAll(ctx context.Context, tx *write.Tx, all []allocation) ([]sequenceapi.GenerateSequenceNumber201JSONResponse, []error, error) {
	q := sequencedb.New(dbx.Interpreted(tx))
	scope := all[0].scope
	params := sequencedb.PositionAllocateParams{
		Tenant: all[0].tenant, ScriptID: scope.scriptID, ScopeName: scope.name, ElementTypes: make([]string, len(all)), ElementIds: make([]int64, len(all)),
	}
	for i, a := range all {
		params.ElementTypes[i], params.ElementIds[i] = a.elem.typ, a.elem.id
	}
	rows, err := q.PositionAllocate(ctx, params)
	if err != nil {
		return nil, nil, err
	}
	return answerAllocations(ctx, tx, all, rows)
}

// allocated is where an allocation left an element.
type allocated = sequencedb.PositionAllocateRow

// answerAllocations answers each allocation from where the elements stand.
func answerAllocations(ctx context.Context, tx *write.Tx, all []allocation, rows []allocated) ([]sequenceapi.GenerateSequenceNumber201JSONResponse, []error, error) {
	q := sequencedb.New(dbx.Interpreted(tx))
	scope := all[0].scope
	type placed struct {
		number  int64
		scope   scopeKey
		created bool
	}
	at := make(map[element]placed, len(rows))
	scopes := map[int64]scopeKey{}
	for _, r := range rows {
		p := placed{number: r.SequenceNumber, scope: scope, created: r.Created}
		if r.Created {
			tx.AfterCommit(metrics.SequenceAllocations.Inc)
		} else {
			// The element already held a position, perhaps in another scope: name that scope.
			held, ok := scopes[r.ScopeID]
			if !ok {
				s, err := q.ScopeGetByID(ctx, all[0].tenant, r.ScopeID)
				if err != nil {
					return nil, nil, err
				}
				held = scopeKey{scriptID: s.ScriptID, name: s.Name}
				scopes[r.ScopeID] = held
			}
			p.scope = held
		}
		at[element{r.ElementType, r.ElementID}] = p
	}
	results := make([]sequenceapi.GenerateSequenceNumber201JSONResponse, len(all))
	refusals := make([]error, len(all))
	for i, a := range all {
		p, ok := at[a.elem]
		if !ok {
			return nil, nil, fmt.Errorf("allocation answered no position for %s", a.elem)
		}
		if a.explicit && p.scope != a.scope {
			refusals[i] = httpapi.Fail(http.StatusConflict, codeElementInOtherScope, "the element already holds a position in another scope",
				fmt.Sprintf("%s holds number %d in %s, not in %s", a.elem, p.number, p.scope, a.scope))
			continue
		}
		results[i] = sequenceapi.GenerateSequenceNumber201JSONResponse{
			Body: sequenceapi.SequenceResponse{
				SequenceNumber: p.number,
				ElementType:    sequenceapi.ElementType(a.elem.typ),
				ElementId:      a.elem.id,
				ScriptId:       optionalID(p.scope.scriptID),
				Scope:          p.scope.name,
				Created:        p.created,
			},
			Headers: sequenceapi.GenerateSequenceNumber201ResponseHeaders{Location: httpapi.Location("sequence", "elements", a.elem.typ, a.elem.id)},
		}
	}
	return results, refusals, nil
}

// ownerParam is the owner a read names, or SQL NULL for "the client's, else the content one".
func ownerParam(o *sequenceapi.Owner) pgtype.Text {
	if o == nil {
		return pgtype.Text{}
	}
	return pgtype.Text{String: string(*o), Valid: true}
}

// GetElementPosition reads the scope and number an element holds.
func (s *Server) GetElementPosition(ctx context.Context, req sequenceapi.GetElementPositionRequestObject) (sequenceapi.GetElementPositionResponseObject, error) {
	row, err := s.q.PositionGetByElement(ctx, sequencedb.PositionGetByElementParams{
		Tenant: auth.Tenant(ctx), ElementType: string(req.ElementType), ElementID: req.ElementId, Owner: ownerParam(req.Params.Owner),
	})
	if errors.Is(err, dbx.ErrNotFound) {
		f := httpapi.NotFound(httpapi.CodeNotFound, "the element holds no position", fmt.Sprintf("%s %d", req.ElementType, req.ElementId))
		return sequenceapi.GetElementPosition404JSONResponse{NotFoundJSONResponse: httpapi.Body[sequenceapi.NotFoundJSONResponse](f)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read position of %s %d: %w", req.ElementType, req.ElementId, err)
	}
	return sequenceapi.GetElementPosition200JSONResponse{
		ElementType:    req.ElementType,
		ElementId:      req.ElementId,
		Owner:          sequenceapi.Owner(row.Owner),
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
		f := httpapi.Fail(http.StatusBadRequest, httpapi.CodeValidationFailed, "endSequence must not be below startSequence",
			fmt.Sprintf("startSequence %d, endSequence %d", start, end))
		return sequenceapi.ListPositions400JSONResponse{BadRequestJSONResponse: httpapi.Body[sequenceapi.BadRequestJSONResponse](f)}, nil
	}
	limit, offset := httpapi.Page(p.Limit, p.Offset)
	page := sequenceapi.PositionPage{Scope: p.Scope, ScriptId: p.ScriptId, Limit: limit, Offset: offset, Positions: []sequenceapi.Position{}}
	var scriptID int64
	if p.ScriptId != nil {
		scriptID = *p.ScriptId
	}
	tenant := auth.Tenant(ctx)
	// The page and its count are read in one snapshot, so that they agree while the order changes.
	var rows []sequencedb.PositionListByScopeRow
	err := dbx.InSnapshot(ctx, s.pool, func(tx pgx.Tx) error {
		q := sequencedb.New(dbx.Interpreted(tx))
		scope, err := q.ScopeFind(ctx, tenant, scriptID, p.Scope)
		if err != nil {
			return err
		}
		// Numbers are ranks: numbers start..end are the span positions from offset start-1.
		span := end - start + 1
		if p.ElementType == nil {
			// Without a filter, the page is the positions from its own offset in the span, and the
			// span holds as many as it reaches within the scope, whose count is kept with it: a
			// late page of a long order does not count the order again.
			skipped := min(offset, span)
			got, err := q.PositionPageByScope(ctx, sequencedb.PositionPageByScopeParams{
				ScopeID: scope.ID, Tenant: tenant, Skip: start - 1 + skipped, RowLimit: min(int64(limit), span-skipped),
			})
			for i, r := range got {
				rows = append(rows, sequencedb.PositionListByScopeRow{ElementType: r.ElementType, ElementID: r.ElementID, SequenceNumber: start + skipped + int64(i)})
			}
			page.TotalCount = max(0, min(end, scope.PositionCount)-start+1)
			return err
		}
		if rows, err = q.PositionListByScope(ctx, sequencedb.PositionListByScopeParams{
			ScopeID: scope.ID, Tenant: tenant, Skip: start - 1, Reach: span, ElementType: string(*p.ElementType), RowLimit: int64(limit), RowOffset: offset,
		}); err != nil {
			return err
		}
		page.TotalCount, err = q.PositionCountByScope(ctx, sequencedb.PositionCountByScopeParams{
			ScopeID: scope.ID, Tenant: tenant, ElementType: string(*p.ElementType), Skip: start - 1, Reach: span,
		})
		return err
	})
	if errors.Is(err, dbx.ErrNotFound) {
		return sequenceapi.ListPositions200JSONResponse(page), nil
	} else if err != nil {
		return nil, fmt.Errorf("list %s: %w", scopeKey{scriptID, p.Scope}, err)
	}
	for _, r := range rows {
		page.Positions = append(page.Positions, sequenceapi.Position{
			ElementType: sequenceapi.ElementType(r.ElementType), ElementId: r.ElementID, SequenceNumber: r.SequenceNumber,
		})
	}
	return positionPage(page), nil
}

// ReleasePosition removes a client's element from its scope under the scope's lock, so a
// concurrent reorder of that scope sees the element either wholly present or gone. Content
// positions are released only by their services, with their elements.
func (s *Server) ReleasePosition(ctx context.Context, req sequenceapi.ReleasePositionRequestObject) (sequenceapi.ReleasePositionResponseObject, error) {
	typ := string(req.ElementType)
	elem := fmt.Sprintf("%s %d", typ, req.ElementId)
	tenant := auth.Tenant(ctx)
	owned := func(o sequenceapi.Owner) sequencedb.PositionGetByElementParams {
		return sequencedb.PositionGetByElementParams{
			Tenant: tenant, ElementType: typ, ElementID: req.ElementId, Owner: pgtype.Text{String: string(o), Valid: true},
		}
	}
	var released bool
	err := dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := sequencedb.New(dbx.Interpreted(tx))
		pos, err := q.PositionGetByElement(ctx, owned(sequenceapi.OwnerClient))
		if err != nil {
			return err
		}
		if _, err := q.ScopeLockByID(ctx, tenant, pos.ScopeID); err != nil {
			return err
		}
		n, err := q.PositionDelete(ctx, tenant, typ, req.ElementId)
		released = n == 1
		return err
	})
	if err != nil && !errors.Is(err, dbx.ErrNotFound) {
		return nil, fmt.Errorf("release position of %s: %w", elem, err)
	}
	if released {
		return sequenceapi.ReleasePosition204Response{}, nil
	}
	if _, err := s.q.PositionGetByElement(ctx, owned(sequenceapi.OwnerContent)); err == nil {
		f := httpapi.Fail(http.StatusConflict, codeContentOwned, "the position is kept by the service that stores the element",
			elem+" holds a content position; delete the element through its own service, which releases it")
		return sequenceapi.ReleasePosition409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
	} else if !errors.Is(err, dbx.ErrNotFound) {
		return nil, fmt.Errorf("read content position of %s: %w", elem, err)
	}
	f := httpapi.NotFound(httpapi.CodeNotFound, "the element holds no position", elem)
	return sequenceapi.ReleasePosition404JSONResponse{NotFoundJSONResponse: httpapi.Body[sequenceapi.NotFoundJSONResponse](f)}, nil
}

// ListElementPositions reads the positions of several elements of one type in one query.
func (s *Server) ListElementPositions(ctx context.Context, req sequenceapi.ListElementPositionsRequestObject) (sequenceapi.ListElementPositionsResponseObject, error) {
	rows, err := s.q.PositionListByIDs(ctx, sequencedb.PositionListByIDsParams{
		ElementIds: req.Params.Ids, Tenant: auth.Tenant(ctx), ElementType: string(req.ElementType), Owner: ownerParam(req.Params.Owner),
	})
	if err != nil {
		return nil, fmt.Errorf("read positions of %d %s elements: %w", len(req.Params.Ids), req.ElementType, err)
	}
	list := sequenceapi.ElementPositionList{Items: make([]sequenceapi.ElementPosition, len(rows))}
	for i, r := range rows {
		list.Items[i] = sequenceapi.ElementPosition{
			ElementType: req.ElementType, ElementId: r.ElementID, Owner: sequenceapi.Owner(r.Owner), ScriptId: optionalID(r.ScriptID),
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
