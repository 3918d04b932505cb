-- +goose Up
-- Positions have an owner. `content` positions are those of the sections, transitions, actions and
-- spoken words that the Core Script and Character services store: they live in the two orders of a
-- script (`story` and `sections`), and only those services place and release them, through the
-- functions below, in the same transaction that writes the element. `client` positions are placed
-- through this service's HTTP API, by clients that keep elements of their own: they never enter a
-- content order, and an element id of theirs never collides with a content service's, because
-- each owner has its own key space.
ALTER TABLE sequence.scopes ADD COLUMN owner text NOT NULL DEFAULT 'client' CHECK (owner IN ('client', 'content'));
UPDATE sequence.scopes SET owner = 'content' WHERE script_id > 0 AND name IN ('story', 'sections');
ALTER TABLE sequence.scopes ALTER COLUMN owner DROP DEFAULT,
    -- The two orders of a script are the content services', and nothing else is.
    ADD CONSTRAINT scopes_content_orders CHECK ((owner = 'content') = (script_id > 0 AND name IN ('story', 'sections'))),
    ADD CONSTRAINT scopes_id_owner_key UNIQUE (id, owner);

ALTER TABLE sequence.positions ADD COLUMN owner text;
UPDATE sequence.positions p SET owner = s.owner FROM sequence.scopes s WHERE s.id = p.scope_id;
ALTER TABLE sequence.positions ALTER COLUMN owner SET NOT NULL,
    -- A position's owner is its scope's.
    ADD CONSTRAINT positions_scope_owner_fkey FOREIGN KEY (scope_id, owner) REFERENCES sequence.scopes (id, owner),
    DROP CONSTRAINT positions_pkey,
    -- An element holds one position per owner.
    ADD CONSTRAINT positions_pkey PRIMARY KEY (element_type, element_id, owner);

-- The client allocation of the HTTP API (POST /sequence) keeps its contract within the client key
-- space: it places in client scopes only, and finds an element's position among the client's.
DROP FUNCTION sequence.allocate_positions(bigint, text, text[], bigint[]);

-- +goose StatementBegin
-- allocate_positions places, in one call, every listed client element that holds no position yet
-- at the end of the client scope (p_script_id, p_name), in list order, and returns the position of
-- every listed element, placed now or before, in whatever client scope it is. It takes the scope's
-- row lock first (creating the scope on first use); each statement inside a function takes a fresh
-- snapshot, so the allocation sees every allocation committed before the lock was granted. A
-- content order is refused with SQLSTATE FS001.
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
    IF p_script_id > 0 AND p_name IN ('story', 'sections') THEN
        RAISE EXCEPTION 'scope % of script % is a content order', p_name, p_script_id USING ERRCODE = 'FS001';
    END IF;
    SELECT s.id INTO v_scope_id FROM sequence.scopes s
    WHERE s.script_id = p_script_id AND s.name = p_name FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO sequence.scopes (script_id, name, owner) VALUES (p_script_id, p_name, 'client')
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
        JOIN req ON p.owner = 'client' AND req.element_type = p.element_type AND req.element_id = p.element_id
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
        INSERT INTO sequence.positions AS p (owner, element_type, element_id, scope_id, sequence_number)
        SELECT 'client', f.element_type, f.element_id, v_scope_id, tail.last_number + row_number() OVER (ORDER BY f.ord)
        FROM fresh f CROSS JOIN tail
        RETURNING p.element_type, p.element_id, p.scope_id, p.sequence_number
    )
    SELECT pl.element_type, pl.element_id, pl.scope_id, pl.sequence_number, true FROM placed pl
    UNION ALL
    SELECT ex.element_type, ex.element_id, ex.scope_id, ex.sequence_number, false FROM existing ex;
END
$$;
-- +goose StatementEnd

-- The published interface of the Central Sequence Service for writes that span two services (see
-- DESIGN.md): a content service calls these inside its own transaction, so that an element, its
-- position and the request's idempotency record commit together or not at all. They are the only
-- way into the content orders. Versioned by name: a changed contract is a new function beside the
-- old one, so that a service built against _v1 keeps working while the others move on.

-- +goose StatementBegin
-- place_v1 places a content element at the end of its order (p_scope `story` for actions, spoken
-- words and transitions, `sections` for section headings) of script p_script_id and returns its
-- number; an element that holds a content position already keeps it and gets its number back. It
-- holds the order's row lock until the caller's transaction ends, so numbers stay dense and
-- distinct across any number of processes.
CREATE FUNCTION sequence.place_v1(p_script_id bigint, p_scope text, p_element_type text, p_element_id bigint)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_scope_id bigint;
    v_number   bigint;
BEGIN
    IF p_script_id IS NULL OR p_script_id < 1 OR p_element_id IS NULL OR p_element_id < 1
        OR NOT ((p_scope = 'story' AND p_element_type IN ('action', 'spokenWord', 'transition'))
             OR (p_scope = 'sections' AND p_element_type = 'section')) THEN
        RAISE EXCEPTION 'cannot place % % in scope % of script %', p_element_type, p_element_id, p_scope, p_script_id
            USING ERRCODE = '22023';
    END IF;
    SELECT s.id INTO v_scope_id FROM sequence.scopes s
    WHERE s.script_id = p_script_id AND s.name = p_scope FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO sequence.scopes (script_id, name, owner) VALUES (p_script_id, p_scope, 'content')
        ON CONFLICT ON CONSTRAINT scopes_script_id_name_key DO NOTHING;
        SELECT s.id INTO STRICT v_scope_id FROM sequence.scopes s
        WHERE s.script_id = p_script_id AND s.name = p_scope FOR UPDATE;
    END IF;
    SELECT p.sequence_number INTO v_number FROM sequence.positions p
    WHERE p.owner = 'content' AND p.element_type = p_element_type AND p.element_id = p_element_id AND p.scope_id = v_scope_id;
    IF FOUND THEN
        RETURN v_number;
    END IF;
    -- An element in another order fails the primary key: identity ids are never reused, so that is
    -- a bug of the caller, not something to answer.
    INSERT INTO sequence.positions (owner, element_type, element_id, scope_id, sequence_number)
    SELECT 'content', p_element_type, p_element_id, v_scope_id, coalesce(max(p.sequence_number), 0) + 1
    FROM sequence.positions p WHERE p.scope_id = v_scope_id
    RETURNING sequence_number INTO v_number;
    RETURN v_number;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- release_v1 removes the content positions of the listed elements (those that hold one) and returns
-- how many it removed. It locks their orders first, in id order, as allocation and reorder do, so
-- that it never deadlocks with them; the other elements keep their numbers.
CREATE FUNCTION sequence.release_v1(p_element_types text[], p_element_ids bigint[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_released bigint;
BEGIN
    PERFORM 1 FROM sequence.scopes s
    WHERE s.id IN (
        SELECT p.scope_id FROM sequence.positions p
        JOIN unnest(p_element_types, p_element_ids) AS r (element_type, element_id)
          ON p.owner = 'content' AND p.element_type = r.element_type AND p.element_id = r.element_id
    )
    ORDER BY s.id FOR UPDATE;
    DELETE FROM sequence.positions p
    USING unnest(p_element_types, p_element_ids) AS r (element_type, element_id)
    WHERE p.owner = 'content' AND p.element_type = r.element_type AND p.element_id = r.element_id;
    GET DIAGNOSTICS v_released = ROW_COUNT;
    RETURN v_released;
END
$$;
-- +goose StatementEnd

-- Only the content services may call the interface: the role fountain_placement carries the right,
-- and the scripts and characters services' roles are granted it (internal/migrate creates the roles,
-- which are cluster-wide and need CREATEROLE; without them the functions stay callable by their
-- owner only, the user every service connects as when there are no roles).
REVOKE ALL ON FUNCTION sequence.place_v1(bigint, text, text, bigint), sequence.release_v1(text[], bigint[]) FROM PUBLIC;
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fountain_placement') THEN
        GRANT USAGE ON SCHEMA sequence TO fountain_placement;
        GRANT EXECUTE ON FUNCTION sequence.place_v1(bigint, text, text, bigint), sequence.release_v1(text[], bigint[]) TO fountain_placement;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Two owners' positions of one element cannot be folded back into one key.
-- +goose StatementBegin
DO $$ BEGIN RAISE EXCEPTION 'sequence migration 4 (owners of positions) cannot be reversed'; END $$;
-- +goose StatementEnd
