// Package migrations holds the ledger schema as goose SQL migrations. Table
// names are unqualified so they land in the connection's search_path schema,
// which lets several ledgers (and every test) share one database.
package migrations

import "embed"

// FS holds the migrations, named NNNNN_description.sql as goose expects.
//
//go:embed *.sql
var FS embed.FS
