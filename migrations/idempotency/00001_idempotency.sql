-- +goose Up
CREATE SCHEMA IF NOT EXISTS idempotency;

-- One row per Idempotency-Key used on an endpoint: claimed as pending while the first request runs,
-- then holding its response for replay.
CREATE TABLE idempotency.keys (
    key          text   NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    method       text   NOT NULL,
    path         text   NOT NULL,
    request_hash bytea  NOT NULL,
    state        text   NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    status       integer,
    headers      jsonb,
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, method, path)
);

CREATE INDEX keys_created_at_idx ON idempotency.keys (created_at);

-- +goose Down
DROP TABLE idempotency.keys;
