package queue

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
)

func TestRiverSchema(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"ledger_a", "public", strings.Repeat("s", 46)} {
		got, err := riverSchema(ok)
		require.NoError(t, err)
		require.Equal(t, ok, got)
	}
	_, err := riverSchema(strings.Repeat("s", 47))
	require.ErrorContains(t, err, "longer than the 46 characters")
	_, err = riverSchema("Ledger-B")
	require.ErrorContains(t, err, "letters, digits and underscores")
}

func open(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), pgtest.URL(t))
	require.NoError(t, err)
	t.Cleanup(db.Close)
	return db
}

func TestMigrateOnce(t *testing.T) {
	t.Parallel()
	db := open(t)
	var wg sync.WaitGroup
	applied := make([][]int, 4)
	errs := make([]error, 4)
	for i := range applied {
		wg.Go(func() { applied[i], errs[i] = db.Migrate(context.Background(), nil) })
	}
	wg.Wait()
	total := 0
	for i := range applied {
		require.NoError(t, errs[i])
		total += len(applied[i])
	}
	require.Positive(t, total)
	require.Len(t, slicesConcat(applied), total, "each version once")
	again, err := db.Migrate(context.Background(), nil)
	require.NoError(t, err)
	require.Empty(t, again)
}

func slicesConcat(s [][]int) map[int]bool {
	out := map[int]bool{}
	for _, v := range s {
		for _, x := range v {
			out[x] = true
		}
	}
	return out
}

func TestEnqueueUnique(t *testing.T) {
	t.Parallel()
	db := open(t)
	ctx := context.Background()
	_, err := db.Migrate(ctx, nil)
	require.NoError(t, err)

	first, err := db.Enqueue(ctx, []string{"north", "south"})
	require.NoError(t, err)
	require.False(t, first[0].Duplicate)
	require.False(t, first[1].Duplicate)
	again, err := db.Enqueue(ctx, []string{"south", "west"})
	require.NoError(t, err)
	require.True(t, again[0].Duplicate, "south is already waiting")
	require.Equal(t, first[1].ID, again[0].ID)
	require.False(t, again[1].Duplicate)

	jobs, err := db.Jobs(ctx, nil, 10)
	require.NoError(t, err)
	require.Len(t, jobs, 3)
	require.Equal(t, []string{"north", "south", "west"}, []string{jobs[0].Name, jobs[1].Name, jobs[2].Name})
	for _, j := range jobs {
		require.Equal(t, "available", j.State)
		require.Equal(t, MaxAttempts, j.MaxAttempts)
		require.Empty(t, j.Worker)
	}
	only, err := db.Jobs(ctx, []string{"west"}, 10)
	require.NoError(t, err)
	require.Len(t, only, 1)
	require.Equal(t, "west", only[0].Name)
}
