-- +goose Up
CREATE SCHEMA IF NOT EXISTS logs;

-- Ids in order of arrival; a sequence rather than an identity column because every partition shares it.
CREATE SEQUENCE logs.entries_id_seq AS bigint;

-- One request log entry, shipped by a FountainAI service (source 'service') or by Kong's http-log
-- plugin (source 'kong', with Kong's whole payload in raw). Range-partitioned by ts into one
-- partition per UTC day, named entries_pYYYYMMDD, which the retention worker creates ahead of time
-- and drops as a whole when the day has passed the retention period: removing old entries is then
-- a catalog change instead of a large DELETE competing with ingest. Entries for a day that has no
-- partition (far past or future timestamps, or before the worker first ran) land in the default
-- partition; the worker moves them when it creates their day and deletes them when they expire.
CREATE TABLE logs.entries (
    id               bigint           NOT NULL DEFAULT nextval('logs.entries_id_seq'),
    ts               timestamptz      NOT NULL,
    received_at      timestamptz      NOT NULL DEFAULT now(),
    source           text             NOT NULL CHECK (source IN ('service', 'kong')),
    service          text             NOT NULL,
    method           text             NOT NULL,
    path             text             NOT NULL,
    status_code      smallint         NOT NULL CHECK (status_code BETWEEN 100 AND 599),
    response_time_ms double precision NOT NULL,
    message          text             NOT NULL,
    request_id       text,
    level            text             NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
    operation_id     text,
    client_ip        text,
    raw              jsonb,
    -- Words of the message and the path for GET /logs/search. The 'simple' configuration neither
    -- stems nor drops stop words (log lines are not prose), and path separators become spaces so
    -- each segment of /scripts/1/sections is a word of its own.
    search           tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, translate(message || ' ' || path, '/', ' '))
    ) STORED,
    -- Newest first with keyset paging on (ts, id): a backward scan of this key in each partition.
    PRIMARY KEY (ts, id)
) PARTITION BY RANGE (ts);

ALTER SEQUENCE logs.entries_id_seq OWNED BY logs.entries.id;

CREATE TABLE logs.entries_default PARTITION OF logs.entries DEFAULT;

-- GET /logs?service= newest first.
CREATE INDEX entries_service_idx ON logs.entries (service, ts, id);
-- GET /logs?requestId=: one request as the gateway and the service saw it.
CREATE INDEX entries_request_id_idx ON logs.entries (request_id) WHERE request_id IS NOT NULL;
CREATE INDEX entries_search_idx ON logs.entries USING gin (search);

-- +goose Down
DROP TABLE logs.entries;
