-- +goose Up
CREATE SCHEMA IF NOT EXISTS scripts;

-- Trigram indexes make the case-insensitive substring filters of listScripts (ILIKE '%…%') indexable.
-- pg_trgm is a trusted extension and belongs to the database, not to this schema, so it goes into
-- public where any service may share it; the down migration leaves it in place for that reason.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- Scripts are the roots of everything else; the order of their content lives in the sequence service,
-- never here. Optional texts are NULL when not given, so answers omit them instead of inventing "".
CREATE TABLE scripts.scripts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title       text   NOT NULL CHECK (char_length(title) BETWEEN 1 AND 500),
    author      text   CHECK (char_length(author) BETWEEN 1 AND 200),
    description text   CHECK (char_length(description) BETWEEN 1 AND 10000),
    -- Optimistic concurrency: every update bumps it, If-Match compares against it.
    version     bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX scripts_title_trgm_idx ON scripts.scripts USING gin (title public.gin_trgm_ops);
CREATE INDEX scripts_author_trgm_idx ON scripts.scripts USING gin (author public.gin_trgm_ops);

-- Section headings (acts, scenes…). Their order is the script's `sections` scope in the sequence service.
CREATE TABLE scripts.sections (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- No ON DELETE CASCADE: a script goes only after its sections were deleted explicitly, so their
    -- positions are released too and nothing is left dangling.
    script_id   bigint NOT NULL REFERENCES scripts.scripts (id),
    title       text   NOT NULL CHECK (char_length(title) BETWEEN 1 AND 500),
    description text   CHECK (char_length(description) BETWEEN 1 AND 10000),
    kind        text   CHECK (kind ~ '^[a-z][A-Za-z0-9]{0,39}$'),
    version     bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- Target of the transitions' composite key, which keeps a transition's section in its own script;
    -- also serves lookups of a script's sections.
    CONSTRAINT sections_script_id_id_key UNIQUE (script_id, id)
);

-- Transitions (CUT TO: …). Their order is the script's `story` scope in the sequence service.
CREATE TABLE scripts.transitions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    script_id  bigint NOT NULL REFERENCES scripts.scripts (id),
    -- Optional; MATCH SIMPLE skips the check when it is NULL.
    section_id bigint,
    text       text   NOT NULL CHECK (char_length(text) BETWEEN 1 AND 500),
    version    bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- The section must belong to the same script; a section with transitions cannot be deleted.
    CONSTRAINT transitions_section_fkey FOREIGN KEY (script_id, section_id)
        REFERENCES scripts.sections (script_id, id)
);

-- Lookups by script (cascade, dependant counts) and by section (a section's dependants).
CREATE INDEX transitions_script_section_idx ON scripts.transitions (script_id, section_id);

-- +goose Down
DROP TABLE scripts.transitions;
DROP TABLE scripts.sections;
DROP TABLE scripts.scripts;
