package migrations_test

import (
	"database/sql"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // registers the "sqlite" driver goose is handed

	"github.com/parchment-sync/parchment-sync/migrations"
)

func TestSQLiteVersionsAreContiguous(t *testing.T) {
	t.Parallel()

	// sql.Open doesn't open the file; goose only reads the file system here.
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "unused.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })

	provider, err := goose.NewProvider(goose.DialectSQLite3, db, migrations.SQLiteFS(),
		goose.WithDisableGlobalRegistry(true))
	require.NoError(t, err)

	sources := provider.ListSources()
	require.NotEmpty(t, sources)
	for i, source := range sources {
		require.Equal(t, int64(i+1), source.Version, source.Path)
		require.Equal(t, goose.TypeSQL, source.Type, source.Path)
	}
}

func TestSQLiteEveryFileMigratesBothWaysWithPrefixedNames(t *testing.T) {
	t.Parallel()
	for name, body := range files(t, migrations.SQLiteFS()) {
		require.Contains(t, body, "-- +goose Up", name)
		require.Contains(t, body, "-- +goose Down", name)
		for _, m := range createTable.FindAllStringSubmatch(body, -1) {
			require.Regexp(t, `^parchment_sync_`, m[1], name)
		}
	}
}

var tableName = regexp.MustCompile(`(?i)CREATE\s+TABLE\s+(\S+)`)

// The stores share their code's SQL table names, and Copy moves every
// table: the two schemas must hold the same tables.
func TestSQLiteHasPostgresTables(t *testing.T) {
	t.Parallel()
	tables := func(fsys fs.FS) []string {
		var out []string
		for _, body := range files(t, fsys) {
			for _, m := range tableName.FindAllStringSubmatch(body, -1) {
				out = append(out, m[1])
			}
		}
		slices.Sort(out)
		return out
	}
	require.Equal(t, tables(migrations.FS), tables(migrations.SQLiteFS()))
}

func files(t *testing.T, fsys fs.FS) map[string]string {
	t.Helper()
	names, err := fs.Glob(fsys, "*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, names)
	out := map[string]string{}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		require.NoError(t, err)
		out[name] = string(body)
	}
	return out
}
