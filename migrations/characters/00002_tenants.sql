-- +goose Up
-- Every row belongs to a tenant, and a request sees only its own tenant's rows. Every table carries
-- the tenant, not only characters: actions, spoken words and paraphrases are each reached by their
-- own id, without their parent. What existed before tenants is the default tenant's: the DEFAULT
-- fills the existing rows (without rewriting the tables) and is then dropped, so that an insert that
-- forgets the tenant fails instead of landing in the default tenant.
ALTER TABLE characters.characters ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE characters.actions ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE characters.spoken_words ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE characters.paraphrases ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE characters.characters ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE characters.actions ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE characters.spoken_words ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE characters.paraphrases ALTER COLUMN tenant DROP DEFAULT;

-- Ids stay unique on their own (identity columns); (tenant, id) is unique besides so that the
-- foreign keys can include the tenant, and it is the index a tenant's list in id order walks.
ALTER TABLE characters.characters ADD CONSTRAINT characters_tenant_id_key UNIQUE (tenant, id);
ALTER TABLE characters.actions ADD CONSTRAINT actions_tenant_id_key UNIQUE (tenant, id);
ALTER TABLE characters.spoken_words ADD CONSTRAINT spoken_words_tenant_id_key UNIQUE (tenant, id);

-- A reference must stay within its tenant: an action, spoken word or paraphrase naming another
-- tenant's character (or action, spoken word) fails its foreign key, exactly as one naming a missing
-- one does, so the handlers answer as if it did not exist. The constraints keep their names, which
-- the handlers map to answers. A NULL character_id (or the generated columns of the other kinds of
-- original) is not checked, as before (MATCH SIMPLE).
ALTER TABLE characters.actions DROP CONSTRAINT actions_character_id_fkey,
    ADD CONSTRAINT actions_character_id_fkey FOREIGN KEY (tenant, character_id) REFERENCES characters.characters (tenant, id);
ALTER TABLE characters.spoken_words DROP CONSTRAINT spoken_words_character_id_fkey,
    ADD CONSTRAINT spoken_words_character_id_fkey FOREIGN KEY (tenant, character_id) REFERENCES characters.characters (tenant, id);
ALTER TABLE characters.paraphrases DROP CONSTRAINT paraphrases_character_id_fkey,
    ADD CONSTRAINT paraphrases_character_id_fkey FOREIGN KEY (tenant, character_id) REFERENCES characters.characters (tenant, id),
    DROP CONSTRAINT paraphrases_action_id_fkey,
    ADD CONSTRAINT paraphrases_action_id_fkey FOREIGN KEY (tenant, action_id) REFERENCES characters.actions (tenant, id),
    DROP CONSTRAINT paraphrases_spoken_word_id_fkey,
    ADD CONSTRAINT paraphrases_spoken_word_id_fkey FOREIGN KEY (tenant, spoken_word_id) REFERENCES characters.spoken_words (tenant, id);

-- The indexes of the lists and filters lead with the tenant, so that a tenant's list stays an index
-- scan of its own rows. Same names, same purposes as in migration 1. The indexes of the paraphrases'
-- per-kind foreign keys stay as they are: an original's id alone finds its few paraphrases.
DROP INDEX characters.characters_lower_name_idx;
CREATE INDEX characters_lower_name_idx ON characters.characters (tenant, lower(name));

DROP INDEX characters.actions_script_id_idx;
DROP INDEX characters.actions_section_id_idx;
DROP INDEX characters.actions_character_id_idx;
CREATE INDEX actions_script_id_idx ON characters.actions (tenant, script_id, id);
CREATE INDEX actions_section_id_idx ON characters.actions (tenant, section_id, id) WHERE section_id IS NOT NULL;
CREATE INDEX actions_character_id_idx ON characters.actions (tenant, character_id, script_id) WHERE character_id IS NOT NULL;

DROP INDEX characters.spoken_words_script_id_idx;
DROP INDEX characters.spoken_words_section_id_idx;
DROP INDEX characters.spoken_words_character_id_idx;
CREATE INDEX spoken_words_script_id_idx ON characters.spoken_words (tenant, script_id, id);
CREATE INDEX spoken_words_section_id_idx ON characters.spoken_words (tenant, section_id, id) WHERE section_id IS NOT NULL;
CREATE INDEX spoken_words_character_id_idx ON characters.spoken_words (tenant, character_id, script_id) WHERE character_id IS NOT NULL;

DROP INDEX characters.paraphrases_original_idx;
CREATE INDEX paraphrases_original_idx ON characters.paraphrases (tenant, original_type, original_id, id);

-- +goose Down
-- Without the column, every tenant's rows would become one tenant's: refuse while any row belongs to
-- another tenant than the default one.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM characters.characters WHERE tenant <> 'default')
       OR EXISTS (SELECT 1 FROM characters.actions WHERE tenant <> 'default')
       OR EXISTS (SELECT 1 FROM characters.spoken_words WHERE tenant <> 'default')
       OR EXISTS (SELECT 1 FROM characters.paraphrases WHERE tenant <> 'default') THEN
        RAISE EXCEPTION 'characters migration 2 (tenants) cannot be reversed while rows of tenants other than ''default'' exist';
    END IF;
END $$;
-- +goose StatementEnd

DROP INDEX characters.paraphrases_original_idx;
CREATE INDEX paraphrases_original_idx ON characters.paraphrases (original_type, original_id, id);

DROP INDEX characters.spoken_words_script_id_idx;
DROP INDEX characters.spoken_words_section_id_idx;
DROP INDEX characters.spoken_words_character_id_idx;
CREATE INDEX spoken_words_script_id_idx ON characters.spoken_words (script_id, id);
CREATE INDEX spoken_words_section_id_idx ON characters.spoken_words (section_id, id) WHERE section_id IS NOT NULL;
CREATE INDEX spoken_words_character_id_idx ON characters.spoken_words (character_id, script_id) WHERE character_id IS NOT NULL;

DROP INDEX characters.actions_script_id_idx;
DROP INDEX characters.actions_section_id_idx;
DROP INDEX characters.actions_character_id_idx;
CREATE INDEX actions_script_id_idx ON characters.actions (script_id, id);
CREATE INDEX actions_section_id_idx ON characters.actions (section_id, id) WHERE section_id IS NOT NULL;
CREATE INDEX actions_character_id_idx ON characters.actions (character_id, script_id) WHERE character_id IS NOT NULL;

DROP INDEX characters.characters_lower_name_idx;
CREATE INDEX characters_lower_name_idx ON characters.characters (lower(name));

ALTER TABLE characters.paraphrases DROP CONSTRAINT paraphrases_character_id_fkey,
    ADD CONSTRAINT paraphrases_character_id_fkey FOREIGN KEY (character_id) REFERENCES characters.characters (id),
    DROP CONSTRAINT paraphrases_action_id_fkey,
    ADD CONSTRAINT paraphrases_action_id_fkey FOREIGN KEY (action_id) REFERENCES characters.actions (id),
    DROP CONSTRAINT paraphrases_spoken_word_id_fkey,
    ADD CONSTRAINT paraphrases_spoken_word_id_fkey FOREIGN KEY (spoken_word_id) REFERENCES characters.spoken_words (id);
ALTER TABLE characters.spoken_words DROP CONSTRAINT spoken_words_character_id_fkey,
    ADD CONSTRAINT spoken_words_character_id_fkey FOREIGN KEY (character_id) REFERENCES characters.characters (id);
ALTER TABLE characters.actions DROP CONSTRAINT actions_character_id_fkey,
    ADD CONSTRAINT actions_character_id_fkey FOREIGN KEY (character_id) REFERENCES characters.characters (id);

ALTER TABLE characters.spoken_words DROP CONSTRAINT spoken_words_tenant_id_key;
ALTER TABLE characters.actions DROP CONSTRAINT actions_tenant_id_key;
ALTER TABLE characters.characters DROP CONSTRAINT characters_tenant_id_key;

ALTER TABLE characters.paraphrases DROP COLUMN tenant;
ALTER TABLE characters.spoken_words DROP COLUMN tenant;
ALTER TABLE characters.actions DROP COLUMN tenant;
ALTER TABLE characters.characters DROP COLUMN tenant;
