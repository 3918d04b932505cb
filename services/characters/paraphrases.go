package characters

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/charactersdb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/write"
)

// Paraphrases of characters, actions and spoken words are one table and one set of operations,
// addressed by (kind of original, original id): the code below serves all three kinds.

// original is a kind of element that paraphrases belong to.
type original struct {
	originalType charactersapi.OriginalType
	noun         string
	// paraphraseFK ties a paraphrase to an original of this kind: it refuses a paraphrase of a missing
	// original (404) and the deletion of an original that still has paraphrases (409).
	paraphraseFK string
	exists       func(*charactersdb.Queries, context.Context, int64) error
}

var characterOriginal = original{
	originalType: charactersapi.OriginalTypeCharacter, noun: "character", paraphraseFK: "paraphrases_character_id_fkey",
	exists: func(q *charactersdb.Queries, ctx context.Context, id int64) error {
		_, err := q.CharacterGetByID(ctx, auth.Tenant(ctx), id)
		return err
	},
}

var (
	actionOriginal     = actions.paraphrased()
	spokenWordOriginal = spokenWords.paraphrased()
)

func paraphraseOf(r charactersdb.CharactersParaphrase) charactersapi.Paraphrase {
	return charactersapi.Paraphrase{
		ParaphraseId: r.ID, OriginalType: charactersapi.OriginalType(r.OriginalType), OriginalId: r.OriginalID,
		Text: r.Text, Commentary: r.Commentary, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

func (o original) paraphraseNotFound(originalID, paraphraseID int64) *httpapi.Failure {
	return httpapi.NotFound(httpapi.CodeNotFound, "paraphrase not found",
		fmt.Sprintf("%s %d has no paraphrase %d", o.noun, originalID, paraphraseID))
}

// mismatch refuses a body whose originalId is not the path's.
func (o original) mismatch(originalID int64, sent *int64) *httpapi.Failure {
	if sent == nil || *sent == originalID {
		return nil
	}
	return httpapi.Fail(http.StatusBadRequest, codeOriginalIDMismatch, "originalId must be the id in the path",
		fmt.Sprintf("path %s %d, body originalId %d", o.noun, originalID, *sent))
}

func (o original) list(ctx context.Context, s *Server, id int64, limit *int, offset *int64) (charactersapi.ParaphraseList, error) {
	l, off := httpapi.Page(limit, offset)
	page := charactersapi.ParaphraseList{Items: []charactersapi.Paraphrase{}, Limit: l, Offset: off}
	if err := o.exists(s.q, ctx, id); errors.Is(err, dbx.ErrNotFound) {
		return page, notFound(o.noun, id)
	} else if err != nil {
		return page, fmt.Errorf("read %s %d: %w", o.noun, id, err)
	}
	rows, err := s.q.ParaphraseListByOriginal(ctx, charactersdb.ParaphraseListByOriginalParams{
		Tenant: auth.Tenant(ctx), OriginalType: string(o.originalType), OriginalID: id, RowLimit: int64(l), RowOffset: off,
	})
	if err != nil {
		return page, fmt.Errorf("list paraphrases of %s %d: %w", o.noun, id, err)
	}
	if page.TotalCount, err = s.q.ParaphraseCountByOriginal(ctx, auth.Tenant(ctx), string(o.originalType), id); err != nil {
		return page, fmt.Errorf("count paraphrases of %s %d: %w", o.noun, id, err)
	}
	for _, r := range rows {
		page.Items = append(page.Items, paraphraseOf(r))
	}
	return page, nil
}

// createParaphrase stores a paraphrase of original id (with the request's Idempotency-Key, in one
// transaction); created is the operation's answer for it.
func createParaphrase[C any](ctx context.Context, s *Server, o original, id int64, b charactersapi.ParaphraseCreateRequest,
	created func(charactersapi.Paraphrase) C, render func(C, http.ResponseWriter) error) (C, error) {
	var zero C
	if f := o.mismatch(id, b.OriginalId); f != nil {
		return zero, f
	}
	return write.Do(ctx, s.writes, write.Lane{}, render, func(ctx context.Context, tx *write.Tx) (C, error) {
		row, err := charactersdb.New(dbx.Interpreted(tx)).ParaphraseCreate(ctx, charactersdb.ParaphraseCreateParams{
			Tenant: auth.Tenant(ctx), OriginalType: string(o.originalType), OriginalID: id, Text: b.Text, Commentary: b.Commentary,
		})
		if dbx.ConstraintName(err) == o.paraphraseFK {
			return zero, notFound(o.noun, id)
		} else if err != nil {
			return zero, fmt.Errorf("create paraphrase of %s %d: %w", o.noun, id, err)
		}
		return created(paraphraseOf(row)), nil
	})
}

func (o original) get(ctx context.Context, s *Server, id, paraphraseID int64) (charactersapi.Paraphrase, error) {
	row, err := s.q.ParaphraseGetByID(ctx, charactersdb.ParaphraseGetByIDParams{
		Tenant: auth.Tenant(ctx), ID: paraphraseID, OriginalType: string(o.originalType), OriginalID: id,
	})
	if errors.Is(err, dbx.ErrNotFound) {
		return charactersapi.Paraphrase{}, o.paraphraseNotFound(id, paraphraseID)
	} else if err != nil {
		return charactersapi.Paraphrase{}, fmt.Errorf("read paraphrase %d: %w", paraphraseID, err)
	}
	return paraphraseOf(row), nil
}

// written finishes a conditional write of a paraphrase: no row means a missing paraphrase (404) or a
// stale If-Match (412).
func (o original) written(ctx context.Context, s *Server, id, paraphraseID int64, row charactersdb.CharactersParaphrase, err error) (charactersapi.Paraphrase, error) {
	if errors.Is(err, dbx.ErrNotFound) {
		current, err := s.q.ParaphraseGetByID(ctx, charactersdb.ParaphraseGetByIDParams{
			Tenant: auth.Tenant(ctx), ID: paraphraseID, OriginalType: string(o.originalType), OriginalID: id,
		})
		if errors.Is(err, dbx.ErrNotFound) {
			return charactersapi.Paraphrase{}, o.paraphraseNotFound(id, paraphraseID)
		} else if err != nil {
			return charactersapi.Paraphrase{}, fmt.Errorf("read paraphrase %d: %w", paraphraseID, err)
		}
		return charactersapi.Paraphrase{}, stale(current.Version)
	} else if err != nil {
		return charactersapi.Paraphrase{}, fmt.Errorf("write paraphrase %d: %w", paraphraseID, err)
	}
	return paraphraseOf(row), nil
}

func (o original) replace(ctx context.Context, s *Server, id, paraphraseID int64, ifMatch *string, b charactersapi.ParaphraseUpdateRequest) (charactersapi.Paraphrase, error) {
	if f := o.mismatch(id, b.OriginalId); f != nil {
		return charactersapi.Paraphrase{}, f
	}
	commentary := "" // a full replacement: no commentary is an empty one
	if b.Commentary != nil {
		commentary = *b.Commentary
	}
	row, err := s.q.ParaphraseReplace(ctx, charactersdb.ParaphraseReplaceParams{
		Tenant: auth.Tenant(ctx), ID: paraphraseID, OriginalType: string(o.originalType), OriginalID: id, IfVersion: dbx.IfMatch(ifMatch),
		Text: b.Text, Commentary: commentary,
	})
	return o.written(ctx, s, id, paraphraseID, row, err)
}

func (o original) patch(ctx context.Context, s *Server, id, paraphraseID int64, ifMatch *string, b charactersapi.ParaphrasePatchRequest) (charactersapi.Paraphrase, error) {
	row, err := s.q.ParaphraseUpdate(ctx, charactersdb.ParaphraseUpdateParams{
		Tenant: auth.Tenant(ctx), ID: paraphraseID, OriginalType: string(o.originalType), OriginalID: id, IfVersion: dbx.IfMatch(ifMatch),
		Text: dbx.Text(b.Text), Commentary: dbx.Text(b.Commentary),
	})
	return o.written(ctx, s, id, paraphraseID, row, err)
}

func (o original) delete(ctx context.Context, s *Server, id, paraphraseID int64, ifMatch *string) error {
	_, err := s.q.ParaphraseDelete(ctx, charactersdb.ParaphraseDeleteParams{
		Tenant: auth.Tenant(ctx), ID: paraphraseID, OriginalType: string(o.originalType), OriginalID: id, IfVersion: dbx.IfMatch(ifMatch),
	})
	_, err = o.written(ctx, s, id, paraphraseID, charactersdb.CharactersParaphrase{}, err)
	return err
}

// onlyParaphrase resolves the paraphrase v2's PUT and PATCH /characters/{characterId}/paraphrases
// change: the one named by paraphraseId, else the character's only one.
func (s *Server) onlyParaphrase(ctx context.Context, characterID int64, paraphraseID *int64) (int64, error) {
	if paraphraseID != nil {
		return *paraphraseID, nil
	}
	two := 2
	page, err := characterOriginal.list(ctx, s, characterID, &two, nil)
	switch {
	case err != nil:
		return 0, err
	case page.TotalCount == 0:
		return 0, httpapi.NotFound(httpapi.CodeNotFound, "the character has no paraphrase", fmt.Sprintf("character %d", characterID))
	case page.TotalCount > 1:
		return 0, httpapi.Fail(http.StatusConflict, codeParaphraseAmbiguous, "the character has several paraphrases: name one",
			fmt.Sprintf("character %d has %d paraphrases; add ?paraphraseId=", characterID, page.TotalCount))
	}
	return page.Items[0].ParaphraseId, nil
}

// ListCharacterParaphrases lists a character's paraphrases, oldest first.
func (s *Server) ListCharacterParaphrases(ctx context.Context, req charactersapi.ListCharacterParaphrasesRequestObject) (charactersapi.ListCharacterParaphrasesResponseObject, error) {
	page, err := characterOriginal.list(ctx, s, req.CharacterId, req.Params.Limit, req.Params.Offset)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return charactersapi.ListCharacterParaphrases404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return charactersapi.ListCharacterParaphrases200JSONResponse(page), nil
}

// CreateCharacterParaphrase paraphrases a character.
func (s *Server) CreateCharacterParaphrase(ctx context.Context, req charactersapi.CreateCharacterParaphraseRequestObject) (charactersapi.CreateCharacterParaphraseResponseObject, error) {
	resp, err := createParaphrase(ctx, s, characterOriginal, req.CharacterId, *req.Body,
		func(p charactersapi.Paraphrase) charactersapi.CreateCharacterParaphrase201JSONResponse {
			return charactersapi.CreateCharacterParaphrase201JSONResponse{Body: p, Headers: charactersapi.CreateCharacterParaphrase201ResponseHeaders{ETag: httpapi.ETag(p.Version), Location: httpapi.Location("characters", p.OriginalId, "paraphrases", p.ParaphraseId)}}
		},
		charactersapi.CreateCharacterParaphrase201JSONResponse.VisitCreateCharacterParaphraseResponse)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f == nil:
		return resp, nil
	case f.Status == http.StatusBadRequest:
		return charactersapi.CreateCharacterParaphrase400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	case f.Status == http.StatusNotFound:
		return charactersapi.CreateCharacterParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// GetCharacterParaphrase reads a paraphrase of a character.
func (s *Server) GetCharacterParaphrase(ctx context.Context, req charactersapi.GetCharacterParaphraseRequestObject) (charactersapi.GetCharacterParaphraseResponseObject, error) {
	p, err := characterOriginal.get(ctx, s, req.CharacterId, req.ParaphraseId)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return charactersapi.GetCharacterParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return charactersapi.GetCharacterParaphrase200JSONResponse{Body: p, Headers: charactersapi.GetCharacterParaphrase200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
}

// ReplaceCharacterParaphrase replaces a paraphrase of a character.
func (s *Server) ReplaceCharacterParaphrase(ctx context.Context, req charactersapi.ReplaceCharacterParaphraseRequestObject) (charactersapi.ReplaceCharacterParaphraseResponseObject, error) {
	p, err := characterOriginal.replace(ctx, s, req.CharacterId, req.ParaphraseId, req.Params.IfMatch, *req.Body)
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.ReplaceCharacterParaphrase200JSONResponse{Body: p, Headers: charactersapi.ReplaceCharacterParaphrase200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
	case http.StatusBadRequest:
		return charactersapi.ReplaceCharacterParaphrase400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	case http.StatusNotFound:
		return charactersapi.ReplaceCharacterParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.ReplaceCharacterParaphrase412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// PatchCharacterParaphrase changes the given fields of a paraphrase of a character.
func (s *Server) PatchCharacterParaphrase(ctx context.Context, req charactersapi.PatchCharacterParaphraseRequestObject) (charactersapi.PatchCharacterParaphraseResponseObject, error) {
	p, err := characterOriginal.patch(ctx, s, req.CharacterId, req.ParaphraseId, req.Params.IfMatch, *req.Body)
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.PatchCharacterParaphrase200JSONResponse{Body: p, Headers: charactersapi.PatchCharacterParaphrase200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
	case http.StatusNotFound:
		return charactersapi.PatchCharacterParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.PatchCharacterParaphrase412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// DeleteCharacterParaphrase deletes a paraphrase of a character.
func (s *Server) DeleteCharacterParaphrase(ctx context.Context, req charactersapi.DeleteCharacterParaphraseRequestObject) (charactersapi.DeleteCharacterParaphraseResponseObject, error) {
	f, err := httpapi.AsFailure(characterOriginal.delete(ctx, s, req.CharacterId, req.ParaphraseId, req.Params.IfMatch))
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.DeleteCharacterParaphrase204Response{}, nil
	case http.StatusNotFound:
		return charactersapi.DeleteCharacterParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.DeleteCharacterParaphrase412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// UpdateCharacterParaphrases is v2's PUT /characters/{characterId}/paraphrases: it replaces the
// paraphrase named by paraphraseId, or the character's only one.
func (s *Server) UpdateCharacterParaphrases(ctx context.Context, req charactersapi.UpdateCharacterParaphrasesRequestObject) (charactersapi.UpdateCharacterParaphrasesResponseObject, error) {
	id, err := s.onlyParaphrase(ctx, req.CharacterId, req.Params.ParaphraseId)
	var p charactersapi.Paraphrase
	if err == nil {
		p, err = characterOriginal.replace(ctx, s, req.CharacterId, id, req.Params.IfMatch, *req.Body)
	}
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.UpdateCharacterParaphrases200JSONResponse{Body: p, Headers: charactersapi.UpdateCharacterParaphrases200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
	case http.StatusBadRequest:
		return charactersapi.UpdateCharacterParaphrases400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	case http.StatusNotFound:
		return charactersapi.UpdateCharacterParaphrases404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusConflict:
		return charactersapi.UpdateCharacterParaphrases409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.UpdateCharacterParaphrases412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// PatchCharacterParaphrases is v2's PATCH /characters/{characterId}/paraphrases: it changes the
// given fields of the paraphrase named by paraphraseId, or of the character's only one.
func (s *Server) PatchCharacterParaphrases(ctx context.Context, req charactersapi.PatchCharacterParaphrasesRequestObject) (charactersapi.PatchCharacterParaphrasesResponseObject, error) {
	id, err := s.onlyParaphrase(ctx, req.CharacterId, req.Params.ParaphraseId)
	var p charactersapi.Paraphrase
	if err == nil {
		p, err = characterOriginal.patch(ctx, s, req.CharacterId, id, req.Params.IfMatch, *req.Body)
	}
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.PatchCharacterParaphrases200JSONResponse{Body: p, Headers: charactersapi.PatchCharacterParaphrases200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
	case http.StatusNotFound:
		return charactersapi.PatchCharacterParaphrases404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusConflict:
		return charactersapi.PatchCharacterParaphrases409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.PatchCharacterParaphrases412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// ListActionParaphrases lists an action's paraphrases, oldest first.
func (s *Server) ListActionParaphrases(ctx context.Context, req charactersapi.ListActionParaphrasesRequestObject) (charactersapi.ListActionParaphrasesResponseObject, error) {
	page, err := actionOriginal.list(ctx, s, req.ActionId, req.Params.Limit, req.Params.Offset)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return charactersapi.ListActionParaphrases404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return charactersapi.ListActionParaphrases200JSONResponse(page), nil
}

// CreateActionParaphrase paraphrases an action.
func (s *Server) CreateActionParaphrase(ctx context.Context, req charactersapi.CreateActionParaphraseRequestObject) (charactersapi.CreateActionParaphraseResponseObject, error) {
	resp, err := createParaphrase(ctx, s, actionOriginal, req.ActionId, *req.Body,
		func(p charactersapi.Paraphrase) charactersapi.CreateActionParaphrase201JSONResponse {
			return charactersapi.CreateActionParaphrase201JSONResponse{Body: p, Headers: charactersapi.CreateActionParaphrase201ResponseHeaders{ETag: httpapi.ETag(p.Version), Location: httpapi.Location("actions", p.OriginalId, "paraphrases", p.ParaphraseId)}}
		},
		charactersapi.CreateActionParaphrase201JSONResponse.VisitCreateActionParaphraseResponse)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f == nil:
		return resp, nil
	case f.Status == http.StatusBadRequest:
		return charactersapi.CreateActionParaphrase400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	case f.Status == http.StatusNotFound:
		return charactersapi.CreateActionParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// GetActionParaphrase reads a paraphrase of an action.
func (s *Server) GetActionParaphrase(ctx context.Context, req charactersapi.GetActionParaphraseRequestObject) (charactersapi.GetActionParaphraseResponseObject, error) {
	p, err := actionOriginal.get(ctx, s, req.ActionId, req.ParaphraseId)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return charactersapi.GetActionParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return charactersapi.GetActionParaphrase200JSONResponse{Body: p, Headers: charactersapi.GetActionParaphrase200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
}

// ReplaceActionParaphrase replaces a paraphrase of an action.
func (s *Server) ReplaceActionParaphrase(ctx context.Context, req charactersapi.ReplaceActionParaphraseRequestObject) (charactersapi.ReplaceActionParaphraseResponseObject, error) {
	p, err := actionOriginal.replace(ctx, s, req.ActionId, req.ParaphraseId, req.Params.IfMatch, *req.Body)
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.ReplaceActionParaphrase200JSONResponse{Body: p, Headers: charactersapi.ReplaceActionParaphrase200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
	case http.StatusBadRequest:
		return charactersapi.ReplaceActionParaphrase400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	case http.StatusNotFound:
		return charactersapi.ReplaceActionParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.ReplaceActionParaphrase412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// PatchActionParaphrase changes the given fields of a paraphrase of an action.
func (s *Server) PatchActionParaphrase(ctx context.Context, req charactersapi.PatchActionParaphraseRequestObject) (charactersapi.PatchActionParaphraseResponseObject, error) {
	p, err := actionOriginal.patch(ctx, s, req.ActionId, req.ParaphraseId, req.Params.IfMatch, *req.Body)
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.PatchActionParaphrase200JSONResponse{Body: p, Headers: charactersapi.PatchActionParaphrase200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
	case http.StatusNotFound:
		return charactersapi.PatchActionParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.PatchActionParaphrase412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// DeleteActionParaphrase deletes a paraphrase of an action.
func (s *Server) DeleteActionParaphrase(ctx context.Context, req charactersapi.DeleteActionParaphraseRequestObject) (charactersapi.DeleteActionParaphraseResponseObject, error) {
	f, err := httpapi.AsFailure(actionOriginal.delete(ctx, s, req.ActionId, req.ParaphraseId, req.Params.IfMatch))
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.DeleteActionParaphrase204Response{}, nil
	case http.StatusNotFound:
		return charactersapi.DeleteActionParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.DeleteActionParaphrase412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// ListSpokenWordParaphrases lists a spoken word's paraphrases, oldest first.
func (s *Server) ListSpokenWordParaphrases(ctx context.Context, req charactersapi.ListSpokenWordParaphrasesRequestObject) (charactersapi.ListSpokenWordParaphrasesResponseObject, error) {
	page, err := spokenWordOriginal.list(ctx, s, req.SpokenWordId, req.Params.Limit, req.Params.Offset)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return charactersapi.ListSpokenWordParaphrases404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return charactersapi.ListSpokenWordParaphrases200JSONResponse(page), nil
}

// CreateSpokenWordParaphrase paraphrases a spoken word.
func (s *Server) CreateSpokenWordParaphrase(ctx context.Context, req charactersapi.CreateSpokenWordParaphraseRequestObject) (charactersapi.CreateSpokenWordParaphraseResponseObject, error) {
	resp, err := createParaphrase(ctx, s, spokenWordOriginal, req.SpokenWordId, *req.Body,
		func(p charactersapi.Paraphrase) charactersapi.CreateSpokenWordParaphrase201JSONResponse {
			return charactersapi.CreateSpokenWordParaphrase201JSONResponse{Body: p, Headers: charactersapi.CreateSpokenWordParaphrase201ResponseHeaders{ETag: httpapi.ETag(p.Version), Location: httpapi.Location("spokenWords", p.OriginalId, "paraphrases", p.ParaphraseId)}}
		},
		charactersapi.CreateSpokenWordParaphrase201JSONResponse.VisitCreateSpokenWordParaphraseResponse)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f == nil:
		return resp, nil
	case f.Status == http.StatusBadRequest:
		return charactersapi.CreateSpokenWordParaphrase400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	case f.Status == http.StatusNotFound:
		return charactersapi.CreateSpokenWordParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// GetSpokenWordParaphrase reads a paraphrase of a spoken word.
func (s *Server) GetSpokenWordParaphrase(ctx context.Context, req charactersapi.GetSpokenWordParaphraseRequestObject) (charactersapi.GetSpokenWordParaphraseResponseObject, error) {
	p, err := spokenWordOriginal.get(ctx, s, req.SpokenWordId, req.ParaphraseId)
	f, err := httpapi.AsFailure(err)
	switch {
	case err != nil:
		return nil, err
	case f != nil:
		return charactersapi.GetSpokenWordParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	}
	return charactersapi.GetSpokenWordParaphrase200JSONResponse{Body: p, Headers: charactersapi.GetSpokenWordParaphrase200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
}

// ReplaceSpokenWordParaphrase replaces a paraphrase of a spoken word.
func (s *Server) ReplaceSpokenWordParaphrase(ctx context.Context, req charactersapi.ReplaceSpokenWordParaphraseRequestObject) (charactersapi.ReplaceSpokenWordParaphraseResponseObject, error) {
	p, err := spokenWordOriginal.replace(ctx, s, req.SpokenWordId, req.ParaphraseId, req.Params.IfMatch, *req.Body)
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.ReplaceSpokenWordParaphrase200JSONResponse{Body: p, Headers: charactersapi.ReplaceSpokenWordParaphrase200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
	case http.StatusBadRequest:
		return charactersapi.ReplaceSpokenWordParaphrase400JSONResponse{BadRequestJSONResponse: httpapi.ListBody[charactersapi.BadRequestJSONResponse](f)}, nil
	case http.StatusNotFound:
		return charactersapi.ReplaceSpokenWordParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.ReplaceSpokenWordParaphrase412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// PatchSpokenWordParaphrase changes the given fields of a paraphrase of a spoken word.
func (s *Server) PatchSpokenWordParaphrase(ctx context.Context, req charactersapi.PatchSpokenWordParaphraseRequestObject) (charactersapi.PatchSpokenWordParaphraseResponseObject, error) {
	p, err := spokenWordOriginal.patch(ctx, s, req.SpokenWordId, req.ParaphraseId, req.Params.IfMatch, *req.Body)
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.PatchSpokenWordParaphrase200JSONResponse{Body: p, Headers: charactersapi.PatchSpokenWordParaphrase200ResponseHeaders{ETag: httpapi.ETag(p.Version)}}, nil
	case http.StatusNotFound:
		return charactersapi.PatchSpokenWordParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.PatchSpokenWordParaphrase412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// DeleteSpokenWordParaphrase deletes a paraphrase of a spoken word.
func (s *Server) DeleteSpokenWordParaphrase(ctx context.Context, req charactersapi.DeleteSpokenWordParaphraseRequestObject) (charactersapi.DeleteSpokenWordParaphraseResponseObject, error) {
	f, err := httpapi.AsFailure(spokenWordOriginal.delete(ctx, s, req.SpokenWordId, req.ParaphraseId, req.Params.IfMatch))
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.DeleteSpokenWordParaphrase204Response{}, nil
	case http.StatusNotFound:
		return charactersapi.DeleteSpokenWordParaphrase404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.DeleteSpokenWordParaphrase412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}
