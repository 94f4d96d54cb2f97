package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

func testRunsRoundTrip(t *testing.T, s psync.Store) {
	ctx := t.Context()
	clinic := org(t, "clinic")

	id := startRun(t, s, clinic)
	require.Positive(t, id)
	other := startRun(t, s, clinic)
	require.NotEqual(t, id, other)

	reader, canRead := s.(Reader)
	if canRead {
		got, err := reader.Run(ctx, id)
		require.NoError(t, err)
		requireRun(t, psync.Run{
			ID: id, OrganizationID: clinic, Mode: "apply", Source: "roster.csv",
			StartedAt: base(), Outcome: "running",
		}, got)
	}

	finished := psync.Run{
		ID: id, OrganizationID: clinic, Mode: "apply", Source: "roster.csv",
		StartedAt: base(), FinishedAt: base().Add(90 * time.Second), Outcome: "partial",
		Counts: psync.Counts{Create: 2, Update: 3, Unchanged: 40, Manual: 1, Orphaned: 4, Invalid: 5, Failed: 6},
	}
	require.NoError(t, s.FinishRun(ctx, finished))
	if canRead {
		got, err := reader.Run(ctx, id)
		require.NoError(t, err)
		requireRun(t, finished, got)
	}
}

func testFinishRunOfUnknownRunFails(t *testing.T, s psync.Store) {
	ctx := t.Context()
	clinic := org(t, "clinic")
	id := startRun(t, s, clinic)

	done := psync.Run{ID: id + 1_000_000, OrganizationID: clinic, FinishedAt: base(), Outcome: "done"}
	require.Error(t, s.FinishRun(ctx, done), "no such id")

	done.ID, done.OrganizationID = id, org(t, "other")
	require.Error(t, s.FinishRun(ctx, done), "run of another organisation")
}

func requireRun(t *testing.T, want, got psync.Run) {
	t.Helper()
	requireSameInstant(t, want.StartedAt, got.StartedAt, "StartedAt")
	requireSameInstant(t, want.FinishedAt, got.FinishedAt, "FinishedAt")
	want.StartedAt, want.FinishedAt = time.Time{}, time.Time{}
	got.StartedAt, got.FinishedAt = time.Time{}, time.Time{}
	require.Equal(t, want, got)
}
