-- The staff lifecycle: the ledger remembers who it disabled and since which
-- run (Parchment's reads do not say), and how many consecutive applies a
-- person has been absent from the source. Attempts gain the calls that
-- change or read one user; runs gain "held" (the mass-leaver guard).

-- +goose Up
ALTER TABLE parchment_sync_entries
    ADD COLUMN disabled_run_id bigint,
    ADD COLUMN absent_runs integer NOT NULL DEFAULT 0 CHECK (absent_runs >= 0),
    ADD CONSTRAINT parchment_sync_entries_disabled_check
        CHECK (disabled_run_id IS NULL OR state = 'synced');

ALTER TABLE parchment_sync_attempts DROP CONSTRAINT parchment_sync_attempts_operation_check;
ALTER TABLE parchment_sync_attempts ADD CONSTRAINT parchment_sync_attempts_operation_check
    CHECK (operation IN ('create', 'update', 'list', 'get', 'roles', 'disable', 'enable'));

ALTER TABLE parchment_sync_runs DROP CONSTRAINT parchment_sync_runs_outcome_check;
ALTER TABLE parchment_sync_runs ADD CONSTRAINT parchment_sync_runs_outcome_check
    CHECK (outcome IN ('running', 'done', 'partial', 'held', 'aborted', 'interrupted', 'abandoned'));

-- +goose Down
UPDATE parchment_sync_runs SET outcome = 'aborted' WHERE outcome = 'held';
ALTER TABLE parchment_sync_runs DROP CONSTRAINT parchment_sync_runs_outcome_check;
ALTER TABLE parchment_sync_runs ADD CONSTRAINT parchment_sync_runs_outcome_check
    CHECK (outcome IN ('running', 'done', 'partial', 'aborted', 'interrupted', 'abandoned'));

DELETE FROM parchment_sync_attempts WHERE operation NOT IN ('create', 'update', 'list');
ALTER TABLE parchment_sync_attempts DROP CONSTRAINT parchment_sync_attempts_operation_check;
ALTER TABLE parchment_sync_attempts ADD CONSTRAINT parchment_sync_attempts_operation_check
    CHECK (operation IN ('create', 'update', 'list'));

ALTER TABLE parchment_sync_entries
    DROP CONSTRAINT parchment_sync_entries_disabled_check,
    DROP COLUMN absent_runs,
    DROP COLUMN disabled_run_id;
