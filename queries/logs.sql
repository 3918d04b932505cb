-- name: EntryInsertBatch :execrows
-- EntryInsertBatch stores a batch of entries from one source in one statement, so a batch is stored
-- whole or not at all. The arrays are parallel (element i of each describes entry i); raws may be
-- shorter, even empty: set-returning functions side by side pad the shorter ones with NULL (no raw
-- payload). An empty request id, operation id, client address, tenant or subject is stored as NULL.
INSERT INTO logs.entries (ts, source, service, method, path, status_code, response_time_ms, message,
                          request_id, level, operation_id, client_ip, raw, tenant, subject)
SELECT e.ts, @source::text, e.service, e.method, e.path, e.status_code, e.response_time_ms, e.message,
       NULLIF(e.request_id, ''), e.level, NULLIF(e.operation_id, ''), NULLIF(e.client_ip, ''), e.raw,
       NULLIF(e.tenant, ''), NULLIF(e.subject, '')
FROM (
    SELECT unnest(@timestamps::timestamptz[]) AS ts, unnest(@services::text[]) AS service,
           unnest(@methods::text[]) AS method, unnest(@paths::text[]) AS path,
           unnest(@status_codes::smallint[]) AS status_code,
           unnest(@response_times_ms::float8[]) AS response_time_ms,
           unnest(@messages::text[]) AS message, unnest(@request_ids::text[]) AS request_id,
           unnest(@levels::text[]) AS level, unnest(@operation_ids::text[]) AS operation_id,
           unnest(@client_ips::text[]) AS client_ip, unnest(@raws::jsonb[]) AS raw,
           unnest(@tenants::text[]) AS tenant, unnest(@subjects::text[]) AS subject
) AS e;

-- name: EntryInsert :exec
-- EntryInsert stores one entry: a single request log, the most frequent body, costs less to send
-- and to plan as scalars than as one-element arrays. Empty optional values are NULL.
INSERT INTO logs.entries (ts, source, service, method, path, status_code, response_time_ms, message,
                          request_id, level, operation_id, client_ip, raw, tenant, subject)
VALUES (@ts, @source, @service, @method, @path, @status_code, @response_time_ms, @message,
        NULLIF(@request_id::text, ''), @level, NULLIF(@operation_id::text, ''),
        NULLIF(@client_ip::text, ''), sqlc.narg(raw), NULLIF(@tenant::text, ''), NULLIF(@subject::text, ''));

-- name: EntryList :many
-- EntryList pages through the tenant's entries matching every filter given (NULL: no filter),
-- newest first. Entries of no tenant (requests not authenticated) are the default tenant's; the
-- tenant condition is spelled as the indexes' expression so they serve it. before_ts and before_id
-- are the last entry of the previous page: the page continues strictly after it in (ts, id) order,
-- so entries arriving meanwhile never shift a page.
SELECT id, ts, received_at, source, service, method, path, status_code, response_time_ms, message,
       request_id, level, operation_id, client_ip, raw, tenant, subject
FROM logs.entries
WHERE coalesce(tenant, 'default') = @tenant::text
  AND (sqlc.narg(service)::text IS NULL OR service = sqlc.narg(service)::text)
  AND (sqlc.narg(status_min)::smallint IS NULL OR status_code >= sqlc.narg(status_min)::smallint)
  AND (sqlc.narg(status_max)::smallint IS NULL OR status_code <= sqlc.narg(status_max)::smallint)
  AND (sqlc.narg(method)::text IS NULL OR method = sqlc.narg(method)::text)
  AND (sqlc.narg(path_prefix)::text IS NULL OR starts_with(path, sqlc.narg(path_prefix)::text))
  AND (sqlc.narg(request_id)::text IS NULL OR request_id = sqlc.narg(request_id)::text)
  AND (sqlc.narg(since)::timestamptz IS NULL OR ts >= sqlc.narg(since)::timestamptz)
  AND (sqlc.narg(until)::timestamptz IS NULL OR ts < sqlc.narg(until)::timestamptz)
  AND (sqlc.narg(before_ts)::timestamptz IS NULL
       OR (ts, id) < (sqlc.narg(before_ts)::timestamptz, sqlc.narg(before_id)::bigint))
ORDER BY ts DESC, id DESC
LIMIT @row_limit::integer;

-- name: EntrySearch :many
-- EntrySearch pages through the tenant's entries whose message or path hold the words of query
-- (web-search syntax), newest first, like EntryList. The query's slashes become spaces as the
-- indexed text's do, so a path in the query matches its segments.
SELECT id, ts, received_at, source, service, method, path, status_code, response_time_ms, message,
       request_id, level, operation_id, client_ip, raw, tenant, subject
FROM logs.entries
WHERE coalesce(tenant, 'default') = @tenant::text
  AND search @@ websearch_to_tsquery('simple'::regconfig, translate(@query::text, '/', ' '))
  AND (sqlc.narg(since)::timestamptz IS NULL OR ts >= sqlc.narg(since)::timestamptz)
  AND (sqlc.narg(until)::timestamptz IS NULL OR ts < sqlc.narg(until)::timestamptz)
  AND (sqlc.narg(before_ts)::timestamptz IS NULL
       OR (ts, id) < (sqlc.narg(before_ts)::timestamptz, sqlc.narg(before_id)::bigint))
ORDER BY ts DESC, id DESC
LIMIT @row_limit::integer;

-- name: PartitionList :many
-- PartitionList names the daily partitions of logs.entries (entries_pYYYYMMDD), oldest first; the
-- default partition is not one of them.
SELECT c.relname::text AS name
FROM pg_catalog.pg_inherits i
JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE i.inhparent = 'logs.entries'::regclass AND n.nspname = 'logs' AND c.relname LIKE 'entries\_p%'
ORDER BY c.relname;

-- name: DefaultPartitionDeleteExpired :execrows
-- DefaultPartitionDeleteExpired deletes up to batch_size entries older than horizon from the default
-- partition (entries whose day had no partition), in one short statement so it never holds many row
-- locks for long; the caller repeats it until it deletes nothing.
DELETE FROM logs.entries_default
WHERE ctid = ANY (ARRAY(
    SELECT ctid FROM logs.entries_default WHERE ts < @horizon::timestamptz LIMIT @batch_size::integer
));
