-- Queries of the Core Script Management Service (schema scripts). Every query is confined to the
-- caller's tenant: another tenant's rows are never read, changed or counted, so they answer exactly
-- like rows that do not exist. Sections and transitions share their script's tenant (the foreign
-- keys carry it), and are checked on their own tenant too. Updates and deletes take an optional
-- if_version: NULL means "any version"; otherwise the row changes only if it still has that version,
-- and no row comes back when it has another one (or does not exist), which the handler tells apart
-- with the matching GetByID.

-- name: ScriptCreate :one
-- ScriptCreate stores a new script at version 1.
INSERT INTO scripts.scripts (tenant, title, author, description, title_page)
VALUES (@tenant, @title, sqlc.narg(author), sqlc.narg(description), sqlc.narg(title_page))
RETURNING id, title, author, description, version, created_at, updated_at, tenant, title_page;

-- name: ScriptGetByID :one
-- ScriptGetByID reads one script.
SELECT id, title, author, description, version, created_at, updated_at, tenant, title_page
FROM scripts.scripts
WHERE tenant = @tenant AND id = @id;

-- name: ScriptLockByID :one
-- ScriptLockByID reads a script and locks its row until the transaction ends; a cascade delete holds
-- it so that no section or transition can be added (their foreign key needs the row) meanwhile.
SELECT id, title, author, description, version, created_at, updated_at, tenant, title_page
FROM scripts.scripts
WHERE tenant = @tenant AND id = @id
FOR UPDATE;

-- name: ScriptList :many
-- ScriptList pages through scripts in creation order; title and author, when given, match as
-- case-insensitive substrings (LIKE wildcards in them are taken literally).
SELECT id, title, author, description, version, created_at, updated_at, tenant, title_page
FROM scripts.scripts
WHERE tenant = @tenant
  AND (sqlc.narg(title)::text IS NULL
       OR title ILIKE '%' || replace(replace(replace(sqlc.narg(title)::text, '\', '\\'), '%', '\%'), '_', '\_') || '%')
  AND (sqlc.narg(author)::text IS NULL
       OR author ILIKE '%' || replace(replace(replace(sqlc.narg(author)::text, '\', '\\'), '%', '\%'), '_', '\_') || '%')
ORDER BY id
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: ScriptCount :one
-- ScriptCount counts what ScriptList pages through.
SELECT count(*)
FROM scripts.scripts
WHERE tenant = @tenant
  AND (sqlc.narg(title)::text IS NULL
       OR title ILIKE '%' || replace(replace(replace(sqlc.narg(title)::text, '\', '\\'), '%', '\%'), '_', '\_') || '%')
  AND (sqlc.narg(author)::text IS NULL
       OR author ILIKE '%' || replace(replace(replace(sqlc.narg(author)::text, '\', '\\'), '%', '\%'), '_', '\_') || '%');

-- name: ScriptReplace :one
-- ScriptReplace sets every field of a script (absent optional fields become NULL) and bumps its
-- version, if it still has if_version.
UPDATE scripts.scripts
SET title = @title, author = sqlc.narg(author), description = sqlc.narg(description),
    title_page = sqlc.narg(title_page),
    version = version + 1, updated_at = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, title, author, description, version, created_at, updated_at, tenant, title_page;

-- name: ScriptPatch :one
-- ScriptPatch changes the given fields of a script, keeps the others and bumps its version, if it
-- still has if_version.
UPDATE scripts.scripts
SET title       = coalesce(sqlc.narg(title), title),
    author      = coalesce(sqlc.narg(author), author),
    description = coalesce(sqlc.narg(description), description),
    title_page  = coalesce(sqlc.narg(title_page), title_page),
    version = version + 1, updated_at = now()
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, title, author, description, version, created_at, updated_at, tenant, title_page;

-- name: ScriptDelete :one
-- ScriptDelete deletes a script if it still has if_version; its sections and transitions must be
-- gone first (the foreign keys refuse otherwise).
DELETE FROM scripts.scripts
WHERE tenant = @tenant AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id;

-- name: ScriptDependantCounts :one
-- ScriptDependantCounts counts a script's own dependants, for the HAS_DEPENDANTS refusal.
SELECT (SELECT count(*) FROM scripts.sections s WHERE s.tenant = @tenant AND s.script_id = @script_id)::bigint AS sections,
       (SELECT count(*) FROM scripts.transitions t WHERE t.tenant = @tenant AND t.script_id = @script_id)::bigint AS transitions;

-- name: SectionCreate :one
-- SectionCreate stores a new section heading of a script at version 1; its position is allocated in
-- the same transaction by the handler.
INSERT INTO scripts.sections (tenant, script_id, title, description, kind, depth, scene_number, forced)
VALUES (@tenant, @script_id, @title, sqlc.narg(description), sqlc.narg(kind),
        sqlc.narg(depth), sqlc.narg(scene_number), @forced)
RETURNING id, script_id, title, description, kind, version, created_at, updated_at, tenant, depth, scene_number, forced;

-- name: SectionGetByID :one
-- SectionGetByID reads one section heading of a script.
SELECT id, script_id, title, description, kind, version, created_at, updated_at, tenant, depth, scene_number, forced
FROM scripts.sections
WHERE tenant = @tenant AND script_id = @script_id AND id = @id;

-- name: SectionListByIDs :many
-- SectionListByIDs reads the given section headings of a script in the order of ids (the order a page
-- of sequence positions gives); ids that are not the script's are left out.
SELECT s.id, s.script_id, s.title, s.description, s.kind, s.version, s.created_at, s.updated_at, s.tenant,
       s.depth, s.scene_number, s.forced
FROM unnest(@ids::bigint[]) WITH ORDINALITY AS o (id, ord)
JOIN scripts.sections s ON s.id = o.id
WHERE s.tenant = @tenant AND s.script_id = @script_id
ORDER BY o.ord;

-- name: SectionReplace :one
-- SectionReplace sets every field of a section heading (absent optional fields become NULL) and bumps
-- its version, if it still has if_version.
UPDATE scripts.sections
SET title = @title, description = sqlc.narg(description), kind = sqlc.narg(kind),
    depth = sqlc.narg(depth), scene_number = sqlc.narg(scene_number), forced = @forced,
    version = version + 1, updated_at = now()
WHERE tenant = @tenant AND script_id = @script_id AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, script_id, title, description, kind, version, created_at, updated_at, tenant, depth, scene_number, forced;

-- name: SectionPatch :one
-- SectionPatch changes the given fields of a section heading, keeps the others and bumps its version,
-- if it still has if_version.
UPDATE scripts.sections
SET title        = coalesce(sqlc.narg(title), title),
    description  = coalesce(sqlc.narg(description), description),
    kind         = coalesce(sqlc.narg(kind), kind),
    depth        = coalesce(sqlc.narg(depth), depth),
    scene_number = coalesce(sqlc.narg(scene_number), scene_number),
    forced       = coalesce(sqlc.narg(forced), forced),
    version = version + 1, updated_at = now()
WHERE tenant = @tenant AND script_id = @script_id AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, script_id, title, description, kind, version, created_at, updated_at, tenant, depth, scene_number, forced;

-- name: SectionDelete :one
-- SectionDelete deletes a section heading if it still has if_version; the transitions' foreign key
-- refuses while a transition names it.
DELETE FROM scripts.sections
WHERE tenant = @tenant AND script_id = @script_id AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id;

-- name: SectionDeleteByScript :many
-- SectionDeleteByScript deletes every section heading of a script (cascade) and returns their ids, so
-- their positions can be released. Delete the script's transitions first.
DELETE FROM scripts.sections
WHERE tenant = @tenant AND script_id = @script_id
RETURNING id;

-- name: SectionDependantCount :one
-- SectionDependantCount counts the transitions that name a section heading, for the HAS_DEPENDANTS
-- refusal (actions and spoken words are counted by the Character Management service).
SELECT count(*)
FROM scripts.transitions
WHERE tenant = @tenant AND script_id = @script_id AND section_id = @section_id::bigint;

-- name: TransitionCreate :one
-- TransitionCreate stores a new transition of a script at version 1; its position is allocated in the
-- same transaction by the handler.
INSERT INTO scripts.transitions (tenant, script_id, section_id, text, forced)
VALUES (@tenant, @script_id, sqlc.narg(section_id), @text, @forced)
RETURNING id, script_id, section_id, text, version, created_at, updated_at, tenant, forced;

-- name: TransitionGetByID :one
-- TransitionGetByID reads one transition of a script.
SELECT id, script_id, section_id, text, version, created_at, updated_at, tenant, forced
FROM scripts.transitions
WHERE tenant = @tenant AND script_id = @script_id AND id = @id;

-- name: TransitionListByIDs :many
-- TransitionListByIDs reads the given transitions of a script in the order of ids (the order a page of
-- sequence positions gives); ids that are not the script's are left out.
SELECT t.id, t.script_id, t.section_id, t.text, t.version, t.created_at, t.updated_at, t.tenant, t.forced
FROM unnest(@ids::bigint[]) WITH ORDINALITY AS o (id, ord)
JOIN scripts.transitions t ON t.id = o.id
WHERE t.tenant = @tenant AND t.script_id = @script_id
ORDER BY o.ord;

-- name: TransitionReplace :one
-- TransitionReplace sets every field of a transition (an absent section becomes NULL) and bumps its
-- version, if it still has if_version.
UPDATE scripts.transitions
SET text = @text, section_id = sqlc.narg(section_id), forced = @forced,
    version = version + 1, updated_at = now()
WHERE tenant = @tenant AND script_id = @script_id AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, script_id, section_id, text, version, created_at, updated_at, tenant, forced;

-- name: TransitionPatch :one
-- TransitionPatch changes the given fields of a transition, keeps the others and bumps its version, if
-- it still has if_version.
UPDATE scripts.transitions
SET text       = coalesce(sqlc.narg(text), text),
    section_id = coalesce(sqlc.narg(section_id), section_id),
    forced     = coalesce(sqlc.narg(forced), forced),
    version = version + 1, updated_at = now()
WHERE tenant = @tenant AND script_id = @script_id AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id, script_id, section_id, text, version, created_at, updated_at, tenant, forced;

-- name: TransitionDelete :one
-- TransitionDelete deletes a transition if it still has if_version.
DELETE FROM scripts.transitions
WHERE tenant = @tenant AND script_id = @script_id AND id = @id
  AND (sqlc.narg(if_version)::bigint IS NULL OR version = sqlc.narg(if_version)::bigint)
RETURNING id;

-- name: TransitionDeleteByScript :many
-- TransitionDeleteByScript deletes every transition of a script (cascade) and returns their ids, so
-- their positions can be released.
DELETE FROM scripts.transitions
WHERE tenant = @tenant AND script_id = @script_id
RETURNING id;
