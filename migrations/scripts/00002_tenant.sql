-- +goose Up
-- Every row belongs to a tenant, and a request sees only its own tenant's. What existed before
-- tenants is the default tenant's: the column's default fills it in for every existing row, then
-- goes, so that an insert which forgets the tenant fails instead of landing in the default tenant.
ALTER TABLE scripts.scripts ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE scripts.sections ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE scripts.transitions ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE scripts.scripts ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE scripts.sections ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE scripts.transitions ALTER COLUMN tenant DROP DEFAULT;

-- The foreign keys carry the tenant, so a section or transition can only be added to a script of its
-- own tenant: adding one to another tenant's script fails like adding one to a script that does not
-- exist (the handlers answer both 404 from the same constraint, whose name stays). Children thus
-- always share their script's tenant, and a child's tenant check is as good as its script's.
-- The unique key on (tenant, id) is also the index a tenant's list of scripts is read from, in
-- creation order.
ALTER TABLE scripts.scripts ADD CONSTRAINT scripts_tenant_id_key UNIQUE (tenant, id);

ALTER TABLE scripts.transitions DROP CONSTRAINT transitions_section_fkey;
ALTER TABLE scripts.transitions DROP CONSTRAINT transitions_script_id_fkey;
ALTER TABLE scripts.sections DROP CONSTRAINT sections_script_id_fkey;
ALTER TABLE scripts.sections DROP CONSTRAINT sections_script_id_id_key;

ALTER TABLE scripts.sections
    ADD CONSTRAINT sections_script_id_fkey FOREIGN KEY (tenant, script_id) REFERENCES scripts.scripts (tenant, id),
    ADD CONSTRAINT sections_tenant_script_id_id_key UNIQUE (tenant, script_id, id);
ALTER TABLE scripts.transitions
    ADD CONSTRAINT transitions_script_id_fkey FOREIGN KEY (tenant, script_id) REFERENCES scripts.scripts (tenant, id),
    -- MATCH SIMPLE still skips the check when section_id is NULL.
    ADD CONSTRAINT transitions_section_fkey FOREIGN KEY (tenant, script_id, section_id)
        REFERENCES scripts.sections (tenant, script_id, id);

DROP INDEX scripts.transitions_script_section_idx;
CREATE INDEX transitions_tenant_script_section_idx ON scripts.transitions (tenant, script_id, section_id);

-- The substring filters of a tenant's list match within that tenant: btree_gin lets the trigram
-- indexes hold the tenant too, so another tenant's matching titles are not read only to be dropped.
-- Like pg_trgm it is trusted and shared by the database, and the down migration leaves it in place.
CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;
DROP INDEX scripts.scripts_title_trgm_idx;
DROP INDEX scripts.scripts_author_trgm_idx;
CREATE INDEX scripts_tenant_title_trgm_idx ON scripts.scripts USING gin (tenant, title public.gin_trgm_ops);
CREATE INDEX scripts_tenant_author_trgm_idx ON scripts.scripts USING gin (tenant, author public.gin_trgm_ops);

-- +goose Down
-- Every tenant's rows stay, all together as before tenants: nothing here is unique per tenant.
DROP INDEX scripts.scripts_tenant_author_trgm_idx;
DROP INDEX scripts.scripts_tenant_title_trgm_idx;
CREATE INDEX scripts_title_trgm_idx ON scripts.scripts USING gin (title public.gin_trgm_ops);
CREATE INDEX scripts_author_trgm_idx ON scripts.scripts USING gin (author public.gin_trgm_ops);

DROP INDEX scripts.transitions_tenant_script_section_idx;
CREATE INDEX transitions_script_section_idx ON scripts.transitions (script_id, section_id);

ALTER TABLE scripts.transitions DROP CONSTRAINT transitions_section_fkey;
ALTER TABLE scripts.transitions DROP CONSTRAINT transitions_script_id_fkey;
ALTER TABLE scripts.sections DROP CONSTRAINT sections_tenant_script_id_id_key;
ALTER TABLE scripts.sections DROP CONSTRAINT sections_script_id_fkey;
ALTER TABLE scripts.scripts DROP CONSTRAINT scripts_tenant_id_key;

ALTER TABLE scripts.sections
    ADD CONSTRAINT sections_script_id_fkey FOREIGN KEY (script_id) REFERENCES scripts.scripts (id),
    ADD CONSTRAINT sections_script_id_id_key UNIQUE (script_id, id);
ALTER TABLE scripts.transitions
    ADD CONSTRAINT transitions_script_id_fkey FOREIGN KEY (script_id) REFERENCES scripts.scripts (id),
    ADD CONSTRAINT transitions_section_fkey FOREIGN KEY (script_id, section_id)
        REFERENCES scripts.sections (script_id, id);

ALTER TABLE scripts.transitions DROP COLUMN tenant;
ALTER TABLE scripts.sections DROP COLUMN tenant;
ALTER TABLE scripts.scripts DROP COLUMN tenant;
