package ledger

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// scanSummaries reads the covering index parchment_sync_entries_summary_idx
// (the fields only of an entry written before digests were kept), and
// talks to the driver directly: database/sql's per-row locking and
// reflective Scan cost as much as SQLite's own stepping.
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
		cols := make([]driver.Value, 1)
		for {
			if err := rows.Next(cols); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return err
			}
			row, ok := cols[0].(string)
			if !ok {
				return fmt.Errorf("an entry's summary is a %T, not text", cols[0])
			}
			e, err := parseSQLiteSummary(row)
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
// Each entry comes as one text column, since the driver locks the
// connection for every column it reads and that was a quarter of the
// scan. An active synced entry with a digest, nearly every entry of an
// idle run, is "<digest bytes>:<digest><id>"; any other is
// "x<p|s><disabled_run_id>,<absent_runs>,<id bytes>,<id>" then "d" and
// the digest, or "f" and the fields of an entry written before digests
// were kept. Lengths are in bytes, so ids and digests need no escaping.
const sqliteSummaryQuery = `
	SELECT CASE
		WHEN e.state = 'synced' AND e.disabled_run_id IS NULL AND e.absent_runs = 0 AND e.digest IS NOT NULL
		THEN octet_length(e.digest) || ':' || e.digest || e.external_user_id
		ELSE 'x' || CASE WHEN e.state = 'pending' THEN 'p' ELSE 's' END
			|| COALESCE(e.disabled_run_id, 0) || ',' || e.absent_runs || ','
			|| octet_length(e.external_user_id) || ',' || e.external_user_id
			|| COALESCE('d' || e.digest, 'f' || (SELECT f.fields FROM parchment_sync_entries f
				WHERE f.organization_id = e.organization_id AND f.external_user_id = e.external_user_id))
		END
	FROM parchment_sync_entries e WHERE e.organization_id = ?
	ORDER BY e.external_user_id`

var errBadSummary = errors.New("an entry's summary is malformed")

// parseSQLiteSummary reads one row of sqliteSummaryQuery. The id and the
// digest are substrings of row: one allocation an entry, the driver's.
func parseSQLiteSummary(row string) (psync.EntrySummary, error) {
	if !strings.HasPrefix(row, "x") {
		n, rest, err := cutLength(row, ':')
		if err != nil || n >= len(rest) {
			return psync.EntrySummary{}, errBadSummary
		}
		return psync.EntrySummary{ExternalUserID: rest[n:], State: psync.StateSynced, Digest: rest[:n]}, nil
	}
	if len(row) < 2 {
		return psync.EntrySummary{}, errBadSummary
	}
	e := psync.EntrySummary{State: psync.StateSynced}
	if row[1] == 'p' {
		e.State = psync.StatePending
	}
	disabled, rest, err1 := cutLength(row[2:], ',')
	absent, rest, err2 := cutLength(rest, ',')
	n, rest, err3 := cutLength(rest, ',')
	if err := errors.Join(err1, err2, err3); err != nil || n >= len(rest) {
		return e, errBadSummary
	}
	e.ExternalUserID, rest = rest[:n], rest[n:]
	e.DisabledRunID, e.AbsentRuns = int64(disabled), absent
	switch rest[0] {
	case 'd':
		e.Digest = rest[1:]
	case 'f':
		d, err := digestOfFields(e.ExternalUserID, []byte(rest[1:]))
		if err != nil {
			return e, err
		}
		e.Digest = d
	default:
		return e, fmt.Errorf("entry %s: %w", e.ExternalUserID, errBadSummary)
	}
	return e, nil
}

// cutLength reads the decimal number before sep and returns what follows.
func cutLength(s string, sep byte) (int, string, error) {
	i := strings.IndexByte(s, sep)
	if i < 0 {
		return 0, "", errBadSummary
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n < 0 {
		return 0, "", errBadSummary
	}
	return n, s[i+1:], nil
}
