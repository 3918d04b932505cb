-- name: ScopeGetByID :one
-- ScopeGetByID names the scope an element was found in.
SELECT id, script_id, name, owner FROM sequence.scopes WHERE id = @id;

-- name: ScopeFind :one
-- ScopeFind looks a scope up without locking it, for reads, with how many positions it holds.
SELECT id, script_id, name, owner, position_count FROM sequence.scopes WHERE script_id = @script_id AND name = @name;

-- name: ScopeLockByID :one
-- ScopeLockByID takes the scope's row lock for a reorder and reads the scope.
SELECT id, script_id, name, owner FROM sequence.scopes WHERE id = @id FOR UPDATE;

-- name: PositionAllocate :many
-- PositionAllocate places the elements that hold no position yet at the end of the scope and returns
-- where every listed element stands; see sequence.allocate_positions.
SELECT element_type::text AS element_type, element_id::bigint AS element_id, scope_id::bigint AS scope_id,
       sequence_number::bigint AS sequence_number, created::boolean AS created
FROM sequence.allocate_positions(@script_id::bigint, @scope_name::text, @element_types::text[], @element_ids::bigint[]);

-- name: PositionGetByElement :one
-- PositionGetByElement reads an element's position with its scope: the owner's, or without an
-- owner the client's if it has one, else the content services'.
SELECT p.owner, p.element_type, p.element_id, p.sequence_number, s.id AS scope_id, s.script_id, s.name AS scope_name
FROM sequence.positions p
JOIN sequence.scopes s ON s.id = p.scope_id
WHERE p.element_type = @element_type AND p.element_id = @element_id
  AND (sqlc.narg(owner)::text IS NULL OR p.owner = sqlc.narg(owner))
ORDER BY p.owner
LIMIT 1;

-- name: PositionListByIDs :many
-- PositionListByIDs reads the positions of elements of one type, in the order of the ids given,
-- each as PositionGetByElement chooses it.
SELECT DISTINCT ON (r.ord) p.owner, p.element_id, p.sequence_number, s.script_id, s.name AS scope_name
FROM unnest(@element_ids::bigint[]) WITH ORDINALITY AS r (element_id, ord)
JOIN sequence.positions p ON p.element_type = @element_type AND p.element_id = r.element_id
JOIN sequence.scopes s ON s.id = p.scope_id
WHERE sqlc.narg(owner)::text IS NULL OR p.owner = sqlc.narg(owner)
ORDER BY r.ord, p.owner;

-- name: PositionDelete :execrows
-- PositionDelete releases an element's client position; the caller holds its scope's lock.
DELETE FROM sequence.positions WHERE owner = 'client' AND element_type = @element_type AND element_id = @element_id;

-- name: PositionListByElements :many
-- PositionListByElements reads the positions one owner's elements hold (those that hold one).
SELECT p.element_type, p.element_id, p.scope_id, p.sequence_number
FROM sequence.positions p
JOIN (
    SELECT (@element_types::text[])[i]::text AS element_type, (@element_ids::bigint[])[i]::bigint AS element_id
    FROM generate_series(1, cardinality(@element_ids::bigint[])) AS i
) r ON r.element_type = p.element_type AND r.element_id = p.element_id
WHERE p.owner = @owner;

-- name: PositionReorder :execrows
-- PositionReorder moves the given elements of a scope to their new numbers in one statement; the
-- deferrable unique constraint rejects a result with two elements on one number.
UPDATE sequence.positions p
SET sequence_number = r.new_sequence, updated_at = now()
FROM (
    SELECT (@element_types::text[])[i]::text AS element_type, (@element_ids::bigint[])[i]::bigint AS element_id,
           (@new_sequences::bigint[])[i]::bigint AS new_sequence
    FROM generate_series(1, cardinality(@element_ids::bigint[])) AS i
) r
WHERE p.scope_id = @scope_id AND p.element_type = r.element_type AND p.element_id = r.element_id;

-- name: PositionHolderOfNumbers :many
-- PositionHolderOfNumbers finds which elements of a scope hold any of the given numbers, to explain a
-- rejected reorder.
SELECT element_type, element_id, sequence_number
FROM sequence.positions
WHERE scope_id = @scope_id AND sequence_number = ANY (@numbers::bigint[])
ORDER BY sequence_number;

-- name: PositionListByScope :many
-- PositionListByScope pages through a scope in sequence order with optional filters.
SELECT element_type, element_id, sequence_number
FROM sequence.positions
WHERE scope_id = @scope_id
  AND (sqlc.narg(element_type)::text IS NULL OR element_type = sqlc.narg(element_type))
  AND sequence_number >= @start_sequence
  AND sequence_number <= @end_sequence
ORDER BY sequence_number
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: PositionCountByScope :one
-- PositionCountByScope counts what PositionListByScope pages through.
SELECT count(*)
FROM sequence.positions
WHERE scope_id = @scope_id
  AND (sqlc.narg(element_type)::text IS NULL OR element_type = sqlc.narg(element_type))
  AND sequence_number >= @start_sequence
  AND sequence_number <= @end_sequence;

-- name: VersionCreate :one
-- VersionCreate bumps the element's version head and stores the version in one statement, so a
-- failure leaves neither and concurrent writers queue on the head row.
WITH head AS (
    INSERT INTO sequence.version_heads AS h (element_type, element_id, last_version)
    VALUES (@element_type, @element_id, 1)
    ON CONFLICT (element_type, element_id) DO UPDATE SET last_version = h.last_version + 1
    RETURNING h.last_version
)
INSERT INTO sequence.versions (element_type, element_id, version_number, data)
SELECT @element_type, @element_id, head.last_version, @data
FROM head
RETURNING version_number, created_at;

-- name: VersionListByElement :many
-- VersionListByElement pages through an element's versions, oldest first, without their data.
SELECT version_number, created_at
FROM sequence.versions
WHERE element_type = @element_type AND element_id = @element_id
ORDER BY version_number
LIMIT @row_limit::bigint OFFSET @row_offset::bigint;

-- name: VersionCountByElement :one
-- VersionCountByElement counts an element's versions.
SELECT count(*) FROM sequence.versions WHERE element_type = @element_type AND element_id = @element_id;

-- name: VersionGet :one
-- VersionGet reads one version with its data.
SELECT version_number, created_at, data
FROM sequence.versions
WHERE element_type = @element_type AND element_id = @element_id AND version_number = @version_number;
