package migrations_test

import (
	"database/sql"
	"io/fs"
	"regexp"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver goose is handed
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/migrations"
)

// Versions must run 1, 2, 3… so that a gap (a half-merged branch) shows here
// rather than as goose's out-of-order error on a production ledger.
func TestVersionsAreContiguous(t *testing.T) {
	t.Parallel()

	// sql.Open doesn't connect; goose only reads the file system here.
	db, err := sql.Open("pgx", "postgres://localhost/unused")
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })

	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS,
		goose.WithDisableGlobalRegistry(true))
	require.NoError(t, err)

	sources := provider.ListSources()
	require.NotEmpty(t, sources)
	for i, source := range sources {
		require.Equal(t, int64(i+1), source.Version, source.Path)
		require.Equal(t, goose.TypeSQL, source.Type, source.Path)
	}
}

var createTable = regexp.MustCompile(`(?i)CREATE\s+(?:TABLE|INDEX)\s+(\S+)`)

func TestEveryFileMigratesBothWaysWithPrefixedNames(t *testing.T) {
	t.Parallel()

	names, err := fs.Glob(migrations.FS, "*.sql")
	require.NoError(t, err)
	for _, name := range names {
		body, err := fs.ReadFile(migrations.FS, name)
		require.NoError(t, err)
		require.Contains(t, string(body), "-- +goose Up", name)
		require.Contains(t, string(body), "-- +goose Down", name)
		for _, m := range createTable.FindAllStringSubmatch(string(body), -1) {
			require.Regexp(t, `^parchment_sync_`, m[1], name)
		}
	}
}
