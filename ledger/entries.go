package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// entryColumns are what scanEntry reads, after external_user_id.
const entryColumns = `COALESCE(parchment_user_id, ''), state, email, fields,
	COALESCE(disabled_run_id, 0), absent_runs, updated_at`

// scanEntry reads entryColumns into e, after the leading columns in
// before.
func scanEntry(row interface{ Scan(...any) error }, e *psync.Entry, before ...any) error {
	var fields []byte
	dest := append(before, &e.ParchmentUserID, &e.State, &e.Email, &fields, &e.DisabledRunID, &e.AbsentRuns, dbTime{&e.UpdatedAt})
	if err := row.Scan(dest...); err != nil {
		return err
	}
	if err := json.Unmarshal(fields, &e.Fields); err != nil {
		return fmt.Errorf("entry %s: fields: %w", e.ExternalUserID, err)
	}
	return nil
}

// Entries returns every entry of the organisation keyed by external_user_id.
func (s *Store) Entries(ctx context.Context, organizationID string) (map[string]psync.Entry, error) {
	if organizationID == "" {
		return nil, errEmptyOrganization
	}
	rows, err := s.reader.query(ctx, `
		SELECT external_user_id, `+entryColumns+`
		FROM parchment_sync_entries WHERE organization_id = $1`, organizationID)
	if err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	defer rows.Close()

	entries := make(map[string]psync.Entry)
	for rows.Next() {
		var e psync.Entry
		if err := scanEntry(rows, &e, &e.ExternalUserID); err != nil {
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
// byte order of external_user_id. It is most of an idle run's ledger time,
// so each database reads it its fastest way (the dialect's scanSummaries).
func (s *Store) ScanEntries(ctx context.Context, organizationID string, fn func(psync.EntrySummary) error) error {
	if organizationID == "" {
		return errEmptyOrganization
	}
	var stop error // fn's own error, returned as it is
	err := s.dialect.scanSummaries(ctx, s.read, organizationID, func(e psync.EntrySummary) error {
		stop = fn(e)
		return stop
	})
	switch {
	case stop != nil:
		return stop
	case err != nil:
		return fmt.Errorf("ledger: read entries: %w", err)
	}
	return nil
}

// Entry returns one entry of the organisation.
func (s *Store) Entry(ctx context.Context, organizationID, externalUserID string) (psync.Entry, bool, error) {
	if organizationID == "" {
		return psync.Entry{}, false, errEmptyOrganization
	}
	e := psync.Entry{ExternalUserID: externalUserID}
	err := scanEntry(s.reader.queryRow(ctx, `
		SELECT `+entryColumns+`
		FROM parchment_sync_entries WHERE organization_id = $1 AND external_user_id = $2`,
		organizationID, externalUserID), &e)
	if errors.Is(err, sql.ErrNoRows) {
		return psync.Entry{}, false, nil
	}
	if err != nil {
		return psync.Entry{}, false, fmt.Errorf("ledger: read entry %s: %w", externalUserID, err)
	}
	return e, true, nil
}

// digestOfFields is the digest of an entry written before digests were
// kept, from its fields as the store holds them (a JSON object).
func digestOfFields(externalUserID string, raw []byte) (string, error) {
	var f map[string]string
	if err := json.Unmarshal(raw, &f); err != nil {
		return "", fmt.Errorf("entry %s: fields: %w", externalUserID, err)
	}
	return psync.FieldsDigest(f), nil
}
