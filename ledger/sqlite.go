package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	// Also registers the pure-Go "sqlite" driver: no cgo.
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteDialect is the Store's SQLite: one file, shared by processes.
//
// SQLite runs one write transaction at a time per file, so writes go through
// a single connection (the engine's workers queue for it rather than meet
// SQLITE_BUSY) and begin IMMEDIATE, taking the file's write lock at once:
// a writer in another process is then waited for (the busy timeout) instead
// of failing a transaction that started as a read. Reads have a pool of
// their own, which WAL lets run beside the writer.
type sqliteDialect struct {
	path string
	// file is the database file's shared descriptor, for locks; nil for a
	// read-only handle, which takes none.
	file   *ledgerFile
	logger *slog.Logger
}

// sqliteBusyTimeout bounds waiting for another process's write transaction
// (another organisation's run, a migration). Transactions here last
// milliseconds; Copy's into SQLite is the long one.
const sqliteBusyTimeout = 30 * time.Second

// OpenSQLite opens the SQLite ledger at path (relative to the working
// directory, or absolute), creating the file (0600) and its folder (0700)
// when missing, and applies any pending migration. A nil logger discards.
// Failing to create or open the file wraps ErrUnreachable. Processes may
// share the file.
//
// Run locks are locks on bytes of the database file itself, so every name
// of the file (a symbolic or hard link) meets the same ones; the kernel
// releases them when a process dies, even by SIGKILL.
func OpenSQLite(ctx context.Context, path string, logger *slog.Logger) (*Store, error) {
	s, _, err := openSQLite(ctx, path, orDiscard(logger))
	return s, err
}

// openSQLite opens the file and brings its schema up to date, under the
// schema lock so that processes starting together on a new file neither
// race to switch it to WAL nor apply a migration twice.
func openSQLite(ctx context.Context, path string, logger *slog.Logger) (*Store, []int64, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger: sqlite %s: %w", path, err)
	}
	d := &sqliteDialect{path: path, logger: logger}
	if err := d.openFile(); err != nil {
		return nil, nil, err
	}
	unlock, err := d.lockSchema(ctx)
	if err != nil {
		d.close()
		return nil, nil, err
	}
	defer unlock()
	write, read, err := d.connect(ctx)
	if err != nil {
		d.close()
		return nil, nil, err
	}
	s := newStore(d, write, read, logger, false)
	applied, err := migrate(ctx, s)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, applied, nil
}

// openFile creates the database's folder, private to the user (the ledger
// holds staff names and dates of birth), and takes the file's shared
// descriptor, creating it 0600: SQLite gives its -wal and -shm files the
// database's mode.
func (d *sqliteDialect) openFile() error {
	if err := os.MkdirAll(filepath.Dir(d.path), 0o700); err != nil {
		return fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, d.path, err)
	}
	file, err := openLedgerFiles.acquire(d.path)
	if err != nil {
		return fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, d.path, err)
	}
	d.file = file
	return nil
}

// close gives back the shared descriptor; only once SQLite's connections
// are closed (see openLedgerFiles).
func (d *sqliteDialect) close() {
	if d.file == nil {
		return
	}
	if err := openLedgerFiles.release(d.file); err != nil {
		d.logger.Warn("ledger: closing sqlite file", "path", d.path, "error", err)
	}
}

// connect opens the writer and the readers, having checked the file is a
// database in WAL mode.
func (d *sqliteDialect) connect(ctx context.Context) (write, read *sql.DB, err error) {
	// The path is the one this process first opened the file by, whatever
	// name this handle was given (sqlite_file.go). It is a plain file
	// name, not a file: URI, so SQLite reads no settings from it;
	// parseURL refuses a '?' in it, which would start the driver's own.
	dsn := func(pragmas ...string) string {
		q := make([]string, 0, len(pragmas)+1)
		for _, p := range pragmas {
			q = append(q, "_pragma="+p)
		}
		return d.file.name + "?" + strings.Join(q, "&")
	}
	// WAL lets readers run beside the writer and survives a killed
	// process; synchronous=FULL syncs the WAL on every commit, so a stored
	// Commit survives power loss as well as SIGKILL, as PostgreSQL's would.
	// Foreign keys are off unless asked for, per connection.
	busy := fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds())
	// journal_mode is kept in the file: the writer sets it for all.
	write, err = sql.Open("sqlite", dsn(busy, "foreign_keys(1)", "synchronous(FULL)", "journal_mode(WAL)")+"&_txlock=immediate")
	if err != nil {
		return nil, nil, fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, d.path, err)
	}
	write.SetMaxOpenConns(1)
	// query_only: a read that slipped onto this pool could not write
	// around the writer. A 256 KiB page cache a reader (SQLite's default
	// is 2 MB): the summary scan reads each page once, and with the
	// default an idle apply of 30,000 rows allocated and faulted in a
	// fresh page for nearly every page it read (8 % of its CPU).
	read, err = sql.Open("sqlite", dsn(busy, "foreign_keys(1)", "query_only(1)", "cache_size(-256)"))
	if err != nil {
		_ = write.Close()
		return nil, nil, fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, d.path, err)
	}
	readers := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)

	var mode string
	err = write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
	switch {
	case err != nil:
	case !strings.EqualFold(mode, "wal"):
		// WAL needs shared memory between processes, which network file
		// systems may not offer.
		err = fmt.Errorf("journal mode is %s, not WAL (is the file on a network file system?)", mode)
	default:
		err = read.PingContext(ctx)
	}
	if err != nil {
		_ = write.Close()
		_ = read.Close()
		return nil, nil, fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, d.path, err)
	}
	return write, read, nil
}

// sqliteTime is how the SQLite ledger writes times: UTC, microseconds (what
// PostgreSQL keeps), in one fixed width so that text order is time order.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// timeValue is t as the SQLite ledger writes times.
func (*sqliteDialect) timeValue(t time.Time) any { return formatTime(t) }

func formatTime(t time.Time) string {
	return orNow(t).UTC().Format(sqliteTime)
}

func parseTime(s string) (time.Time, error) {
	return time.Parse(sqliteTime, s)
}

func (*sqliteDialect) durationColumn() string { return "duration_us" }

func (*sqliteDialect) durationValue(p string) string { return p }

func (*sqliteDialect) durationMicros() string { return "duration_us" }

// keepRunID: an INTEGER PRIMARY KEY takes any id given.
func (*sqliteDialect) keepRunID() string { return "" }

// afterRunIDs: AUTOINCREMENT moves past a larger id given by itself.
func (*sqliteDialect) afterRunIDs() string { return "" }

// parchmentUserTaken tells a violation of
// parchment_sync_entries_parchment_user_key. SQLite names a unique
// constraint by its columns, not its name.
func (*sqliteDialect) parchmentUserTaken(err error) bool {
	se, ok := errors.AsType[*sqlite.Error](err)
	return ok && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE &&
		strings.Contains(se.Error(), "parchment_sync_entries.parchment_user_id")
}
