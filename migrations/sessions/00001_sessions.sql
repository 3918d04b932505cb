-- +goose Up
CREATE SCHEMA IF NOT EXISTS sessions;

-- A user's working session. context is v2's free-text context, kept as text so it comes back byte
-- for byte; context_data is the key/value state added beside it, kept as jsonb so values holding
-- commas or quotes come back exactly as sent (the CHECK keeps it an object, as the API promises).
CREATE TABLE sessions.sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- FountainAI keeps no user registry: any positive id is accepted.
    user_id      bigint NOT NULL CHECK (user_id > 0),
    context      text   NOT NULL DEFAULT '',
    context_data jsonb  NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(context_data) = 'object'),
    -- Bumped by every change; the API's ETag and If-Match compare against it.
    version      bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- listSessions?userId= in id order.
CREATE INDEX sessions_user_id_idx ON sessions.sessions (user_id, id);

-- The state of a character in a script from a story position on. script_id and character_id belong
-- to other services (checked through their APIs when written), so there are no foreign keys.
CREATE TABLE sessions.character_contexts (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    script_id      bigint NOT NULL CHECK (script_id > 0),
    character_id   bigint NOT NULL CHECK (character_id > 0),
    -- The sequence number (script's story scope) from which this context is in force.
    start_sequence bigint NOT NULL CHECK (start_sequence > 0),
    context        jsonb  NOT NULL CHECK (jsonb_typeof(context) = 'object'),
    version        bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- One context per character, script and start position, so "the context in force at p" is never
    -- ambiguous. The index also serves the list by script (and character) in order, the bulk delete
    -- by script, and the context in force at p: a backward scan within (script_id, character_id)
    -- finds the greatest start_sequence <= p per character.
    CONSTRAINT character_contexts_start_key UNIQUE (script_id, character_id, start_sequence)
);

-- Filters and bulk deletes by character alone (a character's contexts across scripts).
CREATE INDEX character_contexts_character_idx ON sessions.character_contexts (character_id, script_id, start_sequence);

-- +goose Down
DROP TABLE sessions.character_contexts;
DROP TABLE sessions.sessions;
