package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// outcomeRunning is what a run records until FinishRun.
const outcomeRunning = "running"

// StartRun records run and returns its id. A zero StartedAt means now and an
// empty Outcome means "running"; ID, FinishedAt, Counts and the report are
// ignored. An apply also marks the organisation's earlier applies still
// running as abandoned.
func (p *Postgres) StartRun(ctx context.Context, run psync.Run) (int64, error) {
	if run.OrganizationID == "" {
		return 0, errEmptyOrganization
	}
	outcome := run.Outcome
	if outcome == "" {
		outcome = outcomeRunning
	}
	var id int64
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if run.Mode == string(psync.ModeApply) {
			// The caller holds the organisation's lock: an earlier apply
			// still "running" died without recording its end.
			if _, err := tx.Exec(ctx, `
				UPDATE parchment_sync_runs SET outcome = $2
				WHERE organization_id = $1 AND mode = 'apply' AND outcome = 'running'`,
				run.OrganizationID, psync.OutcomeAbandoned); err != nil {
				return err
			}
		}
		return tx.QueryRow(ctx, `
			INSERT INTO parchment_sync_runs (organization_id, mode, source, started_at, outcome)
			VALUES ($1, $2, $3, COALESCE($4, now()), $5)
			RETURNING id`,
			run.OrganizationID, run.Mode, run.Source, orNull(run.StartedAt), outcome,
		).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("ledger: start run: %w", err)
	}
	return id, nil
}

// FinishRun stores the end, outcome, counts and report (changes, failures,
// error) of the run with run.ID, which must belong to run.OrganizationID. A
// zero FinishedAt means now.
func (p *Postgres) FinishRun(ctx context.Context, run psync.Run) error {
	report, err := encodeReport(run)
	if err != nil {
		return fmt.Errorf("ledger: finish run %d: %w", run.ID, err)
	}
	tag, err := p.pool.Exec(ctx, `
		UPDATE parchment_sync_runs
		SET finished_at = COALESCE($3, now()), outcome = $4, counts = $5,
			changes = $6, failures = $7, error = NULLIF($8, '')
		WHERE id = $1 AND organization_id = $2`,
		run.ID, run.OrganizationID, orNull(run.FinishedAt), run.Outcome, run.Counts,
		report.changes, report.failures, run.Error,
	)
	if err != nil {
		return fmt.Errorf("ledger: finish run %d: %w", run.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("ledger: finish run %d: no such run in organization %s", run.ID, run.OrganizationID)
	}
	return nil
}

// runColumns are what scanRun reads, in its order.
const runColumns = `id, organization_id, mode, source, started_at, finished_at, outcome, counts,
	changes, failures, COALESCE(error, '')`

func scanRun(row pgx.Row) (psync.Run, error) {
	var (
		run      psync.Run
		finished *time.Time
		report   runReport
	)
	err := row.Scan(&run.ID, &run.OrganizationID, &run.Mode, &run.Source, &run.StartedAt, &finished,
		&run.Outcome, &run.Counts, &report.changes, &report.failures, &run.Error)
	if err != nil {
		return psync.Run{}, err
	}
	if finished != nil {
		run.FinishedAt = *finished
	}
	if err := decodeReport(&run, report); err != nil {
		return psync.Run{}, err
	}
	return run, nil
}

// Run reads back the run with id, report included; FinishedAt is zero while
// it is running.
func (p *Postgres) Run(ctx context.Context, id int64) (psync.Run, error) {
	run, err := scanRun(p.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM parchment_sync_runs WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return psync.Run{}, fmt.Errorf("%w: %d", ErrNoRun, id)
	}
	if err != nil {
		return psync.Run{}, fmt.Errorf("ledger: read run %d: %w", id, err)
	}
	return run, nil
}

// Runs lists runs newest first (by start, then id), reports included.
func (p *Postgres) Runs(ctx context.Context, filter RunFilter) ([]psync.Run, error) {
	limit, err := filter.limit()
	if err != nil {
		return nil, err
	}
	rows, err := p.pool.Query(ctx, `
		SELECT `+runColumns+` FROM parchment_sync_runs
		WHERE $1 = '' OR organization_id = $1
		ORDER BY started_at DESC, id DESC
		LIMIT $2`, filter.OrganizationID, limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: read runs: %w", err)
	}
	runs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (psync.Run, error) { return scanRun(row) })
	if err != nil {
		return nil, fmt.Errorf("ledger: read runs: %w", err)
	}
	return runs, nil
}

// orNull maps the zero time to SQL NULL, so COALESCE can default it to now().
func orNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
