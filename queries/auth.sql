-- name: KeyInsert :one
INSERT INTO auth.api_keys (id, secret_hash, name, tenant, role, created_by, expires_at)
VALUES (@id, @secret_hash, @name, @tenant, @role, @created_by, sqlc.narg('expires_at'))
RETURNING id, name, tenant, role, created_by, created_at, expires_at, revoked_at;

-- name: KeyLookup :one
-- KeyLookup reads what authenticating a key needs.
SELECT secret_hash, tenant, role, expires_at, revoked_at
FROM auth.api_keys
WHERE id = @id;

-- name: KeyGet :one
SELECT id, name, tenant, role, created_by, created_at, expires_at, revoked_at
FROM auth.api_keys
WHERE id = @id AND (tenant = sqlc.narg('tenant') OR sqlc.narg('tenant') IS NULL);

-- name: KeyList :many
-- KeyList pages a tenant's keys (every tenant's when tenant is NULL), newest first.
SELECT id, name, tenant, role, created_by, created_at, expires_at, revoked_at,
       count(*) OVER () AS total_count
FROM auth.api_keys
WHERE tenant = sqlc.narg('tenant') OR sqlc.narg('tenant') IS NULL
ORDER BY created_at DESC, id
LIMIT @row_limit OFFSET @row_offset;

-- name: KeyRevoke :one
-- KeyRevoke revokes a key; revoking it again keeps the first time.
UPDATE auth.api_keys SET revoked_at = coalesce(revoked_at, now())
WHERE id = @id AND (tenant = sqlc.narg('tenant') OR sqlc.narg('tenant') IS NULL)
RETURNING id, name, tenant, role, created_by, created_at, expires_at, revoked_at;
