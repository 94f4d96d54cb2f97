package ledger

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// runLockKey derives the run lock's advisory key from the schema as well as
// the organisation, so ledgers in different schemas of one database don't
// block each other. %I and %L quote, which keeps the pair unambiguous.
const runLockKey = `hashtextextended(format('parchment-sync run %I %L', current_schema(), $1::text), 0)`

// abandonTimeout bounds closing a connection that may hold a lock.
const abandonTimeout = 5 * time.Second

// Lock takes the organisation's run lock: a session advisory lock on a
// connection kept out of the pool until unlock. It doesn't wait; when
// another session holds the lock it returns an error wrapping
// psync.ErrLocked. Should the connection die, PostgreSQL drops the lock with
// it.
func (p *Postgres) Lock(ctx context.Context, organizationID string) (func(context.Context) error, error) {
	if organizationID == "" {
		return nil, errEmptyOrganization
	}
	if p.readOnly {
		return nil, errReadOnly
	}
	return p.lockOrganizations(ctx, []string{organizationID})
}

// lockOrganizations takes the run locks of every organisation in ids, all or
// none, on one connection: Copy holds many at once, and a connection each
// would drain the pool.
func (p *Postgres) lockOrganizations(ctx context.Context, ids []string) (func(context.Context) error, error) {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("ledger: lock %s: %w", strings.Join(ids, ", "), err)
	}
	l := &runLock{owner: p, conn: conn}
	for _, id := range ids {
		var locked bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+runLockKey+`)`, id).Scan(&locked); err != nil {
			// The server may have granted the lock before the failure: close the
			// session rather than pool a connection that might hold it.
			closeConn(conn)
			conn.Release()
			return nil, fmt.Errorf("ledger: lock %s: %w", id, err)
		}
		if !locked {
			// Give back the locks already taken with the connection.
			_ = l.unlock(ctx)
			return nil, fmt.Errorf("ledger: lock %s: %w", id, psync.ErrLocked)
		}
		l.organizationIDs = append(l.organizationIDs, id)
	}
	p.mu.Lock()
	p.held[l] = struct{}{}
	p.mu.Unlock()
	return l.unlock, nil
}

// runLock is one connection's held run locks. Its connection goes back to
// the pool exactly once, through unlock or abandon.
type runLock struct {
	owner           *Postgres
	conn            *pgxpool.Conn
	organizationIDs []string
	once            sync.Once
}

// unlock releases the locks and returns the connection. Calls after the
// first do nothing. If an unlock statement fails the connection is closed
// instead, which ends the session and so its locks; the failure is still
// reported.
func (l *runLock) unlock(ctx context.Context) error {
	var err error
	l.once.Do(func() {
		defer l.forget()
		for _, id := range l.organizationIDs {
			var unlocked bool
			err = l.conn.QueryRow(ctx, `SELECT pg_advisory_unlock(`+runLockKey+`)`, id).Scan(&unlocked)
			if err == nil && !unlocked {
				err = fmt.Errorf("lock was no longer held")
			}
			if err != nil {
				err = fmt.Errorf("ledger: unlock %s (connection closed, which drops the lock): %w", id, err)
				closeConn(l.conn)
				break
			}
		}
		l.conn.Release()
	})
	return err
}

// abandon drops the locks by closing their connection, for Close.
func (l *runLock) abandon() {
	l.once.Do(func() {
		defer l.forget()
		l.owner.logger.Warn("ledger: run lock still held at close; dropping it",
			"organization_id", strings.Join(l.organizationIDs, ", "))
		closeConn(l.conn)
		l.conn.Release()
	})
}

// closeConn closes the session so the server drops its locks; the pool
// discards a closed connection on Release. The caller's context may be the
// reason for closing, so it gets a fresh one.
func closeConn(conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), abandonTimeout)
	defer cancel()
	_ = conn.Conn().Close(ctx)
}

func (l *runLock) forget() {
	l.owner.mu.Lock()
	delete(l.owner.held, l)
	l.owner.mu.Unlock()
}
