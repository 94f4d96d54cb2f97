-- An apply killed mid-run never records its end. The next apply of the
-- organisation (which holds the lock, so the old one is surely dead) marks
-- it abandoned instead of leaving it "running" for ever.

-- +goose Up
ALTER TABLE parchment_sync_runs DROP CONSTRAINT parchment_sync_runs_outcome_check;
ALTER TABLE parchment_sync_runs ADD CONSTRAINT parchment_sync_runs_outcome_check
    CHECK (outcome IN ('running', 'done', 'partial', 'aborted', 'interrupted', 'abandoned'));

-- +goose Down
UPDATE parchment_sync_runs SET outcome = 'aborted' WHERE outcome = 'abandoned';
ALTER TABLE parchment_sync_runs DROP CONSTRAINT parchment_sync_runs_outcome_check;
ALTER TABLE parchment_sync_runs ADD CONSTRAINT parchment_sync_runs_outcome_check
    CHECK (outcome IN ('running', 'done', 'partial', 'aborted', 'interrupted'));
