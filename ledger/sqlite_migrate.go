package ledger

import (
	"context"
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

// migrate applies the SQLite migrations. The caller holds the schema lock,
// which is what keeps concurrent first uses from applying one twice: goose
// has no session lock for SQLite.
func (s *SQLite) migrate(ctx context.Context, logger *slog.Logger) ([]int64, error) {
	provider, err := s.newProvider(logger)
	if err != nil {
		return nil, err
	}
	return up(ctx, provider, logger)
}

func (s *SQLite) newProvider(logger *slog.Logger) (*goose.Provider, error) {
	provider, err := goose.NewProvider(goose.DialectSQLite3, s.write, migrations.SQLiteFS(),
		goose.WithTableName(versionTable),
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(logger),
	)
	if err != nil {
		return nil, fmt.Errorf("ledger: migrate: %w", err)
	}
	return provider, nil
}
