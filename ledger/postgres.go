package ledger

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// OpenPostgres connects to the ledger at url, checks it answers and applies any
// pending migration. A nil logger discards. Connection and ping failures wrap
// ErrUnreachable.
//
// url is a postgres:// URL; among its parameters, pool_max_conns defaults to
// the greater of 4 and the CPU count (a held run lock occupies one),
// connect_timeout to 10 s and application_name to parchment-sync.
//
// Tables are unqualified, so a ledger lives in the first schema of the
// connection's search_path; add ?search_path=NAME to the URL to keep it apart
// from other applications.
func OpenPostgres(ctx context.Context, url string, logger *slog.Logger) (*Store, error) {
	logger = orDiscard(logger)
	s, err := openPostgres(ctx, url, logger, false)
	if err != nil {
		return nil, err
	}
	if _, err := migrate(ctx, s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openPostgres connects; readOnly makes every transaction read-only.
func openPostgres(ctx context.Context, url string, logger *slog.Logger, readOnly bool) (*Store, error) {
	var edits []func(*pgxpool.Config)
	if readOnly {
		edits = append(edits, func(c *pgxpool.Config) { c.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on" })
	}
	db, err := connect(ctx, url, edits...)
	if err != nil {
		return nil, err
	}
	s := newStore(&postgresDialect{db: db}, db, db, logger, readOnly)
	s.writer = pgxDB{db}
	s.reader = s.writer
	return s, nil
}

// postgresDialect is the Store's PostgreSQL: database/sql over pgx, whose
// own connection (stdlib.Conn) serves what only PostgreSQL does
// (postgres_lock.go, postgres_scan.go) and runs the store's statements
// (pgxDB, querier.go).
type postgresDialect struct{ db *sql.DB }

// timeValue is nil-free: timestamptz takes the time as it is.
func (*postgresDialect) timeValue(t time.Time) any { return orNow(t) }

func (*postgresDialect) durationColumn() string { return "duration" }

func (*postgresDialect) durationValue(p string) string { return p + ` * interval '1 microsecond'` }

func (*postgresDialect) durationMicros() string {
	return `(extract(epoch FROM duration) * 1000000)::bigint`
}

// keepRunID: the id is an identity column GENERATED ALWAYS.
func (*postgresDialect) keepRunID() string { return "OVERRIDING SYSTEM VALUE" }

func (*postgresDialect) afterRunIDs() string {
	return `SELECT setval(pg_get_serial_sequence('parchment_sync_runs', 'id'), (SELECT MAX(id) FROM parchment_sync_runs))`
}

// uniqueViolation is PostgreSQL's SQLSTATE for a unique constraint failure.
const uniqueViolation = "23505"

func (*postgresDialect) parchmentUserTaken(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	return ok && pgErr.Code == uniqueViolation && pgErr.ConstraintName == "parchment_sync_entries_parchment_user_key"
}

// close: the store closes the one pool.
func (*postgresDialect) close() {}
