package characters

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/charactersdb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/placement"
	"github.com/fountainai/fountainai/internal/write"
)

func characterOf(r charactersdb.CharactersCharacter) charactersapi.Character {
	return charactersapi.Character{
		CharacterId: r.ID, Name: r.Name, Description: r.Description,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// ListCharacters pages through the characters in id order.
func (s *Server) ListCharacters(ctx context.Context, req charactersapi.ListCharactersRequestObject) (charactersapi.ListCharactersResponseObject, error) {
	p := req.Params
	limit, offset := httpapi.Page(p.Limit, p.Offset)
	f := charactersdb.CharacterListParams{Tenant: auth.Tenant(ctx), Name: dbx.Text(p.Name), ScriptID: dbx.Int8(p.ScriptId), RowLimit: int64(limit), RowOffset: offset}
	if p.Ids != nil {
		f.Ids = *p.Ids
	}
	rows, err := s.q.CharacterList(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list characters: %w", err)
	}
	total, err := s.q.CharacterCount(ctx, charactersdb.CharacterCountParams{Tenant: f.Tenant, Name: f.Name, Ids: f.Ids, ScriptID: f.ScriptID})
	if err != nil {
		return nil, fmt.Errorf("count characters: %w", err)
	}
	list := charactersapi.ListCharacters200JSONResponse{Items: make([]charactersapi.Character, len(rows)), TotalCount: total, Limit: limit, Offset: offset}
	for i, r := range rows {
		list.Items[i] = characterOf(r)
	}
	return list, nil
}

// CreateCharacter stores a character; it belongs to no script.
func (s *Server) CreateCharacter(ctx context.Context, req charactersapi.CreateCharacterRequestObject) (charactersapi.CreateCharacterResponseObject, error) {
	resp, err := write.Do(ctx, s.writes, write.Lane{}, charactersapi.CreateCharacter201JSONResponse.VisitCreateCharacterResponse,
		func(ctx context.Context, tx *write.Tx) (charactersapi.CreateCharacter201JSONResponse, error) {
			row, err := charactersdb.New(dbx.Interpreted(tx)).CharacterCreate(ctx, auth.Tenant(ctx), req.Body.Name, req.Body.Description)
			if err != nil {
				return charactersapi.CreateCharacter201JSONResponse{}, err
			}
			c := characterOf(row)
			return charactersapi.CreateCharacter201JSONResponse{Body: c, Headers: charactersapi.CreateCharacter201ResponseHeaders{ETag: httpapi.ETag(c.Version), Location: httpapi.Location("characters", c.CharacterId)}}, nil
		})
	if err != nil {
		return nil, fmt.Errorf("create character: %w", err)
	}
	return resp, nil
}

// GetCharacter reads a character; other services check a characterId with it.
func (s *Server) GetCharacter(ctx context.Context, req charactersapi.GetCharacterRequestObject) (charactersapi.GetCharacterResponseObject, error) {
	row, err := s.q.CharacterGetByID(ctx, auth.Tenant(ctx), req.CharacterId)
	if errors.Is(err, dbx.ErrNotFound) {
		return charactersapi.GetCharacter404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](notFound("character", req.CharacterId))}, nil
	} else if err != nil {
		return nil, fmt.Errorf("read character %d: %w", req.CharacterId, err)
	}
	c := characterOf(row)
	return charactersapi.GetCharacter200JSONResponse{Body: c, Headers: charactersapi.GetCharacter200ResponseHeaders{ETag: httpapi.ETag(c.Version)}}, nil
}

// characterWritten finishes a conditional write of a character: no row means a missing character
// (404) or a stale If-Match (412).
func (s *Server) characterWritten(ctx context.Context, id int64, row charactersdb.CharactersCharacter, err error) (charactersapi.Character, error) {
	if errors.Is(err, dbx.ErrNotFound) {
		return charactersapi.Character{}, whyNoRow("character", id, func() (int64, error) {
			c, err := s.q.CharacterGetByID(ctx, auth.Tenant(ctx), id)
			return c.Version, err
		})
	} else if err != nil {
		return charactersapi.Character{}, fmt.Errorf("write character %d: %w", id, err)
	}
	return characterOf(row), nil
}

// ReplaceCharacter sets every field of a character.
func (s *Server) ReplaceCharacter(ctx context.Context, req charactersapi.ReplaceCharacterRequestObject) (charactersapi.ReplaceCharacterResponseObject, error) {
	row, err := s.q.CharacterReplace(ctx, charactersdb.CharacterReplaceParams{
		Tenant: auth.Tenant(ctx), ID: req.CharacterId, IfVersion: dbx.IfMatch(req.Params.IfMatch), Name: req.Body.Name, Description: req.Body.Description,
	})
	c, err := s.characterWritten(ctx, req.CharacterId, row, err)
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.ReplaceCharacter200JSONResponse{Body: c, Headers: charactersapi.ReplaceCharacter200ResponseHeaders{ETag: httpapi.ETag(c.Version)}}, nil
	case http.StatusNotFound:
		return charactersapi.ReplaceCharacter404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.ReplaceCharacter412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// UpdateCharacter changes the given fields of a character.
func (s *Server) UpdateCharacter(ctx context.Context, req charactersapi.UpdateCharacterRequestObject) (charactersapi.UpdateCharacterResponseObject, error) {
	row, err := s.q.CharacterUpdate(ctx, charactersdb.CharacterUpdateParams{
		Tenant: auth.Tenant(ctx), ID: req.CharacterId, IfVersion: dbx.IfMatch(req.Params.IfMatch), Name: dbx.Text(req.Body.Name), Description: dbx.Text(req.Body.Description),
	})
	c, err := s.characterWritten(ctx, req.CharacterId, row, err)
	f, err := httpapi.AsFailure(err)
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.UpdateCharacter200JSONResponse{Body: c, Headers: charactersapi.UpdateCharacter200ResponseHeaders{ETag: httpapi.ETag(c.Version)}}, nil
	case http.StatusNotFound:
		return charactersapi.UpdateCharacter404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.UpdateCharacter412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// DeleteCharacter deletes a character; with cascade also its actions, spoken words, paraphrases and
// character contexts, otherwise any of them is a 409.
func (s *Server) DeleteCharacter(ctx context.Context, req charactersapi.DeleteCharacterRequestObject) (charactersapi.DeleteCharacterResponseObject, error) {
	p := req.Params
	f, err := httpapi.AsFailure(s.deleteCharacter(ctx, req.CharacterId, dbx.IfMatch(p.IfMatch), p.Cascade != nil && *p.Cascade))
	if err != nil {
		return nil, err
	}
	switch httpapi.StatusOf(f) {
	case 0:
		return charactersapi.DeleteCharacter204Response{}, nil
	case http.StatusNotFound:
		return charactersapi.DeleteCharacter404JSONResponse{NotFoundJSONResponse: httpapi.ListBody[charactersapi.NotFoundJSONResponse](f)}, nil
	case http.StatusConflict:
		return charactersapi.DeleteCharacter409JSONResponse{ConflictJSONResponse: conflict(f)}, nil
	case http.StatusPreconditionFailed:
		return charactersapi.DeleteCharacter412JSONResponse{PreconditionFailedJSONResponse: httpapi.ListBody[charactersapi.PreconditionFailedJSONResponse](f)}, nil
	}
	return nil, f.Unexpected()
}

// deleteCharacter runs in two steps so that a failing dependency keeps the character, and a retry
// finishes the job. With cascade, the first step deletes the character's actions and spoken words
// (with their paraphrases) and releases their positions. The second, in one transaction on the
// locked character, counts the dependants left (or, with cascade, deletes its contexts in the
// Session & Context service) and deletes the character with its own paraphrases. An action or
// spoken word added between the two steps fails the foreign keys: 409, nothing more deleted.
func (s *Server) deleteCharacter(ctx context.Context, id int64, ifVersion pgtype.Int8, cascade bool) error {
	if cascade {
		if err := s.clearCharacter(ctx, id, ifVersion); err != nil {
			return err
		}
	}
	done, err := s.slots.Hold(ctx)
	if err != nil {
		return err
	}
	defer done()
	return dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := charactersdb.New(dbx.Interpreted(tx))
		if err := lockCharacter(ctx, q, id, ifVersion); err != nil {
			return err
		}
		if cascade {
			if err := s.deleteContexts(ctx, id); err != nil {
				return err
			}
		} else if err := s.characterDependants(ctx, q, id); err != nil {
			return err
		}
		_, err := q.CharacterDelete(ctx, charactersdb.CharacterDeleteParams{Tenant: auth.Tenant(ctx), ID: id, IfVersion: ifVersion, Cascade: cascade})
		switch dbx.ConstraintName(err) {
		case actions.characterFK, spokenWords.characterFK, characterOriginal.paraphraseFK:
			return httpapi.Fail(http.StatusConflict, codeHasDependants, "the character has dependants",
				"added while it was being deleted; retry")
		}
		return err
	})
}

// clearCharacter deletes a character's actions and spoken words, with their paraphrases and their
// positions, in one transaction.
func (s *Server) clearCharacter(ctx context.Context, id int64, ifVersion pgtype.Int8) error {
	return dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := charactersdb.New(dbx.Interpreted(tx))
		if err := lockCharacter(ctx, q, id, ifVersion); err != nil {
			return err
		}
		character := pgtype.Int8{Int64: id, Valid: true}
		actionIDs, err := q.ActionDeleteByFilter(ctx, charactersdb.ActionDeleteByFilterParams{Tenant: auth.Tenant(ctx), CharacterID: character})
		if err != nil {
			return fmt.Errorf("delete actions of character %d: %w", id, err)
		}
		spokenWordIDs, err := q.SpokenWordDeleteByFilter(ctx, charactersdb.SpokenWordDeleteByFilterParams{Tenant: auth.Tenant(ctx), CharacterID: character})
		if err != nil {
			return fmt.Errorf("delete spoken words of character %d: %w", id, err)
		}
		if err := placement.Release(ctx, tx, string(actions.typ), actionIDs); err != nil {
			return err
		}
		return placement.Release(ctx, tx, string(spokenWords.typ), spokenWordIDs)
	})
}

// lockCharacter locks a character's row for the rest of the transaction and checks If-Match.
func lockCharacter(ctx context.Context, q *charactersdb.Queries, id int64, ifVersion pgtype.Int8) error {
	c, err := q.CharacterLockByID(ctx, auth.Tenant(ctx), id)
	if errors.Is(err, dbx.ErrNotFound) {
		return notFound("character", id)
	} else if err != nil {
		return fmt.Errorf("lock character %d: %w", id, err)
	}
	if ifVersion.Valid && ifVersion.Int64 != c.Version {
		return stale(c.Version)
	}
	return nil
}

// characterDependants answers 409 HAS_DEPENDANTS, saying which, when a character has any.
func (s *Server) characterDependants(ctx context.Context, q *charactersdb.Queries, id int64) error {
	own, err := q.CharacterCountDependants(ctx, auth.Tenant(ctx), id)
	if err != nil {
		return fmt.Errorf("count dependants of character %d: %w", id, err)
	}
	contexts, err := s.contextCount(ctx, id)
	if err != nil {
		return err
	}
	var parts []string
	for _, c := range []struct {
		n    int64
		what string
	}{{own.Actions, "actions"}, {own.SpokenWords, "spoken words"}, {own.Paraphrases, "paraphrases"}, {contexts, "character contexts"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return httpapi.Fail(http.StatusConflict, codeHasDependants, "the character has dependants; delete with cascade=true to delete them too",
		strings.Join(parts, ", "))
}
