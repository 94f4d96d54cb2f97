// Package ledger is the sync engine's Store: the record of which Parchment
// user each external_user_id maps to, what was last synced, and every run
// (with its report) and HTTP exchange.
//
// It keeps the ledger in PostgreSQL or in an embedded SQLite file; Open
// picks one from the URL. One Store serves both, over a dialect for what
// they do differently (dialect.go); it passes the contract
// (ledger/storetest) on each, and Copy moves a ledger from one to the
// other.
package ledger

import (
	"context"
	"errors"
	"log/slog"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Ledger is what both stores offer: the engine's Store, run history, and
// Close.
type Ledger interface {
	psync.Store
	// Run reads back the run with id, report included; an unknown id wraps
	// ErrNoRun.
	Run(ctx context.Context, id int64) (psync.Run, error)
	// Runs lists runs newest first.
	Runs(ctx context.Context, filter RunFilter) ([]psync.Run, error)
	// Attempts reads back a run's attempts in the order they were stored.
	Attempts(ctx context.Context, runID int64) ([]psync.Attempt, error)
	// Close releases the store, ending any run lock still held. No other
	// method may be called after it.
	Close()
}

var _ Ledger = (*Store)(nil)

// RunFilter selects runs for Runs.
type RunFilter struct {
	// OrganizationID keeps only the organisation's runs; empty means all.
	OrganizationID string
	// Limit caps how many runs come back; 0 means DefaultRunLimit.
	Limit int
}

// DefaultRunLimit is how many runs Runs returns when the filter sets no
// limit.
const DefaultRunLimit = 20

// limit validates f's limit and applies the default.
func (f RunFilter) limit() (int, error) {
	switch {
	case f.Limit < 0:
		return 0, errors.New("ledger: runs: limit must not be negative")
	case f.Limit == 0:
		return DefaultRunLimit, nil
	}
	return f.Limit, nil
}

// ErrNoRun is returned by Run for an id the ledger doesn't hold.
var ErrNoRun = errors.New("ledger: no such run")

// Open opens the ledger at url and applies any pending migration. A nil
// logger discards. Failing to reach the ledger (a PostgreSQL server that
// doesn't answer or refuses us, a SQLite file that cannot be opened or
// created) wraps ErrUnreachable.
//
// url is postgres://… or postgresql://… (see OpenPostgres), or sqlite:PATH
// with PATH relative to the working directory or absolute, or
// sqlite:///ABSOLUTE/PATH (see OpenSQLite). Errors never quote url: a
// PostgreSQL URL may hold a password.
//
// With ReadOnly it creates, migrates and writes nothing (see ReadOnly).
func Open(ctx context.Context, url string, logger *slog.Logger, opts ...Option) (Ledger, error) {
	target, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	var o openOptions
	for _, opt := range opts {
		opt(&o)
	}
	switch {
	case o.readOnly && target.sqlitePath != "":
		return openSQLiteReadOnly(ctx, target.sqlitePath, orDiscard(logger))
	case o.readOnly:
		return openPostgresReadOnly(ctx, url, orDiscard(logger))
	case target.sqlitePath != "":
		return OpenSQLite(ctx, target.sqlitePath, logger)
	}
	return OpenPostgres(ctx, url, logger)
}

// Migrate applies the ledger's pending migrations at url, either kind, and
// returns the versions it applied, in order; none when the ledger is up to
// date. A nil logger discards. Failing to reach the ledger wraps
// ErrUnreachable.
func Migrate(ctx context.Context, url string, logger *slog.Logger) ([]int64, error) {
	target, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	if target.sqlitePath != "" {
		return migrateSQLiteAt(ctx, target.sqlitePath, orDiscard(logger))
	}
	return migratePostgresAt(ctx, url, orDiscard(logger))
}

func orDiscard(logger *slog.Logger) *slog.Logger {
	if logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return logger
}

// errEmptyOrganization guards every organisation-scoped call: an empty id
// would otherwise lock or read a ledger nobody owns.
var errEmptyOrganization = errors.New("ledger: organization id is empty")
