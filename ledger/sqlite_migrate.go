package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"

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

// provider builds goose without a lock of its own: goose has no session
// lock for SQLite, so the caller holds the schema lock, which is what keeps
// concurrent first uses from applying a migration twice.
func (*sqliteDialect) provider(_ context.Context, db *sql.DB, logger *slog.Logger) (*goose.Provider, error) {
	provider, err := goose.NewProvider(goose.DialectSQLite3, db, migrations.SQLiteFS(),
		goose.WithTableName(versionTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(logger),
	)
	if err != nil {
		return nil, fmt.Errorf("ledger: migrate: %w", err)
	}
	return provider, nil
}
