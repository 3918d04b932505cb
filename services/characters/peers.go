package characters

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// The calls this service makes to the others. Each maps a transport failure to
// httpapi.DependencyError (503) and an answer its caller cannot act on to httpapi.UnexpectedResponse
// (502, or 503 when the other service is itself unavailable).

// scopeStory is the sequence scope actions and spoken words share with transitions, per script.
const scopeStory = "story"

// maxIDs is the most ids one batch lookup of the sequence service takes.
const maxIDs = 1000

// releaseWorkers bounds the concurrent position releases of a bulk delete.
const releaseWorkers = 8

// checkScript reports a 422 when scriptID names no script of the Core Script Management service.
func (s *Server) checkScript(ctx context.Context, scriptID int64) (*failure, error) {
	resp, err := s.scripts.GetScriptWithResponse(ctx, scriptID)
	if err != nil {
		return nil, httpapi.DependencyError(peerScripts, err)
	}
	switch resp.StatusCode() {
	case http.StatusOK:
		return nil, nil
	case http.StatusNotFound:
		return fail(http.StatusUnprocessableEntity, codeScriptNotFound, "the script does not exist",
			fmt.Sprintf("scriptId %d", scriptID)), nil
	}
	return nil, httpapi.UnexpectedResponse(peerScripts, resp.StatusCode())
}

// checkSection reports a 422 when sectionID names no section of script scriptID.
func (s *Server) checkSection(ctx context.Context, scriptID, sectionID int64) (*failure, error) {
	resp, err := s.scripts.GetSectionHeadingWithResponse(ctx, scriptID, sectionID)
	if err != nil {
		return nil, httpapi.DependencyError(peerScripts, err)
	}
	switch resp.StatusCode() {
	case http.StatusOK:
		return nil, nil
	case http.StatusNotFound:
		return fail(http.StatusUnprocessableEntity, codeSectionNotFound, "the section does not exist in the script",
			fmt.Sprintf("sectionId %d, scriptId %d", sectionID, scriptID)), nil
	}
	return nil, httpapi.UnexpectedResponse(peerScripts, resp.StatusCode())
}

// allocate places a new element at the end of its script's story order and returns its number.
func (s *Server) allocate(ctx context.Context, typ sequenceapi.ElementType, id, scriptID int64) (int64, error) {
	resp, err := s.seq.GenerateSequenceNumberWithResponse(ctx, nil, sequenceapi.SequenceRequest{
		ElementType: typ, ElementId: id, ScriptId: &scriptID,
	})
	if err != nil {
		return 0, httpapi.DependencyError(peerSequence, err)
	}
	p := resp.JSON201
	if p == nil {
		return 0, httpapi.UnexpectedResponse(peerSequence, resp.StatusCode())
	}
	if p.Scope != scopeStory || p.ScriptId == nil || *p.ScriptId != scriptID {
		// Identity ids are never reused, so a new element already placed elsewhere means another
		// writer places elements of this type: a bug, not a client error.
		return 0, fmt.Errorf("%s %d was placed in scope %q of script %v, not %q of script %d", typ, id, p.Scope, p.ScriptId, scopeStory, scriptID)
	}
	return p.SequenceNumber, nil
}

// release gives an element's position back; an element that holds none is already done.
func (s *Server) release(ctx context.Context, typ sequenceapi.ElementType, id int64) error {
	resp, err := s.seq.ReleasePositionWithResponse(ctx, typ, id)
	if err != nil {
		return httpapi.DependencyError(peerSequence, err)
	}
	if c := resp.StatusCode(); c != http.StatusNoContent && c != http.StatusNotFound {
		return httpapi.UnexpectedResponse(peerSequence, c)
	}
	return nil
}

// releaseAfterFailure releases the position of an element whose row was not stored after all (the
// commit failed). Best effort: an orphaned position names no row, and lists skip it.
func (s *Server) releaseAfterFailure(ctx context.Context, typ sequenceapi.ElementType, id int64) {
	if err := s.release(context.WithoutCancel(ctx), typ, id); err != nil {
		s.log.Warn("release position after failed commit", slog.String("elementType", string(typ)),
			slog.Int64("elementId", id), slog.String("error", err.Error()))
	}
}

// releaseAll releases the positions of deleted elements, a few at a time, trying every one; it
// returns the first failure.
func (s *Server) releaseAll(ctx context.Context, typ sequenceapi.ElementType, ids []int64) error {
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
		next  = make(chan int64)
	)
	for range min(releaseWorkers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				if err := s.release(ctx, typ, id); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, id := range ids {
		next <- id
	}
	close(next)
	wg.Wait()
	return first
}

// position reads one element's story position. An element this service has but the sequence
// service does not place is an answer the contract does not allow: 502.
func (s *Server) position(ctx context.Context, typ sequenceapi.ElementType, id int64) (int64, error) {
	resp, err := s.seq.GetElementPositionWithResponse(ctx, typ, id)
	if err != nil {
		return 0, httpapi.DependencyError(peerSequence, err)
	}
	if resp.JSON200 == nil {
		return 0, httpapi.UnexpectedResponse(peerSequence, resp.StatusCode())
	}
	return resp.JSON200.SequenceNumber, nil
}

// positions reads the story positions of elements with one batch lookup per maxIDs ids.
func (s *Server) positions(ctx context.Context, typ sequenceapi.ElementType, ids []int64) (map[int64]int64, error) {
	numbers := make(map[int64]int64, len(ids))
	for chunk := range slices.Chunk(ids, maxIDs) {
		resp, err := s.seq.ListElementPositionsWithResponse(ctx, typ, &sequenceapi.ListElementPositionsParams{Ids: chunk})
		if err != nil {
			return nil, httpapi.DependencyError(peerSequence, err)
		}
		if resp.JSON200 == nil {
			return nil, httpapi.UnexpectedResponse(peerSequence, resp.StatusCode())
		}
		for _, p := range resp.JSON200.Items {
			numbers[p.ElementId] = p.SequenceNumber
		}
	}
	return numbers, nil
}

// storyPage reads one page of a script's story order, only elements of type typ, in order.
func (s *Server) storyPage(ctx context.Context, typ sequenceapi.ElementType, scriptID int64, limit int, offset int64) ([]sequenceapi.Position, error) {
	resp, err := s.seq.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{
		Scope: scopeStory, ScriptId: &scriptID, ElementType: &typ, Limit: &limit, Offset: &offset,
	})
	if err != nil {
		return nil, httpapi.DependencyError(peerSequence, err)
	}
	if resp.JSON200 == nil {
		return nil, httpapi.UnexpectedResponse(peerSequence, resp.StatusCode())
	}
	return resp.JSON200.Positions, nil
}

// contextCount counts a character's contexts in the Session & Context service.
func (s *Server) contextCount(ctx context.Context, characterID int64) (int64, error) {
	one := 1
	resp, err := s.sessions.ListCharacterContextsWithResponse(ctx, &sessionsapi.ListCharacterContextsParams{CharacterId: &characterID, Limit: &one})
	if err != nil {
		return 0, httpapi.DependencyError(peerSessions, err)
	}
	if resp.JSON200 == nil {
		return 0, httpapi.UnexpectedResponse(peerSessions, resp.StatusCode())
	}
	return resp.JSON200.TotalCount, nil
}

// deleteContexts removes a character's contexts from the Session & Context service.
func (s *Server) deleteContexts(ctx context.Context, characterID int64) error {
	resp, err := s.sessions.DeleteCharacterContextsWithResponse(ctx, &sessionsapi.DeleteCharacterContextsParams{CharacterId: &characterID})
	if err != nil {
		return httpapi.DependencyError(peerSessions, err)
	}
	if resp.JSON200 == nil {
		return httpapi.UnexpectedResponse(peerSessions, resp.StatusCode())
	}
	return nil
}
