package ledger

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
)

var allVersions = []int64{1, 2, 3}

func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)

	applied, err := Migrate(t.Context(), url, nil)
	require.NoError(t, err)
	require.Equal(t, allVersions, applied)

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
	require.ElementsMatch(t, allVersions, all)
}

// Down migrations are rarely run, so prove they undo the schema cleanly and
// that it can be rebuilt.
func TestMigrationsDownAndUpAgain(t *testing.T) {
	t.Parallel()
	store, _ := setup(t)
	ctx := t.Context()

	provider, closeProvider, err := newProvider(ctx, store.pool, store.logger)
	require.NoError(t, err)
	t.Cleanup(closeProvider)

	_, err = provider.DownTo(ctx, 0)
	require.NoError(t, err)
	var tables int
	require.NoError(t, store.pool.QueryRow(ctx,
		`SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename <> $1`,
		versionTable).Scan(&tables))
	require.Zero(t, tables)

	results, err := provider.Up(ctx)
	require.NoError(t, err)
	require.Len(t, results, len(allVersions))
}
