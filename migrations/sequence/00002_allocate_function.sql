-- +goose Up
-- +goose StatementBegin
-- allocate_positions places, in one call, every listed element that holds no position yet at the
-- end of the scope (p_script_id, p_name), in list order, and returns the position of every listed
-- element, placed now or before, in whatever scope it is. It takes the scope's row lock first
-- (creating the scope on first use); each statement inside a function takes a fresh snapshot, so
-- the allocation sees every allocation committed before the lock was granted. One call is one
-- round trip and, in autocommit, one transaction.
CREATE FUNCTION sequence.allocate_positions(p_script_id bigint, p_name text, p_element_types text[], p_element_ids bigint[])
RETURNS TABLE (element_type text, element_id bigint, scope_id bigint, sequence_number bigint, created boolean)
LANGUAGE plpgsql VOLATILE
-- A plan cached while the table was small (a sequential scan) would stay in use as it grows; the
-- plans here are cheap to make, so each call plans for the arrays and table it actually has.
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_scope_id bigint;
BEGIN
    SELECT s.id INTO v_scope_id FROM sequence.scopes s
    WHERE s.script_id = p_script_id AND s.name = p_name FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO sequence.scopes (script_id, name) VALUES (p_script_id, p_name)
        ON CONFLICT ON CONSTRAINT scopes_script_id_name_key DO NOTHING;
        SELECT s.id INTO STRICT v_scope_id FROM sequence.scopes s
        WHERE s.script_id = p_script_id AND s.name = p_name FOR UPDATE;
    END IF;

    RETURN QUERY
    WITH req AS (
        SELECT r.element_type, r.element_id, r.ord
        FROM unnest(p_element_types, p_element_ids) WITH ORDINALITY AS r (element_type, element_id, ord)
    ),
    existing AS (
        SELECT p.element_type, p.element_id, p.scope_id, p.sequence_number
        FROM sequence.positions p
        JOIN req ON req.element_type = p.element_type AND req.element_id = p.element_id
    ),
    fresh AS (
        SELECT DISTINCT ON (req.element_type, req.element_id) req.element_type, req.element_id, req.ord
        FROM req
        WHERE NOT EXISTS (
            SELECT 1 FROM existing e WHERE e.element_type = req.element_type AND e.element_id = req.element_id
        )
        ORDER BY req.element_type, req.element_id, req.ord
    ),
    tail AS (
        SELECT coalesce(max(p.sequence_number), 0) AS last_number
        FROM sequence.positions p WHERE p.scope_id = v_scope_id
    ),
    placed AS (
        INSERT INTO sequence.positions AS p (element_type, element_id, scope_id, sequence_number)
        SELECT f.element_type, f.element_id, v_scope_id, tail.last_number + row_number() OVER (ORDER BY f.ord)
        FROM fresh f CROSS JOIN tail
        RETURNING p.element_type, p.element_id, p.scope_id, p.sequence_number
    )
    SELECT pl.element_type, pl.element_id, pl.scope_id, pl.sequence_number, true FROM placed pl
    UNION ALL
    SELECT ex.element_type, ex.element_id, ex.scope_id, ex.sequence_number, false FROM existing ex;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION sequence.allocate_positions(bigint, text, text[], bigint[]);
