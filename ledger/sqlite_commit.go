package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Commit stores c in one transaction: Forget first, then Entry, then the
// attempts, with the same rules as Postgres.Commit: Forget drops only a
// pending entry; a synced mapping is never turned back into an intent nor
// repointed (psync.ErrSyncedEntry); a Parchment user mapped to someone else
// fails with psync.ErrParchmentUserTaken, and nothing is stored.
func (s *SQLite) Commit(ctx context.Context, organizationID string, c psync.Commit) error {
	if organizationID == "" {
		return errEmptyOrganization
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if c.Forget != "" {
			if err := s.forget(ctx, tx, organizationID, c.Forget); err != nil {
				return err
			}
		}
		if c.Entry != nil {
			if err := sqlitePutEntry(ctx, tx, organizationID, c.Entry); err != nil {
				return err
			}
		}
		return sqliteInsertAttempts(ctx, tx, organizationID, c.Attempts)
	})
	if err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	return nil
}

func (s *SQLite) forget(ctx context.Context, tx *sql.Tx, organizationID, externalUserID string) error {
	// The transaction holds the write lock, so the state read here is
	// still the state when the delete runs.
	var state string
	err := tx.QueryRowContext(ctx, `
		SELECT state FROM parchment_sync_entries
		WHERE organization_id = ? AND external_user_id = ?`,
		organizationID, externalUserID,
	).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("forget %s: %w", externalUserID, err)
	}
	if state != string(psync.StatePending) {
		s.logger.WarnContext(ctx, "ledger: kept synced entry named by forget",
			"organization_id", organizationID, "external_user_id", externalUserID)
		return nil
	}
	if _, err := tx.ExecContext(ctx, `
		DELETE FROM parchment_sync_entries
		WHERE organization_id = ? AND external_user_id = ? AND state = 'pending'`,
		organizationID, externalUserID); err != nil {
		return fmt.Errorf("forget %s: %w", externalUserID, err)
	}
	return nil
}

func sqlitePutEntry(ctx context.Context, tx *sql.Tx, organizationID string, e *psync.Entry) error {
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
	res, err := tx.ExecContext(ctx, `
		INSERT INTO parchment_sync_entries
			(organization_id, external_user_id, parchment_user_id, state, email, fields,
			 disabled_run_id, absent_runs, digest, created_at, updated_at)
		VALUES (?1, ?2, NULLIF(?3, ''), ?4, ?5, ?6, NULLIF(?7, 0), ?8, ?10, ?9, ?9)
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
		e.DisabledRunID, e.AbsentRuns, formatTime(e.UpdatedAt), psync.FieldsDigest(fields),
	)
	if isParchmentUserTaken(err) {
		return fmt.Errorf("entry %s → parchment user %s: %w", e.ExternalUserID, e.ParchmentUserID, psync.ErrParchmentUserTaken)
	}
	if err != nil {
		return fmt.Errorf("entry %s: %w", e.ExternalUserID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("entry %s: %w", e.ExternalUserID, psync.ErrSyncedEntry)
	}
	return nil
}

// isParchmentUserTaken tells a violation of
// parchment_sync_entries_parchment_user_key. SQLite names a unique
// constraint by its columns, not its name.
func isParchmentUserTaken(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE &&
		strings.Contains(se.Error(), "parchment_sync_entries.parchment_user_id")
}

func sqliteInsertAttempts(ctx context.Context, tx *sql.Tx, organizationID string, attempts []psync.Attempt) error {
	if len(attempts) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `
		INSERT INTO parchment_sync_attempts
			(run_id, organization_id, operation, external_user_id, http_status, request_id, error, duration_us, attempted_at)
		VALUES (?, ?, ?, NULLIF(?, ''), ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?)`)
	if err != nil {
		return fmt.Errorf("attempts: %w", err)
	}
	defer func() { _ = stmt.Close() }()
	for _, a := range attempts {
		if _, err := stmt.ExecContext(ctx, a.RunID, organizationID, a.Operation, a.ExternalUserID, a.HTTPStatus,
			a.RequestID, a.Error, a.Duration.Microseconds(), formatTime(a.At)); err != nil {
			return fmt.Errorf("attempts: %w", err)
		}
	}
	return nil
}
