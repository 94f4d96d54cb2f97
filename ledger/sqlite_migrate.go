package ledger

import (
	"context"
	"database/sql"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/parchment-sync/parchment-sync/migrations"
)

// migrateSQLiteAt is Migrate for a sqlite: URL.
func migrateSQLiteAt(ctx context.Context, path string, logger *slog.Logger) ([]int64, error) {
	s, applied, err := openSQLite(ctx, path, logger)
	if err != nil {
		return applied, err
	}
	s.Close()
	return applied, nil
}

func (*sqliteDialect) migrations() migrationSet {
	return migrationSet{
		goose: goose.DialectSQLite3, files: migrations.SQLiteFS(),
		tableExists: `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '` + versionTable + `')`,
	}
}

// migrationLock is none: goose has no session lock for SQLite, so the
// caller holds the schema lock, which is what keeps concurrent first uses
// from applying a migration twice.
func (*sqliteDialect) migrationLock(context.Context, *sql.DB) (lock.SessionLocker, error) {
	return nil, nil
}
