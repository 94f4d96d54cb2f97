package ledger

import (
	"context"
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
// byte order of external_user_id. It reads as few columns as it can: it is
// most of an idle run's ledger time.
func (p *Postgres) ScanEntries(ctx context.Context, organizationID string, fn func(psync.EntrySummary) error) error {
	if organizationID == "" {
		return errEmptyOrganization
	}
	// Fields are read only for entries written before digests were kept.
	rows, err := p.pool.Query(ctx, `
		SELECT external_user_id, state, COALESCE(digest, ''),
			CASE WHEN digest IS NULL THEN fields END, COALESCE(disabled_run_id, 0), absent_runs
		FROM parchment_sync_entries WHERE organization_id = $1
		ORDER BY external_user_id COLLATE "C"`, organizationID)
	if err != nil {
		return fmt.Errorf("ledger: read entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e      psync.EntrySummary
			fields map[string]string
		)
		if err := rows.Scan(&e.ExternalUserID, &e.State, &e.Digest, &fields, &e.DisabledRunID, &e.AbsentRuns); err != nil {
			return fmt.Errorf("ledger: read entries: %w", err)
		}
		if e.Digest == "" {
			e.Digest = psync.FieldsDigest(fields)
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
