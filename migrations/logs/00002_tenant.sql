-- +goose Up
-- The tenant and subject of the request an entry describes (not of whoever shipped it: the gateway
-- and the services ship with a credential of their own). Both are NULL for a request no identity
-- was established for, such as one refused with 401, and for the entries logged before tenants
-- existed; those are the operator's, read as the default tenant's. Adding nullable columns without
-- a default changes only the catalog, however many entries the partitions hold.
ALTER TABLE logs.entries ADD COLUMN tenant text, ADD COLUMN subject text;

-- Every read is one tenant's, NULL counting as 'default': the lists' indexes lead with that
-- expression (the queries spell it the same way), so a tenant's newest entries, of one service or
-- of all, stay a backward index scan of each partition.
CREATE INDEX entries_tenant_idx ON logs.entries ((coalesce(tenant, 'default')), ts, id);
DROP INDEX logs.entries_service_idx;
CREATE INDEX entries_service_idx ON logs.entries ((coalesce(tenant, 'default')), service, ts, id);

-- +goose Down
-- Every entry stays: before tenants, all of them were the operator's.
DROP INDEX logs.entries_service_idx;
DROP INDEX logs.entries_tenant_idx;
ALTER TABLE logs.entries DROP COLUMN tenant, DROP COLUMN subject;
CREATE INDEX entries_service_idx ON logs.entries (service, ts, id);
