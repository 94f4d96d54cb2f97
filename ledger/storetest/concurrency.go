package storetest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// The engine commits from several workers at once; each commit must land
// whole, including when workers write the same row.
func testConcurrentCommits(t *testing.T, s psync.Store) {
	const workers, perWorker = 8, 10
	ctx := t.Context()
	clinic := org(t, "clinic")
	runID := startRun(t, s, clinic)

	var g errgroup.Group
	for w := range workers {
		g.Go(func() error {
			for i := range perWorker {
				id := fmt.Sprintf("W%d-%d", w, i)
				steps := []psync.Entry{
					pending(id, id+"@example.org", map[string]string{"email": id + "@example.org"}),
					synced(id, "pu-"+id, map[string]string{"email": id + "@example.org"}),
					// Every worker also rewrites one shared row.
					pending("shared", "shared@example.org", map[string]string{"writer": id}),
				}
				for _, e := range steps {
					err := s.Commit(ctx, clinic, psync.Commit{
						Entry:    &e,
						Attempts: []psync.Attempt{{RunID: runID, Operation: "create", ExternalUserID: e.ExternalUserID, HTTPStatus: 201, At: base()}},
					})
					if err != nil {
						return fmt.Errorf("commit %s: %w", e.ExternalUserID, err)
					}
				}
			}
			return nil
		})
	}
	require.NoError(t, g.Wait())

	got := entries(t, s, clinic)
	require.Len(t, got, workers*perWorker+1)
	for id, e := range got {
		if id == "shared" {
			require.Equal(t, psync.StatePending, e.State)
			continue
		}
		require.Equal(t, psync.StateSynced, e.State, id)
		require.Equal(t, "pu-"+id, e.ParchmentUserID)
	}
	if reader, ok := s.(Reader); ok {
		attempts, err := reader.Attempts(ctx, runID)
		require.NoError(t, err)
		require.Len(t, attempts, workers*perWorker*3)
	}
}

// Racing to map two people to one Parchment user, exactly one must win.
func testConcurrentClaims(t *testing.T, s psync.Store) {
	const claimants = 8
	ctx := t.Context()
	clinic := org(t, "clinic")

	errs := make([]error, claimants)
	var g errgroup.Group
	for i := range claimants {
		g.Go(func() error {
			e := synced(fmt.Sprintf("E%d", i), "pu-contested", map[string]string{})
			errs[i] = s.Commit(ctx, clinic, psync.Commit{Entry: &e})
			return nil
		})
	}
	require.NoError(t, g.Wait())

	won := 0
	for _, err := range errs {
		if err == nil {
			won++
			continue
		}
		require.ErrorIs(t, err, psync.ErrParchmentUserTaken)
	}
	require.Equal(t, 1, won)
	require.Len(t, entries(t, s, clinic), 1)
}
