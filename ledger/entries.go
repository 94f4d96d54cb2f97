package ledger

import (
	"context"
	"fmt"

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
