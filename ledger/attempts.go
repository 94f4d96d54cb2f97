package ledger

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// attemptsPerInsert bounds one insert's rows: 8 parameters a row stay far
// below either database's limit on parameters.
const attemptsPerInsert = 500

// insertAttempts stores attempts a few hundred rows per statement, so a
// commit's attempts reach the database in one round trip.
func (s *Store) insertAttempts(ctx context.Context, tx querier, organizationID string, attempts []psync.Attempt) error {
	for len(attempts) > 0 {
		n := min(len(attempts), attemptsPerInsert)
		query, args := s.attemptsInsert(organizationID, attempts[:n])
		if _, err := tx.exec(ctx, query, args...); err != nil {
			return fmt.Errorf("attempts: %w", err)
		}
		attempts = attempts[n:]
	}
	return nil
}

// attemptsInsert is one insert of attempts: $1 is the organisation, and
// each row has eight parameters after it.
func (s *Store) attemptsInsert(organizationID string, attempts []psync.Attempt) (string, []any) {
	var q strings.Builder
	q.WriteString(`INSERT INTO parchment_sync_attempts
		(run_id, organization_id, operation, external_user_id, http_status, request_id, error, ` +
		s.dialect.durationColumn() + `, attempted_at) VALUES `)
	args := make([]any, 1, 1+8*len(attempts))
	args[0] = organizationID
	p := func(i int) string { return "$" + strconv.Itoa(len(args)+i) }
	for i, a := range attempts {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "(%s, $1, %s, NULLIF(%s, ''), %s, NULLIF(%s, ''), NULLIF(%s, ''), %s, %s)",
			p(1), p(2), p(3), p(4), p(5), p(6), s.dialect.durationValue(p(7)), p(8))
		args = append(args, a.RunID, a.Operation, a.ExternalUserID, a.HTTPStatus, a.RequestID, a.Error,
			a.Duration.Microseconds(), s.dialect.timeValue(a.At))
	}
	return q.String(), args
}

// Attempts reads back the attempts of run runID in the order they were
// stored. Durations keep microsecond precision.
func (s *Store) Attempts(ctx context.Context, runID int64) ([]psync.Attempt, error) {
	rows, err := s.reader.query(ctx, `
		SELECT run_id, operation, COALESCE(external_user_id, ''), http_status,
			COALESCE(request_id, ''), COALESCE(error, ''), `+s.dialect.durationMicros()+`, attempted_at
		FROM parchment_sync_attempts WHERE run_id = $1 ORDER BY id`, runID)
	if err != nil {
		return nil, fmt.Errorf("ledger: read attempts of run %d: %w", runID, err)
	}
	defer rows.Close()
	attempts := []psync.Attempt{}
	for rows.Next() {
		var (
			a      psync.Attempt
			micros int64
		)
		if err := rows.Scan(&a.RunID, &a.Operation, &a.ExternalUserID, &a.HTTPStatus, &a.RequestID, &a.Error,
			&micros, dbTime{&a.At}); err != nil {
			return nil, fmt.Errorf("ledger: read attempts of run %d: %w", runID, err)
		}
		a.Duration = time.Duration(micros) * time.Microsecond
		attempts = append(attempts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: read attempts of run %d: %w", runID, err)
	}
	return attempts, nil
}
