-- +goose Up
CREATE SCHEMA IF NOT EXISTS characters;

-- Characters belong to no script: one may appear in several scripts, and takes part in a script
-- through its actions and spoken words.
CREATE TABLE characters.characters (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text   NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    description text   NOT NULL CHECK (char_length(description) BETWEEN 1 AND 2000),
    version     bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The name filter matches whole names ignoring case.
CREATE INDEX characters_lower_name_idx ON characters.characters (lower(name));

-- Actions and spoken words belong to a script (and maybe a section) of the Core Script Management
-- service, which lives in another schema, possibly another database: script_id and section_id are
-- checked through that service, not by a foreign key. Their story position is held by the Central
-- Sequence Service only (element types `action` and `spokenWord`, element id = id), never here.
-- character_id is ours, so a foreign key keeps it valid; NO ACTION (not CASCADE) so that deleting a
-- character with lines fails instead of silently deleting them: the handler decides about cascades.
CREATE TABLE characters.actions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    script_id    bigint NOT NULL CHECK (script_id > 0),
    section_id   bigint CHECK (section_id > 0),
    character_id bigint REFERENCES characters.characters (id),
    description  text   NOT NULL CHECK (char_length(description) BETWEEN 1 AND 5000),
    version      bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Filters scriptId, sectionId, characterId; (character_id, script_id) also serves "characters
-- appearing in a script" and the character's dependant count.
CREATE INDEX actions_script_id_idx ON characters.actions (script_id, id);
CREATE INDEX actions_section_id_idx ON characters.actions (section_id, id) WHERE section_id IS NOT NULL;
CREATE INDEX actions_character_id_idx ON characters.actions (character_id, script_id) WHERE character_id IS NOT NULL;

CREATE TABLE characters.spoken_words (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    script_id    bigint NOT NULL CHECK (script_id > 0),
    section_id   bigint CHECK (section_id > 0),
    character_id bigint REFERENCES characters.characters (id),
    text         text   NOT NULL CHECK (char_length(text) BETWEEN 1 AND 10000),
    version      bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX spoken_words_script_id_idx ON characters.spoken_words (script_id, id);
CREATE INDEX spoken_words_section_id_idx ON characters.spoken_words (section_id, id) WHERE section_id IS NOT NULL;
CREATE INDEX spoken_words_character_id_idx ON characters.spoken_words (character_id, script_id) WHERE character_id IS NOT NULL;

-- One table for the paraphrases of all three kinds of original, not three: the three have the same
-- fields and operations, so one set of queries serves them, addressed by (original_type,
-- original_id) as the API addresses them. Integrity is not given up for it: each kind has a
-- generated column that holds original_id only for its own kind, with a real foreign key to its
-- table, so a paraphrase can never point at a missing original (a paraphrase created while its
-- original is being deleted makes one of the two fail). NO ACTION, as above: cascades are explicit.
CREATE TABLE characters.paraphrases (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    original_type  text   NOT NULL CHECK (original_type IN ('character', 'action', 'spokenWord')),
    original_id    bigint NOT NULL CHECK (original_id > 0),
    text           text   NOT NULL CHECK (char_length(text) BETWEEN 1 AND 10000),
    commentary     text   NOT NULL DEFAULT '' CHECK (char_length(commentary) <= 5000),
    version        bigint NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    character_id   bigint GENERATED ALWAYS AS (CASE WHEN original_type = 'character' THEN original_id END) STORED
                   CONSTRAINT paraphrases_character_id_fkey REFERENCES characters.characters (id),
    action_id      bigint GENERATED ALWAYS AS (CASE WHEN original_type = 'action' THEN original_id END) STORED
                   CONSTRAINT paraphrases_action_id_fkey REFERENCES characters.actions (id),
    spoken_word_id bigint GENERATED ALWAYS AS (CASE WHEN original_type = 'spokenWord' THEN original_id END) STORED
                   CONSTRAINT paraphrases_spoken_word_id_fkey REFERENCES characters.spoken_words (id)
);

-- Lists of an original's paraphrases in id order; also the dependant counts and cascades.
CREATE INDEX paraphrases_original_idx ON characters.paraphrases (original_type, original_id, id);
-- The foreign keys' own checks when an original is deleted.
CREATE INDEX paraphrases_character_id_idx ON characters.paraphrases (character_id) WHERE character_id IS NOT NULL;
CREATE INDEX paraphrases_action_id_idx ON characters.paraphrases (action_id) WHERE action_id IS NOT NULL;
CREATE INDEX paraphrases_spoken_word_id_idx ON characters.paraphrases (spoken_word_id) WHERE spoken_word_id IS NOT NULL;

-- +goose Down
DROP TABLE characters.paraphrases;
DROP TABLE characters.spoken_words;
DROP TABLE characters.actions;
DROP TABLE characters.characters;
