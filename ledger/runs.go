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
// empty Outcome means "running"; ID, FinishedAt and Counts are ignored. An
// apply also marks the organisation's earlier applies still running as
// abandoned.
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

// FinishRun stores the end, outcome and counts of the run with run.ID, which
// must belong to run.OrganizationID. A zero FinishedAt means now.
func (p *Postgres) FinishRun(ctx context.Context, run psync.Run) error {
	tag, err := p.pool.Exec(ctx, `
		UPDATE parchment_sync_runs
		SET finished_at = COALESCE($3, now()), outcome = $4, counts = $5
		WHERE id = $1 AND organization_id = $2`,
		run.ID, run.OrganizationID, orNull(run.FinishedAt), run.Outcome, run.Counts,
	)
	if err != nil {
		return fmt.Errorf("ledger: finish run %d: %w", run.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("ledger: finish run %d: no such run in organization %s", run.ID, run.OrganizationID)
	}
	return nil
}

// ErrNoRun is returned by Run for an id the ledger doesn't hold.
var ErrNoRun = errors.New("ledger: no such run")

// Run reads back the run with id; FinishedAt is zero while it is running.
func (p *Postgres) Run(ctx context.Context, id int64) (psync.Run, error) {
	var (
		run      psync.Run
		finished *time.Time
	)
	err := p.pool.QueryRow(ctx, `
		SELECT id, organization_id, mode, source, started_at, finished_at, outcome, counts
		FROM parchment_sync_runs WHERE id = $1`, id,
	).Scan(&run.ID, &run.OrganizationID, &run.Mode, &run.Source, &run.StartedAt, &finished, &run.Outcome, &run.Counts)
	if errors.Is(err, pgx.ErrNoRows) {
		return psync.Run{}, fmt.Errorf("%w: %d", ErrNoRun, id)
	}
	if err != nil {
		return psync.Run{}, fmt.Errorf("ledger: read run %d: %w", id, err)
	}
	if finished != nil {
		run.FinishedAt = *finished
	}
	return run, nil
}

// orNull maps the zero time to SQL NULL, so COALESCE can default it to now().
func orNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
