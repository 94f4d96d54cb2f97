package queue

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/rivermigrate"
)

// migrateLockKey serialises River's migrations per schema: rivermigrate
// takes no lock of its own, and workers started together would race to
// create the same tables. The key is derived like the ledger's own
// migration lock.
const migrateLockKey = `hashtextextended(format('parchment-sync river migrate %I', current_schema()), 0)`

// Migrate applies River's pending migrations beside the ledger's tables,
// under a session lock, and returns the versions applied. Each migration
// runs in its own transaction, as River requires (a later one uses an enum
// value an earlier one adds). A nil logger discards.
func (db *DB) Migrate(ctx context.Context, logger *slog.Logger) ([]int, error) {
	if logger == nil {
		logger = discard()
	}
	migrator, err := rivermigrate.New(db.driver(), &rivermigrate.Config{Schema: db.schema, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("job queue: migrate: %w", err)
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("job queue: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+migrateLockKey+`)`); err != nil {
		return nil, fmt.Errorf("job queue: migrate: lock: %w", err)
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+migrateLockKey+`)`); err != nil {
			// Closing the session is what drops a lock for sure.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("job queue: migrate: %w", err)
	}
	versions := make([]int, 0, len(res.Versions))
	for _, v := range res.Versions {
		versions = append(versions, v.Version)
	}
	return versions, nil
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
