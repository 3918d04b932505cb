-- +goose Up
-- What a screenplay holds beyond a title, an author and headings (Fountain, fountain.io): the keys
-- of its title page, the level of a section heading and the number of a scene, and whether a
-- heading or transition was written with Fountain's forcing mark. Additive: existing rows keep
-- their meaning (no title page, no level, no number, not forced).

-- The title page in the order written: a JSON array of {"key", "value"} objects, values with "\n"
-- between their lines. NULL when the script has none.
ALTER TABLE scripts.scripts ADD COLUMN title_page jsonb
    CHECK (jsonb_typeof(title_page) = 'array' AND pg_column_size(title_page) <= 65536);

ALTER TABLE scripts.sections
    ADD COLUMN depth smallint CHECK (depth BETWEEN 1 AND 6),
    ADD COLUMN scene_number text CHECK (scene_number ~ '^[A-Za-z0-9.\-]{1,20}$'),
    ADD COLUMN forced boolean NOT NULL DEFAULT false;

ALTER TABLE scripts.transitions ADD COLUMN forced boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE scripts.transitions DROP COLUMN forced;
ALTER TABLE scripts.sections DROP COLUMN forced, DROP COLUMN scene_number, DROP COLUMN depth;
ALTER TABLE scripts.scripts DROP COLUMN title_page;
