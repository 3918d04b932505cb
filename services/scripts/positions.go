package scripts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/fountainai/fountainai/gen/scriptsdb"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// Sequence scopes of a script: section headings have their own order, transitions share the story
// order with actions and spoken words.
const (
	scopeSections = "sections"
	scopeStory    = "story"
)

// positioned is how this service's element types are placed by the sequence service.
type positioned struct {
	typ   sequenceapi.ElementType
	scope string
}

var (
	sectionElement    = positioned{sequenceapi.Section, scopeSections}
	transitionElement = positioned{sequenceapi.Transition, scopeStory}
)

// createPositioned stores a new element and allocates its position as one step: insert runs in a
// transaction that commits only after the sequence service placed the new row's id, so no reader
// sees the element without its position. If allocation fails nothing is stored; if the commit fails
// after allocation the position is released again (best effort: an orphaned position names no row
// and is skipped by every list). insert returns the new row's id.
func (s *Server) createPositioned(ctx context.Context, el positioned, scriptID int64, insert func(*scriptsdb.Queries) (int64, error)) (int64, error) {
	release, err := s.slots.Hold(ctx)
	if err != nil {
		return 0, err
	}
	defer release()
	var id, number int64
	allocated := false
	err = dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if id, err = insert(scriptsdb.New(tx)); err != nil {
			return err
		}
		if number, err = s.allocate(ctx, el, id, scriptID); err != nil {
			return err
		}
		allocated = true
		return nil
	})
	if err != nil && allocated {
		// Only the commit can have failed.
		s.releaseAfterFailure(ctx, el, id)
	}
	return number, err
}

// allocate places an element at the end of its scope in the script.
func (s *Server) allocate(ctx context.Context, el positioned, id, scriptID int64) (int64, error) {
	resp, err := s.seq.GenerateSequenceNumberWithResponse(ctx, nil, sequenceapi.SequenceRequest{
		ElementType: el.typ, ElementId: id, ScriptId: &scriptID,
	})
	if err != nil {
		return 0, httpapi.DependencyError(peerSequence, err)
	}
	if resp.JSON201 == nil {
		return 0, httpapi.UnexpectedResponse(peerSequence, resp.StatusCode())
	}
	if p := resp.JSON201; p.Scope != el.scope || p.ScriptId == nil || *p.ScriptId != scriptID {
		// Identity ids are never reused, so a new element placed elsewhere means another writer
		// placed elements of this type: a bug, not a client error.
		return 0, fmt.Errorf("%s %d was placed in scope %q of script %v, not %q of script %d", el.typ, id, p.Scope, p.ScriptId, el.scope, scriptID)
	}
	return resp.JSON201.SequenceNumber, nil
}

// release removes an element's position; an element that holds none is done already.
func (s *Server) release(ctx context.Context, el positioned, id int64) error {
	resp, err := s.seq.ReleasePositionWithResponse(ctx, el.typ, id)
	if err != nil {
		return httpapi.DependencyError(peerSequence, err)
	}
	switch resp.StatusCode() {
	case http.StatusNoContent, http.StatusNotFound:
		return nil
	}
	return httpapi.UnexpectedResponse(peerSequence, resp.StatusCode())
}

// releaseAfterFailure releases a position whose row was not stored, even if the request's context
// has ended; a failure only leaves a position that names no row, which lists skip.
func (s *Server) releaseAfterFailure(ctx context.Context, el positioned, id int64) {
	if err := s.release(context.WithoutCancel(ctx), el, id); err != nil {
		s.logger(ctx).Warn("release position of an element that was not stored",
			slog.String("element", fmt.Sprintf("%s %d", el.typ, id)), slog.String("error", err.Error()))
	}
}

// deletePositioned deletes an element and releases its position as one step: del runs in a
// transaction that commits only after the sequence service released the position, so a failing
// sequence service leaves the element as it was. If the commit fails after the release, the element
// is placed again (at the end of its scope, best effort) so that it is not left without a position.
// del returns a typed refusal as a *rejection.
func (s *Server) deletePositioned(ctx context.Context, el positioned, scriptID, id int64, del func(*scriptsdb.Queries) error) error {
	release, err := s.slots.Hold(ctx)
	if err != nil {
		return err
	}
	defer release()
	released := false
	err = dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := del(scriptsdb.New(tx)); err != nil {
			return err
		}
		if err := s.release(ctx, el, id); err != nil {
			return err
		}
		released = true
		return nil
	})
	if err != nil && released {
		if _, aerr := s.allocate(context.WithoutCancel(ctx), el, id, scriptID); aerr != nil {
			s.logger(ctx).Error("element kept after a failed delete has no position",
				slog.String("element", fmt.Sprintf("%s %d", el.typ, id)), slog.String("error", aerr.Error()))
		}
	}
	return err
}

// errNoPosition: the sequence service holds no position for an element.
var errNoPosition = errors.New("element holds no position")

// position reads an element's current number.
func (s *Server) position(ctx context.Context, el positioned, id int64) (int64, error) {
	resp, err := s.seq.GetElementPositionWithResponse(ctx, el.typ, id)
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
		Scope: el.scope, ScriptId: &scriptID, ElementType: &typ, Limit: &limit, Offset: &offset,
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
