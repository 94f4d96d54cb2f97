package ledger

import (
	"context"
	"encoding/json"
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
