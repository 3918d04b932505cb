-- name: Place :one
-- Place puts a content element at the end of its order in a script and returns its number. It and
-- Release are the Central Sequence Service's published interface for writes that span two
-- services: the content services call them inside their own transactions (migrations/sequence/
-- 00004), never the sequence tables themselves.
SELECT sequence.place_v1(@script_id::bigint, @scope::text, @element_type::text, @element_id::bigint)::bigint AS sequence_number;

-- name: Release :one
-- Release removes the content positions of the listed elements and returns how many there were.
SELECT sequence.release_v1(@element_types::text[], @element_ids::bigint[])::bigint AS released;
