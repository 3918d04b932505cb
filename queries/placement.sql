-- name: Place :one
-- Place puts a content element into its order in a script of the tenant, at the end or where the
-- placement says (before or after a neighbour, or at a number), and returns its number. It and
-- Release are the Central Sequence Service's published interface for writes that span two
-- services: the content services call them inside their own transactions (migrations/sequence/
-- 00004, 00005, 00006), never the sequence tables themselves.
SELECT sequence.place_v3(@tenant::text, @script_id::bigint, @scope::text, @element_type::text, @element_id::bigint,
    sqlc.narg(before_type)::text, sqlc.narg(before_id)::bigint, sqlc.narg(after_type)::text, sqlc.narg(after_id)::bigint,
    sqlc.narg(at_sequence)::bigint)::bigint AS sequence_number;

-- name: Release :one
-- Release removes the tenant's content positions of the listed elements and returns how many there
-- were.
SELECT sequence.release_v2(@tenant::text, @element_types::text[], @element_ids::bigint[])::bigint AS released;

-- name: Append :one
-- Append puts new content elements at the end of their order in a script of the tenant, in list
-- order, with one lock and one statement, and returns the number of the first.
SELECT sequence.append_v1(@tenant::text, @script_id::bigint, @scope::text, @element_types::text[], @element_ids::bigint[])::bigint AS first_number;
