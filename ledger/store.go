package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Store is a ledger in PostgreSQL (OpenPostgres) or in a SQLite file
// (OpenSQLite). It is safe for concurrent use.
type Store struct {
	dialect dialect
	// write takes every write; read every read. PostgreSQL's are one pool;
	// SQLite's writer is a single connection beside a pool of readers.
	write, read *sql.DB
	// writer and reader run the store's statements: over write and read,
	// or, for PostgreSQL, over pgx itself (querier.go).
	writer database
	reader querier
	logger *slog.Logger
	// readOnly handles (ReadOnly) take no lock, and their writes fail.
	readOnly bool

	// held tracks run locks not yet unlocked, so Close can end them.
	mu    sync.Mutex
	held  map[*runLock]struct{}
	close sync.Once
}

var _ psync.Store = (*Store)(nil)

func newStore(d dialect, write, read *sql.DB, logger *slog.Logger, readOnly bool) *Store {
	return &Store{
		dialect: d, write: write, read: read, writer: sqlDB{write}, reader: sqlDB{read},
		logger: logger, readOnly: readOnly, held: make(map[*runLock]struct{}),
	}
}

// Close ends any run lock still held, then closes the database. Later calls
// do nothing; no other method may be called after it.
func (s *Store) Close() {
	s.close.Do(func() {
		s.mu.Lock()
		locks := make([]*runLock, 0, len(s.held))
		for l := range s.held {
			locks = append(locks, l)
		}
		s.mu.Unlock()
		for _, l := range locks {
			l.abandon()
		}
		s.closeDBs()
		s.dialect.close()
	})
}

func (s *Store) closeDBs() {
	if err := s.read.Close(); err != nil {
		s.logger.Warn("ledger: closing the readers", "error", err)
	}
	if s.write == s.read {
		return
	}
	if err := s.write.Close(); err != nil {
		s.logger.Warn("ledger: closing the writer", "error", err)
	}
}

// inTx runs fn in a write transaction, committed only if fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(querier) error) error {
	return s.writer.inTx(ctx, fn)
}

// dbTime scans a time as either database gives it: PostgreSQL's
// timestamptz as a time, SQLite's as text in sqliteTime's form. NULL is
// the zero time.
type dbTime struct{ t *time.Time }

func (d dbTime) Scan(v any) error {
	var err error
	switch v := v.(type) {
	case nil:
		*d.t = time.Time{}
	case time.Time:
		*d.t = v
	case string:
		*d.t, err = parseTime(v)
	case []byte:
		*d.t, err = parseTime(string(v))
	default:
		err = fmt.Errorf("a time of unexpected type %T", v)
	}
	return err
}

// orNow is t, or now for the zero time.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
