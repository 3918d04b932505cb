-- +goose Up
-- +goose StatementBegin
-- append_v1 places the listed content elements at the end of tenant p_tenant's order p_scope of
-- script p_script_id, in list order, and returns the number of the first (the others follow it one
-- by one). It is place_v3 for many elements at once: one lock, one statement, whatever their number,
-- for a write that brings a whole story (a screenplay's import). Every element must be new to the
-- order's tenant: one that holds a content position already fails the primary key, a bug of the
-- caller. Part of the published interface (00004), versioned by name like place_v*.
CREATE FUNCTION sequence.append_v1(p_tenant text, p_script_id bigint, p_scope text, p_element_types text[], p_element_ids bigint[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_scope_id bigint;
    v_count    bigint;
    v_keys     bigint[];
    v_n        integer := coalesce(cardinality(p_element_ids), 0);
BEGIN
    IF p_tenant IS NULL OR p_tenant = '' THEN
        RAISE EXCEPTION 'a placement names its tenant' USING ERRCODE = '22023';
    END IF;
    IF p_script_id IS NULL OR p_script_id < 1 OR p_scope IS NULL OR p_scope NOT IN ('story', 'sections')
        OR v_n <> coalesce(cardinality(p_element_types), 0)
        OR EXISTS (SELECT 1 FROM unnest(p_element_types, p_element_ids) AS r (element_type, element_id)
                   WHERE r.element_id IS NULL OR r.element_id < 1
                      OR NOT ((p_scope = 'story' AND r.element_type IN ('action', 'spokenWord', 'transition'))
                           OR (p_scope = 'sections' AND r.element_type = 'section'))) THEN
        RAISE EXCEPTION 'cannot append these elements to scope % of script %', p_scope, p_script_id
            USING ERRCODE = '22023';
    END IF;
    v_scope_id := sequence.scope_lock(p_tenant, p_script_id, p_scope, 'content');
    SELECT s.position_count INTO STRICT v_count FROM sequence.scopes s WHERE s.id = v_scope_id;
    IF v_n = 0 THEN
        RETURN v_count + 1;
    END IF;
    v_keys := sequence.open_gap(v_scope_id,
        sequence.placement_after(v_scope_id, 'content', NULL, NULL, NULL, NULL, NULL), v_n);
    INSERT INTO sequence.positions (tenant, owner, element_type, element_id, scope_id, order_key)
    SELECT p_tenant, 'content', r.element_type, r.element_id, v_scope_id, v_keys[r.ord]
    FROM unnest(p_element_types, p_element_ids) WITH ORDINALITY AS r (element_type, element_id, ord);
    RETURN v_count + 1;
END
$$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION sequence.append_v1(text, bigint, text, text[], bigint[]) FROM PUBLIC;
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fountain_placement') THEN
        GRANT EXECUTE ON FUNCTION sequence.append_v1(text, bigint, text, text[], bigint[]) TO fountain_placement;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION sequence.append_v1(text, bigint, text, text[], bigint[]);
