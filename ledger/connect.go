package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// ErrUnreachable wraps every failure to connect to or ping the ledger, so the
// CLI can tell "the database is down or refuses us" from everything else.
var ErrUnreachable = errors.New("ledger unreachable")

// defaultConnectTimeout bounds each connection attempt when the URL sets no
// connect_timeout, so a black-holed host fails the run instead of hanging it.
const defaultConnectTimeout = 10 * time.Second

// connect builds a pool for url and pings it. Errors never carry url: it may
// hold a password.
//
// The pool is database/sql's, sized and aged as pgxpool would be from the
// URL's pool_* parameters: one pool keeps the connection budget the URL
// gives, and database/sql's keeps its connections wrapped between uses,
// where one over pgxpool would wrap each anew, which cost a commit a
// tenth of its CPU.
func connect(ctx context.Context, url string, edits ...func(*pgxpool.Config)) (*sql.DB, error) {
	config, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse error quotes the URL (password redacted only on a best
		// effort basis), so neither print nor wrap it.
		return nil, errors.New("ledger: invalid database URL: expected postgres://user:password@host:port/database?param=value")
	}
	if config.ConnConfig.ConnectTimeout == 0 {
		config.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	if _, ok := config.ConnConfig.RuntimeParams["application_name"]; !ok {
		config.ConnConfig.RuntimeParams["application_name"] = "parchment-sync"
	}
	for _, edit := range edits {
		edit(config)
	}
	db := stdlib.OpenDB(*config.ConnConfig)
	db.SetMaxOpenConns(int(config.MaxConns))
	db.SetMaxIdleConns(int(config.MaxConns))
	db.SetConnMaxLifetime(config.MaxConnLifetime)
	db.SetConnMaxIdleTime(config.MaxConnIdleTime)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		// pgx's connect error names host, user and database, never the password.
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	return db, nil
}
