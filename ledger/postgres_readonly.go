package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/parchment-sync/parchment-sync/migrations"
)

// postgresTableExists says whether goose's table is in the search path.
const postgresTableExists = `SELECT to_regclass('` + versionTable + `') IS NOT NULL`

// openPostgresReadOnly connects with every transaction read-only, so not
// even a bug could write, and neither creates nor migrates the schema.
func openPostgresReadOnly(ctx context.Context, url string, logger *slog.Logger) (*Postgres, error) {
	pool, err := connect(ctx, url, func(c *pgxpool.Config) {
		c.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	})
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDBFromPool(pool)
	pending, err := pendingMigrations(ctx, db, migrations.FS, postgresTableExists)
	_ = db.Close()
	if err == nil {
		err = schemaCurrent(pending)
	}
	if err != nil {
		pool.Close()
		if errors.Is(err, ErrNoLedger) {
			return nil, fmt.Errorf("%w: no ledger tables in the database's schema", ErrNoLedger)
		}
		return nil, err
	}
	return &Postgres{pool: pool, logger: logger, held: make(map[*runLock]struct{}), readOnly: true}, nil
}
