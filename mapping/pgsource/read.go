package pgsource

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// Read connects to the staff database at url, runs query in a read-only
// transaction (a roster query has no business writing) and reads every row
// through m (nil for canonical column names), duplicates marked.
func Read(ctx context.Context, url, query string, m *mapping.Mapping) (rows []mapping.Row, err error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		// pgx redacts the password from its connection errors.
		return nil, fmt.Errorf("connecting to the staff database: %w", err)
	}
	defer func() { err = errors.Join(err, conn.Close(context.WithoutCancel(ctx))) }()
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("starting a read-only transaction: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	t, err := Open(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	r, err := mapping.NewReader(t, Name, m)
	if err != nil {
		return nil, err
	}
	return mapping.ReadAll(r)
}
