package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Entries returns every entry of the organisation keyed by external_user_id.
func (s *SQLite) Entries(ctx context.Context, organizationID string) (map[string]psync.Entry, error) {
	if organizationID == "" {
		return nil, errEmptyOrganization
	}
	rows, err := s.read.QueryContext(ctx, `
		SELECT external_user_id, COALESCE(parchment_user_id, ''), state, email, fields,
			COALESCE(disabled_run_id, 0), absent_runs, updated_at
		FROM parchment_sync_entries WHERE organization_id = ?`, organizationID)
	if err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	defer func() { _ = rows.Close() }()

	entries := make(map[string]psync.Entry)
	for rows.Next() {
		var (
			e               psync.Entry
			fields, updated string
		)
		if err := rows.Scan(&e.ExternalUserID, &e.ParchmentUserID, &e.State, &e.Email, &fields,
			&e.DisabledRunID, &e.AbsentRuns, &updated); err != nil {
			return nil, fmt.Errorf("ledger: read entries: %w", err)
		}
		if err := json.Unmarshal([]byte(fields), &e.Fields); err != nil {
			return nil, fmt.Errorf("ledger: read entry %s: fields: %w", e.ExternalUserID, err)
		}
		if e.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, fmt.Errorf("ledger: read entry %s: updated_at: %w", e.ExternalUserID, err)
		}
		entries[e.ExternalUserID] = e
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: read entries: %w", err)
	}
	return entries, nil
}

// ScanEntries streams the organisation's entries without their fields, in
// byte order of external_user_id. It reads as few columns as it can: it is
// most of an idle run's ledger time.
func (s *SQLite) ScanEntries(ctx context.Context, organizationID string, fn func(psync.EntrySummary) error) error {
	if organizationID == "" {
		return errEmptyOrganization
	}
	// Fields are read only for entries written before digests were kept.
	rows, err := s.read.QueryContext(ctx, `
		SELECT external_user_id, state, COALESCE(digest, ''),
			CASE WHEN digest IS NULL THEN fields END, COALESCE(disabled_run_id, 0), absent_runs
		FROM parchment_sync_entries WHERE organization_id = ?
		ORDER BY external_user_id`, organizationID)
	if err != nil {
		return fmt.Errorf("ledger: read entries: %w", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			e      psync.EntrySummary
			fields sql.NullString
		)
		if err := rows.Scan(&e.ExternalUserID, &e.State, &e.Digest, &fields,
			&e.DisabledRunID, &e.AbsentRuns); err != nil {
			return fmt.Errorf("ledger: read entries: %w", err)
		}
		if e.Digest == "" {
			var f map[string]string
			if err := json.Unmarshal([]byte(fields.String), &f); err != nil {
				return fmt.Errorf("ledger: read entry %s: fields: %w", e.ExternalUserID, err)
			}
			e.Digest = psync.FieldsDigest(f)
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

// Entry returns one entry of the organisation.
func (s *SQLite) Entry(ctx context.Context, organizationID, externalUserID string) (psync.Entry, bool, error) {
	if organizationID == "" {
		return psync.Entry{}, false, errEmptyOrganization
	}
	var (
		e               = psync.Entry{ExternalUserID: externalUserID}
		fields, updated string
	)
	err := s.read.QueryRowContext(ctx, `
		SELECT COALESCE(parchment_user_id, ''), state, email, fields,
			COALESCE(disabled_run_id, 0), absent_runs, updated_at
		FROM parchment_sync_entries WHERE organization_id = ? AND external_user_id = ?`,
		organizationID, externalUserID,
	).Scan(&e.ParchmentUserID, &e.State, &e.Email, &fields, &e.DisabledRunID, &e.AbsentRuns, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return psync.Entry{}, false, nil
	}
	if err != nil {
		return psync.Entry{}, false, fmt.Errorf("ledger: read entry %s: %w", externalUserID, err)
	}
	if err := json.Unmarshal([]byte(fields), &e.Fields); err != nil {
		return psync.Entry{}, false, fmt.Errorf("ledger: read entry %s: fields: %w", externalUserID, err)
	}
	if e.UpdatedAt, err = parseTime(updated); err != nil {
		return psync.Entry{}, false, fmt.Errorf("ledger: read entry %s: updated_at: %w", externalUserID, err)
	}
	return e, true, nil
}
