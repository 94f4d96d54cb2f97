package ledger

import (
	"context"
	"encoding/json"
	"fmt"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Commit stores c in one transaction: Forget first, then Entry, then the
// attempts. Forget drops only a pending entry; naming a synced one (or none)
// leaves the ledger as it is, since a synced mapping is known to exist in
// Parchment. An entry whose Parchment user is mapped to someone else fails
// with an error wrapping psync.ErrParchmentUserTaken, and nothing is stored.
func (s *Store) Commit(ctx context.Context, organizationID string, c psync.Commit) error {
	if organizationID == "" {
		return errEmptyOrganization
	}
	err := s.inTx(ctx, func(tx querier) error {
		if c.Forget != "" {
			if err := s.forget(ctx, tx, organizationID, c.Forget); err != nil {
				return err
			}
		}
		if c.Entry != nil {
			if err := s.putEntry(ctx, tx, organizationID, c.Entry); err != nil {
				return err
			}
		}
		return s.insertAttempts(ctx, tx, organizationID, c.Attempts)
	})
	if err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	return nil
}

func (s *Store) forget(ctx context.Context, tx querier, organizationID, externalUserID string) error {
	n, err := tx.exec(ctx, `
		DELETE FROM parchment_sync_entries
		WHERE organization_id = $1 AND external_user_id = $2 AND state = 'pending'`,
		organizationID, externalUserID)
	if err != nil {
		return fmt.Errorf("forget %s: %w", externalUserID, err)
	}
	if n > 0 {
		return nil
	}
	// Nothing pending went: say so when a synced entry stays, so a refused
	// forget can be told from one of nobody.
	var kept bool
	if err := tx.queryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM parchment_sync_entries
			WHERE organization_id = $1 AND external_user_id = $2)`,
		organizationID, externalUserID).Scan(&kept); err != nil {
		return fmt.Errorf("forget %s: %w", externalUserID, err)
	}
	if kept {
		s.logger.WarnContext(ctx, "ledger: kept synced entry named by forget",
			"organization_id", organizationID, "external_user_id", externalUserID)
	}
	return nil
}

func (s *Store) putEntry(ctx context.Context, tx querier, organizationID string, e *psync.Entry) error {
	fields := e.Fields
	if fields == nil {
		fields = map[string]string{}
	}
	fieldsJSON, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("entry %s: fields: %w", e.ExternalUserID, err)
	}
	// A synced mapping is never turned back into an intent nor pointed at
	// another Parchment user: only a second writer (a lost run lock) could
	// ask for that, and it must not win. The upsert's WHERE then leaves the
	// row alone, and no row changes.
	n, err := tx.exec(ctx, `
		INSERT INTO parchment_sync_entries
			(organization_id, external_user_id, parchment_user_id, state, email, fields,
			 disabled_run_id, absent_runs, digest, created_at, updated_at)
		VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, NULLIF(CAST($7 AS BIGINT), 0), CAST($8 AS INTEGER), $10, $9, $9)
		ON CONFLICT (organization_id, external_user_id) DO UPDATE SET
			parchment_user_id = excluded.parchment_user_id,
			state = excluded.state,
			email = excluded.email,
			fields = excluded.fields,
			disabled_run_id = excluded.disabled_run_id,
			absent_runs = excluded.absent_runs,
			digest = excluded.digest,
			updated_at = excluded.updated_at
		WHERE parchment_sync_entries.state = 'pending'
			OR (excluded.state = 'synced'
				AND parchment_sync_entries.parchment_user_id = excluded.parchment_user_id)`,
		organizationID, e.ExternalUserID, e.ParchmentUserID, string(e.State), e.Email, string(fieldsJSON),
		e.DisabledRunID, e.AbsentRuns, s.dialect.timeValue(e.UpdatedAt), psync.FieldsDigest(fields),
	)
	if err != nil && s.dialect.parchmentUserTaken(err) {
		return fmt.Errorf("entry %s → parchment user %s: %w", e.ExternalUserID, e.ParchmentUserID, psync.ErrParchmentUserTaken)
	}
	if err != nil {
		return fmt.Errorf("entry %s: %w", e.ExternalUserID, err)
	}
	if n == 0 {
		return fmt.Errorf("entry %s: %w", e.ExternalUserID, psync.ErrSyncedEntry)
	}
	return nil
}
