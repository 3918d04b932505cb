-- +goose Up
-- Order keys. A position no longer stores its number: it stores a key, and an order is its
-- positions sorted by key, so that a number is always the position's rank, 1..N without gaps,
-- whatever was inserted, moved or released. Putting an element between two others writes one row,
-- with a key between theirs, however long the order; when two neighbours' keys leave no integer
-- between them, a few neighbours around the gap are spread out again (open_gap), which no reader
-- can tell because numbers are ranks. Keys are plain integers: they never grow, whatever pattern
-- of inserts an order sees.
ALTER TABLE sequence.positions ADD COLUMN order_key bigint;
UPDATE sequence.positions p SET order_key = (r.rank - 1) * 4294967296
FROM (
    SELECT q.element_type, q.element_id, q.owner, row_number() OVER (PARTITION BY q.scope_id ORDER BY q.sequence_number) AS rank
    FROM sequence.positions q
) r
WHERE r.element_type = p.element_type AND r.element_id = p.element_id AND r.owner = p.owner;
ALTER TABLE sequence.positions ALTER COLUMN order_key SET NOT NULL,
    -- The keys stay strictly inside ±(2^62 − 1), so the distance between any two fits a bigint.
    ADD CONSTRAINT positions_order_key_range CHECK (order_key > -4611686018427387903 AND order_key < 4611686018427387903),
    DROP CONSTRAINT positions_scope_number_key,
    DROP COLUMN sequence_number,
    -- Reading an order (and counting ranks) from the index alone. Deferrable, so that one statement
    -- may exchange keys (a reorder, a window spread out again): uniqueness holds at its end.
    ADD CONSTRAINT positions_scope_key_key UNIQUE (scope_id, order_key) INCLUDE (element_type, element_id)
        DEFERRABLE INITIALLY IMMEDIATE;

-- +goose StatementBegin
-- scope_lock takes the row lock of the order (p_script_id, p_name), creating it with owner p_owner
-- on first use, and returns its id. Every change of an order holds this lock until its
-- transaction ends, so changes of one order happen one after another across every process; each
-- statement after it takes a fresh snapshot and sees every change committed before.
CREATE FUNCTION sequence.scope_lock(p_script_id bigint, p_name text, p_owner text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_scope_id bigint;
BEGIN
    SELECT s.id INTO v_scope_id FROM sequence.scopes s
    WHERE s.script_id = p_script_id AND s.name = p_name FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO sequence.scopes (script_id, name, owner) VALUES (p_script_id, p_name, p_owner)
        ON CONFLICT ON CONSTRAINT scopes_script_id_name_key DO NOTHING;
        SELECT s.id INTO STRICT v_scope_id FROM sequence.scopes s
        WHERE s.script_id = p_script_id AND s.name = p_name FOR UPDATE;
    END IF;
    RETURN v_scope_id;
END
$$;
-- +goose StatementEnd

-- rank_of is the number of the position with key p_key in order p_scope_id: how many keys come
-- before it, plus one.
CREATE FUNCTION sequence.rank_of(p_scope_id bigint, p_key bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT count(*) + 1 FROM sequence.positions p WHERE p.scope_id = p_scope_id AND p.order_key < p_key
$$;

-- +goose StatementBegin
-- open_gap returns p_count keys, ascending, strictly between p_after (NULL: the front of the order)
-- and the next key of order p_scope_id (none: the end). Between neighbours it divides their gap
-- evenly; at either end it steps by 2^32, leaving room for what comes next. When the gap holds too
-- few integers, it spreads out a window of neighbours around it: up to `reach` positions on each
-- side, reach growing fourfold until the window leaves at least 1024 between keys (or spans the
-- whole order). Repeated inserts at one place therefore relabel a few dozen rows every few inserts,
-- never the order. The caller holds the order's lock.
CREATE FUNCTION sequence.open_gap(p_scope_id bigint, p_after bigint, p_count integer) RETURNS bigint[]
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    c_bottom  CONSTANT bigint := -4611686018427387903;
    c_top     CONSTANT bigint := 4611686018427387903;
    c_spacing CONSTANT bigint := 4294967296;
    c_least   CONSTANT bigint := 1024;
    v_lo      bigint := coalesce(p_after, c_bottom);
    v_hi      bigint;
    v_step    bigint;
    v_first   bigint;
    v_reach   integer := 16;
    v_below   bigint[];
    v_above   bigint[];
    v_lo_edge bigint;
    v_hi_edge bigint;
    v_n_below integer;
    v_n_above integer;
BEGIN
    IF p_count < 1 THEN
        RETURN '{}';
    END IF;
    SELECT p.order_key INTO v_hi FROM sequence.positions p
    WHERE p.scope_id = p_scope_id AND p.order_key > v_lo ORDER BY p.order_key LIMIT 1;
    v_hi := coalesce(v_hi, c_top);
    IF v_hi - v_lo > p_count THEN
        v_step := (v_hi - v_lo) / (p_count + 1);
        IF v_lo = c_bottom AND v_hi = c_top THEN
            v_step := least(v_step, c_spacing);
            v_first := 0;
        ELSIF v_hi = c_top THEN
            v_step := least(v_step, c_spacing);
            v_first := v_lo + v_step;
        ELSIF v_lo = c_bottom THEN
            v_step := least(v_step, c_spacing);
            v_first := v_hi - v_step * p_count;
        ELSE
            v_first := v_lo + v_step;
        END IF;
        RETURN ARRAY(SELECT v_first + v_step * i FROM generate_series(0, p_count - 1) AS i);
    END IF;

    LOOP
        SELECT array_agg(b.k ORDER BY b.k DESC) INTO v_below FROM (
            SELECT p.order_key AS k FROM sequence.positions p
            WHERE p.scope_id = p_scope_id AND p.order_key <= v_lo ORDER BY p.order_key DESC LIMIT v_reach + 1
        ) b;
        SELECT array_agg(a.k ORDER BY a.k) INTO v_above FROM (
            SELECT p.order_key AS k FROM sequence.positions p
            WHERE p.scope_id = p_scope_id AND p.order_key >= v_hi ORDER BY p.order_key LIMIT v_reach + 1
        ) a;
        v_n_below := coalesce(cardinality(v_below), 0);
        v_n_above := coalesce(cardinality(v_above), 0);
        IF v_n_below > v_reach THEN
            v_lo_edge := v_below[v_reach + 1];
            v_n_below := v_reach;
        ELSE
            v_lo_edge := c_bottom;
        END IF;
        IF v_n_above > v_reach THEN
            v_hi_edge := v_above[v_reach + 1];
            v_n_above := v_reach;
        ELSE
            v_hi_edge := c_top;
        END IF;
        v_step := (v_hi_edge - v_lo_edge) / (v_n_below + p_count + v_n_above + 1);
        EXIT WHEN v_step >= c_least OR (v_lo_edge = c_bottom AND v_hi_edge = c_top);
        v_reach := v_reach * 4;
    END LOOP;
    IF v_step < 1 THEN
        RAISE EXCEPTION 'order % cannot hold % more positions', p_scope_id, p_count USING ERRCODE = '54000';
    END IF;
    -- The window's positions below the gap take the first slots, the new keys the next p_count,
    -- the positions above the rest; one statement, so the deferrable key constraint holds at its end.
    UPDATE sequence.positions p SET order_key = v_lo_edge + v_step * w.slot
    FROM (
        SELECT q.order_key AS old_key,
               row_number() OVER (ORDER BY q.order_key) + CASE WHEN q.order_key >= v_hi THEN p_count ELSE 0 END AS slot
        FROM sequence.positions q
        WHERE q.scope_id = p_scope_id AND q.order_key > v_lo_edge AND q.order_key < v_hi_edge
    ) w
    WHERE p.scope_id = p_scope_id AND p.order_key = w.old_key;
    RETURN ARRAY(SELECT v_lo_edge + v_step * (v_n_below + i) FROM generate_series(1, p_count) AS i);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- placement_after resolves where new or moved positions go in order p_scope_id, whose positions are
-- p_owner's: the key they go after, NULL for the front. At most one of before, after and at may be
-- given; none means the end. A neighbour that holds no position in the order is refused with
-- SQLSTATE FS002, a number outside 1..N+1 (N positions) with FS003.
CREATE FUNCTION sequence.placement_after(p_scope_id bigint, p_owner text, p_before_type text, p_before_id bigint,
    p_after_type text, p_after_id bigint, p_at bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_type  text := coalesce(p_after_type, p_before_type);
    v_id    bigint := coalesce(p_after_id, p_before_id);
    v_key   bigint;
    v_count bigint;
BEGIN
    IF num_nonnulls(p_before_id, p_after_id, p_at) > 1 THEN
        RAISE EXCEPTION 'give at most one of before, after and atSequence' USING ERRCODE = '22023';
    END IF;
    IF v_id IS NOT NULL THEN
        SELECT p.order_key INTO v_key FROM sequence.positions p
        WHERE p.owner = p_owner AND p.element_type = v_type AND p.element_id = v_id AND p.scope_id = p_scope_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION '% % is not in %', v_type, v_id, sequence.scope_label(p_scope_id) USING ERRCODE = 'FS002';
        END IF;
        IF p_after_id IS NOT NULL THEN
            RETURN v_key;
        END IF;
        RETURN (SELECT p.order_key FROM sequence.positions p
                WHERE p.scope_id = p_scope_id AND p.order_key < v_key ORDER BY p.order_key DESC LIMIT 1);
    END IF;
    IF p_at IS NOT NULL THEN
        SELECT s.position_count INTO STRICT v_count FROM sequence.scopes s WHERE s.id = p_scope_id;
        IF p_at < 1 OR p_at > v_count + 1 THEN
            RAISE EXCEPTION 'atSequence % is out of range: % holds % other positions, so it must be 1 to %',
                p_at, sequence.scope_label(p_scope_id), v_count, v_count + 1 USING ERRCODE = 'FS003';
        END IF;
        IF p_at = 1 THEN
            RETURN NULL;
        END IF;
        RETURN (SELECT p.order_key FROM sequence.positions p
                WHERE p.scope_id = p_scope_id ORDER BY p.order_key OFFSET p_at - 2 LIMIT 1);
    END IF;
    RETURN (SELECT p.order_key FROM sequence.positions p
            WHERE p.scope_id = p_scope_id ORDER BY p.order_key DESC LIMIT 1);
END
$$;
-- +goose StatementEnd

-- scope_label names an order for people, in the words of the API: `the story of script 7`.
CREATE FUNCTION sequence.scope_label(p_scope_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN s.script_id > 0 THEN format('the %s of script %s', s.name, s.script_id) ELSE format('scope %s', s.name) END
    FROM sequence.scopes s WHERE s.id = p_scope_id
$$;

-- +goose StatementBegin
-- place_v2 is place_v1 with a placement: the element goes before or after a neighbour (an element of
-- the same order), at number p_at (1..N+1; what was there and after moves down by one), or, with
-- none of them, at the end. It returns the element's number when the caller's transaction commits:
-- the order stays locked until then. An element that holds a content position already keeps it
-- and gets its number back. A neighbour not in the order is SQLSTATE FS002, a number out of range
-- FS003, more than one placement 22023.
CREATE FUNCTION sequence.place_v2(p_script_id bigint, p_scope text, p_element_type text, p_element_id bigint,
    p_before_type text, p_before_id bigint, p_after_type text, p_after_id bigint, p_at bigint)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_scope_id bigint;
    v_key      bigint;
    v_keys     bigint[];
BEGIN
    IF p_script_id IS NULL OR p_script_id < 1 OR p_element_id IS NULL OR p_element_id < 1
        OR NOT ((p_scope = 'story' AND p_element_type IN ('action', 'spokenWord', 'transition'))
             OR (p_scope = 'sections' AND p_element_type = 'section')) THEN
        RAISE EXCEPTION 'cannot place % % in scope % of script %', p_element_type, p_element_id, p_scope, p_script_id
            USING ERRCODE = '22023';
    END IF;
    v_scope_id := sequence.scope_lock(p_script_id, p_scope, 'content');
    SELECT p.order_key INTO v_key FROM sequence.positions p
    WHERE p.owner = 'content' AND p.element_type = p_element_type AND p.element_id = p_element_id AND p.scope_id = v_scope_id;
    IF FOUND THEN
        RETURN sequence.rank_of(v_scope_id, v_key);
    END IF;
    v_keys := sequence.open_gap(v_scope_id,
        sequence.placement_after(v_scope_id, 'content', p_before_type, p_before_id, p_after_type, p_after_id, p_at), 1);
    -- An element in another order fails the primary key: identity ids are never reused, so that is
    -- a bug of the caller, not something to answer.
    INSERT INTO sequence.positions (owner, element_type, element_id, scope_id, order_key)
    VALUES ('content', p_element_type, p_element_id, v_scope_id, v_keys[1]);
    IF p_at IS NOT NULL THEN
        RETURN p_at;
    ELSIF p_before_id IS NULL AND p_after_id IS NULL THEN
        RETURN (SELECT s.position_count FROM sequence.scopes s WHERE s.id = v_scope_id);
    END IF;
    RETURN sequence.rank_of(v_scope_id, v_keys[1]);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- place_v1 keeps its contract: at the end of the order.
CREATE OR REPLACE FUNCTION sequence.place_v1(p_script_id bigint, p_scope text, p_element_type text, p_element_id bigint)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN sequence.place_v2(p_script_id, p_scope, p_element_type, p_element_id, NULL, NULL, NULL, NULL, NULL);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- allocate_positions keeps its contract (migration 00004) on order keys: the listed client elements
-- that hold no position go to the end of the client scope, in list order.
CREATE OR REPLACE FUNCTION sequence.allocate_positions(p_script_id bigint, p_name text, p_element_types text[], p_element_ids bigint[])
RETURNS TABLE (element_type text, element_id bigint, scope_id bigint, sequence_number bigint, created boolean)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_scope_id bigint;
    v_count    bigint;
    v_types    text[];
    v_ids      bigint[];
    v_keys     bigint[];
BEGIN
    IF p_script_id > 0 AND p_name IN ('story', 'sections') THEN
        RAISE EXCEPTION 'scope % of script % is a content order', p_name, p_script_id USING ERRCODE = 'FS001';
    END IF;
    v_scope_id := sequence.scope_lock(p_script_id, p_name, 'client');

    -- Those already placed, anywhere among the client's scopes, answer where they are.
    RETURN QUERY
    SELECT p.element_type, p.element_id, p.scope_id, sequence.rank_of(p.scope_id, p.order_key), false
    FROM sequence.positions p
    JOIN unnest(p_element_types, p_element_ids) AS r (element_type, element_id)
      ON p.owner = 'client' AND p.element_type = r.element_type AND p.element_id = r.element_id
    GROUP BY p.element_type, p.element_id, p.scope_id, p.order_key;

    SELECT array_agg(f.element_type ORDER BY f.ord), array_agg(f.element_id ORDER BY f.ord) INTO v_types, v_ids
    FROM (
        SELECT DISTINCT ON (r.element_type, r.element_id) r.element_type, r.element_id, r.ord
        FROM unnest(p_element_types, p_element_ids) WITH ORDINALITY AS r (element_type, element_id, ord)
        WHERE NOT EXISTS (
            SELECT 1 FROM sequence.positions p
            WHERE p.owner = 'client' AND p.element_type = r.element_type AND p.element_id = r.element_id
        )
        ORDER BY r.element_type, r.element_id, r.ord
    ) f;
    IF v_ids IS NULL THEN
        RETURN;
    END IF;
    SELECT s.position_count INTO STRICT v_count FROM sequence.scopes s WHERE s.id = v_scope_id;
    v_keys := sequence.open_gap(v_scope_id, sequence.placement_after(v_scope_id, 'client', NULL, NULL, NULL, NULL, NULL), cardinality(v_ids));
    INSERT INTO sequence.positions (owner, element_type, element_id, scope_id, order_key)
    SELECT 'client', u.t, u.i, v_scope_id, u.k FROM unnest(v_types, v_ids, v_keys) AS u (t, i, k);
    RETURN QUERY
    SELECT u.t, u.i, v_scope_id, v_count + u.ord, true
    FROM unnest(v_types, v_ids) WITH ORDINALITY AS u (t, i, ord);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- allocate_placed places one client element of scope (p_script_id, p_name) before or after a
-- neighbour or at a number (see placement_after), or answers where it already is, in whatever
-- client scope; the row is allocate_positions'.
CREATE FUNCTION sequence.allocate_placed(p_script_id bigint, p_name text, p_element_type text, p_element_id bigint,
    p_before_type text, p_before_id bigint, p_after_type text, p_after_id bigint, p_at bigint)
RETURNS TABLE (element_type text, element_id bigint, scope_id bigint, sequence_number bigint, created boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_scope_id bigint;
    v_keys     bigint[];
BEGIN
    IF p_script_id > 0 AND p_name IN ('story', 'sections') THEN
        RAISE EXCEPTION 'scope % of script % is a content order', p_name, p_script_id USING ERRCODE = 'FS001';
    END IF;
    v_scope_id := sequence.scope_lock(p_script_id, p_name, 'client');
    RETURN QUERY
    SELECT p.element_type, p.element_id, p.scope_id, sequence.rank_of(p.scope_id, p.order_key), false
    FROM sequence.positions p
    WHERE p.owner = 'client' AND p.element_type = p_element_type AND p.element_id = p_element_id;
    IF FOUND THEN
        RETURN;
    END IF;
    v_keys := sequence.open_gap(v_scope_id,
        sequence.placement_after(v_scope_id, 'client', p_before_type, p_before_id, p_after_type, p_after_id, p_at), 1);
    INSERT INTO sequence.positions (owner, element_type, element_id, scope_id, order_key)
    VALUES ('client', p_element_type, p_element_id, v_scope_id, v_keys[1]);
    RETURN QUERY SELECT p_element_type, p_element_id, v_scope_id, sequence.rank_of(v_scope_id, v_keys[1]), true;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- move_run moves a run of order p_scope_id, the positions from element (p_first_type, p_first_id)
-- through (p_last_type, p_last_id) inclusive (the first alone when no last is given), as one block
-- before or after a neighbour outside it or so that it starts at number p_at (counted in the order
-- as it is after the move), and answers the run's elements with their new numbers, in order. It
-- takes the order's lock. The run keeps its inner order; every other position keeps its place
-- relative to the others. Refusals: an element of the run that holds no position in the order is
-- FS004, a last element before the first FS006, a neighbour inside the run FS005, a neighbour
-- outside the order FS002, a number out of range FS003; exactly one placement is required (22023).
CREATE FUNCTION sequence.move_run(p_scope_id bigint, p_first_type text, p_first_id bigint, p_last_type text, p_last_id bigint,
    p_before_type text, p_before_id bigint, p_after_type text, p_after_id bigint, p_at bigint)
RETURNS TABLE (element_type text, element_id bigint, sequence_number bigint)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_owner  text;
    v_first  bigint;
    v_last   bigint;
    v_key    bigint;
    v_types  text[];
    v_ids    bigint[];
    v_keys   bigint[];
    v_number bigint;
BEGIN
    IF num_nonnulls(p_before_id, p_after_id, p_at) <> 1 THEN
        RAISE EXCEPTION 'give exactly one of before, after and atSequence' USING ERRCODE = '22023';
    END IF;
    SELECT s.owner INTO STRICT v_owner FROM sequence.scopes s WHERE s.id = p_scope_id FOR UPDATE;
    SELECT p.order_key INTO v_first FROM sequence.positions p
    WHERE p.owner = v_owner AND p.element_type = p_first_type AND p.element_id = p_first_id AND p.scope_id = p_scope_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% % is not in %', p_first_type, p_first_id, sequence.scope_label(p_scope_id) USING ERRCODE = 'FS004';
    END IF;
    v_last := v_first;
    IF p_last_id IS NOT NULL THEN
        SELECT p.order_key INTO v_last FROM sequence.positions p
        WHERE p.owner = v_owner AND p.element_type = p_last_type AND p.element_id = p_last_id AND p.scope_id = p_scope_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION '% % is not in %', p_last_type, p_last_id, sequence.scope_label(p_scope_id) USING ERRCODE = 'FS004';
        END IF;
        IF v_last < v_first THEN
            RAISE EXCEPTION '% % comes before % % in %', p_last_type, p_last_id, p_first_type, p_first_id,
                sequence.scope_label(p_scope_id) USING ERRCODE = 'FS006';
        END IF;
    END IF;
    IF coalesce(p_before_id, p_after_id) IS NOT NULL THEN
        SELECT p.order_key INTO v_key FROM sequence.positions p
        WHERE p.owner = v_owner AND p.element_type = coalesce(p_before_type, p_after_type)
          AND p.element_id = coalesce(p_before_id, p_after_id) AND p.scope_id = p_scope_id;
        IF v_key BETWEEN v_first AND v_last THEN
            RAISE EXCEPTION '% % is part of what moves', coalesce(p_before_type, p_after_type), coalesce(p_before_id, p_after_id)
                USING ERRCODE = 'FS005';
        END IF;
    END IF;

    WITH gone AS (
        DELETE FROM sequence.positions p
        WHERE p.scope_id = p_scope_id AND p.order_key BETWEEN v_first AND v_last
        RETURNING p.element_type, p.element_id, p.order_key
    )
    SELECT array_agg(g.element_type ORDER BY g.order_key), array_agg(g.element_id ORDER BY g.order_key) INTO v_types, v_ids
    FROM gone g;
    v_keys := sequence.open_gap(p_scope_id,
        sequence.placement_after(p_scope_id, v_owner, p_before_type, p_before_id, p_after_type, p_after_id, p_at), cardinality(v_ids));
    INSERT INTO sequence.positions (owner, element_type, element_id, scope_id, order_key)
    SELECT v_owner, u.t, u.i, p_scope_id, u.k FROM unnest(v_types, v_ids, v_keys) AS u (t, i, k);
    v_number := coalesce(p_at, sequence.rank_of(p_scope_id, v_keys[1]));
    RETURN QUERY
    SELECT u.t, u.i, v_number + u.ord - 1 FROM unnest(v_types, v_ids) WITH ORDINALITY AS u (t, i, ord);
END
$$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION sequence.place_v2(bigint, text, text, bigint, text, bigint, text, bigint, bigint) FROM PUBLIC;
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fountain_placement') THEN
        GRANT EXECUTE ON FUNCTION sequence.place_v2(bigint, text, text, bigint, text, bigint, text, bigint, bigint) TO fountain_placement;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Numbers are ranks now; migration 4 before this one cannot be reversed either.
-- +goose StatementBegin
DO $$ BEGIN RAISE EXCEPTION 'sequence migration 5 (order keys) cannot be reversed'; END $$;
-- +goose StatementEnd
