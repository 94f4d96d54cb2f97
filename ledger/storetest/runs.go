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

	reader, canRead := s.(Reader)
	if canRead {
		got, err := reader.Run(ctx, id)
		require.NoError(t, err)
		requireRun(t, psync.Run{
			ID: id, OrganizationID: clinic, Mode: "apply", Source: "roster.csv",
			StartedAt: base(), Outcome: "running",
		}, got)
	}
	other := startRun(t, s, clinic)
	require.NotEqual(t, id, other)

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

func testDeadApplyIsAbandoned(t *testing.T, s psync.Store) {
	reader, ok := s.(Reader)
	if !ok {
		t.Skip("the store cannot read runs back")
	}
	ctx := t.Context()
	clinic := org(t, "clinic")
	dead := startRun(t, s, clinic)
	plan, err := s.StartRun(ctx, psync.Run{OrganizationID: clinic, Mode: "plan", Source: "roster.csv", StartedAt: base()})
	require.NoError(t, err)
	elsewhere := startRun(t, s, org(t, "other"))

	next := startRun(t, s, clinic)
	for id, want := range map[int64]string{dead: psync.OutcomeAbandoned, plan: "running", elsewhere: "running", next: "running"} {
		got, err := reader.Run(ctx, id)
		require.NoError(t, err)
		require.Equal(t, want, got.Outcome, "run %d", id)
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
