package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// parchmentUserKey is the constraint that stops one Parchment user being
// mapped to two people; its violation becomes psync.ErrParchmentUserTaken.
const parchmentUserKey = "parchment_sync_entries_parchment_user_key"

// uniqueViolation is PostgreSQL's SQLSTATE for a unique constraint failure.
const uniqueViolation = "23505"

// Commit stores c in one transaction: Forget first, then Entry, then the
// attempts. Forget drops only a pending entry; naming a synced one (or none)
// leaves the ledger as it is, since a synced mapping is known to exist in
// Parchment. An entry whose Parchment user is mapped to someone else fails
// with an error wrapping psync.ErrParchmentUserTaken, and nothing is stored.
func (p *Postgres) Commit(ctx context.Context, organizationID string, c psync.Commit) error {
	if organizationID == "" {
		return errEmptyOrganization
	}
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if c.Forget != "" {
			if err := p.forget(ctx, tx, organizationID, c.Forget); err != nil {
				return err
			}
		}
		if c.Entry != nil {
			if err := putEntry(ctx, tx, organizationID, c.Entry); err != nil {
				return err
			}
		}
		return insertAttempts(ctx, tx, organizationID, c.Attempts)
	})
	if err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	return nil
}

func (p *Postgres) forget(ctx context.Context, tx pgx.Tx, organizationID, externalUserID string) error {
	var state *string
	// One statement deletes a pending entry and reports what was there, so a
	// refused forget can be logged.
	err := tx.QueryRow(ctx, `
		WITH target AS (
			SELECT state FROM parchment_sync_entries
			WHERE organization_id = $1 AND external_user_id = $2
		), deleted AS (
			DELETE FROM parchment_sync_entries
			WHERE organization_id = $1 AND external_user_id = $2 AND state = 'pending'
		)
		SELECT (SELECT state FROM target)`,
		organizationID, externalUserID,
	).Scan(&state)
	if err != nil {
		return fmt.Errorf("forget %s: %w", externalUserID, err)
	}
	if state != nil && *state != string(psync.StatePending) {
		p.logger.WarnContext(ctx, "ledger: kept synced entry named by forget",
			"organization_id", organizationID, "external_user_id", externalUserID)
	}
	return nil
}

func putEntry(ctx context.Context, tx pgx.Tx, organizationID string, e *psync.Entry) error {
	fields := e.Fields
	if fields == nil {
		fields = map[string]string{}
	}
	// A synced mapping is never turned back into an intent nor pointed at
	// another Parchment user: only a second writer (a lost run lock) could
	// ask for that, and it must not win.
	tag, err := tx.Exec(ctx, `
		INSERT INTO parchment_sync_entries AS e
			(organization_id, external_user_id, parchment_user_id, state, email, fields,
			 disabled_run_id, absent_runs, digest, created_at, updated_at)
		VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, NULLIF($8::bigint, 0), $9::integer, $10, COALESCE($7, now()), COALESCE($7, now()))
		ON CONFLICT (organization_id, external_user_id) DO UPDATE SET
			parchment_user_id = EXCLUDED.parchment_user_id,
			state = EXCLUDED.state,
			email = EXCLUDED.email,
			fields = EXCLUDED.fields,
			disabled_run_id = EXCLUDED.disabled_run_id,
			absent_runs = EXCLUDED.absent_runs,
			digest = EXCLUDED.digest,
			updated_at = EXCLUDED.updated_at
		WHERE e.state = 'pending'
			OR (EXCLUDED.state = 'synced' AND e.parchment_user_id = EXCLUDED.parchment_user_id)`,
		organizationID, e.ExternalUserID, e.ParchmentUserID, string(e.State), e.Email, fields, orNull(e.UpdatedAt),
		e.DisabledRunID, e.AbsentRuns, psync.FieldsDigest(fields),
	)
	if err == nil && tag.RowsAffected() == 0 {
		return fmt.Errorf("entry %s: %w", e.ExternalUserID, psync.ErrSyncedEntry)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == uniqueViolation && pgErr.ConstraintName == parchmentUserKey {
		return fmt.Errorf("entry %s → parchment user %s: %w", e.ExternalUserID, e.ParchmentUserID, psync.ErrParchmentUserTaken)
	}
	if err != nil {
		return fmt.Errorf("entry %s: %w", e.ExternalUserID, err)
	}
	return nil
}
