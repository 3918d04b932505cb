-- +goose Up
-- A key is the tenant's: the same key sent by two tenants names two requests. Keys recorded before
-- tenants existed are the default tenant's.
ALTER TABLE idempotency.keys ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE idempotency.keys ALTER COLUMN tenant DROP DEFAULT,
    DROP CONSTRAINT keys_pkey,
    ADD PRIMARY KEY (tenant, key, method, path);

-- +goose Down
DELETE FROM idempotency.keys WHERE tenant <> 'default';
ALTER TABLE idempotency.keys DROP CONSTRAINT keys_pkey,
    ADD PRIMARY KEY (key, method, path),
    DROP COLUMN tenant;
