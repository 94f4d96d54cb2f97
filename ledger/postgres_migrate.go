package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/parchment-sync/parchment-sync/migrations"
)

// migrateLockKey is the session advisory lock serialising migrations. It is
// derived from the schema so that ledgers in different schemas of one
// database (every test has its own) migrate without waiting on each other.
const migrateLockKey = `SELECT hashtextextended(format('parchment-sync migrate %I', current_schema()), 0)`

// migratePostgresAt is Migrate for a postgres:// URL.
func migratePostgresAt(ctx context.Context, url string, logger *slog.Logger) ([]int64, error) {
	s, err := openPostgres(ctx, url, logger, false)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return migrate(ctx, s)
}

func (*postgresDialect) migrations() migrationSet {
	return migrationSet{
		goose: goose.DialectPostgres, files: migrations.FS,
		tableExists: `SELECT to_regclass('` + versionTable + `') IS NOT NULL`,
	}
}

// migrationLock is a session lock, so that concurrent first uses apply
// each migration once.
func (*postgresDialect) migrationLock(ctx context.Context, db *sql.DB) (lock.SessionLocker, error) {
	var lockID int64
	if err := db.QueryRowContext(ctx, migrateLockKey).Scan(&lockID); err != nil {
		return nil, fmt.Errorf("derive lock key: %w", err)
	}
	// Probe every second (goose's minimum) rather than every 5 s: migrations
	// take milliseconds, and waiting first users would otherwise idle.
	return lock.NewPostgresSessionLocker(lock.WithLockID(lockID), lock.WithLockTimeout(1, 300))
}
