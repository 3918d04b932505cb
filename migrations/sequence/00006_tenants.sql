-- +goose Up
-- Tenants. Every order, position, version head and version belongs to one tenant, and nothing of
-- one tenant's is visible to or changeable by another: an order is named by (tenant, script id,
-- name), so two tenants that name the same script id or client scope get two orders, and an
-- element (type and id) has a position of each owner and a version history per tenant, since a
-- client's element ids are its own choice. What existed before tenants is the default tenant's.
-- The column keeps no default: a write that forgets the tenant fails instead of landing in one.

ALTER TABLE sequence.scopes ADD COLUMN tenant text NOT NULL DEFAULT 'default' CHECK (tenant <> '');
ALTER TABLE sequence.scopes ALTER COLUMN tenant DROP DEFAULT,
    DROP CONSTRAINT scopes_script_id_name_key,
    ADD CONSTRAINT scopes_tenant_script_id_name_key UNIQUE (tenant, script_id, name),
    -- The target of the positions' key below.
    ADD CONSTRAINT scopes_id_tenant_owner_key UNIQUE (id, tenant, owner);

ALTER TABLE sequence.positions ADD COLUMN tenant text NOT NULL DEFAULT 'default' CHECK (tenant <> '');
ALTER TABLE sequence.positions ALTER COLUMN tenant DROP DEFAULT,
    -- A position's tenant and owner are its scope's: a query that finds an order by its tenant
    -- finds only that tenant's positions in it.
    DROP CONSTRAINT positions_scope_owner_fkey,
    ADD CONSTRAINT positions_scope_tenant_owner_fkey FOREIGN KEY (scope_id, tenant, owner) REFERENCES sequence.scopes (id, tenant, owner),
    -- An element holds one position per tenant and owner; every lookup by element names both.
    DROP CONSTRAINT positions_pkey,
    ADD CONSTRAINT positions_pkey PRIMARY KEY (tenant, element_type, element_id, owner);
ALTER TABLE sequence.scopes DROP CONSTRAINT scopes_id_owner_key;

ALTER TABLE sequence.version_heads ADD COLUMN tenant text NOT NULL DEFAULT 'default' CHECK (tenant <> '');
ALTER TABLE sequence.version_heads ALTER COLUMN tenant DROP DEFAULT,
    DROP CONSTRAINT version_heads_pkey,
    ADD CONSTRAINT version_heads_pkey PRIMARY KEY (tenant, element_type, element_id);

ALTER TABLE sequence.versions ADD COLUMN tenant text NOT NULL DEFAULT 'default' CHECK (tenant <> '');
ALTER TABLE sequence.versions ALTER COLUMN tenant DROP DEFAULT,
    -- Tenant first: a page of an element's versions stays a scan of this index.
    DROP CONSTRAINT versions_pkey,
    ADD CONSTRAINT versions_pkey PRIMARY KEY (tenant, element_type, element_id, version_number);

-- The functions. Those that find an order by its name or an element by its id take the tenant;
-- those handed an order's id (rank_of, open_gap, placement_after, scope_label) need none, since an
-- order's id is only ever had from a lookup that named the tenant, and its positions are its
-- tenant's by the key above (placement_after reads it from the order, for the primary key). The functions only this service calls (scope_lock,
-- allocate_positions, allocate_placed, move_run) change their arguments: a call without a tenant
-- then fails rather than acting for the default one. The published interface is versioned by name
-- (00004): place_v3 and release_v2 take the tenant, and place_v1, place_v2 and release_v1 keep
-- their contracts for the default tenant, which is all a service built against them knows of.
DROP FUNCTION sequence.allocate_positions(bigint, text, text[], bigint[]);
DROP FUNCTION sequence.allocate_placed(bigint, text, text, bigint, text, bigint, text, bigint, bigint);
DROP FUNCTION sequence.move_run(bigint, text, bigint, text, bigint, text, bigint, text, bigint, bigint);
DROP FUNCTION sequence.scope_lock(bigint, text, text);

-- +goose StatementBegin
-- placement_after (00005) finds a neighbour among the positions of its order's tenant, which the
-- order's id implies: naming the tenant keeps the lookup on the positions' primary key, which the
-- tenant leads.
CREATE OR REPLACE FUNCTION sequence.placement_after(p_scope_id bigint, p_owner text, p_before_type text, p_before_id bigint,
    p_after_type text, p_after_id bigint, p_at bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_type   text := coalesce(p_after_type, p_before_type);
    v_id     bigint := coalesce(p_after_id, p_before_id);
    v_tenant text;
    v_key    bigint;
    v_count  bigint;
BEGIN
    IF num_nonnulls(p_before_id, p_after_id, p_at) > 1 THEN
        RAISE EXCEPTION 'give at most one of before, after and atSequence' USING ERRCODE = '22023';
    END IF;
    SELECT s.tenant, s.position_count INTO STRICT v_tenant, v_count FROM sequence.scopes s WHERE s.id = p_scope_id;
    IF v_id IS NOT NULL THEN
        SELECT p.order_key INTO v_key FROM sequence.positions p
        WHERE p.tenant = v_tenant AND p.owner = p_owner AND p.element_type = v_type AND p.element_id = v_id
          AND p.scope_id = p_scope_id;
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

-- +goose StatementBegin
-- scope_lock takes the row lock of tenant p_tenant's order (p_script_id, p_name), creating it with
-- owner p_owner on first use, and returns its id. Every change of an order holds this lock until
-- its transaction ends, so changes of one order happen one after another across every process;
-- each statement after it takes a fresh snapshot and sees every change committed before.
CREATE FUNCTION sequence.scope_lock(p_tenant text, p_script_id bigint, p_name text, p_owner text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_scope_id bigint;
BEGIN
    SELECT s.id INTO v_scope_id FROM sequence.scopes s
    WHERE s.tenant = p_tenant AND s.script_id = p_script_id AND s.name = p_name FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO sequence.scopes (tenant, script_id, name, owner) VALUES (p_tenant, p_script_id, p_name, p_owner)
        ON CONFLICT ON CONSTRAINT scopes_tenant_script_id_name_key DO NOTHING;
        SELECT s.id INTO STRICT v_scope_id FROM sequence.scopes s
        WHERE s.tenant = p_tenant AND s.script_id = p_script_id AND s.name = p_name FOR UPDATE;
    END IF;
    RETURN v_scope_id;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- place_v3 is place_v2 (00005) for tenant p_tenant: the element goes into that tenant's order, and
-- its neighbours are looked for there. A missing or empty tenant is refused (22023).
CREATE FUNCTION sequence.place_v3(p_tenant text, p_script_id bigint, p_scope text, p_element_type text, p_element_id bigint,
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
    IF p_tenant IS NULL OR p_tenant = '' THEN
        RAISE EXCEPTION 'a placement names its tenant' USING ERRCODE = '22023';
    END IF;
    IF p_script_id IS NULL OR p_script_id < 1 OR p_element_id IS NULL OR p_element_id < 1
        OR NOT ((p_scope = 'story' AND p_element_type IN ('action', 'spokenWord', 'transition'))
             OR (p_scope = 'sections' AND p_element_type = 'section')) THEN
        RAISE EXCEPTION 'cannot place % % in scope % of script %', p_element_type, p_element_id, p_scope, p_script_id
            USING ERRCODE = '22023';
    END IF;
    v_scope_id := sequence.scope_lock(p_tenant, p_script_id, p_scope, 'content');
    SELECT p.order_key INTO v_key FROM sequence.positions p
    WHERE p.tenant = p_tenant AND p.owner = 'content' AND p.element_type = p_element_type AND p.element_id = p_element_id
      AND p.scope_id = v_scope_id;
    IF FOUND THEN
        RETURN sequence.rank_of(v_scope_id, v_key);
    END IF;
    v_keys := sequence.open_gap(v_scope_id,
        sequence.placement_after(v_scope_id, 'content', p_before_type, p_before_id, p_after_type, p_after_id, p_at), 1);
    -- An element in another order fails the primary key: identity ids are never reused, so that is
    -- a bug of the caller, not something to answer.
    INSERT INTO sequence.positions (tenant, owner, element_type, element_id, scope_id, order_key)
    VALUES (p_tenant, 'content', p_element_type, p_element_id, v_scope_id, v_keys[1]);
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
-- place_v2 keeps its contract for the default tenant.
CREATE OR REPLACE FUNCTION sequence.place_v2(p_script_id bigint, p_scope text, p_element_type text, p_element_id bigint,
    p_before_type text, p_before_id bigint, p_after_type text, p_after_id bigint, p_at bigint)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN sequence.place_v3('default', p_script_id, p_scope, p_element_type, p_element_id,
        p_before_type, p_before_id, p_after_type, p_after_id, p_at);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- release_v2 removes tenant p_tenant's content positions of the listed elements (those that hold
-- one) and returns how many it removed, locking their orders first, in id order, as release_v1 did.
CREATE FUNCTION sequence.release_v2(p_tenant text, p_element_types text[], p_element_ids bigint[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_released bigint;
BEGIN
    IF p_tenant IS NULL OR p_tenant = '' THEN
        RAISE EXCEPTION 'a release names its tenant' USING ERRCODE = '22023';
    END IF;
    PERFORM 1 FROM sequence.scopes s
    WHERE s.id IN (
        SELECT p.scope_id FROM sequence.positions p
        JOIN unnest(p_element_types, p_element_ids) AS r (element_type, element_id)
          ON p.tenant = p_tenant AND p.owner = 'content' AND p.element_type = r.element_type AND p.element_id = r.element_id
    )
    ORDER BY s.id FOR UPDATE;
    DELETE FROM sequence.positions p
    USING unnest(p_element_types, p_element_ids) AS r (element_type, element_id)
    WHERE p.tenant = p_tenant AND p.owner = 'content' AND p.element_type = r.element_type AND p.element_id = r.element_id;
    GET DIAGNOSTICS v_released = ROW_COUNT;
    RETURN v_released;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- release_v1 keeps its contract for the default tenant.
CREATE OR REPLACE FUNCTION sequence.release_v1(p_element_types text[], p_element_ids bigint[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN sequence.release_v2('default', p_element_types, p_element_ids);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- allocate_positions (00005) for tenant p_tenant: the listed client elements that hold no position
-- among the tenant's go to the end of the tenant's client scope, in list order.
CREATE FUNCTION sequence.allocate_positions(p_tenant text, p_script_id bigint, p_name text, p_element_types text[], p_element_ids bigint[])
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
    v_scope_id := sequence.scope_lock(p_tenant, p_script_id, p_name, 'client');

    -- Those already placed, anywhere among the tenant's client scopes, answer where they are.
    RETURN QUERY
    SELECT p.element_type, p.element_id, p.scope_id, sequence.rank_of(p.scope_id, p.order_key), false
    FROM sequence.positions p
    JOIN unnest(p_element_types, p_element_ids) AS r (element_type, element_id)
      ON p.tenant = p_tenant AND p.owner = 'client' AND p.element_type = r.element_type AND p.element_id = r.element_id
    GROUP BY p.element_type, p.element_id, p.scope_id, p.order_key;

    SELECT array_agg(f.element_type ORDER BY f.ord), array_agg(f.element_id ORDER BY f.ord) INTO v_types, v_ids
    FROM (
        SELECT DISTINCT ON (r.element_type, r.element_id) r.element_type, r.element_id, r.ord
        FROM unnest(p_element_types, p_element_ids) WITH ORDINALITY AS r (element_type, element_id, ord)
        WHERE NOT EXISTS (
            SELECT 1 FROM sequence.positions p
            WHERE p.tenant = p_tenant AND p.owner = 'client' AND p.element_type = r.element_type AND p.element_id = r.element_id
        )
        ORDER BY r.element_type, r.element_id, r.ord
    ) f;
    IF v_ids IS NULL THEN
        RETURN;
    END IF;
    SELECT s.position_count INTO STRICT v_count FROM sequence.scopes s WHERE s.id = v_scope_id;
    v_keys := sequence.open_gap(v_scope_id, sequence.placement_after(v_scope_id, 'client', NULL, NULL, NULL, NULL, NULL), cardinality(v_ids));
    INSERT INTO sequence.positions (tenant, owner, element_type, element_id, scope_id, order_key)
    SELECT p_tenant, 'client', u.t, u.i, v_scope_id, u.k FROM unnest(v_types, v_ids, v_keys) AS u (t, i, k);
    RETURN QUERY
    SELECT u.t, u.i, v_scope_id, v_count + u.ord, true
    FROM unnest(v_types, v_ids) WITH ORDINALITY AS u (t, i, ord);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- allocate_placed (00005) for tenant p_tenant.
CREATE FUNCTION sequence.allocate_placed(p_tenant text, p_script_id bigint, p_name text, p_element_type text, p_element_id bigint,
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
    v_scope_id := sequence.scope_lock(p_tenant, p_script_id, p_name, 'client');
    RETURN QUERY
    SELECT p.element_type, p.element_id, p.scope_id, sequence.rank_of(p.scope_id, p.order_key), false
    FROM sequence.positions p
    WHERE p.tenant = p_tenant AND p.owner = 'client' AND p.element_type = p_element_type AND p.element_id = p_element_id;
    IF FOUND THEN
        RETURN;
    END IF;
    v_keys := sequence.open_gap(v_scope_id,
        sequence.placement_after(v_scope_id, 'client', p_before_type, p_before_id, p_after_type, p_after_id, p_at), 1);
    INSERT INTO sequence.positions (tenant, owner, element_type, element_id, scope_id, order_key)
    VALUES (p_tenant, 'client', p_element_type, p_element_id, v_scope_id, v_keys[1]);
    RETURN QUERY SELECT p_element_type, p_element_id, v_scope_id, sequence.rank_of(v_scope_id, v_keys[1]), true;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- move_run (00005) for tenant p_tenant: an order p_scope_id of another tenant is one the run's
-- first element holds no position in (FS004).
CREATE FUNCTION sequence.move_run(p_tenant text, p_scope_id bigint, p_first_type text, p_first_id bigint, p_last_type text, p_last_id bigint,
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
    SELECT s.owner INTO v_owner FROM sequence.scopes s WHERE s.id = p_scope_id AND s.tenant = p_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% % holds no position in the order asked for', p_first_type, p_first_id USING ERRCODE = 'FS004';
    END IF;
    SELECT p.order_key INTO v_first FROM sequence.positions p
    WHERE p.tenant = p_tenant AND p.owner = v_owner AND p.element_type = p_first_type AND p.element_id = p_first_id
      AND p.scope_id = p_scope_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% % is not in %', p_first_type, p_first_id, sequence.scope_label(p_scope_id) USING ERRCODE = 'FS004';
    END IF;
    v_last := v_first;
    IF p_last_id IS NOT NULL THEN
        SELECT p.order_key INTO v_last FROM sequence.positions p
        WHERE p.tenant = p_tenant AND p.owner = v_owner AND p.element_type = p_last_type AND p.element_id = p_last_id
          AND p.scope_id = p_scope_id;
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
        WHERE p.tenant = p_tenant AND p.owner = v_owner AND p.element_type = coalesce(p_before_type, p_after_type)
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
    INSERT INTO sequence.positions (tenant, owner, element_type, element_id, scope_id, order_key)
    SELECT p_tenant, v_owner, u.t, u.i, p_scope_id, u.k FROM unnest(v_types, v_ids, v_keys) AS u (t, i, k);
    v_number := coalesce(p_at, sequence.rank_of(p_scope_id, v_keys[1]));
    RETURN QUERY
    SELECT u.t, u.i, v_number + u.ord - 1 FROM unnest(v_types, v_ids) WITH ORDINALITY AS u (t, i, ord);
END
$$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION sequence.place_v3(text, bigint, text, text, bigint, text, bigint, text, bigint, bigint),
    sequence.release_v2(text, text[], bigint[]) FROM PUBLIC;
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fountain_placement') THEN
        GRANT EXECUTE ON FUNCTION sequence.place_v3(text, bigint, text, text, bigint, text, bigint, text, bigint, bigint),
            sequence.release_v2(text, text[], bigint[]) TO fountain_placement;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- Two tenants' orders of one script, or positions and versions of one element, cannot be folded
-- back into one key; migrations 4 and 5 before this one cannot be reversed either.
-- +goose StatementBegin
DO $$ BEGIN RAISE EXCEPTION 'sequence migration 6 (tenants) cannot be reversed'; END $$;
-- +goose StatementEnd
