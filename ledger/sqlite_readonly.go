package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
)

// openSQLiteReadOnly opens an existing SQLite ledger without writing to it
// or its folder: no file is created, no migration applied, no lock taken.
// A WAL file in a folder this process may not write opens only as
// immutable (SQLite could not create the shared-memory file WAL readers
// need), which is what a read-only copy is.
func openSQLiteReadOnly(ctx context.Context, path string, logger *slog.Logger) (*Store, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("ledger: sqlite %s: %w", path, err)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: sqlite %s", ErrNoLedger, path)
	}
	// Without a write-ahead log no writer has the file open: immutable
	// reads it without creating the log and shared-memory files a reader
	// in WAL mode would otherwise leave behind. A writer starting during
	// the read writes to a new log, which the file does not see until a
	// checkpoint. With a log, read-only mode reads it, unless the folder
	// refuses the shared-memory file.
	modes := []string{"mode=ro&immutable=1"}
	if _, err := os.Stat(path + "-wal"); err == nil {
		modes = []string{"mode=ro", "mode=ro&immutable=1"}
	}
	var db *sql.DB
	for _, mode := range modes {
		if db, err = openReadOnlyDB(ctx, path, mode); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: sqlite %s: %w", ErrUnreachable, path, err)
	}
	// One pool serves both: a write through it fails, as it must.
	s := newStore(&sqliteDialect{path: path, logger: logger}, db, db, logger, true)
	if err := s.schemaCurrent(ctx); err != nil {
		s.Close()
		if errors.Is(err, ErrNoLedger) {
			return nil, fmt.Errorf("%w: sqlite %s has no ledger tables", ErrNoLedger, path)
		}
		return nil, err
	}
	return s, nil
}

// openReadOnlyDB opens path as a file: URI with SQLite's own mode
// parameters and checks a query runs.
func openReadOnlyDB(ctx context.Context, path, mode string) (*sql.DB, error) {
	dsn := (&url.URL{Scheme: "file", Path: path}).String() + "?" + mode +
		fmt.Sprintf("&_pragma=busy_timeout(%d)&_pragma=query_only(1)", sqliteBusyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `SELECT count(*) FROM sqlite_master`); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}
