package characters

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
)

// The calls this service makes to the others. Each maps a transport failure to
// httpapi.DependencyError (503) and an answer its caller cannot act on to httpapi.UnexpectedResponse
// (502, or 503 when the other service is itself unavailable).

// maxIDs is the most ids one batch lookup of the sequence service takes.
const maxIDs = 1000

// checkScript reports a 422 when scriptID names no script of the Core Script Management service.
func (s *Server) checkScript(ctx context.Context, scriptID int64) error {
	resp, err := s.scripts.GetScriptWithResponse(ctx, scriptID)
	if err != nil {
		return httpapi.DependencyError(peerScripts, err)
	}
	switch resp.StatusCode() {
	case http.StatusOK:
		return nil
	case http.StatusNotFound:
		return httpapi.Fail(http.StatusUnprocessableEntity, codeScriptNotFound, "the script does not exist",
			fmt.Sprintf("scriptId %d", scriptID))
	}
	return httpapi.UnexpectedResponse(peerScripts, resp.StatusCode())
}

// checkSection reports a 422 when sectionID names no section of script scriptID.
func (s *Server) checkSection(ctx context.Context, scriptID, sectionID int64) error {
	resp, err := s.scripts.GetSectionHeadingWithResponse(ctx, scriptID, sectionID)
	if err != nil {
		return httpapi.DependencyError(peerScripts, err)
	}
	switch resp.StatusCode() {
	case http.StatusOK:
		return nil
	case http.StatusNotFound:
		return httpapi.Fail(http.StatusUnprocessableEntity, codeSectionNotFound, "the section does not exist in the script",
			fmt.Sprintf("sectionId %d, scriptId %d", sectionID, scriptID))
	}
	return httpapi.UnexpectedResponse(peerScripts, resp.StatusCode())
}

// position reads one element's story position. An element this service has but the sequence
// service does not place is an answer the contract does not allow: 502.
func (s *Server) position(ctx context.Context, typ sequenceapi.ElementType, id int64) (int64, error) {
	resp, err := s.seq.GetElementPositionWithResponse(ctx, typ, id, &sequenceapi.GetElementPositionParams{Owner: &placement.Owner})
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
		resp, err := s.seq.ListElementPositionsWithResponse(ctx, typ, &sequenceapi.ListElementPositionsParams{Ids: chunk, Owner: &placement.Owner})
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
		Scope: string(placement.Story), ScriptId: &scriptID, ElementType: &typ, Limit: &limit, Offset: &offset,
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
