package ledger

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// runLockKey derives the run lock's advisory key from the schema as well as
// the organisation, so ledgers in different schemas of one database don't
// block each other. %I and %L quote, which keeps the pair unambiguous.
const runLockKey = `hashtextextended(format('parchment-sync run %I %L', current_schema(), $1::text), 0)`

// abandonTimeout bounds closing a connection that may hold a lock.
const abandonTimeout = 5 * time.Second

// lock takes session advisory locks, all on one connection kept out of the
// pool until unlock: Copy holds many at once, and a connection each would
// drain the pool. Should the connection die, PostgreSQL drops its locks.
func (d *postgresDialect) lock(ctx context.Context, ids []string) (heldLocks, error) {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("ledger: lock %s: %w", strings.Join(ids, ", "), err)
	}
	l := &advisoryLocks{conn: conn}
	for _, id := range ids {
		var locked bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+runLockKey+`)`, id).Scan(&locked); err != nil {
			// The server may have granted the lock before the failure: close the
			// session rather than pool a connection that might hold it.
			l.drop()
			return nil, fmt.Errorf("ledger: lock %s: %w", id, err)
		}
		if !locked {
			// Give back the locks already taken with the connection.
			_ = l.unlock(ctx)
			return nil, fmt.Errorf("ledger: lock %s: %w", id, psync.ErrLocked)
		}
		l.organizationIDs = append(l.organizationIDs, id)
	}
	return l, nil
}

// advisoryLocks are one connection's held run locks.
type advisoryLocks struct {
	conn            *sql.Conn
	organizationIDs []string
}

// unlock releases the locks and returns the connection. If an unlock
// statement fails the connection is closed instead, which ends the session
// and so its locks; the failure is still reported.
func (l *advisoryLocks) unlock(ctx context.Context) error {
	for _, id := range l.organizationIDs {
		var unlocked bool
		err := l.conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock(`+runLockKey+`)`, id).Scan(&unlocked)
		if err == nil && !unlocked {
			err = errors.New("lock was no longer held")
		}
		if err != nil {
			l.drop()
			return fmt.Errorf("ledger: unlock %s (connection closed, which drops the lock): %w", id, err)
		}
	}
	return l.conn.Close()
}

// drop closes the session so the server drops its locks; database/sql
// discards a connection whose Raw says it is bad. The caller's context may
// be the reason for closing, so it gets a fresh one.
func (l *advisoryLocks) drop() {
	ctx, cancel := context.WithTimeout(context.Background(), abandonTimeout)
	defer cancel()
	_ = l.conn.Raw(func(dc any) error {
		_ = dc.(*stdlib.Conn).Conn().Close(ctx)
		return driver.ErrBadConn
	})
	_ = l.conn.Close()
}
