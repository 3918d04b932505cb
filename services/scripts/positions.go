package scripts

import (
	"context"
	"errors"
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/fountainai/fountainai/gen/scriptsdb"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
	"github.com/fountainai/fountainai/internal/write"
)

// positioned is how this service's element types are placed: in which of a script's orders.
type positioned struct {
	typ   sequenceapi.ElementType
	order placement.Order
}

var (
	sectionElement    = positioned{sequenceapi.Section, placement.Sections}
	transitionElement = positioned{sequenceapi.Transition, placement.Story}
)

// createPositioned stores a new element and places it where at says in its order (the end when at
// is zero), with the request's Idempotency-Key, in one transaction, made together with the other
// writes at the end of that order (placement.Lane): no reader ever sees the element without its
// position or the position without its element, and a failure leaves neither. insert returns the
// new row and its id; created is the operation's answer for it at its number. A placement that
// names more than one place is a 400 Failure, one the order cannot honour a 409 (placement.Place).
func createPositioned[R, C any](ctx context.Context, s *Server, el positioned, scriptID int64, at placement.At,
	insert func(context.Context, *scriptsdb.Queries) (R, int64, error), created func(R, int64) C, render func(C, http.ResponseWriter) error) (C, error) {
	if f := at.Check(); f != nil {
		var zero C
		return zero, f
	}
	return write.Do(ctx, s.writes, placement.Lane(scriptID, el.order, at), render, func(ctx context.Context, tx *write.Tx) (C, error) {
		var zero C
		row, id, err := insert(ctx, scriptsdb.New(dbx.Interpreted(tx)))
		if err != nil {
			return zero, err
		}
		n, err := placement.Place(ctx, tx, scriptID, el.order, string(el.typ), id, at)
		if err != nil {
			return zero, err
		}
		return created(row, n), nil
	})
}

// deletePositioned deletes an element and releases its position in one transaction. del returns an
// expected refusal as an *httpapi.Failure.
func (s *Server) deletePositioned(ctx context.Context, el positioned, id int64, del func(context.Context, *scriptsdb.Queries) error) error {
	return dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := del(ctx, scriptsdb.New(dbx.Interpreted(tx))); err != nil {
			return err
		}
		return placement.Release(ctx, tx, string(el.typ), []int64{id})
	})
}

// errNoPosition: the sequence service holds no position for an element.
var errNoPosition = errors.New("element holds no position")

// position reads an element's current number.
func (s *Server) position(ctx context.Context, el positioned, id int64) (int64, error) {
	resp, err := s.seq.GetElementPositionWithResponse(ctx, el.typ, id, &sequenceapi.GetElementPositionParams{Owner: &placement.Owner})
	if err != nil {
		return 0, httpapi.DependencyError(peerSequence, err)
	}
	if resp.JSON404 != nil {
		return 0, errNoPosition
	}
	if resp.JSON200 == nil {
		return 0, httpapi.UnexpectedResponse(peerSequence, resp.StatusCode())
	}
	return resp.JSON200.SequenceNumber, nil
}

// numberOf reads the number of an element just read from its table. A stored element always holds a
// position (see createPositioned), so a missing one means it was deleted since it was read (exists
// then says no, and the caller answers 404) or the sequence service disagrees (502).
func (s *Server) numberOf(ctx context.Context, el positioned, id int64, exists func() (bool, error)) (number int64, deleted bool, err error) {
	number, err = s.position(ctx, el, id)
	if !errors.Is(err, errNoPosition) {
		return number, false, err
	}
	still, err := exists()
	if err != nil {
		return 0, false, err
	}
	if still {
		return 0, false, httpapi.UnexpectedResponse(peerSequence, http.StatusNotFound)
	}
	return 0, true, nil
}

// positionPage is one page of a script's elements of one type, in the order of their scope.
type positionPage struct {
	ids     []int64
	numbers map[int64]int64
	total   int64
}

// positions reads one page of the elements of type el in the script's scope, with one call.
func (s *Server) positions(ctx context.Context, el positioned, scriptID int64, limit int, offset int64) (positionPage, error) {
	typ := el.typ
	resp, err := s.seq.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{
		Scope: string(el.order), ScriptId: &scriptID, ElementType: &typ, Limit: &limit, Offset: &offset,
	})
	if err != nil {
		return positionPage{}, httpapi.DependencyError(peerSequence, err)
	}
	if resp.JSON200 == nil {
		return positionPage{}, httpapi.UnexpectedResponse(peerSequence, resp.StatusCode())
	}
	page := positionPage{
		ids:     make([]int64, 0, len(resp.JSON200.Positions)),
		numbers: make(map[int64]int64, len(resp.JSON200.Positions)),
		total:   resp.JSON200.TotalCount,
	}
	for _, p := range resp.JSON200.Positions {
		page.ids = append(page.ids, p.ElementId)
		page.numbers[p.ElementId] = p.SequenceNumber
	}
	return page, nil
}
