package ledger

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	"github.com/parchment-sync/parchment-sync/migrations"
)

// allVersions lists the embedded migrations' versions, read from their
// file names (NNNNN_name.sql).
func allVersions(t *testing.T) []int64 {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	require.NoError(t, err)
	var out []int64
	for _, n := range names {
		v, err := strconv.ParseInt(strings.SplitN(n, "_", 2)[0], 10, 64)
		require.NoError(t, err, n)
		out = append(out, v)
	}
	return out
}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)

	applied, err := Migrate(t.Context(), url, nil)
	require.NoError(t, err)
	require.Equal(t, allVersions(t), applied)

	applied, err = Migrate(t.Context(), url, nil)
	require.NoError(t, err)
	require.Empty(t, applied)

	// Open after migrate finds nothing to do and works.
	open(t, url)
}

// Several processes starting against a fresh ledger at once must apply each
// migration exactly once between them.
func TestMigrateConcurrentFirstUse(t *testing.T) {
	t.Parallel()
	const processes = 4
	url := pgtest.URL(t)

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
	require.ElementsMatch(t, allVersions(t), all)
}

// Down migrations are rarely run, so prove they undo the schema cleanly and
// that it can be rebuilt.
func TestMigrationsDownAndUpAgain(t *testing.T) {
	t.Parallel()
	store, _ := setup(t)
	ctx := t.Context()

	provider, err := store.provider(ctx)
	require.NoError(t, err)

	_, err = provider.DownTo(ctx, 0)
	require.NoError(t, err)
	var tables int
	require.NoError(t, store.read.QueryRowContext(ctx,
		`SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename <> $1`,
		versionTable).Scan(&tables))
	require.Zero(t, tables)

	results, err := provider.Up(ctx)
	require.NoError(t, err)
	require.Len(t, results, len(allVersions(t)))
}
