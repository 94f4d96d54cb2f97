package ledger

import (
	"context"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Postgres is a ledger in PostgreSQL. It is safe for concurrent use.
//
// Tables are unqualified, so a ledger lives in the first schema of the
// connection's search_path; add ?search_path=NAME to the URL to keep it apart
// from other applications.
type Postgres struct {
	pool   *pgxpool.Pool
	logger *slog.Logger
	// readOnly handles (openPostgresReadOnly) take no lock: every
	// transaction of theirs is read-only.
	readOnly bool

	// held tracks run locks not yet unlocked, so Close can end them rather
	// than wait forever for their connections to come back to the pool.
	mu   sync.Mutex
	held map[*runLock]struct{}
}

var _ psync.Store = (*Postgres)(nil)

// OpenPostgres connects to the ledger at url, checks it answers and applies any
// pending migration. A nil logger discards. Connection and ping failures wrap
// ErrUnreachable.
//
// url is a postgres:// URL; among its parameters, pool_max_conns defaults to
// the greater of 4 and the CPU count (a held run lock occupies one),
// connect_timeout to 10 s and application_name to parchment-sync.
func OpenPostgres(ctx context.Context, url string, logger *slog.Logger) (*Postgres, error) {
	logger = orDiscard(logger)
	pool, err := connect(ctx, url)
	if err != nil {
		return nil, err
	}
	if _, err := migrate(ctx, pool, logger); err != nil {
		pool.Close()
		return nil, err
	}
	return &Postgres{pool: pool, logger: logger, held: make(map[*runLock]struct{})}, nil
}

// Close ends any run lock still held, by closing its connection, then closes
// the pool. Later calls do nothing; no other method may be called after it.
func (p *Postgres) Close() {
	p.mu.Lock()
	locks := make([]*runLock, 0, len(p.held))
	for l := range p.held {
		locks = append(locks, l)
	}
	p.mu.Unlock()
	for _, l := range locks {
		l.abandon()
	}
	p.pool.Close()
}
