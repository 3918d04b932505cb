package sequence

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sequencedb"
	"github.com/fountainai/fountainai/internal/dbx"
)

// rejection carries a typed answer out of a transaction and rolls it back.
type rejection struct {
	resp sequenceapi.ReorderElementsResponseObject
}

func (r *rejection) Error() string { return "reorder rejected" }

func badReorder(code, message, details string) sequenceapi.ReorderElements400JSONResponse {
	return sequenceapi.ReorderElements400JSONResponse{BadRequestJSONResponse: sequenceapi.BadRequestJSONResponse(errBody(code, message, details))}
}

func reject400(code, message, details string) error {
	return &rejection{badReorder(code, message, details)}
}

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
			return badReorder("DUPLICATE_ELEMENT", "an element is listed twice", e.String()), nil
		}
		if seenNumber[item.NewSequence] {
			return badReorder("DUPLICATE_SEQUENCE", "two elements are given the same newSequence",
				fmt.Sprintf("newSequence %d", item.NewSequence)), nil
		}
		seenElem[e], seenNumber[item.NewSequence] = true, true
		types[i], ids[i], numbers[i] = e.typ, e.id, item.NewSequence
	}

	var resp sequenceapi.ReorderResponse
	err := dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := sequencedb.New(tx)
		current, err := q.PositionListByElements(ctx, types, ids)
		if err != nil {
			return err
		}
		scopeID, err := oneScope(types, ids, current)
		if err != nil {
			return err
		}
		scopeRow, err := q.ScopeLockByID(ctx, scopeID)
		if err != nil {
			return err
		}
		// Read again under the lock: an element may have been released since the first read.
		if current, err = q.PositionListByElements(ctx, types, ids); err != nil {
			return err
		}
		if _, err := oneScope(types, ids, current); err != nil {
			return err
		}
		scope := scopeKey{scriptID: scopeRow.ScriptID, name: scopeRow.Name}
		if (b.ScriptId != nil && *b.ScriptId != scope.scriptID) || (b.Scope != nil && *b.Scope != scope.name) {
			return reject400("SCOPE_MISMATCH", "the elements are not in the scope the request names", "they are in "+scope.String())
		}
		// A savepoint keeps the transaction usable after a refused update, to explain the refusal.
		sp, err := tx.Begin(ctx)
		if err != nil {
			return err
		}
		moved, err := sequencedb.New(sp).PositionReorder(ctx, sequencedb.PositionReorderParams{
			ScopeID: scopeID, ElementTypes: types, ElementIds: ids, NewSequences: numbers,
		})
		if err != nil {
			_ = sp.Rollback(ctx)
			if errors.Is(dbx.Interpret(err), dbx.ErrConflict) {
				return s.explainConflict(ctx, q, scopeID, seenElem, numbers)
			}
			return err
		}
		if err := sp.Commit(ctx); err != nil {
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
	if rej, ok := errors.AsType[*rejection](err); ok {
		return rej.resp, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reorder %d elements: %w", n, err)
	}
	return sequenceapi.ReorderElements200JSONResponse(resp), nil
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
		return 0, &rejection{sequenceapi.ReorderElements404JSONResponse{NotFoundJSONResponse: sequenceapi.NotFoundJSONResponse(errBody(
			"NOT_FOUND", "elements hold no position", strings.Join(missing, ", ")))}}
	}
	if len(scopes) > 1 {
		return 0, reject400("SCOPE_MISMATCH", "the elements belong to different scopes",
			fmt.Sprintf("%d scopes; a reorder moves elements within one scope", len(scopes)))
	}
	return scopeID, nil
}

// explainConflict names the elements the request does not move that hold the numbers it asks for.
func (s *Server) explainConflict(ctx context.Context, q *sequencedb.Queries, scopeID int64, moving map[element]bool, numbers []int64) error {
	holders, err := q.PositionHolderOfNumbers(ctx, scopeID, numbers)
	if err != nil {
		return err
	}
	var taken []string
	for _, h := range holders {
		e := element{h.ElementType, h.ElementID}
		if !moving[e] && len(taken) < maxListed {
			taken = append(taken, fmt.Sprintf("number %d is held by %s", h.SequenceNumber, e))
		}
	}
	return &rejection{sequenceapi.ReorderElements409JSONResponse{ConflictJSONResponse: sequenceapi.ConflictJSONResponse(errBody(
		"SEQUENCE_CONFLICT", "two elements of the scope would share a number",
		strings.Join(taken, "; ")+", which the request does not move"))}}
}
