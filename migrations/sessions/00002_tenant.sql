-- +goose Up
-- Sessions and character contexts belong to a tenant; what existed before tenants is the default
-- tenant's. The default only fills the existing rows (without rewriting the tables): dropping it
-- makes an insert that forgets the tenant fail instead of landing in the default tenant.
ALTER TABLE sessions.sessions ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE sessions.sessions ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE sessions.character_contexts ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE sessions.character_contexts ALTER COLUMN tenant DROP DEFAULT;

-- A tenant's list in id order, and of one user, each an index scan of that tenant's rows only.
CREATE INDEX sessions_tenant_idx ON sessions.sessions (tenant, id);
DROP INDEX sessions.sessions_user_id_idx;
CREATE INDEX sessions_user_id_idx ON sessions.sessions (tenant, user_id, id);

-- One context per character, script and start position within a tenant; the index serves the same
-- lists, bulk deletes and "in force at p" scans as before, within the tenant.
ALTER TABLE sessions.character_contexts DROP CONSTRAINT character_contexts_start_key,
    ADD CONSTRAINT character_contexts_start_key UNIQUE (tenant, script_id, character_id, start_sequence);
DROP INDEX sessions.character_contexts_character_idx;
CREATE INDEX character_contexts_character_idx ON sessions.character_contexts (tenant, character_id, script_id, start_sequence);

-- +goose Down
-- Before tenants there was only the default tenant: the other tenants' rows have no place there.
DELETE FROM sessions.character_contexts WHERE tenant <> 'default';
DELETE FROM sessions.sessions WHERE tenant <> 'default';
DROP INDEX sessions.character_contexts_character_idx;
ALTER TABLE sessions.character_contexts DROP CONSTRAINT character_contexts_start_key,
    ADD CONSTRAINT character_contexts_start_key UNIQUE (script_id, character_id, start_sequence),
    DROP COLUMN tenant;
CREATE INDEX character_contexts_character_idx ON sessions.character_contexts (character_id, script_id, start_sequence);
DROP INDEX sessions.sessions_user_id_idx;
DROP INDEX sessions.sessions_tenant_idx;
ALTER TABLE sessions.sessions DROP COLUMN tenant;
CREATE INDEX sessions_user_id_idx ON sessions.sessions (user_id, id);
