package characters

import (
	"context"
	"fmt"
	"net/http"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// maxContentIDs bounds one listLines call: the Story Factory's largest page.
const maxContentIDs = 5000

// ListLines reads the listed actions and spoken words of one script without their positions: the
// caller holds the story order already, so asking the sequence service again would only repeat it.
func (s *Server) ListLines(ctx context.Context, req charactersapi.ListLinesRequestObject) (charactersapi.ListLinesResponseObject, error) {
	p := req.Params
	var actionIDs, spokenWordIDs []int64
	if p.ActionIds != nil {
		actionIDs = *p.ActionIds
	}
	if p.DialogueIds != nil {
		spokenWordIDs = *p.DialogueIds
	}
	if len(actionIDs) == 0 && len(spokenWordIDs) == 0 {
		f := httpapi.Fail(http.StatusBadRequest, codeFilterRequired, "name the elements to read", "actionIds or dialogueIds")
		return charactersapi.ListLines400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	}
	if n := len(actionIDs) + len(spokenWordIDs); n > maxContentIDs {
		f := httpapi.Fail(http.StatusBadRequest, httpapi.CodeValidationFailed, fmt.Sprintf("at most %d ids in all", maxContentIDs),
			fmt.Sprintf("%d actionIds and %d dialogueIds", len(actionIDs), len(spokenWordIDs)))
		return charactersapi.ListLines400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	}
	tenant := auth.Tenant(ctx)
	out := elementContents{Actions: []charactersapi.ActionContent{}, SpokenWords: []charactersapi.SpokenWordContent{}}
	if len(actionIDs) > 0 {
		rows, err := s.q.ActionContentsInScript(ctx, tenant, p.ScriptId, actionIDs)
		if err != nil {
			return nil, fmt.Errorf("read %d actions of script %d: %w", len(actionIDs), p.ScriptId, err)
		}
		out.Actions = make([]charactersapi.ActionContent, len(rows))
		for i, r := range rows {
			out.Actions[i] = charactersapi.ActionContent{ActionId: r.ID, ScriptId: p.ScriptId, SectionId: dbx.Int8Ptr(r.SectionID),
				CharacterId: dbx.Int8Ptr(r.CharacterID), Description: r.Description, Format: charactersapi.ActionFormat(r.Format),
				Forced: r.Forced, Version: r.Version}
		}
	}
	if len(spokenWordIDs) > 0 {
		rows, err := s.q.SpokenWordContentsInScript(ctx, tenant, p.ScriptId, spokenWordIDs)
		if err != nil {
			return nil, fmt.Errorf("read %d spoken words of script %d: %w", len(spokenWordIDs), p.ScriptId, err)
		}
		out.SpokenWords = make([]charactersapi.SpokenWordContent, len(rows))
		for i, r := range rows {
			out.SpokenWords[i] = charactersapi.SpokenWordContent{DialogueId: r.ID, ScriptId: p.ScriptId, SectionId: dbx.Int8Ptr(r.SectionID),
				CharacterId: dbx.Int8Ptr(r.CharacterID), Text: r.Text, Parenthetical: dbx.TextPtr(r.Parenthetical),
				Extension: dbx.TextPtr(r.Extension), Dual: r.Dual, ContinuesDialogue: r.ContinuesDialogue, Lyric: r.Lyric,
				Forced: r.Forced, Version: r.Version}
		}
	}
	return out, nil
}

// elementContents is the contract's LineContents, the contents of actions and spoken words, answered
// through httpapi.WriteLargeJSON: up to 5,000 elements.
type elementContents charactersapi.LineContents

func (l elementContents) VisitListLinesResponse(w http.ResponseWriter) error {
	return httpapi.WriteLargeJSON(w, http.StatusOK, charactersapi.LineContents(l))
}
