package sequence

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sequencedb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// maxListed bounds how many offending elements an error names.
const maxListed = 10

// ReorderElements moves the listed elements of one scope to new numbers, all or nothing.
func (s *Server) ReorderElements(ctx context.Context, req sequenceapi.ReorderElementsRequestObject) (sequenceapi.ReorderElementsResponseObject, error) {
	b := req.Body
	n := len(b.Elements)
	types, ids, numbers := make([]string, n), make([]int64, n), make([]int64, n)
	seenElem, seenNumber := make(map[element]bool, n), make(map[int64]bool, n)
	for i, item := range b.Elements {
		typ := b.ElementType
		if item.ElementType != nil {
			typ = *item.ElementType
		}
		e := element{string(typ), item.ElementId}
		if seenElem[e] {
			return reorderRefused(httpapi.Fail(http.StatusBadRequest, codeDuplicateElement, "an element is listed twice", e.String()))
		}
		if seenNumber[item.NewSequence] {
			return reorderRefused(httpapi.Fail(http.StatusBadRequest, codeDuplicateSequence, "two elements are given the same newSequence",
				fmt.Sprintf("newSequence %d", item.NewSequence)))
		}
		seenElem[e], seenNumber[item.NewSequence] = true, true
		types[i], ids[i], numbers[i] = e.typ, e.id, item.NewSequence
	}

	tenant := auth.Tenant(ctx)
	var resp sequenceapi.ReorderResponse
	err := dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := sequencedb.New(dbx.Interpreted(tx))
		owner, current, err := listedPositions(ctx, q, b, types, ids)
		if err != nil {
			return err
		}
		scopeID, err := oneScope(types, ids, current)
		if err != nil {
			return err
		}
		scopeRow, err := q.ScopeLockByID(ctx, tenant, scopeID)
		if err != nil {
			return err
		}
		// Read again under the lock: an element may have been released since the first read.
		ranked, err := q.PositionRankByElements(ctx, sequencedb.PositionRankByElementsParams{
			Tenant: tenant, ElementTypes: types, ElementIds: ids, Owner: owner,
		})
		if err != nil {
			return err
		}
		current = current[:0]
		for _, r := range ranked {
			current = append(current, sequencedb.PositionListByElementsRow{ElementType: r.ElementType, ElementID: r.ElementID, ScopeID: r.ScopeID})
		}
		if _, err := oneScope(types, ids, current); err != nil {
			return err
		}
		scope := scopeKey{scriptID: scopeRow.ScriptID, name: scopeRow.Name}
		if (b.ScriptId != nil && *b.ScriptId != scope.scriptID) || (b.Scope != nil && *b.Scope != scope.name) {
			return httpapi.Fail(http.StatusBadRequest, codeScopeMismatch, "the elements are not in the scope the request names", "they are in "+scope.String())
		}
		// Numbers are ranks: the listed elements exchange the numbers they hold, which means
		// exchanging their keys. A number they do not hold belongs to an element not listed, or to
		// none.
		keyAt := make(map[int64]int64, n)
		for _, r := range ranked {
			keyAt[r.SequenceNumber] = r.OrderKey
		}
		keys := make([]int64, n)
		var foreign []int64
		for i, number := range numbers {
			k, ok := keyAt[number]
			if !ok {
				foreign = append(foreign, number)
			}
			keys[i] = k
		}
		if len(foreign) > 0 {
			return s.explainConflict(ctx, q, tenant, scopeID, foreign)
		}
		moved, err := q.PositionReorder(ctx, sequencedb.PositionReorderParams{
			Tenant: tenant, ScopeID: scopeID, ElementTypes: types, ElementIds: ids, OrderKeys: keys,
		})
		if err != nil {
			return err
		}
		if moved != int64(n) {
			return errors.New("elements left the scope during reorder")
		}
		resp = sequenceapi.ReorderResponse{Scope: scope.name, ScriptId: optionalID(scope.scriptID), UpdatedElements: make([]sequenceapi.UpdatedElement, n)}
		for i := range n {
			resp.UpdatedElements[i] = sequenceapi.UpdatedElement{ElementType: sequenceapi.ElementType(types[i]), ElementId: ids[i], NewSequence: numbers[i]}
		}
		return nil
	})
	if f, err := httpapi.AsFailure(err); err != nil {
		return nil, fmt.Errorf("reorder %d elements: %w", n, err)
	} else if f != nil {
		return reorderRefused(f)
	}
	return sequenceapi.ReorderElements200JSONResponse(resp), nil
}

// reorderRefused answers a refused reorder with the response its status declares.
func reorderRefused(f *httpapi.Failure) (sequenceapi.ReorderElementsResponseObject, error) {
	switch f.Status {
	case http.StatusBadRequest:
		return sequenceapi.ReorderElements400JSONResponse{BadRequestJSONResponse: httpapi.Body[sequenceapi.BadRequestJSONResponse](f)}, nil
	case http.StatusNotFound:
		return sequenceapi.ReorderElements404JSONResponse{NotFoundJSONResponse: httpapi.Body[sequenceapi.NotFoundJSONResponse](f)}, nil
	case http.StatusConflict:
		return sequenceapi.ReorderElements409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
	}
	return nil, f.Unexpected()
}

// listedPositions reads the positions the listed elements hold among those of the tenant of ctx's
// request, and whose they are: those of the scope's owner when the request names a scope; else the
// client's, or the content services' when none of the elements holds a client position (see Owners
// in the spec).
func listedPositions(ctx context.Context, q *sequencedb.Queries, b *sequenceapi.ReorderRequest, types []string, ids []int64) (string, []sequencedb.PositionListByElementsRow, error) {
	held := func(owner string) ([]sequencedb.PositionListByElementsRow, error) {
		return q.PositionListByElements(ctx, sequencedb.PositionListByElementsParams{
			Tenant: auth.Tenant(ctx), ElementTypes: types, ElementIds: ids, Owner: owner,
		})
	}
	owner := string(sequenceapi.OwnerClient)
	if b.ScriptId != nil || b.Scope != nil {
		if named, _ := requestedScope(b.ElementType, b.ScriptId, b.Scope); named.contentOrder() {
			owner = string(sequenceapi.OwnerContent)
		}
		current, err := held(owner)
		return owner, current, err
	}
	current, err := held(owner)
	if err != nil || len(current) > 0 {
		return owner, current, err
	}
	owner = string(sequenceapi.OwnerContent)
	current, err = held(owner)
	return owner, current, err
}

// oneScope checks that every listed element holds a position and all in one scope.
func oneScope(types []string, ids []int64, current []sequencedb.PositionListByElementsRow) (int64, error) {
	found := make(map[element]int64, len(current))
	for _, c := range current {
		found[element{c.ElementType, c.ElementID}] = c.ScopeID
	}
	var missing []string
	scopes := map[int64]bool{}
	var scopeID int64
	for i := range types {
		id, ok := found[element{types[i], ids[i]}]
		if !ok {
			if len(missing) < maxListed {
				missing = append(missing, element{types[i], ids[i]}.String())
			}
			continue
		}
		scopes[id], scopeID = true, id
	}
	if len(missing) > 0 {
		return 0, httpapi.NotFound(httpapi.CodeNotFound, "elements hold no position", strings.Join(missing, ", "))
	}
	if len(scopes) > 1 {
		return 0, httpapi.Fail(http.StatusBadRequest, codeScopeMismatch, "the elements belong to different scopes",
			fmt.Sprintf("%d scopes; a reorder moves elements within one scope", len(scopes)))
	}
	return scopeID, nil
}

// explainConflict names the elements the request does not move that hold the numbers it asks for,
// and the numbers past the end of the scope.
func (s *Server) explainConflict(ctx context.Context, q *sequencedb.Queries, tenant string, scopeID int64, numbers []int64) error {
	holders, err := q.PositionHolderOfNumbers(ctx, scopeID, tenant, numbers)
	if err != nil {
		return err
	}
	held := map[int64]bool{}
	var taken []string
	for _, h := range holders {
		held[h.SequenceNumber] = true
		if len(taken) < maxListed {
			taken = append(taken, fmt.Sprintf("number %d is held by %s, which the request does not move", h.SequenceNumber, element{h.ElementType, h.ElementID}))
		}
	}
	for _, n := range numbers {
		if !held[n] && len(taken) < maxListed {
			taken = append(taken, fmt.Sprintf("number %d is past the end of the scope, whose numbers are 1 to its count without gaps", n))
		}
	}
	return httpapi.Fail(http.StatusConflict, codeSequenceConflict, "two elements of the scope would share a number",
		strings.Join(taken, "; "))
}
