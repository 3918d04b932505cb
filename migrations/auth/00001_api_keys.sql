-- +goose Up
CREATE SCHEMA IF NOT EXISTS auth;

-- API keys for programs. A key is "fai_<id>_<secret>": the id finds the row, the secret is kept only
-- as its SHA-256 (a key is 256 random bits, so a fast hash suffices; what matters is that the table
-- never holds anything a caller could present). Revoked keys stay, for the record of who had what.
CREATE TABLE auth.api_keys (
    id          text        PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
    secret_hash bytea       NOT NULL CHECK (length(secret_hash) = 32),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    tenant      text        NOT NULL CHECK (length(tenant) BETWEEN 1 AND 200),
    role        text        NOT NULL CHECK (role IN ('reader', 'writer', 'admin', 'ingest')),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

-- A tenant's keys, newest first.
CREATE INDEX api_keys_tenant_idx ON auth.api_keys (tenant, created_at DESC, id);

-- +goose Down
DROP TABLE auth.api_keys;
