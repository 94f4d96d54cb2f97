package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// insertAttempts queues every attempt in one batch: a commit's attempts reach
// the server in a single round trip.
func insertAttempts(ctx context.Context, tx pgx.Tx, organizationID string, attempts []psync.Attempt) error {
	if len(attempts) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	for _, a := range attempts {
		batch.Queue(`
			INSERT INTO parchment_sync_attempts
				(run_id, organization_id, operation, external_user_id, http_status, request_id, error, duration, attempted_at)
			VALUES ($1, $2, $3, NULLIF($4, ''), $5, NULLIF($6, ''), NULLIF($7, ''),
				$8 * interval '1 microsecond', COALESCE($9, now()))`,
			a.RunID, organizationID, a.Operation, a.ExternalUserID, a.HTTPStatus, a.RequestID, a.Error,
			a.Duration.Microseconds(), orNull(a.At),
		)
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("attempts: %w", err)
	}
	return nil
}

// Attempts reads back the attempts of run runID in the order they were
// stored. Durations keep microsecond precision.
func (p *Postgres) Attempts(ctx context.Context, runID int64) ([]psync.Attempt, error) {
	rows, err := p.pool.Query(ctx, `
		SELECT run_id, operation, COALESCE(external_user_id, ''), http_status,
			COALESCE(request_id, ''), COALESCE(error, ''),
			(extract(epoch FROM duration) * 1000000)::bigint, attempted_at
		FROM parchment_sync_attempts WHERE run_id = $1 ORDER BY id`, runID)
	if err != nil {
		return nil, fmt.Errorf("ledger: read attempts of run %d: %w", runID, err)
	}
	attempts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (psync.Attempt, error) {
		var (
			a      psync.Attempt
			micros int64
		)
		err := row.Scan(&a.RunID, &a.Operation, &a.ExternalUserID, &a.HTTPStatus, &a.RequestID, &a.Error, &micros, &a.At)
		a.Duration = time.Duration(micros) * time.Microsecond
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: read attempts of run %d: %w", runID, err)
	}
	return attempts, nil
}
