package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/parchment-sync/parchment-sync/migrations"
)

// versionTable is goose's bookkeeping table, prefixed like ours so a schema
// shared with another goose user keeps the two histories apart.
const versionTable = "parchment_sync_schema_migrations"

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
	return migrate(ctx, s, logger)
}

// migrate applies s's pending migrations.
func migrate(ctx context.Context, s *Store, logger *slog.Logger) ([]int64, error) {
	provider, err := s.dialect.provider(ctx, s.write, logger)
	if err != nil {
		return nil, err
	}
	return up(ctx, provider, logger)
}

// up applies provider's pending migrations, logging each, and returns the
// versions applied; on a partial failure, those applied before it.
func up(ctx context.Context, provider *goose.Provider, logger *slog.Logger) ([]int64, error) {
	results, err := provider.Up(ctx)
	// On a failure goose returns no results, but its PartialError lists
	// what was applied before it.
	if partial, ok := errors.AsType[*goose.PartialError](err); ok {
		results = partial.Applied
	}
	applied := make([]int64, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Version)
		logger.InfoContext(ctx, "ledger migration applied",
			slog.Int64("version", r.Source.Version), slog.String("file", r.Source.Path),
			slog.Duration("duration", r.Duration))
	}
	if err != nil {
		return applied, fmt.Errorf("ledger: migrate: %w", err)
	}
	return applied, nil
}

// provider builds goose with a session lock, so that concurrent first
// uses apply each migration once.
func (*postgresDialect) provider(ctx context.Context, db *sql.DB, logger *slog.Logger) (*goose.Provider, error) {
	var lockID int64
	if err := db.QueryRowContext(ctx, migrateLockKey).Scan(&lockID); err != nil {
		return nil, fmt.Errorf("ledger: migrate: derive lock key: %w", err)
	}
	// Probe every second (goose's minimum) rather than every 5 s: migrations
	// take milliseconds, and waiting first users would otherwise idle.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, fmt.Errorf("ledger: migrate: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS,
		goose.WithSessionLocker(locker),
		goose.WithTableName(versionTable),
		goose.WithDisableGlobalRegistry(true),
		// Without a logger goose prints to stderr; it stays quiet unless
		// verbose, and migrate logs what was applied itself.
		goose.WithSlog(logger),
	)
	if err != nil {
		return nil, fmt.Errorf("ledger: migrate: %w", err)
	}
	return provider, nil
}
