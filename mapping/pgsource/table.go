// Package pgsource reads a roster from a staff database: the rows of one SQL
// query, streamed, with the query's column names as the header, through the
// same mapping and validation as a CSV file.
package pgsource

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// Name labels a database source in errors and reports; the connection URL
// may hold a password and never appears.
const Name = "source query"

// Querier runs a query; *pgx.Conn, pgx.Tx and pgxpool.Pool all do.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Table is a mapping.Table over a query's rows. Lines count as if the column
// names were a header line: the first row is line 2, the nth row line n+1,
// so reports read the same as for a CSV export of the query.
type Table struct {
	rows    pgx.Rows
	columns []string
	line    int
}

var _ mapping.Table = (*Table)(nil)

// Open runs query and reads its column names. An error PostgreSQL reports
// about the query (a typo, a missing table) is a *mapping.SourceError: the
// query, not the run, needs fixing. The caller must Close the table.
func Open(ctx context.Context, q Querier, query string) (*Table, error) {
	rows, err := q.Query(ctx, query)
	if err != nil {
		return nil, queryError(err)
	}
	fields := rows.FieldDescriptions()
	if len(fields) == 0 {
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, queryError(err)
		}
		return nil, &mapping.SourceError{File: Name, Message: "the query returns no columns; it must SELECT the roster's columns"}
	}
	t := &Table{rows: rows, line: 1}
	for _, f := range fields {
		t.columns = append(t.columns, f.Name)
	}
	return t, nil
}

// Columns returns the query's column names.
func (t *Table) Columns() []string { return t.columns }

// Next returns the next row's values as text: dates as YYYY-MM-DD, NULL as
// an empty cell, arrays joined with ",".
func (t *Table) Next() ([]string, int, error) {
	if !t.rows.Next() {
		if err := t.rows.Err(); err != nil {
			return nil, 0, queryError(err)
		}
		return nil, 0, io.EOF
	}
	t.line++
	values, err := t.rows.Values()
	if err != nil {
		return nil, 0, fmt.Errorf("line %d: reading the row: %w", t.line, err)
	}
	cells := make([]string, len(values))
	for i, v := range values {
		cells[i] = text(v)
		if len(cells[i]) > mapping.MaxCellBytes {
			return nil, 0, &mapping.SourceError{File: Name, Line: t.line, Field: t.columns[i],
				Message: fmt.Sprintf("this value is larger than %d KiB; no roster value is that long", mapping.MaxCellBytes>>10)}
		}
	}
	return cells, t.line, nil
}

// Close releases the query's connection.
func (t *Table) Close() { t.rows.Close() }

// queryError turns what PostgreSQL says about the query into a SourceError;
// anything else (a lost connection) stays as it is.
func queryError(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return &mapping.SourceError{File: Name, Message: "the query failed: " + pg.Message}
	}
	return err
}
