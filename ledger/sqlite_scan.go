package ledger

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// scanSummaries reads the covering index parchment_sync_entries_summary_idx
// (the fields only of an entry written before digests were kept, as a blob
// in the digest's place), and talks to the driver directly: database/sql's
// per-row locking and reflective Scan cost as much as SQLite's own
// stepping.
func (*sqliteDialect) scanSummaries(ctx context.Context, read *sql.DB, organizationID string, fn func(psync.EntrySummary) error) error {
	conn, err := read.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("the SQLite driver (%T) cannot query directly", dc)
		}
		rows, err := q.QueryContext(ctx, sqliteSummaryQuery, []driver.NamedValue{{Ordinal: 1, Value: organizationID}})
		if err != nil {
			return err
		}
		defer func() { _ = rows.Close() }()
		cols := make([]driver.Value, 5)
		for {
			if err := rows.Next(cols); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return err
			}
			e, err := scanSummary(cols)
			if err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
	})
}

// sqliteSummaryQuery is ScanEntries' query; its plan is pinned by a test.
const sqliteSummaryQuery = `
	SELECT e.external_user_id, e.state = 'pending',
		COALESCE(e.digest, (SELECT CAST(f.fields AS BLOB) FROM parchment_sync_entries f
			WHERE f.organization_id = e.organization_id AND f.external_user_id = e.external_user_id)),
		COALESCE(e.disabled_run_id, 0), e.absent_runs
	FROM parchment_sync_entries e WHERE e.organization_id = ?
	ORDER BY e.external_user_id`

// scanSummary reads one row of sqliteSummaryQuery: id, whether pending,
// the digest (text) or the fields of an entry without one (a blob),
// disabled_run_id, absent_runs.
func scanSummary(cols []driver.Value) (psync.EntrySummary, error) {
	id, ok1 := cols[0].(string)
	pending, ok2 := cols[1].(int64)
	disabled, ok3 := cols[3].(int64)
	absent, ok4 := cols[4].(int64)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return psync.EntrySummary{}, fmt.Errorf("an entry has columns of unexpected types (%T, %T, %T, %T)", cols[0], cols[1], cols[3], cols[4])
	}
	// The schema allows two states; a text column per row costs more
	// than the comparison.
	e := psync.EntrySummary{ExternalUserID: id, State: psync.StateSynced, DisabledRunID: disabled, AbsentRuns: int(absent)}
	if pending != 0 {
		e.State = psync.StatePending
	}
	switch d := cols[2].(type) {
	case string:
		e.Digest = d
	case []byte:
		digest, err := digestOfFields(id, d)
		if err != nil {
			return e, err
		}
		e.Digest = digest
	default:
		return e, fmt.Errorf("entry %s: a digest of unexpected type %T", id, d)
	}
	return e, nil
}
