package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// StartRun records run and returns its id, as Postgres.StartRun does: a
// zero StartedAt means now, an empty Outcome "running", and an apply marks
// the organisation's earlier applies still running as abandoned.
func (s *SQLite) StartRun(ctx context.Context, run psync.Run) (int64, error) {
	if run.OrganizationID == "" {
		return 0, errEmptyOrganization
	}
	outcome := run.Outcome
	if outcome == "" {
		outcome = outcomeRunning
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if run.Mode == string(psync.ModeApply) {
			// The caller holds the organisation's lock: an earlier apply
			// still "running" died without recording its end.
			if _, err := tx.ExecContext(ctx, `
				UPDATE parchment_sync_runs SET outcome = ?2
				WHERE organization_id = ?1 AND mode = 'apply' AND outcome = 'running'`,
				run.OrganizationID, psync.OutcomeAbandoned); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO parchment_sync_runs (organization_id, mode, source, started_at, outcome)
			VALUES (?, ?, ?, ?, ?)`,
			run.OrganizationID, run.Mode, run.Source, formatTime(run.StartedAt), outcome)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("ledger: start run: %w", err)
	}
	return id, nil
}

// FinishRun stores the end, outcome, counts and report (changes, failures,
// error) of the run with run.ID, which must belong to run.OrganizationID. A
// zero FinishedAt means now.
func (s *SQLite) FinishRun(ctx context.Context, run psync.Run) error {
	counts, report, err := encodeRun(run)
	if err != nil {
		return fmt.Errorf("ledger: finish run %d: %w", run.ID, err)
	}
	var affected int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE parchment_sync_runs
			SET finished_at = ?3, outcome = ?4, counts = ?5, changes = ?6, failures = ?7, error = NULLIF(?8, '')
			WHERE id = ?1 AND organization_id = ?2`,
			run.ID, run.OrganizationID, formatTime(run.FinishedAt), run.Outcome, counts,
			string(report.changes), string(report.failures), run.Error)
		if err != nil {
			return err
		}
		affected, err = res.RowsAffected()
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

// encodeRun gives a run's counts and report as the SQLite ledger stores
// them.
func encodeRun(run psync.Run) (string, runReport, error) {
	counts, err := json.Marshal(run.Counts)
	if err != nil {
		return "", runReport{}, fmt.Errorf("counts: %w", err)
	}
	report, err := encodeReport(run)
	return string(counts), report, err
}

// sqliteRunColumns are what scanSQLiteRun reads, in its order.
const sqliteRunColumns = `id, organization_id, mode, source, started_at, COALESCE(finished_at, ''), outcome,
	counts, changes, failures, COALESCE(error, '')`

func scanSQLiteRun(row interface{ Scan(...any) error }) (psync.Run, error) {
	var (
		run                       psync.Run
		started, finished, counts string
		changes, failures         string
	)
	err := row.Scan(&run.ID, &run.OrganizationID, &run.Mode, &run.Source, &started, &finished, &run.Outcome,
		&counts, &changes, &failures, &run.Error)
	if err != nil {
		return psync.Run{}, err
	}
	if run.StartedAt, err = parseTime(started); err != nil {
		return psync.Run{}, fmt.Errorf("started_at: %w", err)
	}
	if finished != "" {
		if run.FinishedAt, err = parseTime(finished); err != nil {
			return psync.Run{}, fmt.Errorf("finished_at: %w", err)
		}
	}
	if err := json.Unmarshal([]byte(counts), &run.Counts); err != nil {
		return psync.Run{}, fmt.Errorf("counts: %w", err)
	}
	if err := decodeReport(&run, runReport{changes: []byte(changes), failures: []byte(failures)}); err != nil {
		return psync.Run{}, err
	}
	return run, nil
}

// Run reads back the run with id, report included; FinishedAt is zero while
// it is running.
func (s *SQLite) Run(ctx context.Context, id int64) (psync.Run, error) {
	run, err := scanSQLiteRun(s.read.QueryRowContext(ctx,
		`SELECT `+sqliteRunColumns+` FROM parchment_sync_runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return psync.Run{}, fmt.Errorf("%w: %d", ErrNoRun, id)
	}
	if err != nil {
		return psync.Run{}, fmt.Errorf("ledger: read run %d: %w", id, err)
	}
	return run, nil
}

// Runs lists runs newest first (by start, then id), reports included.
func (s *SQLite) Runs(ctx context.Context, filter RunFilter) ([]psync.Run, error) {
	limit, err := filter.limit()
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `
		SELECT `+sqliteRunColumns+` FROM parchment_sync_runs
		WHERE ?1 = '' OR organization_id = ?1
		ORDER BY started_at DESC, id DESC
		LIMIT ?2`, filter.OrganizationID, limit)
	if err != nil {
		return nil, fmt.Errorf("ledger: read runs: %w", err)
	}
	defer func() { _ = rows.Close() }()
	runs := []psync.Run{}
	for rows.Next() {
		run, err := scanSQLiteRun(rows)
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

// Attempts reads back the attempts of run runID in the order they were
// stored. Durations keep microsecond precision.
func (s *SQLite) Attempts(ctx context.Context, runID int64) ([]psync.Attempt, error) {
	rows, err := s.read.QueryContext(ctx, `
		SELECT run_id, operation, COALESCE(external_user_id, ''), http_status,
			COALESCE(request_id, ''), COALESCE(error, ''), duration_us, attempted_at
		FROM parchment_sync_attempts WHERE run_id = ? ORDER BY id`, runID)
	if err != nil {
		return nil, fmt.Errorf("ledger: read attempts of run %d: %w", runID, err)
	}
	defer func() { _ = rows.Close() }()
	// Empty rather than nil, as Postgres (pgx.CollectRows) returns.
	attempts := []psync.Attempt{}
	for rows.Next() {
		var (
			a      psync.Attempt
			micros int64
			at     string
		)
		if err := rows.Scan(&a.RunID, &a.Operation, &a.ExternalUserID, &a.HTTPStatus, &a.RequestID, &a.Error, &micros, &at); err != nil {
			return nil, fmt.Errorf("ledger: read attempts of run %d: %w", runID, err)
		}
		a.Duration = time.Duration(micros) * time.Microsecond
		if a.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("ledger: read attempts of run %d: attempted_at: %w", runID, err)
		}
		attempts = append(attempts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: read attempts of run %d: %w", runID, err)
	}
	return attempts, nil
}
