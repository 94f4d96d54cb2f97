package ledger

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// querier runs the store's statements, the same SQL on either database:
// through database/sql for SQLite, through pgx's own connection for
// PostgreSQL, where database/sql would add a goroutine and its wake-ups to
// every statement and transaction: a third more CPU a commit, which a busy
// apply feels.
type querier interface {
	exec(ctx context.Context, query string, args ...any) (rowsAffected int64, err error)
	queryRow(ctx context.Context, query string, args ...any) row
	query(ctx context.Context, query string, args ...any) (rows, error)
}

// database is a querier that also begins transactions.
type database interface {
	querier
	// inTx runs fn in a transaction, committed only if fn succeeds.
	inTx(ctx context.Context, fn func(querier) error) error
}

type row interface{ Scan(dest ...any) error }

type rows interface {
	row
	Next() bool
	Err() error
	Close()
}

// sqlQuerier is a *sql.DB or *sql.Tx.
type sqlQuerier struct {
	q interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	}
}

func (s sqlQuerier) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s sqlQuerier) queryRow(ctx context.Context, query string, args ...any) row {
	return s.q.QueryRowContext(ctx, query, args...)
}

func (s sqlQuerier) query(ctx context.Context, query string, args ...any) (rows, error) {
	r, err := s.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{r}, nil
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

// sqlDB is database/sql's database.
type sqlDB struct{ db *sql.DB }

func (d sqlDB) exec(ctx context.Context, query string, args ...any) (int64, error) {
	return sqlQuerier{d.db}.exec(ctx, query, args...)
}

func (d sqlDB) queryRow(ctx context.Context, query string, args ...any) row {
	return sqlQuerier{d.db}.queryRow(ctx, query, args...)
}

func (d sqlDB) query(ctx context.Context, query string, args ...any) (rows, error) {
	return sqlQuerier{d.db}.query(ctx, query, args...)
}

func (d sqlDB) inTx(ctx context.Context, fn func(querier) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(sqlQuerier{tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// pgxQuerier is a pgx.Tx.
type pgxQuerier struct{ tx pgx.Tx }

func (p pgxQuerier) exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := p.tx.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (p pgxQuerier) queryRow(ctx context.Context, query string, args ...any) row {
	return p.tx.QueryRow(ctx, query, args...)
}

func (p pgxQuerier) query(ctx context.Context, query string, args ...any) (rows, error) {
	return p.tx.Query(ctx, query, args...)
}

// pgxDB runs statements on pgx's own connections, taken from database/sql's
// pool. Queries of many rows (history, copy) stay with database/sql: they
// would hold the connection while their caller reads.
type pgxDB struct{ db *sql.DB }

// withConn runs fn on one of the pool's connections as pgx's own.
func (p pgxDB) withConn(ctx context.Context, fn func(*pgx.Conn) error) error {
	conn, err := p.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	return conn.Raw(func(dc any) error { return fn(dc.(*stdlib.Conn).Conn()) })
}

func (p pgxDB) exec(ctx context.Context, query string, args ...any) (n int64, err error) {
	err = p.withConn(ctx, func(c *pgx.Conn) error {
		tag, err := c.Exec(ctx, query, args...)
		n = tag.RowsAffected()
		return err
	})
	return n, err
}

// queryRow runs the query when its row is scanned, which is when pgx reads
// it anyway.
func (p pgxDB) queryRow(ctx context.Context, query string, args ...any) row {
	return rowFunc(func(dest ...any) error {
		return p.withConn(ctx, func(c *pgx.Conn) error { return c.QueryRow(ctx, query, args...).Scan(dest...) })
	})
}

func (p pgxDB) query(ctx context.Context, query string, args ...any) (rows, error) {
	return sqlDB(p).query(ctx, query, args...)
}

func (p pgxDB) inTx(ctx context.Context, fn func(querier) error) error {
	return p.withConn(ctx, func(c *pgx.Conn) error {
		return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error { return fn(pgxQuerier{tx}) })
	})
}

type rowFunc func(dest ...any) error

func (f rowFunc) Scan(dest ...any) error { return f(dest...) }
