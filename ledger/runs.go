package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// outcomeRunning is what a run records until FinishRun.
const outcomeRunning = "running"

// StartRun records run and returns its id. A zero StartedAt means now and an
// empty Outcome means "running"; ID, FinishedAt, Counts and the report are
// ignored. An apply also marks the organisation's earlier applies still
// running as abandoned.
func (s *Store) StartRun(ctx context.Context, run psync.Run) (int64, error) {
	if run.OrganizationID == "" {
		return 0, errEmptyOrganization
	}
	outcome := run.Outcome
	if outcome == "" {
		outcome = outcomeRunning
	}
	var id int64
	err := s.inTx(ctx, func(tx querier) error {
		if run.Mode == string(psync.ModeApply) {
			// The caller holds the organisation's lock: an earlier apply
			// still "running" died without recording its end.
			if _, err := tx.exec(ctx, `
				UPDATE parchment_sync_runs SET outcome = $2
				WHERE organization_id = $1 AND mode = 'apply' AND outcome = 'running'`,
				run.OrganizationID, psync.OutcomeAbandoned); err != nil {
				return err
			}
		}
		return tx.queryRow(ctx, `
			INSERT INTO parchment_sync_runs (organization_id, mode, source, started_at, outcome)
			VALUES ($1, $2, $3, $4, $5)
			RETURNING id`,
			run.OrganizationID, run.Mode, run.Source, s.dialect.timeValue(run.StartedAt), outcome,
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
func (s *Store) FinishRun(ctx context.Context, run psync.Run) error {
	counts, report, err := encodeRun(run)
	if err != nil {
		return fmt.Errorf("ledger: finish run %d: %w", run.ID, err)
	}
	var affected int64
	// In a transaction, though one statement: SQLite's begins IMMEDIATE,
	// so a writer in another process is waited for rather than failing
	// the upgrade from a read.
	err = s.inTx(ctx, func(tx querier) error {
		var err error
		affected, err = tx.exec(ctx, `
			UPDATE parchment_sync_runs
			SET finished_at = $3, outcome = $4, counts = $5, changes = $6, failures = $7, error = NULLIF($8, '')
			WHERE id = $1 AND organization_id = $2`,
			run.ID, run.OrganizationID, s.dialect.timeValue(run.FinishedAt), run.Outcome, counts,
			string(report.changes), string(report.failures), run.Error)
		return err
	})
	if err != nil {
		return fmt.Errorf("ledger: finish run %d: %w", run.ID, err)
	}
	if affected == 0 {
		return fmt.Errorf("ledger: finish run %d: no such run in organization %s", run.ID, run.OrganizationID)
	}
	return nil
}

// encodeRun gives a run's counts and report as the ledger stores them: JSON.
func encodeRun(run psync.Run) (string, runReport, error) {
	counts, err := json.Marshal(run.Counts)
	if err != nil {
		return "", runReport{}, fmt.Errorf("counts: %w", err)
	}
	report, err := encodeReport(run)
	return string(counts), report, err
}

// runColumns are what scanRun reads, in its order.
const runColumns = `id, organization_id, mode, source, started_at, finished_at, outcome,
	counts, changes, failures, COALESCE(error, '')`

func scanRun(row interface{ Scan(...any) error }) (psync.Run, error) {
	var (
		run    psync.Run
		counts []byte
		report runReport
	)
	err := row.Scan(&run.ID, &run.OrganizationID, &run.Mode, &run.Source, dbTime{&run.StartedAt}, dbTime{&run.FinishedAt},
		&run.Outcome, &counts, &report.changes, &report.failures, &run.Error)
	if err != nil {
		return psync.Run{}, err
	}
	if err := json.Unmarshal(counts, &run.Counts); err != nil {
		return psync.Run{}, fmt.Errorf("counts: %w", err)
	}
	if err := decodeReport(&run, report); err != nil {
		return psync.Run{}, err
	}
	return run, nil
}

// Run reads back the run with id, report included; FinishedAt is zero while
// it is running.
func (s *Store) Run(ctx context.Context, id int64) (psync.Run, error) {
	run, err := scanRun(s.reader.queryRow(ctx, `SELECT `+runColumns+` FROM parchment_sync_runs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return psync.Run{}, fmt.Errorf("%w: %d", ErrNoRun, id)
	}
	if err != nil {
		return psync.Run{}, fmt.Errorf("ledger: read run %d: %w", id, err)
	}
	return run, nil
}

// Runs lists runs newest first (by start, then id), reports included.
func (s *Store) Runs(ctx context.Context, filter RunFilter) ([]psync.Run, error) {
	limit, err := filter.limit()
	if err != nil {
		return nil, err
	}
	rows, err := s.reader.query(ctx, `
		SELECT `+runColumns+` FROM parchment_sync_runs
		WHERE $1 = '' OR organization_id = $1
		ORDER BY started_at DESC, id DESC
		LIMIT $2`, filter.OrganizationID, limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: read runs: %w", err)
	}
	defer rows.Close()
	runs := []psync.Run{}
	for rows.Next() {
		run, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("ledger: read runs: %w", err)
		}
		runs = append(runs, run)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: read runs: %w", err)
	}
	return runs, nil
}
