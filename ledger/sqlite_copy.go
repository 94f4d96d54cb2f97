package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

func (s *SQLite) organizations(ctx context.Context) ([]string, error) {
	return sqliteColumn[string](ctx, s.read, `
		SELECT organization_id FROM parchment_sync_entries
		UNION SELECT organization_id FROM parchment_sync_runs
		ORDER BY 1`)
}

func (s *SQLite) runIDs(ctx context.Context, organizationID string) ([]int64, error) {
	return sqliteColumn[int64](ctx, s.read, `
		SELECT id FROM parchment_sync_runs WHERE organization_id = ?
		ORDER BY started_at, id`, organizationID)
}

// sqliteColumn reads a one-column query.
func sqliteColumn[T any](ctx context.Context, db *sql.DB, query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *SQLite) importAll(ctx context.Context, fill func(importer) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return fill(sqliteImporter{tx: tx})
	})
}

type sqliteImporter struct{ tx *sql.Tx }

func (w sqliteImporter) hasEntries(ctx context.Context, organizationID string) (bool, error) {
	var has bool
	err := w.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM parchment_sync_entries WHERE organization_id = ?)`,
		organizationID).Scan(&has)
	return has, err
}

func (w sqliteImporter) run(ctx context.Context, run psync.Run) (int64, error) {
	counts, report, err := encodeRun(run)
	if err != nil {
		return 0, err
	}
	var finished any // NULL while running
	if !run.FinishedAt.IsZero() {
		finished = formatTime(run.FinishedAt)
	}
	// The run keeps its id unless the destination has a run with it
	// already (NULL asks for a new one).
	var kept any = run.ID
	if err := w.tx.QueryRowContext(ctx, `SELECT NULL FROM parchment_sync_runs WHERE id = ?`, run.ID).Scan(new(any)); err == nil {
		kept = nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("insert: %w", err)
	}
	res, err := w.tx.ExecContext(ctx, `
		INSERT INTO parchment_sync_runs
			(id, organization_id, mode, source, started_at, finished_at, outcome, counts, changes, failures, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''))`,
		kept, run.OrganizationID, run.Mode, run.Source, formatTime(run.StartedAt), finished, run.Outcome, counts,
		string(report.changes), string(report.failures), run.Error)
	if err != nil {
		return 0, fmt.Errorf("insert: %w", err)
	}
	return res.LastInsertId()
}

func (w sqliteImporter) attempts(ctx context.Context, organizationID string, attempts []psync.Attempt) error {
	return sqliteInsertAttempts(ctx, w.tx, organizationID, attempts)
}

func (w sqliteImporter) entry(ctx context.Context, organizationID string, e psync.Entry) error {
	return sqlitePutEntry(ctx, w.tx, organizationID, &e)
}
