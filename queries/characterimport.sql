-- name: ImportLines :many
-- ImportLines creates the characters, actions and spoken words of an imported screenplay for the
-- tenant in one call and returns their ids: characters as (0, 'character', id), each line as (its
-- 1-based index in lines, 'action' or 'spokenWord', id). It is the Character Management service's
-- published interface for writes that span two services (migrations/characters/00003): the Core
-- Script Management service calls it inside its own transaction and places the lines in the story
-- order there, never the characters tables themselves. lines is a JSON array in story order (see
-- the migration for its fields).
SELECT i.ord::integer AS ord, i.element_type::text AS element_type, i.element_id::bigint AS element_id
FROM characters.import_v1(@tenant::text, @script_id::bigint, @description::text, @lines::jsonb) AS i;
