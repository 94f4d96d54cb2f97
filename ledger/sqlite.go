package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver: no cgo

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// SQLite is a ledger in one SQLite file, for a clinic without a PostgreSQL
// server. It is safe for concurrent use, and processes may share the file.
//
// SQLite runs one write transaction at a time per file, so writes go through
// a single connection (the engine's workers queue for it rather than meet
// SQLITE_BUSY) and begin IMMEDIATE, taking the file's write lock at once:
// a writer in another process is then waited for (the busy timeout) instead
// of failing a transaction that started as a read. Reads have a pool of
// their own, which WAL lets run beside the writer.
type SQLite struct {
	path   string
	write  *sql.DB
	read   *sql.DB
	file   *ledgerFile // the database file's shared descriptor, for locks
	logger *slog.Logger

	// readOnly handles (openSQLiteReadOnly) have no file descriptor of
	// their own and one pool for reads and writes, whose writes fail.
	readOnly bool

	// held tracks run locks not yet unlocked, so Close can release them.
	mu    sync.Mutex
	held  map[*fileLock]struct{}
	close sync.Once
}

var _ psync.Store = (*SQLite)(nil)

// sqliteBusyTimeout bounds waiting for another process's write transaction
// (another organisation's run, a migration). Transactions here last
// milliseconds; Copy's into SQLite is the long one.
const sqliteBusyTimeout = 30 * time.Second

// OpenSQLite opens the SQLite ledger at path (relative to the working
// directory, or absolute), creating the file (0600) and its folder (0700)
// when missing, and applies any pending migration. A nil logger discards.
// Failing to create or open the file wraps ErrUnreachable.
//
// Run locks are locks on bytes of the database file itself, so every name
// of the file (a symbolic or hard link) meets the same ones; the kernel
// releases them when a process dies, even by SIGKILL.
func OpenSQLite(ctx context.Context, path string, logger *slog.Logger) (*SQLite, error) {
	s, _, err := openSQLite(ctx, path, orDiscard(logger))
	return s, err
}

// openSQLite opens the file and brings its schema up to date, under the
// schema lock so that processes starting together on a new file neither
// race to switch it to WAL nor apply a migration twice.
func openSQLite(ctx context.Context, path string, logger *slog.Logger) (*SQLite, []int64, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger: sqlite %s: %w", path, err)
	}
	s := &SQLite{path: path, logger: logger, held: make(map[*fileLock]struct{})}
	if err := s.openFile(); err != nil {
		return nil, nil, err
	}
	applied, err := s.openDBs(ctx, logger)
	if err != nil {
		s.releaseFile()
		return nil, nil, err
	}
	return s, applied, nil
}

// openFile creates the database's folder, private to the user (the ledger
// holds staff names and dates of birth), and takes the file's shared
// descriptor, creating it 0600: SQLite gives its -wal and -shm files the
// database's mode.
func (s *SQLite) openFile() error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, s.path, err)
	}
	file, err := openLedgerFiles.acquire(s.path)
	if err != nil {
		return fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, s.path, err)
	}
	s.file = file
	return nil
}

// openDBs connects and migrates under the schema lock.
func (s *SQLite) openDBs(ctx context.Context, logger *slog.Logger) ([]int64, error) {
	unlock, err := s.lockSchema(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := s.connect(ctx); err != nil {
		return nil, err
	}
	applied, err := s.migrate(ctx, logger)
	if err != nil {
		s.closeDBs()
		return nil, err
	}
	return applied, nil
}

// releaseFile gives back the shared descriptor; only once SQLite's
// connections are closed (see openLedgerFiles).
func (s *SQLite) releaseFile() {
	if s.file == nil {
		return
	}
	if err := openLedgerFiles.release(s.file); err != nil {
		s.logger.Warn("ledger: closing sqlite file", "path", s.path, "error", err)
	}
}

// connect opens the writer and the readers and checks the file is a
// database in WAL mode.
func (s *SQLite) connect(ctx context.Context) error {
	// The path is the one this process first opened the file by, whatever
	// name this handle was given (sqlite_file.go). It is a plain file
	// name, not a file: URI, so SQLite reads no settings from it;
	// parseURL refuses a '?' in it, which would start the driver's own.
	dsn := func(pragmas ...string) string {
		q := make([]string, 0, len(pragmas)+1)
		for _, p := range pragmas {
			q = append(q, "_pragma="+p)
		}
		return s.file.name + "?" + strings.Join(q, "&")
	}
	// WAL lets readers run beside the writer and survives a killed
	// process; synchronous=FULL syncs the WAL on every commit, so a stored
	// Commit survives power loss as well as SIGKILL, as PostgreSQL's would.
	// Foreign keys are off unless asked for, per connection.
	busy := fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds())
	var err error
	// journal_mode is kept in the file: the writer sets it for all.
	s.write, err = sql.Open("sqlite", dsn(busy, "foreign_keys(1)", "synchronous(FULL)", "journal_mode(WAL)")+"&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, s.path, err)
	}
	s.write.SetMaxOpenConns(1)
	// query_only: a read that slipped onto this pool could not write
	// around the writer. A 256 KiB page cache a reader (SQLite's default
	// is 2 MB): the summary scan reads each page once, and with the
	// default an idle apply of 30,000 rows allocated and faulted in a
	// fresh page for nearly every page it read (8 % of its CPU).
	s.read, err = sql.Open("sqlite", dsn(busy, "foreign_keys(1)", "query_only(1)", "cache_size(-256)"))
	if err != nil {
		_ = s.write.Close()
		return fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, s.path, err)
	}
	readers := max(4, runtime.NumCPU())
	s.read.SetMaxOpenConns(readers)
	s.read.SetMaxIdleConns(readers)

	var mode string
	if err := s.write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		s.closeDBs()
		return fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, s.path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		s.closeDBs()
		// WAL needs shared memory between processes, which network file
		// systems may not offer.
		return fmt.Errorf("%w: sqlite %s: journal mode is %s, not WAL (is the file on a network file system?)", ErrUnreachable, s.path, mode)
	}
	if err := s.read.PingContext(ctx); err != nil {
		s.closeDBs()
		return fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, s.path, err)
	}
	return nil
}

// Close releases any run lock still held, then closes the database. Later
// calls do nothing; no other method may be called after it.
func (s *SQLite) Close() {
	s.close.Do(func() {
		s.mu.Lock()
		locks := make([]*fileLock, 0, len(s.held))
		for l := range s.held {
			locks = append(locks, l)
		}
		s.mu.Unlock()
		for _, l := range locks {
			l.abandon()
		}
		s.closeDBs()
		s.releaseFile()
	})
}

func (s *SQLite) closeDBs() {
	if err := s.read.Close(); err != nil {
		s.logger.Warn("ledger: closing sqlite readers", "path", s.path, "error", err)
	}
	if s.readOnly {
		return
	}
	if err := s.write.Close(); err != nil {
		s.logger.Warn("ledger: closing sqlite writer", "path", s.path, "error", err)
	}
}

// inTx runs fn in a write transaction, committed only if fn succeeds.
func (s *SQLite) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// sqliteTime is how the SQLite ledger writes times: UTC, microseconds (what
// PostgreSQL keeps), in one fixed width so that text order is time order.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Format(sqliteTime)
}

func parseTime(s string) (time.Time, error) {
	return time.Parse(sqliteTime, s)
}
