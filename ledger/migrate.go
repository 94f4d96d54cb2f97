package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"
)

// versionTable is goose's bookkeeping table, prefixed like ours so a schema
// shared with another goose user keeps the two histories apart.
const versionTable = "parchment_sync_schema_migrations"

// migrate applies s's pending migrations.
func migrate(ctx context.Context, s *Store) ([]int64, error) {
	provider, err := s.provider(ctx)
	if err != nil {
		return nil, err
	}
	return up(ctx, provider, s.logger)
}

// provider is goose over s's writer with its database's migrations.
func (s *Store) provider(ctx context.Context) (*goose.Provider, error) {
	opts := []goose.ProviderOption{
		goose.WithTableName(versionTable),
		goose.WithDisableGlobalRegistry(true),
		// Without a logger goose prints to stderr; it stays quiet unless
		// verbose, and migrate logs what was applied itself.
		goose.WithSlog(s.logger),
	}
	locker, err := s.dialect.migrationLock(ctx, s.write)
	if err != nil {
		return nil, fmt.Errorf("ledger: migrate: %w", err)
	}
	if locker != nil {
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	m := s.dialect.migrations()
	provider, err := goose.NewProvider(m.goose, s.write, m.files, opts...)
	if err != nil {
		return nil, fmt.Errorf("ledger: migrate: %w", err)
	}
	return provider, nil
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
