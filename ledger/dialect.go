package ledger

import (
	"context"
	"database/sql"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// dialect is what PostgreSQL and SQLite do differently under the one Store,
// whose commits, runs, entries and attempts are written once in SQL both
// accept. Both drivers bind $1, $2, … by position (modernc's SQLite driver
// reads $NNN as the NNN-th argument, as PostgreSQL does), so placeholders
// need no rewriting; what remains is a few fragments of SQL text and the
// operations that have no common form.
type dialect interface {
	// timeValue is t as a parameter in the form the database keeps times;
	// the zero time is now.
	timeValue(t time.Time) any
	// durationColumn is the attempts' duration column; durationValue makes
	// its value of the parameter p, a count of microseconds, and
	// durationMicros reads it back as one.
	durationColumn() string
	durationValue(p string) string
	durationMicros() string
	// keepRunID is what an insert into parchment_sync_runs that gives the
	// id needs before VALUES; afterRunIDs, unless empty, moves the next id
	// past every kept one.
	keepRunID() string
	afterRunIDs() string
	// parchmentUserTaken tells a violation of
	// parchment_sync_entries_parchment_user_key.
	parchmentUserTaken(err error) bool

	// scanSummaries is ScanEntries' read, each database's fastest, of
	// read (the store's readers) or of what lies beneath it: fn's own
	// error comes back as it is.
	scanSummaries(ctx context.Context, read *sql.DB, organizationID string, fn func(psync.EntrySummary) error) error
	// lock takes the run locks of every organisation in ids, all or none,
	// without waiting: one held by anyone else fails wrapping
	// psync.ErrLocked.
	lock(ctx context.Context, ids []string) (heldLocks, error)
	// migrations are this database's schema history: the SQL differs, so
	// each has its own.
	migrations() migrationSet
	// migrationLock is goose's lock serialising concurrent migrators over
	// db, or nil where the caller holds one of its own.
	migrationLock(ctx context.Context, db *sql.DB) (lock.SessionLocker, error)
	// close releases what the dialect holds beyond the store's pools, once
	// they are closed.
	close()
}

// migrationSet is a database's migrations as goose reads them.
type migrationSet struct {
	goose goose.Dialect
	files fs.FS
	// tableExists says whether goose's table is there, without creating
	// it (goose would).
	tableExists string
}

// heldLocks are run locks a dialect's lock took.
type heldLocks interface {
	// unlock gives them back.
	unlock(ctx context.Context) error
	// drop ends them however it can, for Close.
	drop()
}
