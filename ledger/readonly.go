package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Option changes how Open opens a ledger.
type Option func(*openOptions)

type openOptions struct{ readOnly bool }

// ReadOnly opens an existing ledger to read it only: nothing is created,
// migrated or written, so history and plans work on a read-only copy (an
// auditor's) as on the live ledger. A ledger that does not exist yet wraps
// ErrNoLedger; one whose schema is older than this version's is refused
// with a *SchemaError, as reading it could mislead. Writes fail; Lock
// always does.
func ReadOnly() Option { return func(o *openOptions) { o.readOnly = true } }

// ErrNoLedger wraps a read-only open of a ledger that does not exist yet:
// no SQLite file, or no ledger tables in the PostgreSQL schema.
var ErrNoLedger = errors.New("ledger does not exist yet")

// errReadOnly is what a read-only ledger's Lock returns.
var errReadOnly = errors.New("ledger: opened read-only")

// SchemaError is a read-only open of a ledger whose schema is older than
// this version's.
type SchemaError struct {
	// Pending lists the migrations an apply (or ledger migrate) would run,
	// by file name, in order.
	Pending []string
}

func (e *SchemaError) Error() string {
	return "ledger: the schema is older than this version's; apply or ledger migrate will run " + strings.Join(e.Pending, ", ")
}

// pendingMigrations lists the migrations in fsys newer than every version
// applied in db, reading goose's table without creating it. A missing
// table wraps ErrNoLedger.
func pendingMigrations(ctx context.Context, db *sql.DB, fsys fs.FS, tableExists string) ([]string, error) {
	var exists bool
	if err := db.QueryRowContext(ctx, tableExists).Scan(&exists); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	if !exists {
		return nil, ErrNoLedger
	}
	var current int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM `+versionTable+` WHERE is_applied`).Scan(&current); err != nil {
		return nil, fmt.Errorf("ledger: read schema version: %w", err)
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var pending []string
	for _, name := range names {
		digits, _, _ := strings.Cut(path.Base(name), "_")
		if v, err := strconv.ParseInt(digits, 10, 64); err == nil && v > current {
			pending = append(pending, name)
		}
	}
	return pending, nil
}

// schemaCurrent is nil when s's schema is this version's; a ledger without
// one wraps ErrNoLedger, an older one is a *SchemaError.
func (s *Store) schemaCurrent(ctx context.Context) error {
	m := s.dialect.migrations()
	pending, err := pendingMigrations(ctx, s.read, m.files, m.tableExists)
	switch {
	case err != nil:
		return err
	case len(pending) > 0:
		return &SchemaError{Pending: pending}
	}
	return nil
}
