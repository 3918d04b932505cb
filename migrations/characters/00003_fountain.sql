-- +goose Up
-- What a screenplay holds besides the words: how an action is typeset, and how a line of dialogue
-- is cued. Every column has a default that is what an element meant before (a plain action, a plain
-- cue), so existing rows and clients that never send them keep their meaning. `note` and `boneyard`
-- actions are a writer's notes and cut text, kept so that an imported screenplay loses nothing; a
-- `pageBreak` action's description is its `===` as written.
ALTER TABLE characters.actions
    ADD COLUMN format text NOT NULL DEFAULT 'action'
        CHECK (format IN ('action', 'centered', 'lyrics', 'synopsis', 'note', 'boneyard', 'pageBreak')),
    ADD COLUMN forced boolean NOT NULL DEFAULT false;

-- parenthetical and extension keep their parentheses as written; dual marks the right-hand block of
-- a dual-dialogue pair, continues_dialogue the words that go on after a parenthetical in the block
-- of the spoken word before them, without a cue of their own.
ALTER TABLE characters.spoken_words
    ADD COLUMN parenthetical text CHECK (char_length(parenthetical) BETWEEN 1 AND 1000),
    ADD COLUMN extension text CHECK (char_length(extension) BETWEEN 1 AND 100),
    ADD COLUMN dual boolean NOT NULL DEFAULT false,
    ADD COLUMN continues_dialogue boolean NOT NULL DEFAULT false,
    ADD COLUMN lyric boolean NOT NULL DEFAULT false,
    ADD COLUMN forced boolean NOT NULL DEFAULT false;

-- +goose StatementBegin
-- import_v1 is the Character Management service's published interface for a write that spans two
-- services, as sequence.place_v3 is the Central Sequence Service's: the Core Script Management
-- service's screenplay import calls it inside its own transaction, so that a script, its
-- characters, lines and their story positions commit together or not at all. It creates, for
-- tenant p_tenant, one character per distinct `character` name of p_lines (as spelled;
-- description p_description), returned as (0, 'character', id), and then each line
-- as an action or spoken word of script p_script_id, returned as (its 1-based index in p_lines,
-- 'action' or 'spokenWord', id). It places nothing in the story order: the caller does, in the same
-- transaction. A missing tenant or script id, or lines that are not an array of actions and spoken
-- words, are refused with 22023; a field out of its column's bounds fails that column's constraint.
--
-- It is set-based: the ids are drawn from the tables' identity sequences first, so that each row's
-- id is known with its index in p_lines, and every table is written by one INSERT.
CREATE FUNCTION characters.import_v1(p_tenant text, p_script_id bigint, p_description text, p_lines jsonb)
RETURNS TABLE (ord integer, element_type text, element_id bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_action_seq regclass := pg_get_serial_sequence('characters.actions', 'id')::regclass;
    v_word_seq   regclass := pg_get_serial_sequence('characters.spoken_words', 'id')::regclass;
    v_cast            jsonb;
    v_character_ids   bigint[];
BEGIN
    IF p_tenant IS NULL OR p_tenant = '' THEN
        RAISE EXCEPTION 'an import names its tenant' USING ERRCODE = '22023';
    END IF;
    IF p_script_id IS NULL OR p_script_id < 1 THEN
        RAISE EXCEPTION 'cannot import into script %', p_script_id USING ERRCODE = '22023';
    END IF;
    IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' THEN
        RAISE EXCEPTION 'the lines to import are a JSON array' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_lines) AS l (v)
               WHERE jsonb_typeof(l.v) <> 'object' OR (l.v ->> 'type') IS DISTINCT FROM 'action' AND (l.v ->> 'type') IS DISTINCT FROM 'spokenWord') THEN
        RAISE EXCEPTION 'every line to import is an object of type action or spokenWord' USING ERRCODE = '22023';
    END IF;

    -- The characters first, one statement, their ids kept by name: the lines look theirs up in that
    -- map rather than joining, whose plan would rest on a guess at the number of lines. A name is
    -- taken as spelled: a screenplay's cue `@McCoy` and `MCCOY` are written differently, and only two
    -- characters keep both spellings for the export.
    WITH names AS (
        SELECT DISTINCT ON (l.v ->> 'character') l.v ->> 'character' AS name, l.n
        FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS l (v, n)
        WHERE l.v ->> 'character' IS NOT NULL
        ORDER BY l.v ->> 'character', l.n
    ),
    made AS (
        INSERT INTO characters.characters (tenant, name, description)
        SELECT p_tenant, m.name, p_description FROM names m ORDER BY m.n
        RETURNING characters.characters.id, characters.characters.name
    )
    SELECT coalesce(jsonb_object_agg(m.name, m.id), '{}'), coalesce(array_agg(m.id ORDER BY m.id), '{}')
    INTO v_cast, v_character_ids
    FROM made m;

    RETURN QUERY
    WITH lines AS MATERIALIZED (
        SELECT l.n::integer AS n, l.v, l.v ->> 'type' AS typ, (v_cast ->> (l.v ->> 'character'))::bigint AS character_id,
               CASE WHEN l.v ->> 'type' = 'action' THEN nextval(v_action_seq) ELSE nextval(v_word_seq) END AS id
        FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS l (v, n)
    ),
    acted AS (
        INSERT INTO characters.actions (id, tenant, script_id, section_id, character_id, description, format, forced)
        OVERRIDING SYSTEM VALUE
        SELECT x.id, p_tenant, p_script_id, (x.v ->> 'sectionId')::bigint, x.character_id, x.v ->> 'description',
               coalesce(x.v ->> 'format', 'action'), coalesce((x.v ->> 'forced')::boolean, false)
        FROM lines x
        WHERE x.typ = 'action'
        ORDER BY x.n
    ),
    spoken AS (
        INSERT INTO characters.spoken_words (id, tenant, script_id, section_id, character_id, text, parenthetical, extension,
            dual, continues_dialogue, lyric, forced)
        OVERRIDING SYSTEM VALUE
        SELECT x.id, p_tenant, p_script_id, (x.v ->> 'sectionId')::bigint, x.character_id, x.v ->> 'text',
               x.v ->> 'parenthetical', x.v ->> 'extension',
               coalesce((x.v ->> 'dual')::boolean, false), coalesce((x.v ->> 'continuesDialogue')::boolean, false),
               coalesce((x.v ->> 'lyric')::boolean, false), coalesce((x.v ->> 'forced')::boolean, false)
        FROM lines x
        WHERE x.typ = 'spokenWord'
        ORDER BY x.n
    )
    SELECT 0, 'character'::text, c.id FROM unnest(v_character_ids) AS c (id)
    UNION ALL
    SELECT x.n, x.typ, x.id FROM lines x
    ORDER BY 1, 3;
END
$$;
-- +goose StatementEnd

-- Only the Core Script Management service may call the interface: the role fountain_character_import
-- carries the right, and the scripts service's role is granted it (internal/migrate creates the
-- roles; without them the function stays callable by its owner only, as sequence.place_v1 is).
REVOKE ALL ON FUNCTION characters.import_v1(text, bigint, text, jsonb) FROM PUBLIC;
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fountain_character_import') THEN
        GRANT USAGE ON SCHEMA characters TO fountain_character_import;
        GRANT EXECUTE ON FUNCTION characters.import_v1(text, bigint, text, jsonb) TO fountain_character_import;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION characters.import_v1(text, bigint, text, jsonb);
ALTER TABLE characters.spoken_words
    DROP COLUMN forced,
    DROP COLUMN lyric,
    DROP COLUMN continues_dialogue,
    DROP COLUMN dual,
    DROP COLUMN extension,
    DROP COLUMN parenthetical;
ALTER TABLE characters.actions
    DROP COLUMN forced,
    DROP COLUMN format;
