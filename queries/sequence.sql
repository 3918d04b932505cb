-- Every query names the tenant it acts for (migrations/sequence/00006): another tenant's orders,
-- positions and versions are as if they did not exist. Reads of an order by its id check the
-- order's tenant once, on its row (EXISTS), so that its positions are still read from the key
-- index alone; the positions of an order are its tenant's by their foreign key.

-- name: ScopeGetByID :one
-- ScopeGetByID names the scope an element was found in.
SELECT id, script_id, name, owner FROM sequence.scopes WHERE tenant = @tenant AND id = @id;

-- name: ScopeFind :one
-- ScopeFind looks a scope up without locking it, for reads, with how many positions it holds.
SELECT id, script_id, name, owner, position_count FROM sequence.scopes WHERE tenant = @tenant AND script_id = @script_id AND name = @name;

-- name: ScopeLockByIDs :exec
-- ScopeLockByIDs takes the row locks of several scopes in id order, the order every change that
-- locks more than one takes them in, so that two never wait for each other.
SELECT id FROM sequence.scopes WHERE tenant = @tenant AND id = ANY (@ids::bigint[]) ORDER BY id FOR UPDATE;

-- name: ScopeLockByID :one
-- ScopeLockByID takes the scope's row lock for a reorder and reads the scope.
SELECT id, script_id, name, owner FROM sequence.scopes WHERE tenant = @tenant AND id = @id FOR UPDATE;

-- name: PositionAllocate :many
-- PositionAllocate places the elements that hold no position yet at the end of the scope and returns
-- where every listed element stands; see sequence.allocate_positions.
SELECT element_type::text AS element_type, element_id::bigint AS element_id, scope_id::bigint AS scope_id,
       sequence_number::bigint AS sequence_number, created::boolean AS created
FROM sequence.allocate_positions(@tenant::text, @script_id::bigint, @scope_name::text, @element_types::text[], @element_ids::bigint[]);

-- name: PositionGetByElement :one
-- PositionGetByElement reads an element's position with its scope: the owner's, or without an
-- owner the client's if it has one, else the content services'. Its number is its rank.
SELECT e.owner, e.element_type, e.element_id, sequence.rank_of(e.scope_id, e.order_key)::bigint AS sequence_number,
       s.id AS scope_id, s.script_id, s.name AS scope_name
FROM (
    SELECT p.owner, p.element_type, p.element_id, p.scope_id, p.order_key
    FROM sequence.positions p
    WHERE p.tenant = @tenant AND p.element_type = @element_type AND p.element_id = @element_id
      AND (sqlc.narg(owner)::text IS NULL OR p.owner = sqlc.narg(owner))
    ORDER BY p.owner
    LIMIT 1
) e
JOIN sequence.scopes s ON s.id = e.scope_id;

-- name: PositionListByIDs :many
-- PositionListByIDs reads the positions of elements of one type, in the order of the ids given,
-- each as PositionGetByElement chooses it. Ranks come from one pass over each order involved, up
-- to the last of its positions asked for.
WITH chosen AS (
    SELECT DISTINCT ON (r.ord) r.ord, p.owner, p.element_id, p.scope_id, p.order_key
    FROM unnest(@element_ids::bigint[]) WITH ORDINALITY AS r (element_id, ord)
    JOIN sequence.positions p ON p.tenant = @tenant AND p.element_type = @element_type AND p.element_id = r.element_id
    WHERE sqlc.narg(owner)::text IS NULL OR p.owner = sqlc.narg(owner)
    ORDER BY r.ord, p.owner
),
reach AS (
    SELECT c.scope_id, max(c.order_key) AS last_key FROM chosen c GROUP BY c.scope_id
),
ranked AS (
    SELECT reach.scope_id, n.order_key, n.rank
    FROM reach
    CROSS JOIN LATERAL (
        SELECT p.order_key, row_number() OVER (ORDER BY p.order_key) AS rank
        FROM sequence.positions p
        WHERE p.scope_id = reach.scope_id AND p.order_key <= reach.last_key
    ) n
)
SELECT c.owner, c.element_id, ranked.rank::bigint AS sequence_number, s.script_id, s.name AS scope_name
FROM chosen c
JOIN ranked ON ranked.scope_id = c.scope_id AND ranked.order_key = c.order_key
JOIN sequence.scopes s ON s.id = c.scope_id
ORDER BY c.ord;

-- name: PositionDelete :execrows
-- PositionDelete releases an element's client position; the caller holds its scope's lock. The
-- positions after it move up by one: numbers are ranks.
DELETE FROM sequence.positions
WHERE tenant = @tenant AND owner = 'client' AND element_type = @element_type AND element_id = @element_id;

-- name: PositionListByElements :many
-- PositionListByElements finds the scopes one owner's elements hold a position in (those that hold one).
SELECT p.element_type, p.element_id, p.scope_id
FROM sequence.positions p
JOIN (
    SELECT (@element_types::text[])[i]::text AS element_type, (@element_ids::bigint[])[i]::bigint AS element_id
    FROM generate_series(1, cardinality(@element_ids::bigint[])) AS i
) r ON r.element_type = p.element_type AND r.element_id = p.element_id
WHERE p.tenant = @tenant AND p.owner = @owner;

-- name: PositionRankByElements :many
-- PositionRankByElements reads the positions one owner's elements hold (those that hold one), with
-- their keys and numbers.
WITH listed AS (
    SELECT p.element_type, p.element_id, p.scope_id, p.order_key
    FROM sequence.positions p
    JOIN (
        SELECT (@element_types::text[])[i]::text AS element_type, (@element_ids::bigint[])[i]::bigint AS element_id
        FROM generate_series(1, cardinality(@element_ids::bigint[])) AS i
    ) r ON r.element_type = p.element_type AND r.element_id = p.element_id
    WHERE p.tenant = @tenant AND p.owner = @owner
),
reach AS (
    SELECT l.scope_id, max(l.order_key) AS last_key FROM listed l GROUP BY l.scope_id
),
ranked AS (
    SELECT reach.scope_id, n.order_key, n.rank
    FROM reach
    CROSS JOIN LATERAL (
        SELECT p.order_key, row_number() OVER (ORDER BY p.order_key) AS rank
        FROM sequence.positions p
        WHERE p.scope_id = reach.scope_id AND p.order_key <= reach.last_key
    ) n
)
SELECT l.element_type, l.element_id, l.scope_id, l.order_key, ranked.rank::bigint AS sequence_number
FROM listed l
JOIN ranked ON ranked.scope_id = l.scope_id AND ranked.order_key = l.order_key;

-- name: PositionReorder :execrows
-- PositionReorder gives the listed elements of a scope new keys in one statement; the deferrable
-- unique constraint holds at its end, so keys may be exchanged.
UPDATE sequence.positions p
SET order_key = r.order_key, updated_at = now()
FROM (
    SELECT (@element_types::text[])[i]::text AS element_type, (@element_ids::bigint[])[i]::bigint AS element_id,
           (@order_keys::bigint[])[i]::bigint AS order_key
    FROM generate_series(1, cardinality(@element_ids::bigint[])) AS i
) r
WHERE p.tenant = @tenant AND p.scope_id = @scope_id AND p.element_type = r.element_type AND p.element_id = r.element_id;

-- name: PositionHolderOfNumbers :many
-- PositionHolderOfNumbers finds which elements of a scope hold any of the given numbers, to explain a
-- rejected reorder.
SELECT n.element_type, n.element_id, n.rank::bigint AS sequence_number
FROM (
    SELECT p.element_type, p.element_id, row_number() OVER (ORDER BY p.order_key) AS rank
    FROM sequence.positions p
    WHERE p.scope_id = @scope_id AND EXISTS (SELECT FROM sequence.scopes s WHERE s.id = @scope_id AND s.tenant = @tenant)
    ORDER BY p.order_key
    LIMIT (SELECT max(x) FROM unnest(@numbers::bigint[]) AS x)
) n
WHERE n.rank = ANY (@numbers::bigint[])
ORDER BY n.rank;

-- name: PositionPageByScope :many
-- PositionPageByScope reads row_limit positions of a scope from offset skip, in order: the
-- positions numbered skip+1 on, since numbers are ranks. It reads from the key index alone.
SELECT p.element_type, p.element_id
FROM sequence.positions p
WHERE p.scope_id = @scope_id AND EXISTS (SELECT FROM sequence.scopes s WHERE s.id = @scope_id AND s.tenant = @tenant)
ORDER BY p.order_key
OFFSET @skip::bigint
LIMIT @row_limit::bigint;

-- name: PositionListByScope :many
-- PositionListByScope pages through a scope in order, filtered by type. Numbers are
-- ranks, so the positions numbered from skip+1 are the keys from offset skip on; numbering streams
-- along the key index and the page keeps the index's order, with no sort.
SELECT n.element_type, n.element_id, n.rank::bigint AS sequence_number
FROM (
    SELECT p.element_type, p.element_id, p.order_key, row_number() OVER (ORDER BY p.order_key) AS rank
    FROM sequence.positions p
    WHERE p.scope_id = @scope_id AND EXISTS (SELECT FROM sequence.scopes s WHERE s.id = @scope_id AND s.tenant = @tenant)
    ORDER BY p.order_key
    OFFSET @skip::bigint
    LIMIT @reach::bigint
) n
WHERE n.element_type = @element_type::text
ORDER BY n.order_key
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: PositionCountByScope :one
-- PositionCountByScope counts the positions of a type among reach positions of a scope from offset
-- skip: what PositionListByScope pages through when it filters.
SELECT count(*)
FROM (
    SELECT p.element_type FROM sequence.positions p
    WHERE p.scope_id = @scope_id AND EXISTS (SELECT FROM sequence.scopes s WHERE s.id = @scope_id AND s.tenant = @tenant)
    ORDER BY p.order_key
    OFFSET @skip::bigint
    LIMIT @reach::bigint
) n
WHERE n.element_type = @element_type::text;

-- name: PositionAllocatePlaced :one
-- PositionAllocatePlaced places one client element before or after a neighbour, or at a number;
-- see sequence.allocate_placed.
SELECT element_type::text AS element_type, element_id::bigint AS element_id, scope_id::bigint AS scope_id,
       sequence_number::bigint AS sequence_number, created::boolean AS created
FROM sequence.allocate_placed(@tenant::text, @script_id::bigint, @scope_name::text, @element_type::text, @element_id::bigint,
    sqlc.narg(before_type)::text, sqlc.narg(before_id)::bigint, sqlc.narg(after_type)::text, sqlc.narg(after_id)::bigint,
    sqlc.narg(at_sequence)::bigint);

-- name: PositionMove :many
-- PositionMove moves an element, or a run of elements, of a scope to a new place; see
-- sequence.move_run.
SELECT element_type::text AS element_type, element_id::bigint AS element_id, sequence_number::bigint AS sequence_number
FROM sequence.move_run(@tenant::text, @scope_id::bigint, @first_type::text, @first_id::bigint, sqlc.narg(last_type)::text, sqlc.narg(last_id)::bigint,
    sqlc.narg(before_type)::text, sqlc.narg(before_id)::bigint, sqlc.narg(after_type)::text, sqlc.narg(after_id)::bigint,
    sqlc.narg(at_sequence)::bigint);

-- name: VersionCreate :one
-- VersionCreate bumps the element's version head and stores the version in one statement, so a
-- failure leaves neither and concurrent writers queue on the head row.
WITH head AS (
    INSERT INTO sequence.version_heads AS h (tenant, element_type, element_id, last_version)
    VALUES (@tenant, @element_type, @element_id, 1)
    ON CONFLICT (tenant, element_type, element_id) DO UPDATE SET last_version = h.last_version + 1
    RETURNING h.last_version
)
INSERT INTO sequence.versions (tenant, element_type, element_id, version_number, data)
SELECT @tenant, @element_type, @element_id, head.last_version, @data
FROM head
RETURNING version_number, created_at;

-- name: VersionListByElement :many
-- VersionListByElement pages through an element's versions, oldest first, without their data.
SELECT version_number, created_at
FROM sequence.versions
WHERE tenant = @tenant AND element_type = @element_type AND element_id = @element_id
ORDER BY version_number
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: VersionCountByElement :one
-- VersionCountByElement counts an element's versions.
SELECT count(*) FROM sequence.versions WHERE tenant = @tenant AND element_type = @element_type AND element_id = @element_id;

-- name: VersionGet :one
-- VersionGet reads one version with its data.
SELECT version_number, created_at, data
FROM sequence.versions
WHERE tenant = @tenant AND element_type = @element_type AND element_id = @element_id AND version_number = @version_number;
