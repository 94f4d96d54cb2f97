package ledger

import (
	"context"
	"fmt"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// organizations lists every organisation with entries or runs, sorted.
func (s *Store) organizations(ctx context.Context) ([]string, error) {
	orgs, err := column[string](ctx, s.reader, `
		SELECT organization_id FROM parchment_sync_entries
		UNION SELECT organization_id FROM parchment_sync_runs
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("read organizations: %w", err)
	}
	return orgs, nil
}

// runIDs lists the organisation's runs, oldest first.
func (s *Store) runIDs(ctx context.Context, organizationID string) ([]int64, error) {
	ids, err := column[int64](ctx, s.reader, `
		SELECT id FROM parchment_sync_runs WHERE organization_id = $1
		ORDER BY started_at, id`, organizationID)
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	return ids, nil
}

// column reads a one-column query.
func column[T any](ctx context.Context, q querier, query string, args ...any) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
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

// importer writes inside Copy's destination transaction.
type importer struct {
	store *Store
	tx    querier
}

func (w importer) hasEntries(ctx context.Context, organizationID string) (bool, error) {
	var has bool
	err := w.tx.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM parchment_sync_entries WHERE organization_id = $1)`,
		organizationID).Scan(&has)
	return has, err
}

// run stores run as it is, outcome, end and report included, and returns
// its id: its own, unless the destination has a run with it already.
func (w importer) run(ctx context.Context, run psync.Run) (int64, error) {
	counts, report, err := encodeRun(run)
	if err != nil {
		return 0, err
	}
	var taken bool
	if err := w.tx.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM parchment_sync_runs WHERE id = $1)`, run.ID).Scan(&taken); err != nil {
		return 0, fmt.Errorf("insert: %w", err)
	}
	var finished any // NULL while running
	if !run.FinishedAt.IsZero() {
		finished = w.store.dialect.timeValue(run.FinishedAt)
	}
	args := []any{run.OrganizationID, run.Mode, run.Source, w.store.dialect.timeValue(run.StartedAt), finished, run.Outcome,
		counts, string(report.changes), string(report.failures), run.Error}
	idColumn, idValue, keep := "", "", ""
	if !taken {
		idColumn, idValue, keep = "id, ", "$11, ", w.store.dialect.keepRunID()
		args = append(args, run.ID)
	}
	var id int64
	err = w.tx.queryRow(ctx, `
		INSERT INTO parchment_sync_runs
			(`+idColumn+`organization_id, mode, source, started_at, finished_at, outcome, counts, changes, failures, error)
		`+keep+` VALUES (`+idValue+`$1, $2, $3, $4, $5, $6, $7, $8, $9, NULLIF($10, ''))
		RETURNING id`, args...).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert: %w", err)
	}
	if after := w.store.dialect.afterRunIDs(); after != "" && !taken {
		if _, err := w.tx.exec(ctx, after); err != nil {
			return 0, fmt.Errorf("insert: %w", err)
		}
	}
	return id, nil
}

func (w importer) attempts(ctx context.Context, organizationID string, attempts []psync.Attempt) error {
	return w.store.insertAttempts(ctx, w.tx, organizationID, attempts)
}

func (w importer) entry(ctx context.Context, organizationID string, e psync.Entry) error {
	return w.store.putEntry(ctx, w.tx, organizationID, &e)
}
