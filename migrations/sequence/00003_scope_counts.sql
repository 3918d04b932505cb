-- +goose Up
-- Every scope keeps how many positions it holds, so that a page of a long story order does not
-- count the whole order again: GET /sequence/positions answers totalCount from here when it lists a
-- whole scope. A statement-level trigger keeps the count on every insert and delete, whichever path
-- makes it; allocation and release already hold the scope's row lock, so updating that row adds no
-- wait.
ALTER TABLE sequence.scopes ADD COLUMN position_count bigint NOT NULL DEFAULT 0 CHECK (position_count >= 0);

UPDATE sequence.scopes s SET position_count = c.n
FROM (SELECT scope_id, count(*) AS n FROM sequence.positions GROUP BY scope_id) c
WHERE c.scope_id = s.id;

-- +goose StatementBegin
CREATE FUNCTION sequence.count_positions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE sequence.scopes s SET position_count = s.position_count + c.n
        FROM (SELECT scope_id, count(*) AS n FROM inserted GROUP BY scope_id) c
        WHERE s.id = c.scope_id;
    ELSE
        UPDATE sequence.scopes s SET position_count = s.position_count - c.n
        FROM (SELECT scope_id, count(*) AS n FROM deleted GROUP BY scope_id) c
        WHERE s.id = c.scope_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER positions_counted_on_insert AFTER INSERT ON sequence.positions
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION sequence.count_positions();
CREATE TRIGGER positions_counted_on_delete AFTER DELETE ON sequence.positions
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION sequence.count_positions();
-- An element never changes scope (reorder moves it within its scope), so updates keep counts.
-- +goose StatementBegin
CREATE FUNCTION sequence.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an element keeps its scope: % % is in scope %', OLD.element_type, OLD.element_id, OLD.scope_id;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER positions_keep_scope BEFORE UPDATE OF scope_id ON sequence.positions
    FOR EACH ROW WHEN (NEW.scope_id IS DISTINCT FROM OLD.scope_id) EXECUTE FUNCTION sequence.refuse_scope_change();

-- Reading a page of a scope in order (and skipping to its offset) from the index alone.
ALTER TABLE sequence.positions DROP CONSTRAINT positions_scope_number_key,
    ADD CONSTRAINT positions_scope_number_key UNIQUE (scope_id, sequence_number) INCLUDE (element_type, element_id)
        DEFERRABLE INITIALLY IMMEDIATE;

-- +goose Down
ALTER TABLE sequence.positions DROP CONSTRAINT positions_scope_number_key,
    ADD CONSTRAINT positions_scope_number_key UNIQUE (scope_id, sequence_number) DEFERRABLE INITIALLY IMMEDIATE;
DROP TRIGGER positions_keep_scope ON sequence.positions;
DROP FUNCTION sequence.refuse_scope_change();
DROP TRIGGER positions_counted_on_delete ON sequence.positions;
DROP TRIGGER positions_counted_on_insert ON sequence.positions;
DROP FUNCTION sequence.count_positions();
ALTER TABLE sequence.scopes DROP COLUMN position_count;
