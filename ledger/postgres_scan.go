package ledger

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// scanSummaries reads as few columns as it can through pgx's own
// connection, and decodes their raw bytes: database/sql would convert every
// value first.
func (*postgresDialect) scanSummaries(ctx context.Context, read *sql.DB, organizationID string, fn func(psync.EntrySummary) error) error {
	conn, err := read.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	return conn.Raw(func(dc any) error {
		rows, err := dc.(*stdlib.Conn).Conn().Query(ctx, postgresSummaryQuery, postgresSummaryFormats, organizationID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := decodeSummary(rows.RawValues())
			if err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// postgresSummaryQuery is ScanEntries' query. Fields are read only for
// entries written before digests were kept; the casts fix the binary
// widths decodeSummary expects.
const postgresSummaryQuery = `
	SELECT external_user_id, state = 'pending', digest,
		CASE WHEN digest IS NULL THEN fields::text END,
		COALESCE(disabled_run_id, 0)::int8, absent_runs::int8
	FROM parchment_sync_entries WHERE organization_id = $1
	ORDER BY external_user_id COLLATE "C"`

// postgresSummaryFormats asks for text where the bytes are the value and
// binary where that is cheaper to decode than digits.
var postgresSummaryFormats = pgx.QueryResultFormats{
	pgx.TextFormatCode, pgx.BinaryFormatCode, pgx.TextFormatCode,
	pgx.TextFormatCode, pgx.BinaryFormatCode, pgx.BinaryFormatCode,
}

// decodeSummary reads one row of postgresSummaryQuery.
func decodeSummary(cols [][]byte) (psync.EntrySummary, error) {
	if len(cols) != 6 || len(cols[0]) == 0 || len(cols[1]) != 1 || len(cols[4]) != 8 || len(cols[5]) != 8 {
		return psync.EntrySummary{}, errors.New("an entry has columns of unexpected sizes")
	}
	e := psync.EntrySummary{
		ExternalUserID: string(cols[0]),
		State:          psync.StateSynced,
		DisabledRunID:  int64(binary.BigEndian.Uint64(cols[4])),
		AbsentRuns:     int(binary.BigEndian.Uint64(cols[5])),
	}
	if cols[1][0] != 0 {
		e.State = psync.StatePending
	}
	switch {
	case cols[2] != nil:
		e.Digest = string(cols[2])
	case cols[3] != nil:
		d, err := digestOfFields(e.ExternalUserID, cols[3])
		if err != nil {
			return e, err
		}
		e.Digest = d
	default:
		return e, fmt.Errorf("entry %s has neither a digest nor fields", e.ExternalUserID)
	}
	return e, nil
}
