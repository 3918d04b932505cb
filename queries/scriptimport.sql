-- Queries of a screenplay's import (importScript): the script, all its section headings and all its
-- transitions, each kind in one statement, inside the import's one transaction. The arrays of a kind
-- unnest side by side (set-returning functions in one select list advance together), in their
-- order, and the rows are inserted in that order, so their identity ids ascend in it.

-- name: ImportScript :one
-- ImportScript stores the imported script at version 1 with its title page.
INSERT INTO scripts.scripts (tenant, title, author, title_page)
VALUES (@tenant, @title, sqlc.narg(author), sqlc.narg(title_page)::jsonb)
RETURNING id, version, created_at, updated_at;

-- name: ImportSections :many
-- ImportSections stores a script's section headings, in the order given; empty strings and depth 0
-- stand for "none".
INSERT INTO scripts.sections (tenant, script_id, title, description, kind, depth, scene_number, forced)
SELECT @tenant, @script_id, s.title, nullif(s.description, ''), s.kind, nullif(s.depth, 0), nullif(s.scene_number, ''), s.forced
FROM (
    SELECT unnest(@titles::text[]) AS title, unnest(@descriptions::text[]) AS description,
           unnest(@kinds::text[]) AS kind, unnest(@depths::smallint[]) AS depth,
           unnest(@scene_numbers::text[]) AS scene_number, unnest(@forced::boolean[]) AS forced
) s
RETURNING id;

-- name: ImportTransitions :many
-- ImportTransitions stores a script's transitions, in the order given; section 0 stands for none.
INSERT INTO scripts.transitions (tenant, script_id, section_id, text, forced)
SELECT @tenant, @script_id, nullif(t.section_id, 0), t.text, t.forced
FROM (
    SELECT unnest(@section_ids::bigint[]) AS section_id, unnest(@texts::text[]) AS text, unnest(@forced::boolean[]) AS forced
) t
RETURNING id;
