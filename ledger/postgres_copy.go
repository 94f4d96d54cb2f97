package ledger

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

func (p *Postgres) organizations(ctx context.Context) ([]string, error) {
	rows, err := p.pool.Query(ctx, `
		SELECT organization_id FROM parchment_sync_entries
		UNION SELECT organization_id FROM parchment_sync_runs
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("read organizations: %w", err)
	}
	orgs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read organizations: %w", err)
	}
	return orgs, nil
}

func (p *Postgres) runIDs(ctx context.Context, organizationID string) ([]int64, error) {
	rows, err := p.pool.Query(ctx, `
		SELECT id FROM parchment_sync_runs WHERE organization_id = $1
		ORDER BY started_at, id`, organizationID)
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("read runs: %w", err)
	}
	return ids, nil
}

func (p *Postgres) importAll(ctx context.Context, fill func(importer) error) error {
	return pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		return fill(pgImporter{tx: tx})
	})
}

type pgImporter struct{ tx pgx.Tx }

func (w pgImporter) hasEntries(ctx context.Context, organizationID string) (bool, error) {
	var has bool
	err := w.tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM parchment_sync_entries WHERE organization_id = $1)`,
		organizationID).Scan(&has)
	return has, err
}

func (w pgImporter) run(ctx context.Context, run psync.Run) (int64, error) {
	report, err := encodeReport(run)
	if err != nil {
		return 0, err
	}
	// The run keeps its id unless the destination has a run with it
	// already; the identity then gives a new one, and is moved past every
	// kept id so later runs do not collide.
	var id int64
	err = w.tx.QueryRow(ctx, `
		INSERT INTO parchment_sync_runs
			(id, organization_id, mode, source, started_at, finished_at, outcome, counts, changes, failures, error)
		OVERRIDING SYSTEM VALUE
		VALUES (
			CASE WHEN EXISTS (SELECT 1 FROM parchment_sync_runs WHERE id = $1) THEN nextval(pg_get_serial_sequence('parchment_sync_runs', 'id')) ELSE $1 END,
			$2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, ''))
		RETURNING id`,
		run.ID, run.OrganizationID, run.Mode, run.Source, run.StartedAt, orNull(run.FinishedAt), run.Outcome, run.Counts,
		report.changes, report.failures, run.Error,
	).Scan(&id)
	if err != nil {
		return 0, err
	}
	_, err = w.tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('parchment_sync_runs', 'id'), (SELECT MAX(id) FROM parchment_sync_runs))`)
	return id, err
}

func (w pgImporter) attempts(ctx context.Context, organizationID string, attempts []psync.Attempt) error {
	return insertAttempts(ctx, w.tx, organizationID, attempts)
}

func (w pgImporter) entry(ctx context.Context, organizationID string, e psync.Entry) error {
	return putEntry(ctx, w.tx, organizationID, &e)
}
