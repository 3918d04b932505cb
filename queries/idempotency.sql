-- name: KeyGet :one
-- KeyGet reads the response recorded for a key.
SELECT request_hash, status, headers, body
FROM idempotency.keys
WHERE tenant = @tenant AND key = @key AND method = @method AND path = @path;

-- name: KeyLockAndGet :many
-- KeyLockAndGet tries, for each key of a transaction's writes, the transaction-level advisory lock
-- that marks its request as running (false: another transaction holds it), and reads the response
-- recorded for it, if any. A key recorded by a transaction that committed after this statement's
-- snapshot is not seen here; the primary key refuses the second record then.
SELECT k.ord::bigint AS ord,
       pg_try_advisory_xact_lock(hashtextextended(k.tenant || E'\n' || k.key || E'\n' || k.method || E'\n' || k.path, 0))::boolean AS locked,
       ik.request_hash, ik.status, ik.headers, ik.body
FROM (
    SELECT i AS ord, (@tenants::text[])[i]::text AS tenant, (@keys::text[])[i]::text AS key, (@methods::text[])[i]::text AS method, (@paths::text[])[i]::text AS path
    FROM generate_series(1, cardinality(@keys::text[])) AS i
) k
LEFT JOIN idempotency.keys ik ON ik.tenant = k.tenant AND ik.key = k.key AND ik.method = k.method AND ik.path = k.path
ORDER BY k.ord;

-- name: KeyInsertMany :exec
-- KeyInsertMany records the keys of a transaction's writes with the responses to replay.
INSERT INTO idempotency.keys (tenant, key, method, path, request_hash, status, headers, body)
SELECT (@tenants::text[])[i], (@keys::text[])[i], (@methods::text[])[i], (@paths::text[])[i], (@request_hashes::bytea[])[i],
       (@statuses::int4[])[i], (@headers::text[])[i]::jsonb, (@bodies::bytea[])[i]
FROM generate_series(1, cardinality(@keys::text[])) AS i;

-- name: KeyDeleteExpired :execrows
-- KeyDeleteExpired drops keys older than the retention, a batch at a time.
DELETE FROM idempotency.keys
WHERE ctid = ANY (ARRAY(
    SELECT ctid FROM idempotency.keys WHERE created_at < now() - make_interval(secs => @retention_seconds::float8) LIMIT 1000
));
