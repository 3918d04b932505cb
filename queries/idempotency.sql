-- name: KeyClaim :one
-- KeyClaim records a key as pending for this request; it returns nothing when the key is already
-- known, unless its first request was abandoned while pending (a crashed process), in which case
-- this request takes it over.
INSERT INTO idempotency.keys AS k (key, method, path, request_hash)
VALUES (@key, @method, @path, @request_hash)
ON CONFLICT (key, method, path) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, created_at = now()
    WHERE k.state = 'pending' AND k.created_at < now() - make_interval(secs => @abandoned_after_seconds::float8)
RETURNING true;

-- name: KeyGet :one
-- KeyGet reads what is known of a key.
SELECT request_hash, state, status, headers, body
FROM idempotency.keys
WHERE key = @key AND method = @method AND path = @path;

-- name: KeyComplete :exec
-- KeyComplete stores the first request's response for replay.
UPDATE idempotency.keys
SET state = 'done', status = @status, headers = @headers, body = @body
WHERE key = @key AND method = @method AND path = @path;

-- name: KeyRelease :exec
-- KeyRelease forgets a key whose first request failed unexpectedly, so a retry runs again.
DELETE FROM idempotency.keys WHERE key = @key AND method = @method AND path = @path AND state = 'pending';

-- name: KeyDeleteExpired :execrows
-- KeyDeleteExpired drops keys older than the retention, a batch at a time.
DELETE FROM idempotency.keys
WHERE ctid = ANY (ARRAY(
    SELECT ctid FROM idempotency.keys WHERE created_at < now() - make_interval(secs => @retention_seconds::float8) LIMIT 1000
));
