-- Run history: each run keeps its report (what changed, what failed, and why
-- it was aborted or held), so an operator can look back without the run's
-- output. Changes and failures carry ids, fields' names and masked
-- messages, never a field's value.

-- +goose Up
ALTER TABLE parchment_sync_runs
    ADD COLUMN changes  jsonb NOT NULL DEFAULT '[]'
        CONSTRAINT parchment_sync_runs_changes_check CHECK (jsonb_typeof(changes) = 'array'),
    ADD COLUMN failures jsonb NOT NULL DEFAULT '[]'
        CONSTRAINT parchment_sync_runs_failures_check CHECK (jsonb_typeof(failures) = 'array'),
    -- NULL unless the run was aborted or held.
    ADD COLUMN error    text
        CONSTRAINT parchment_sync_runs_error_check CHECK (error <> '');

-- +goose Down
ALTER TABLE parchment_sync_runs
    DROP COLUMN error,
    DROP COLUMN failures,
    DROP COLUMN changes;
