// Package migrations holds the ledger schema as goose SQL migrations: FS for
// PostgreSQL, SQLiteFS for the embedded SQLite ledger. The two are separate
// histories with their own versions, but they create the same tables with
// the same constraints, so both stores behave alike.
//
// PostgreSQL table names are unqualified so they land in the connection's
// search_path schema, which lets several ledgers (and every test) share one
// database.
package migrations

import (
	"embed"
	"io/fs"
)

// FS holds the PostgreSQL migrations, named NNNNN_description.sql as goose
// expects.
//
//go:embed *.sql
var FS embed.FS

//go:embed sqlite/*.sql
var sqliteFiles embed.FS

// SQLiteFS holds the SQLite migrations, named like FS's, at its root.
func SQLiteFS() fs.FS {
	sub, err := fs.Sub(sqliteFiles, "sqlite")
	if err != nil {
		// fs.Sub fails only for an invalid path; "sqlite" is valid.
		panic(err)
	}
	return sub
}
