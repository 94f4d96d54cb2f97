package ledger

import (
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/parchment-sync/parchment-sync/migrations"
)

// allSQLiteVersions lists the embedded SQLite migrations' versions.
func allSQLiteVersions(t *testing.T) []int64 {
	t.Helper()
	names, err := fs.Glob(migrations.SQLiteFS(), "*.sql")
	require.NoError(t, err)
	var out []int64
	for _, n := range names {
		v, err := strconv.ParseInt(strings.SplitN(n, "_", 2)[0], 10, 64)
		require.NoError(t, err, n)
		out = append(out, v)
	}
	return out
}

func TestSQLiteMigrateTwice(t *testing.T) {
	t.Parallel()
	url := "sqlite:" + filepath.Join(t.TempDir(), "new", "ledger.db")

	applied, err := Migrate(t.Context(), url, nil)
	require.NoError(t, err)
	require.Equal(t, allSQLiteVersions(t), applied)

	applied, err = Migrate(t.Context(), url, nil)
	require.NoError(t, err)
	require.Empty(t, applied)

	store, err := Open(t.Context(), url, nil)
	require.NoError(t, err)
	store.Close()
}

// Processes starting on a new file at once apply each migration exactly
// once between them: the schema lock holds across handles as across
// processes.
func TestSQLiteMigrateConcurrentFirstUse(t *testing.T) {
	t.Parallel()
	const processes = 6
	url := "sqlite:" + filepath.Join(t.TempDir(), "ledger.db")

	applied := make([][]int64, processes)
	var g errgroup.Group
	for i := range processes {
		g.Go(func() (err error) {
			applied[i], err = Migrate(t.Context(), url, nil)
			return err
		})
	}
	require.NoError(t, g.Wait())
	var all []int64
	for _, versions := range applied {
		all = append(all, versions...)
	}
	require.ElementsMatch(t, allSQLiteVersions(t), all)
}

func TestSQLiteMigrationsDownAndUpAgain(t *testing.T) {
	t.Parallel()
	store, _ := openSQLiteTest(t)
	ctx := t.Context()

	provider, err := store.provider(ctx)
	require.NoError(t, err)
	_, err = provider.DownTo(ctx, 0)
	require.NoError(t, err)
	var tables int
	require.NoError(t, store.read.QueryRowContext(ctx, `
		SELECT count(*) FROM sqlite_schema
		WHERE type = 'table' AND name NOT IN (?, 'sqlite_sequence')`, versionTable).Scan(&tables))
	require.Zero(t, tables)

	results, err := provider.Up(ctx)
	require.NoError(t, err)
	require.Len(t, results, len(allSQLiteVersions(t)))
}
