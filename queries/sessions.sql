-- name: SessionCreate :one
-- SessionCreate stores a new session at version 1.
INSERT INTO sessions.sessions (tenant, user_id, context, context_data)
VALUES (@tenant, @user_id, @context, @context_data)
RETURNING id, user_id, context, context_data, version, created_at, updated_at, tenant;

-- name: SessionGetByID :one
-- SessionGetByID reads one session of the tenant; another tenant's is not found.
SELECT id, user_id, context, context_data, version, created_at, updated_at, tenant
FROM sessions.sessions
WHERE tenant = @tenant AND id = @id;

-- name: SessionReplace :one
-- SessionReplace sets every field and bumps the version, only if the session still has if_version
-- (when given); no row means it does not exist or has another version (see SessionGetByID).
UPDATE sessions.sessions
SET user_id = @user_id, context = @context, context_data = @context_data, version = version + 1,
    updated_at = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, user_id, context, context_data, version, created_at, updated_at, tenant;

-- name: SessionUpdate :one
-- SessionUpdate sets the fields given (NULL keeps a field) and bumps the version, only if the session
-- still has if_version (when given). A given context_data replaces the whole object.
UPDATE sessions.sessions
SET user_id      = coalesce(sqlc.narg(user_id)::bigint, user_id),
    context      = coalesce(sqlc.narg(context)::text, context),
    context_data = coalesce(sqlc.narg(context_data)::jsonb, context_data),
    version      = version + 1,
    updated_at   = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, user_id, context, context_data, version, created_at, updated_at, tenant;

-- name: SessionDelete :execrows
-- SessionDelete deletes a session, only if it still has if_version (when given); 0 rows means it does
-- not exist or has another version.
DELETE FROM sessions.sessions
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint);

-- name: SessionList :many
-- SessionList pages through the tenant's sessions in id order, optionally of one user.
SELECT id, user_id, context, context_data, version, created_at, updated_at, tenant
FROM sessions.sessions
WHERE tenant = @tenant
  AND (sqlc.narg(user_id)::bigint IS NULL OR user_id = sqlc.narg(user_id)::bigint)
ORDER BY id
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: SessionCount :one
-- SessionCount counts what SessionList pages through.
SELECT count(*)
FROM sessions.sessions
WHERE tenant = @tenant
  AND (sqlc.narg(user_id)::bigint IS NULL OR user_id = sqlc.narg(user_id)::bigint);

-- name: CharacterContextCreate :one
-- CharacterContextCreate stores a new character context at version 1; a second context of the same
-- character, script and start position in the tenant violates character_contexts_start_key.
INSERT INTO sessions.character_contexts (tenant, script_id, character_id, start_sequence, context)
VALUES (@tenant, @script_id, @character_id, @start_sequence, @context)
RETURNING id, script_id, character_id, start_sequence, context, version, created_at, updated_at, tenant;

-- name: CharacterContextGetByID :one
-- CharacterContextGetByID reads one character context of the tenant; another tenant's is not found.
SELECT id, script_id, character_id, start_sequence, context, version, created_at, updated_at, tenant
FROM sessions.character_contexts
WHERE tenant = @tenant AND id = @id;

-- name: CharacterContextGetByStart :one
-- CharacterContextGetByStart reads the context of a character in a script that starts at
-- start_sequence, to name it when a write collides with character_contexts_start_key.
SELECT id, script_id, character_id, start_sequence, context, version, created_at, updated_at, tenant
FROM sessions.character_contexts
WHERE tenant = @tenant AND script_id = @script_id AND character_id = @character_id
  AND start_sequence = @start_sequence;

-- name: CharacterContextReplace :one
-- CharacterContextReplace sets every field and bumps the version, only if the context still has
-- if_version (when given); no row means it does not exist or has another version.
UPDATE sessions.character_contexts
SET script_id = @script_id, character_id = @character_id, start_sequence = @start_sequence,
    context = @context, version = version + 1, updated_at = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, script_id, character_id, start_sequence, context, version, created_at, updated_at, tenant;

-- name: CharacterContextUpdate :one
-- CharacterContextUpdate sets the fields given (NULL keeps a field) and bumps the version, only if the
-- context still has if_version (when given). A given context replaces the whole object.
UPDATE sessions.character_contexts
SET script_id      = coalesce(sqlc.narg(script_id)::bigint, script_id),
    character_id   = coalesce(sqlc.narg(character_id)::bigint, character_id),
    start_sequence = coalesce(sqlc.narg(start_sequence)::bigint, start_sequence),
    context        = coalesce(sqlc.narg(context)::jsonb, context),
    version        = version + 1,
    updated_at     = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, script_id, character_id, start_sequence, context, version, created_at, updated_at, tenant;

-- name: CharacterContextDelete :execrows
-- CharacterContextDelete deletes a character context, only if it still has if_version (when given);
-- 0 rows means it does not exist or has another version.
DELETE FROM sessions.character_contexts
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint);

-- name: CharacterContextList :many
-- CharacterContextList pages through the tenant's character contexts by script, character and start
-- position, optionally of one script and/or one character.
SELECT id, script_id, character_id, start_sequence, context, version, created_at, updated_at, tenant
FROM sessions.character_contexts
WHERE tenant = @tenant
  AND (sqlc.narg(script_id)::bigint IS NULL OR script_id = sqlc.narg(script_id)::bigint)
  AND (sqlc.narg(character_id)::bigint IS NULL OR character_id = sqlc.narg(character_id)::bigint)
ORDER BY script_id, character_id, start_sequence
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: CharacterContextCount :one
-- CharacterContextCount counts what CharacterContextList pages through.
SELECT count(*)
FROM sessions.character_contexts
WHERE tenant = @tenant
  AND (sqlc.narg(script_id)::bigint IS NULL OR script_id = sqlc.narg(script_id)::bigint)
  AND (sqlc.narg(character_id)::bigint IS NULL OR character_id = sqlc.narg(character_id)::bigint);

-- name: CharacterContextListAtSequence :many
-- CharacterContextListAtSequence pages through the contexts in force at story position at_sequence of
-- a script, one per character (optionally only one character): the one with the greatest
-- start_sequence <= at_sequence. The inner DISTINCT ON walks character_contexts_start_key backwards.
SELECT c.id, c.script_id, c.character_id, c.start_sequence, c.context, c.version, c.created_at, c.updated_at,
       c.tenant
FROM (
    SELECT DISTINCT ON (cc.character_id)
           cc.id, cc.script_id, cc.character_id, cc.start_sequence, cc.context, cc.version, cc.created_at, cc.updated_at,
           cc.tenant
    FROM sessions.character_contexts cc
    WHERE cc.tenant = @tenant AND cc.script_id = @script_id
      AND (sqlc.narg(character_id)::bigint IS NULL OR cc.character_id = sqlc.narg(character_id)::bigint)
      AND cc.start_sequence <= @at_sequence::bigint
    ORDER BY cc.character_id DESC, cc.start_sequence DESC
) c
ORDER BY c.character_id
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: CharacterContextCountAtSequence :one
-- CharacterContextCountAtSequence counts what CharacterContextListAtSequence pages through: the
-- characters of the script that have a context starting at or before at_sequence.
SELECT count(DISTINCT character_id)
FROM sessions.character_contexts
WHERE tenant = @tenant AND script_id = @script_id
  AND (sqlc.narg(character_id)::bigint IS NULL OR character_id = sqlc.narg(character_id)::bigint)
  AND start_sequence <= @at_sequence::bigint;

-- name: CharacterContextDeleteByFilter :execrows
-- CharacterContextDeleteByFilter deletes every context of a script and/or a character (cascades from
-- the scripts and characters services). With neither filter it deletes nothing, so a caller's bug
-- cannot empty the table.
DELETE FROM sessions.character_contexts
WHERE tenant = @tenant
  AND (sqlc.narg(script_id)::bigint IS NOT NULL OR sqlc.narg(character_id)::bigint IS NOT NULL)
  AND (sqlc.narg(script_id)::bigint IS NULL OR script_id = sqlc.narg(script_id)::bigint)
  AND (sqlc.narg(character_id)::bigint IS NULL OR character_id = sqlc.narg(character_id)::bigint);
