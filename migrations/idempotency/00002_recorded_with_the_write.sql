-- +goose Up
-- A key is recorded in the transaction of the write it protects, together with the response to
-- replay: a key either names a committed write or does not exist. Nothing is pending any more; a
-- request still running holds a transaction-level advisory lock on its key instead, which ends with
-- its transaction, so a key whose request died with its process is free again at once.
DELETE FROM idempotency.keys WHERE state <> 'done' OR status IS NULL OR headers IS NULL OR body IS NULL;
ALTER TABLE idempotency.keys DROP COLUMN state,
    ALTER COLUMN status SET NOT NULL,
    ALTER COLUMN headers SET NOT NULL,
    ALTER COLUMN body SET NOT NULL;

-- +goose Down
ALTER TABLE idempotency.keys ADD COLUMN state text NOT NULL DEFAULT 'done' CHECK (state IN ('pending', 'done')),
    ALTER COLUMN status DROP NOT NULL,
    ALTER COLUMN headers DROP NOT NULL,
    ALTER COLUMN body DROP NOT NULL;
