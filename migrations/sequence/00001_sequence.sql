-- +goose Up
CREATE SCHEMA IF NOT EXISTS sequence;

-- Scopes are the number lines; their rows double as the lock that serialises allocation and reorder
-- within one scope across every replica of the service.
CREATE TABLE sequence.scopes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 0 stands for "no script": the v2 scopes, one per element type.
    script_id  bigint NOT NULL DEFAULT 0 CHECK (script_id >= 0),
    name       text   NOT NULL CHECK (name ~ '^[a-z][A-Za-z0-9_.-]{0,62}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (script_id, name)
);

CREATE TABLE sequence.positions (
    element_type    text   NOT NULL,
    element_id      bigint NOT NULL CHECK (element_id > 0),
    scope_id        bigint NOT NULL REFERENCES sequence.scopes (id),
    sequence_number bigint NOT NULL CHECK (sequence_number > 0),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- An element holds one position.
    PRIMARY KEY (element_type, element_id),
    -- Deferrable so that one UPDATE can swap numbers: uniqueness is checked at the end of the statement.
    CONSTRAINT positions_scope_number_key UNIQUE (scope_id, sequence_number) DEFERRABLE INITIALLY IMMEDIATE
);

-- The last version number handed out per element; bumping it and inserting the version in one
-- statement keeps numbers gapless under concurrency.
CREATE TABLE sequence.version_heads (
    element_type text   NOT NULL,
    element_id   bigint NOT NULL CHECK (element_id > 0),
    last_version bigint NOT NULL CHECK (last_version > 0),
    PRIMARY KEY (element_type, element_id)
);

CREATE TABLE sequence.versions (
    element_type   text   NOT NULL,
    element_id     bigint NOT NULL,
    version_number bigint NOT NULL CHECK (version_number > 0),
    data           jsonb  NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (element_type, element_id, version_number)
);

-- +goose Down
DROP TABLE sequence.versions;
DROP TABLE sequence.version_heads;
DROP TABLE sequence.positions;
DROP TABLE sequence.scopes;
