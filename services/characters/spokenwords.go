package characters

import (
	"context"
	"net/http"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/charactersdb"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
)

// spokenWords are dialogue, what characters say, in a script's story order (element type `spokenWord`).
var spokenWords = &storyKind[charactersdb.CharactersSpokenWord, charactersapi.SpokenWord]{
	rows: spokenWordRows{},
	original: original{
		originalType: charactersapi.OriginalTypeSpokenWord, noun: "spoken word", paraphraseFK: "paraphrases_spoken_word_id_fkey",
	},
	typ:         sequenceapi.SpokenWord,
	characterFK: "spoken_words_character_id_fkey",
}

// spokenWordRows is the spoken_words table as storyKind reads and writes it.
type spokenWordRows struct{}

var _ elementRows[charactersdb.CharactersSpokenWord, charactersapi.SpokenWord] = spokenWordRows{}

func (spokenWordRows) get(ctx context.Context, q *charactersdb.Queries, tenant string, id int64) (charactersdb.CharactersSpokenWord, error) {
	return q.SpokenWordGetByID(ctx, tenant, id)
}

func (spokenWordRows) listByIDs(ctx context.Context, q *charactersdb.Queries, tenant string, ids []int64) ([]charactersdb.CharactersSpokenWord, error) {
	return q.SpokenWordListByIDs(ctx, tenant, ids)
}

func (spokenWordRows) list(ctx context.Context, q *charactersdb.Queries, f listFilter) ([]charactersdb.CharactersSpokenWord, error) {
	return q.SpokenWordList(ctx, charactersdb.SpokenWordListParams(f))
}

func (spokenWordRows) count(ctx context.Context, q *charactersdb.Queries, f countFilter) (int64, error) {
	return q.SpokenWordCount(ctx, charactersdb.SpokenWordCountParams(f))
}

func (spokenWordRows) idsByFilter(ctx context.Context, q *charactersdb.Queries, f storyFilter) ([]int64, error) {
	return q.SpokenWordListIDsByFilter(ctx, charactersdb.SpokenWordListIDsByFilterParams(f))
}

func (spokenWordRows) remove(ctx context.Context, q *charactersdb.Queries, t removeTarget) (int64, error) {
	return q.SpokenWordDelete(ctx, charactersdb.SpokenWordDeleteParams(t))
}

func (spokenWordRows) removeWhere(ctx context.Context, q *charactersdb.Queries, f removeFilter) ([]int64, error) {
	return q.SpokenWordDeleteByFilter(ctx, charactersdb.SpokenWordDeleteByFilterParams(f))
}

func (spokenWordRows) meta(r charactersdb.CharactersSpokenWord) elementMeta {
	return elementMeta{id: r.ID, scriptID: r.ScriptID, version: r.Version}
}

func (spokenWordRows) item(r charactersdb.CharactersSpokenWord, n int64) charactersapi.SpokenWord {
	return charactersapi.SpokenWord{
		DialogueId: r.ID, ScriptId: r.ScriptID, SectionId: dbx.Int8Ptr(r.SectionID), CharacterId: dbx.Int8Ptr(r.CharacterID),
		Text: r.Text, Parenthetical: dbx.TextPtr(r.Parenthetical), Extension: dbx.TextPtr(r.Extension),
		Dual: r.Dual, ContinuesDialogue: r.ContinuesDialogue, Lyric: r.Lyric, Forced: r.Forced,
		SequenceNumber: n, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// ListSpokenWords lists spoken words, in story order when filtered by script.
func (s *Server) ListSpokenWords(ctx context.Context, req charactersapi.ListSpokenWordsRequestObject) (charactersapi.ListSpokenWordsResponseObject, error) {
	p := req.Params
	lp := listParams{scriptID: p.ScriptId, sectionID: p.SectionId, characterID: p.CharacterId, ids: p.Ids, limit: p.Limit, offset: p.Offset}
	var (
		items []charactersapi.SpokenWord
		total int64
		err   error
	)
	if p.ScriptId != nil {
		items, total, err = spokenWords.storyOrderPage(ctx, s, *p.ScriptId, lp)
	} else {
		items, total, err = spokenWords.idOrderPage(ctx, s, lp)
	}
	if err != nil {
		return nil, err
	}
	limit, offset := httpapi.Page(p.Limit, p.Offset)
	return charactersapi.ListSpokenWords200JSONResponse{Items: items, TotalCount: total, Limit: limit, Offset: offset}, nil
}

// CreateSpokenWord stores a spoken word in its script's story order: at the end, or where the request places it.
func (s *Server) CreateSpokenWord(ctx context.Context, req charactersapi.CreateSpokenWordRequestObject) (charactersapi.CreateSpokenWordResponseObject, error) {
	b := req.Body
	resp, err := create(ctx, s, spokenWords, b.ScriptId, b.SectionId, placement.Of(b.Before, b.After, b.AtSequence),
		func(ctx context.Context, q *charactersdb.Queries) (charactersdb.CharactersSpokenWord, error) {
			return q.SpokenWordCreate(ctx, charactersdb.SpokenWordCreateParams{
				Tenant: auth.Tenant(ctx), ScriptID: b.ScriptId, SectionID: dbx.Int8(b.SectionId), CharacterID: dbx.Int8(b.CharacterId), Text: b.Text,
				Parenthetical: dbx.Text(b.Parenthetical), Extension: dbx.Text(b.Extension),
				Dual: flag(b.Dual), ContinuesDialogue: flag(b.ContinuesDialogue), Lyric: flag(b.Lyric), Forced: flag(b.Forced),
			})
		},
		func(w charactersapi.SpokenWord) charactersapi.CreateSpokenWord201JSONResponse {
			return charactersapi.CreateSpokenWord201JSONResponse{Body: w, Headers: charactersapi.CreateSpokenWord201ResponseHeaders{ETag: httpapi.PlacedETag(w.Version, w.SequenceNumber), Location: httpapi.Location("spokenWords", w.DialogueId)}}
		},
		charactersapi.CreateSpokenWord201JSONResponse.VisitCreateSpokenWordResponse)
	if f, err := httpapi.AsFailure(err); err != nil {
		return nil, err
	} else if f != nil {
		switch f.Status {
		case http.StatusBadRequest:
			return charactersapi.CreateSpokenWord400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
		case http.StatusConflict:
			return charactersapi.CreateSpokenWord409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
		case http.StatusUnprocessableEntity:
			return charactersapi.CreateSpokenWord422JSONResponse{UnresolvedReferenceJSONResponse: httpapi.ListBody[charactersapi.UnresolvedReferenceJSONResponse](f)}, nil
		}
		return nil, f.Unexpected()
	}
	return resp, nil
}

// DeleteSpokenWords deletes the spoken words matching the filters and releases their positions.
func (s *Server) DeleteSpokenWords(ctx context.Context, req charactersapi.DeleteSpokenWordsRequestObject) (charactersapi.DeleteSpokenWordsResponseObject, error) {
	p := req.Params
	n, err := spokenWords.deleteWhere(ctx, s, p.ScriptId, p.SectionId, p.CharacterId)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return charactersapi.DeleteSpokenWords400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	}
	return charactersapi.DeleteSpokenWords200JSONResponse{DeletedCount: n}, nil
}

// GetSpokenWord reads a spoken word with its story position.
func (s *Server) GetSpokenWord(ctx context.Context, req charactersapi.GetSpokenWordRequestObject) (charactersapi.GetSpokenWordResponseObject, error) {
	w, err := spokenWords.read(ctx, s, req.SpokenWordId)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return charactersapi.GetSpokenWord404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return charactersapi.GetSpokenWord200JSONResponse{Body: w, Headers: charactersapi.GetSpokenWord200ResponseHeaders{ETag: httpapi.PlacedETag(w.Version, w.SequenceNumber)}}, nil
}

// ReplaceSpokenWord sets every field a client sets; a section, character, parenthetical or extension
// left out is removed, a flag left out is reset.
func (s *Server) ReplaceSpokenWord(ctx context.Context, req charactersapi.ReplaceSpokenWordRequestObject) (charactersapi.ReplaceSpokenWordResponseObject, error) {
	b, id := req.Body, req.SpokenWordId
	w, err := spokenWords.update(ctx, s, id, b.SectionId, func(q *charactersdb.Queries) (charactersdb.CharactersSpokenWord, error) {
		return q.SpokenWordReplace(ctx, charactersdb.SpokenWordReplaceParams{
			Tenant: auth.Tenant(ctx), ID: id, IfVersion: dbx.IfMatch(req.Params.IfMatch),
			Text: b.Text, SectionID: dbx.Int8(b.SectionId), CharacterID: dbx.Int8(b.CharacterId),
			Parenthetical: dbx.Text(b.Parenthetical), Extension: dbx.Text(b.Extension),
			Dual: flag(b.Dual), ContinuesDialogue: flag(b.ContinuesDialogue), Lyric: flag(b.Lyric), Forced: flag(b.Forced),
		})
	})
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.ReplaceSpokenWord200JSONResponse{Body: w, Headers: charactersapi.ReplaceSpokenWord200ResponseHeaders{ETag: httpapi.PlacedETag(w.Version, w.SequenceNumber)}}, nil
	case http.StatusNotFound:
		return charactersapi.ReplaceSpokenWord404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.ReplaceSpokenWord412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	case http.StatusUnprocessableEntity:
		return charactersapi.ReplaceSpokenWord422JSONResponse{UnresolvedReferenceJSONResponse: httpapi.ListBody[charactersapi.UnresolvedReferenceJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// UpdateSpokenWord changes the fields given.
func (s *Server) UpdateSpokenWord(ctx context.Context, req charactersapi.UpdateSpokenWordRequestObject) (charactersapi.UpdateSpokenWordResponseObject, error) {
	b, id := req.Body, req.SpokenWordId
	w, err := spokenWords.update(ctx, s, id, b.SectionId, func(q *charactersdb.Queries) (charactersdb.CharactersSpokenWord, error) {
		return q.SpokenWordUpdate(ctx, charactersdb.SpokenWordUpdateParams{
			Tenant: auth.Tenant(ctx), ID: id, IfVersion: dbx.IfMatch(req.Params.IfMatch),
			Text: dbx.Text(b.Text), SectionID: dbx.Int8(b.SectionId), CharacterID: dbx.Int8(b.CharacterId),
			Parenthetical: dbx.Text(b.Parenthetical), Extension: dbx.Text(b.Extension),
			Dual: flagIfGiven(b.Dual), ContinuesDialogue: flagIfGiven(b.ContinuesDialogue), Lyric: flagIfGiven(b.Lyric), Forced: flagIfGiven(b.Forced),
		})
	})
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.UpdateSpokenWord200JSONResponse{Body: w, Headers: charactersapi.UpdateSpokenWord200ResponseHeaders{ETag: httpapi.PlacedETag(w.Version, w.SequenceNumber)}}, nil
	case http.StatusNotFound:
		return charactersapi.UpdateSpokenWord404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.UpdateSpokenWord412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	case http.StatusUnprocessableEntity:
		return charactersapi.UpdateSpokenWord422JSONResponse{UnresolvedReferenceJSONResponse: httpapi.ListBody[charactersapi.UnresolvedReferenceJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// DeleteSpokenWord deletes a spoken word (with its paraphrases when cascade) and releases its position.
func (s *Server) DeleteSpokenWord(ctx context.Context, req charactersapi.DeleteSpokenWordRequestObject) (charactersapi.DeleteSpokenWordResponseObject, error) {
	p := req.Params
	f, err := httpapi.AsFailure(spokenWords.deleteOne(ctx, s, req.SpokenWordId, dbx.IfMatch(p.IfMatch), p.Cascade != nil && *p.Cascade))
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.DeleteSpokenWord204Response{}, nil
	case http.StatusNotFound:
		return charactersapi.DeleteSpokenWord404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusConflict:
		return charactersapi.DeleteSpokenWord409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.DeleteSpokenWord412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}
