-- Queries of the Character Management Service (schema characters). Conventions:
-- * sqlc.narg(if_version) is the version an If-Match names, NULL without one (or for `*`). An
--   update or delete that matches no row either names a missing row or a stale version; the
--   handler reads the row to tell 404 from 412. The check is in the statement itself, so no other
--   writer can slip in between the check and the write.
-- * Optional filters are sqlc.narg: NULL means "not given".
-- * Sequence numbers are not here: the Central Sequence Service holds them.
-- * Every row belongs to a tenant (@tenant, the caller's): every query reads and writes only the
--   caller's tenant's rows, so another tenant's row is as missing as one that never existed.
--   Queries that read whole rows return every column in the tables' order (the tenant, then the
--   screenplay fields of migration 3), so that sqlc keeps giving them the tables' types. The list filters name the tenant first, so that the parameters of
--   the action and spoken word lists keep one shape (the handlers convert one filter to either).
-- * Paraphrase queries return every column, the generated per-kind foreign key columns too, so that
--   sqlc gives them all the one CharactersParaphrase type.

-- name: CharacterCreate :one
-- CharacterCreate stores a new character at version 1.
INSERT INTO characters.characters (tenant, name, description)
VALUES (@tenant, @name, @description)
RETURNING id, name, description, version, created_at, updated_at, tenant;

-- name: CharacterGetByID :one
-- CharacterGetByID reads one character.
SELECT id, name, description, version, created_at, updated_at, tenant
FROM characters.characters
WHERE tenant = @tenant AND id = @id;

-- name: CharacterLockByID :one
-- CharacterLockByID reads a character and locks its row for the rest of the transaction, so that a
-- cascading delete works on a character nobody changes meanwhile.
SELECT id, name, description, version, created_at, updated_at, tenant
FROM characters.characters
WHERE tenant = @tenant AND id = @id
FOR UPDATE;

-- name: CharacterList :many
-- CharacterList pages through the characters in id order. Filters: the whole name ignoring case,
-- a list of ids, and a script the character appears in (has an action or a spoken word in).
SELECT c.id, c.name, c.description, c.version, c.created_at, c.updated_at, c.tenant
FROM characters.characters c
WHERE c.tenant = @tenant
  AND (sqlc.narg(name)::text IS NULL OR lower(c.name) = lower(sqlc.narg(name)::text))
  AND (sqlc.narg(ids)::bigint[] IS NULL OR c.id = ANY (sqlc.narg(ids)::bigint[]))
  AND (sqlc.narg(script_id)::bigint IS NULL
       OR EXISTS (SELECT 1 FROM characters.actions a
                  WHERE a.tenant = c.tenant AND a.character_id = c.id AND a.script_id = sqlc.narg(script_id)::bigint)
       OR EXISTS (SELECT 1 FROM characters.spoken_words w
                  WHERE w.tenant = c.tenant AND w.character_id = c.id AND w.script_id = sqlc.narg(script_id)::bigint))
ORDER BY c.id
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: CharacterCount :one
-- CharacterCount counts what CharacterList pages through.
SELECT count(*)
FROM characters.characters c
WHERE c.tenant = @tenant
  AND (sqlc.narg(name)::text IS NULL OR lower(c.name) = lower(sqlc.narg(name)::text))
  AND (sqlc.narg(ids)::bigint[] IS NULL OR c.id = ANY (sqlc.narg(ids)::bigint[]))
  AND (sqlc.narg(script_id)::bigint IS NULL
       OR EXISTS (SELECT 1 FROM characters.actions a
                  WHERE a.tenant = c.tenant AND a.character_id = c.id AND a.script_id = sqlc.narg(script_id)::bigint)
       OR EXISTS (SELECT 1 FROM characters.spoken_words w
                  WHERE w.tenant = c.tenant AND w.character_id = c.id AND w.script_id = sqlc.narg(script_id)::bigint));

-- name: CharacterReplace :one
-- CharacterReplace sets every field of a character (PUT) and bumps its version, if If-Match allows.
UPDATE characters.characters
SET name = @name, description = @description, version = version + 1, updated_at = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, name, description, version, created_at, updated_at, tenant;

-- name: CharacterUpdate :one
-- CharacterUpdate sets the given fields of a character (PATCH) and bumps its version, if If-Match
-- allows.
UPDATE characters.characters
SET name        = coalesce(sqlc.narg(name)::text, name),
    description = coalesce(sqlc.narg(description)::text, description),
    version     = version + 1,
    updated_at  = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, name, description, version, created_at, updated_at, tenant;

-- name: CharacterCountDependants :one
-- CharacterCountDependants counts what keeps a character from being deleted without a cascade
-- (its character contexts live in the Session & Context service and are counted there).
SELECT (SELECT count(*) FROM characters.actions a
        WHERE a.tenant = @tenant::text AND a.character_id = @id::bigint)::bigint AS actions,
       (SELECT count(*) FROM characters.spoken_words w
        WHERE w.tenant = @tenant::text AND w.character_id = @id::bigint)::bigint AS spoken_words,
       (SELECT count(*) FROM characters.paraphrases p
        WHERE p.tenant = @tenant::text AND p.original_type = 'character' AND p.original_id = @id::bigint)::bigint AS paraphrases;

-- name: CharacterDelete :one
-- CharacterDelete deletes a character, if If-Match allows, and with cascade its own paraphrases in
-- the same statement. Its actions and spoken words must be gone first (ActionDeleteByFilter,
-- SpokenWordDeleteByFilter in the same transaction): any dependant left fails the foreign keys
-- (23503), which also catches one added concurrently after the dependants were counted.
WITH target AS (
    SELECT c.tenant, c.id FROM characters.characters c
    WHERE c.tenant = @tenant AND c.id = @id AND (sqlc.narg(if_version)::bigint IS NULL OR c.version = sqlc.narg(if_version)::bigint)
),
gone AS (
    DELETE FROM characters.paraphrases p
    USING target t
    WHERE @cascade::boolean AND p.tenant = t.tenant AND p.original_type = 'character' AND p.original_id = t.id
)
DELETE FROM characters.characters c
USING target t
WHERE c.tenant = t.tenant AND c.id = t.id
RETURNING c.id;

-- name: ActionCreate :one
-- ActionCreate stores a new action at version 1; the caller allocates its position in the same
-- transaction.
INSERT INTO characters.actions (tenant, script_id, section_id, character_id, description, format, forced)
VALUES (@tenant, @script_id, sqlc.narg(section_id), sqlc.narg(character_id), @description, @format, @forced)
RETURNING id, script_id, section_id, character_id, description, version, created_at, updated_at, tenant, format, forced;

-- name: ActionGetByID :one
-- ActionGetByID reads one action.
SELECT id, script_id, section_id, character_id, description, version, created_at, updated_at, tenant, format, forced
FROM characters.actions
WHERE tenant = @tenant AND id = @id;

-- name: ActionListByIDs :many
-- ActionListByIDs reads the listed actions that exist, e.g. one page of a script's story order.
SELECT id, script_id, section_id, character_id, description, version, created_at, updated_at, tenant, format, forced
FROM characters.actions
WHERE tenant = @tenant AND id = ANY (@ids::bigint[])
ORDER BY id;

-- name: ActionContentsInScript :many
-- ActionContentsInScript reads the listed actions of one script, without timestamps: the contents
-- a caller holding the story order needs.
SELECT id, section_id, character_id, description, version, format, forced
FROM characters.actions
WHERE tenant = @tenant AND script_id = @script_id AND id = ANY (@ids::bigint[])
ORDER BY id;

-- name: ActionList :many
-- ActionList pages through the actions in id order, filtered by script, section, character and
-- a list of ids (lists in story order page through the sequence positions instead).
SELECT id, script_id, section_id, character_id, description, version, created_at, updated_at, tenant, format, forced
FROM characters.actions
WHERE tenant = @tenant
  AND (sqlc.narg(script_id)::bigint IS NULL OR script_id = sqlc.narg(script_id)::bigint)
  AND (sqlc.narg(section_id)::bigint IS NULL OR section_id = sqlc.narg(section_id)::bigint)
  AND (sqlc.narg(character_id)::bigint IS NULL OR character_id = sqlc.narg(character_id)::bigint)
  AND (sqlc.narg(ids)::bigint[] IS NULL OR id = ANY (sqlc.narg(ids)::bigint[]))
ORDER BY id
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: ActionCount :one
-- ActionCount counts what ActionList pages through.
SELECT count(*)
FROM characters.actions
WHERE tenant = @tenant
  AND (sqlc.narg(script_id)::bigint IS NULL OR script_id = sqlc.narg(script_id)::bigint)
  AND (sqlc.narg(section_id)::bigint IS NULL OR section_id = sqlc.narg(section_id)::bigint)
  AND (sqlc.narg(character_id)::bigint IS NULL OR character_id = sqlc.narg(character_id)::bigint)
  AND (sqlc.narg(ids)::bigint[] IS NULL OR id = ANY (sqlc.narg(ids)::bigint[]));

-- name: ActionListIDsByFilter :many
-- ActionListIDsByFilter returns the ids of every action of a script matching the filters, for a
-- list in story order that also filters by section, character or ids: the handler reads their
-- positions in batch lookups and pages through them in story order.
SELECT id
FROM characters.actions
WHERE tenant = @tenant AND script_id = @script_id
  AND (sqlc.narg(section_id)::bigint IS NULL OR section_id = sqlc.narg(section_id)::bigint)
  AND (sqlc.narg(character_id)::bigint IS NULL OR character_id = sqlc.narg(character_id)::bigint)
  AND (sqlc.narg(ids)::bigint[] IS NULL OR id = ANY (sqlc.narg(ids)::bigint[]))
ORDER BY id;

-- name: ActionReplace :one
-- ActionReplace sets every field a client sets (PUT; a NULL section or character removes the link,
-- the handler passes the defaults of format and forced when they are not sent) and bumps the
-- version, if If-Match allows. The script never changes.
UPDATE characters.actions
SET description  = @description,
    section_id   = sqlc.narg(section_id),
    character_id = sqlc.narg(character_id),
    format       = @format,
    forced       = @forced,
    version      = version + 1,
    updated_at   = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, script_id, section_id, character_id, description, version, created_at, updated_at, tenant, format, forced;

-- name: ActionUpdate :one
-- ActionUpdate sets the given fields (PATCH; NULL keeps a field) and bumps the version, if
-- If-Match allows.
UPDATE characters.actions
SET description  = coalesce(sqlc.narg(description)::text, description),
    section_id   = coalesce(sqlc.narg(section_id)::bigint, section_id),
    character_id = coalesce(sqlc.narg(character_id)::bigint, character_id),
    format       = coalesce(sqlc.narg(format)::text, format),
    forced       = coalesce(sqlc.narg(forced)::boolean, forced),
    version      = version + 1,
    updated_at   = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, script_id, section_id, character_id, description, version, created_at, updated_at, tenant, format, forced;

-- name: ActionDelete :one
-- ActionDelete deletes an action, if If-Match allows, and with cascade its paraphrases in the same
-- statement. Without cascade a paraphrase left fails the foreign key (23503): HAS_DEPENDANTS.
WITH target AS (
    SELECT a.tenant, a.id FROM characters.actions a
    WHERE a.tenant = @tenant AND a.id = @id AND (sqlc.narg(if_version)::bigint IS NULL OR a.version = sqlc.narg(if_version)::bigint)
),
gone AS (
    DELETE FROM characters.paraphrases p
    USING target t
    WHERE @cascade::boolean AND p.tenant = t.tenant AND p.original_type = 'action' AND p.original_id = t.id
)
DELETE FROM characters.actions a
USING target t
WHERE a.tenant = t.tenant AND a.id = t.id
RETURNING a.id;

-- name: ActionDeleteByFilter :many
-- ActionDeleteByFilter deletes every action matching all the given filters (at least one; none
-- deletes nothing) with its paraphrases, and returns the deleted ids so that their positions can
-- be released.
WITH doomed AS (
    DELETE FROM characters.actions a
    WHERE a.tenant = @tenant
      AND (sqlc.narg(script_id)::bigint IS NOT NULL OR sqlc.narg(section_id)::bigint IS NOT NULL
           OR sqlc.narg(character_id)::bigint IS NOT NULL)
      AND (sqlc.narg(script_id)::bigint IS NULL OR a.script_id = sqlc.narg(script_id)::bigint)
      AND (sqlc.narg(section_id)::bigint IS NULL OR a.section_id = sqlc.narg(section_id)::bigint)
      AND (sqlc.narg(character_id)::bigint IS NULL OR a.character_id = sqlc.narg(character_id)::bigint)
    RETURNING a.tenant, a.id
),
gone AS (
    DELETE FROM characters.paraphrases p
    USING doomed d
    WHERE p.tenant = d.tenant AND p.original_type = 'action' AND p.original_id = d.id
)
SELECT id FROM doomed ORDER BY id;

-- name: SpokenWordCreate :one
-- SpokenWordCreate stores a new spoken word at version 1; the caller allocates its position in the
-- same transaction.
INSERT INTO characters.spoken_words (tenant, script_id, section_id, character_id, text,
    parenthetical, extension, dual, continues_dialogue, lyric, forced)
VALUES (@tenant, @script_id, sqlc.narg(section_id), sqlc.narg(character_id), @text,
    sqlc.narg(parenthetical), sqlc.narg(extension), @dual, @continues_dialogue, @lyric, @forced)
RETURNING id, script_id, section_id, character_id, text, version, created_at, updated_at, tenant,
       parenthetical, extension, dual, continues_dialogue, lyric, forced;

-- name: SpokenWordGetByID :one
-- SpokenWordGetByID reads one spoken word.
SELECT id, script_id, section_id, character_id, text, version, created_at, updated_at, tenant,
       parenthetical, extension, dual, continues_dialogue, lyric, forced
FROM characters.spoken_words
WHERE tenant = @tenant AND id = @id;

-- name: SpokenWordListByIDs :many
-- SpokenWordListByIDs reads the listed spoken words that exist, e.g. one page of a script's story
-- order.
SELECT id, script_id, section_id, character_id, text, version, created_at, updated_at, tenant,
       parenthetical, extension, dual, continues_dialogue, lyric, forced
FROM characters.spoken_words
WHERE tenant = @tenant AND id = ANY (@ids::bigint[])
ORDER BY id;

-- name: SpokenWordContentsInScript :many
-- SpokenWordContentsInScript reads the listed spoken words of one script, without timestamps.
SELECT id, section_id, character_id, text, version, parenthetical, extension, dual, continues_dialogue, lyric, forced
FROM characters.spoken_words
WHERE tenant = @tenant AND script_id = @script_id AND id = ANY (@ids::bigint[])
ORDER BY id;

-- name: SpokenWordList :many
-- SpokenWordList pages through the spoken words in id order, filtered by script, section,
-- character and a list of ids (lists in story order page through the sequence positions instead).
SELECT id, script_id, section_id, character_id, text, version, created_at, updated_at, tenant,
       parenthetical, extension, dual, continues_dialogue, lyric, forced
FROM characters.spoken_words
WHERE tenant = @tenant
  AND (sqlc.narg(script_id)::bigint IS NULL OR script_id = sqlc.narg(script_id)::bigint)
  AND (sqlc.narg(section_id)::bigint IS NULL OR section_id = sqlc.narg(section_id)::bigint)
  AND (sqlc.narg(character_id)::bigint IS NULL OR character_id = sqlc.narg(character_id)::bigint)
  AND (sqlc.narg(ids)::bigint[] IS NULL OR id = ANY (sqlc.narg(ids)::bigint[]))
ORDER BY id
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: SpokenWordCount :one
-- SpokenWordCount counts what SpokenWordList pages through.
SELECT count(*)
FROM characters.spoken_words
WHERE tenant = @tenant
  AND (sqlc.narg(script_id)::bigint IS NULL OR script_id = sqlc.narg(script_id)::bigint)
  AND (sqlc.narg(section_id)::bigint IS NULL OR section_id = sqlc.narg(section_id)::bigint)
  AND (sqlc.narg(character_id)::bigint IS NULL OR character_id = sqlc.narg(character_id)::bigint)
  AND (sqlc.narg(ids)::bigint[] IS NULL OR id = ANY (sqlc.narg(ids)::bigint[]));

-- name: SpokenWordListIDsByFilter :many
-- SpokenWordListIDsByFilter returns the ids of every spoken word of a script matching the filters,
-- for a list in story order that also filters by section, character or ids.
SELECT id
FROM characters.spoken_words
WHERE tenant = @tenant AND script_id = @script_id
  AND (sqlc.narg(section_id)::bigint IS NULL OR section_id = sqlc.narg(section_id)::bigint)
  AND (sqlc.narg(character_id)::bigint IS NULL OR character_id = sqlc.narg(character_id)::bigint)
  AND (sqlc.narg(ids)::bigint[] IS NULL OR id = ANY (sqlc.narg(ids)::bigint[]))
ORDER BY id;

-- name: SpokenWordReplace :one
-- SpokenWordReplace sets every field a client sets (PUT; a NULL section, character, parenthetical or
-- extension removes it, the handler passes false for a flag not sent) and bumps the version, if
-- If-Match allows. The script never changes.
UPDATE characters.spoken_words
SET text               = @text,
    section_id         = sqlc.narg(section_id),
    character_id       = sqlc.narg(character_id),
    parenthetical      = sqlc.narg(parenthetical),
    extension          = sqlc.narg(extension),
    dual               = @dual,
    continues_dialogue = @continues_dialogue,
    lyric              = @lyric,
    forced             = @forced,
    version            = version + 1,
    updated_at         = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, script_id, section_id, character_id, text, version, created_at, updated_at, tenant,
       parenthetical, extension, dual, continues_dialogue, lyric, forced;

-- name: SpokenWordUpdate :one
-- SpokenWordUpdate sets the given fields (PATCH; NULL keeps a field) and bumps the version, if
-- If-Match allows.
UPDATE characters.spoken_words
SET text               = coalesce(sqlc.narg(text)::text, text),
    section_id         = coalesce(sqlc.narg(section_id)::bigint, section_id),
    character_id       = coalesce(sqlc.narg(character_id)::bigint, character_id),
    parenthetical      = coalesce(sqlc.narg(parenthetical)::text, parenthetical),
    extension          = coalesce(sqlc.narg(extension)::text, extension),
    dual               = coalesce(sqlc.narg(dual)::boolean, dual),
    continues_dialogue = coalesce(sqlc.narg(continues_dialogue)::boolean, continues_dialogue),
    lyric              = coalesce(sqlc.narg(lyric)::boolean, lyric),
    forced             = coalesce(sqlc.narg(forced)::boolean, forced),
    version            = version + 1,
    updated_at         = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, script_id, section_id, character_id, text, version, created_at, updated_at, tenant,
       parenthetical, extension, dual, continues_dialogue, lyric, forced;

-- name: SpokenWordDelete :one
-- SpokenWordDelete deletes a spoken word, if If-Match allows, and with cascade its paraphrases in
-- the same statement. Without cascade a paraphrase left fails the foreign key (23503):
-- HAS_DEPENDANTS.
WITH target AS (
    SELECT w.tenant, w.id FROM characters.spoken_words w
    WHERE w.tenant = @tenant AND w.id = @id AND (sqlc.narg(if_version)::bigint IS NULL OR w.version = sqlc.narg(if_version)::bigint)
),
gone AS (
    DELETE FROM characters.paraphrases p
    USING target t
    WHERE @cascade::boolean AND p.tenant = t.tenant AND p.original_type = 'spokenWord' AND p.original_id = t.id
)
DELETE FROM characters.spoken_words w
USING target t
WHERE w.tenant = t.tenant AND w.id = t.id
RETURNING w.id;

-- name: SpokenWordDeleteByFilter :many
-- SpokenWordDeleteByFilter deletes every spoken word matching all the given filters (at least one;
-- none deletes nothing) with its paraphrases, and returns the deleted ids so that their positions
-- can be released.
WITH doomed AS (
    DELETE FROM characters.spoken_words w
    WHERE w.tenant = @tenant
      AND (sqlc.narg(script_id)::bigint IS NOT NULL OR sqlc.narg(section_id)::bigint IS NOT NULL
           OR sqlc.narg(character_id)::bigint IS NOT NULL)
      AND (sqlc.narg(script_id)::bigint IS NULL OR w.script_id = sqlc.narg(script_id)::bigint)
      AND (sqlc.narg(section_id)::bigint IS NULL OR w.section_id = sqlc.narg(section_id)::bigint)
      AND (sqlc.narg(character_id)::bigint IS NULL OR w.character_id = sqlc.narg(character_id)::bigint)
    RETURNING w.tenant, w.id
),
gone AS (
    DELETE FROM characters.paraphrases p
    USING doomed d
    WHERE p.tenant = d.tenant AND p.original_type = 'spokenWord' AND p.original_id = d.id
)
SELECT id FROM doomed ORDER BY id;

-- name: ParaphraseCreate :one
-- ParaphraseCreate stores a paraphrase of a character, action or spoken word at version 1. A
-- missing original fails the foreign key (23503): the handler answers 404.
INSERT INTO characters.paraphrases (tenant, original_type, original_id, text, commentary)
VALUES (@tenant, @original_type, @original_id, @text, @commentary)
RETURNING id, original_type, original_id, text, commentary, version, created_at, updated_at,
       character_id, action_id, spoken_word_id, tenant;

-- name: ParaphraseGetByID :one
-- ParaphraseGetByID reads a paraphrase under its original; one of another original is not found.
SELECT id, original_type, original_id, text, commentary, version, created_at, updated_at,
       character_id, action_id, spoken_word_id, tenant
FROM characters.paraphrases
WHERE tenant = @tenant AND id = @id AND original_type = @original_type AND original_id = @original_id;

-- name: ParaphraseListByOriginal :many
-- ParaphraseListByOriginal pages through an original's paraphrases, oldest first.
SELECT id, original_type, original_id, text, commentary, version, created_at, updated_at,
       character_id, action_id, spoken_word_id, tenant
FROM characters.paraphrases
WHERE tenant = @tenant AND original_type = @original_type AND original_id = @original_id
ORDER BY id
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: ParaphraseCountByOriginal :one
-- ParaphraseCountByOriginal counts an original's paraphrases: the list's total, and the
-- dependants that keep an action or spoken word from being deleted without a cascade.
SELECT count(*)
FROM characters.paraphrases
WHERE tenant = @tenant AND original_type = @original_type AND original_id = @original_id;

-- name: ParaphraseReplace :one
-- ParaphraseReplace sets text and commentary (PUT) and bumps the version, if If-Match allows.
UPDATE characters.paraphrases
SET text = @text, commentary = @commentary, version = version + 1, updated_at = now()
WHERE tenant = @tenant AND id = @id AND original_type = @original_type AND original_id = @original_id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, original_type, original_id, text, commentary, version, created_at, updated_at,
       character_id, action_id, spoken_word_id, tenant;

-- name: ParaphraseUpdate :one
-- ParaphraseUpdate sets the given fields (PATCH; NULL keeps a field) and bumps the version, if
-- If-Match allows.
UPDATE characters.paraphrases
SET text       = coalesce(sqlc.narg(text)::text, text),
    commentary = coalesce(sqlc.narg(commentary)::text, commentary),
    version    = version + 1,
    updated_at = now()
WHERE tenant = @tenant AND id = @id AND original_type = @original_type AND original_id = @original_id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, original_type, original_id, text, commentary, version, created_at, updated_at,
       character_id, action_id, spoken_word_id, tenant;

-- name: ParaphraseDelete :one
-- ParaphraseDelete deletes a paraphrase under its original, if If-Match allows.
DELETE FROM characters.paraphrases
WHERE tenant = @tenant AND id = @id AND original_type = @original_type AND original_id = @original_id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id;
