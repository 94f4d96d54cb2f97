package ledger

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Entries returns every entry of the organisation keyed by external_user_id.
func (p *Postgres) Entries(ctx context.Context, organizationID string) (map[string]psync.Entry, error) {
	if organizationID == "" {
		return nil, errEmptyOrganization
	}
	rows, err := p.pool.Query(ctx, `
		SELECT external_user_id, COALESCE(parchment_user_id, ''), state, email, fields,
			COALESCE(disabled_run_id, 0), absent_runs, updated_at
		FROM parchment_sync_entries WHERE organization_id = $1`, organizationID)
	if err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	defer rows.Close()

	entries := make(map[string]psync.Entry)
	for rows.Next() {
		var e psync.Entry
		if err := rows.Scan(&e.ExternalUserID, &e.ParchmentUserID, &e.State, &e.Email, &e.Fields, &e.DisabledRunID, &e.AbsentRuns, &e.UpdatedAt); err != nil {
			return nil, fmt.Errorf("ledger: read entries: %w", err)
		}
		entries[e.ExternalUserID] = e
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	return entries, nil
}

// ScanEntries streams the organisation's entries without their fields, in
// byte order of external_user_id. It reads as few columns as it can, and
// decodes their raw bytes itself: it is most of an idle run's ledger time.
func (p *Postgres) ScanEntries(ctx context.Context, organizationID string, fn func(psync.EntrySummary) error) error {
	if organizationID == "" {
		return errEmptyOrganization
	}
	rows, err := p.pool.Query(ctx, postgresSummaryQuery, postgresSummaryFormats, organizationID)
	if err != nil {
		return fmt.Errorf("ledger: read entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := decodeSummary(rows.RawValues())
		if err != nil {
			return fmt.Errorf("ledger: read entries: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger: read entries: %w", err)
	}
	return nil
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

// Entry returns one entry of the organisation.
func (p *Postgres) Entry(ctx context.Context, organizationID, externalUserID string) (psync.Entry, bool, error) {
	if organizationID == "" {
		return psync.Entry{}, false, errEmptyOrganization
	}
	e := psync.Entry{ExternalUserID: externalUserID}
	err := p.pool.QueryRow(ctx, `
		SELECT COALESCE(parchment_user_id, ''), state, email, fields,
			COALESCE(disabled_run_id, 0), absent_runs, updated_at
		FROM parchment_sync_entries WHERE organization_id = $1 AND external_user_id = $2`,
		organizationID, externalUserID,
	).Scan(&e.ParchmentUserID, &e.State, &e.Email, &e.Fields, &e.DisabledRunID, &e.AbsentRuns, &e.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return psync.Entry{}, false, nil
	}
	if err != nil {
		return psync.Entry{}, false, fmt.Errorf("ledger: read entry %s: %w", externalUserID, err)
	}
	return e, true, nil
}
