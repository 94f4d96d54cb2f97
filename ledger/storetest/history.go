package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/ledger"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// History is implemented by stores that keep run history (every
// ledger.Ledger). Run checks it through Reader and History when the store
// has them, and skips the history cases otherwise.
type History interface {
	Reader
	Runs(ctx context.Context, filter ledger.RunFilter) ([]psync.Run, error)
}

// testReportRoundTrip: what a run changed, what failed and why it stopped
// survive FinishRun, for run history.
func testReportRoundTrip(t *testing.T, s psync.Store) {
	history, ok := s.(History)
	if !ok {
		t.Skip("the store keeps no run history")
	}
	ctx := t.Context()
	clinic := org(t, "clinic")
	id := startRun(t, s, clinic)

	finished := psync.Run{
		ID: id, OrganizationID: clinic, Mode: "apply", Source: "roster.csv",
		StartedAt: base(), FinishedAt: base().Add(time.Minute), Outcome: "aborted",
		Counts: psync.Counts{Create: 1, Update: 1, Failed: 1, Invalid: 1},
		Changes: []psync.Change{
			{ExternalUserID: "E1", Line: 2, Action: psync.ActionCreate, Fields: []string{"email", "given_name"}, ParchmentUserID: "pu-1", RequestID: "req-1"},
			{ExternalUserID: "E2", Line: 3, Action: psync.ActionUpdate, Fields: []string{"family_name"}, Manual: []string{"email"}, Drift: []string{"phone"}, Note: "was renamed"},
			{ExternalUserID: "E9", Action: psync.ActionOrphaned},
		},
		Failures: []psync.Failure{
			{ExternalUserID: "E3", Line: 4, Field: "email", Message: "must be an email address"},
			{ExternalUserID: "E4", Line: 5, Message: "Parchment refused the update", HTTPStatus: 422, RequestID: "req-4"},
		},
		Error: "credentials rejected: 401",
	}
	require.NoError(t, s.FinishRun(ctx, finished))
	got, err := history.Run(ctx, id)
	require.NoError(t, err)
	requireRun(t, finished, got)

	listed, err := history.Runs(ctx, ledger.RunFilter{OrganizationID: clinic})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	requireRun(t, finished, listed[0])

	// Finishing again replaces the report; an empty one reads back as none.
	finished.Changes, finished.Failures, finished.Error, finished.Outcome = []psync.Change{}, nil, "", "done"
	require.NoError(t, s.FinishRun(ctx, finished))
	got, err = history.Run(ctx, id)
	require.NoError(t, err)
	finished.Changes = nil
	requireRun(t, finished, got)

	_, err = history.Run(ctx, id+1_000_000)
	require.ErrorIs(t, err, ledger.ErrNoRun)
}

// testRunsNewestFirst: Runs lists by start, newest first, ties by id,
// filtered by organisation and cut at the limit (DefaultRunLimit unless
// set).
func testRunsNewestFirst(t *testing.T, s psync.Store) {
	history, ok := s.(History)
	if !ok {
		t.Skip("the store keeps no run history")
	}
	ctx := t.Context()
	clinic, other := org(t, "clinic"), org(t, "other")
	// Years after every other case's runs, so that a ledger shared with
	// them still lists these first.
	later := base().AddDate(10, 0, 0)
	start := func(organizationID string, at time.Time) int64 {
		t.Helper()
		id, err := s.StartRun(ctx, psync.Run{OrganizationID: organizationID, Mode: "plan", Source: "roster.csv", StartedAt: at})
		require.NoError(t, err)
		return id
	}
	var want []int64 // clinic's, oldest first
	for i := range ledger.DefaultRunLimit + 2 {
		want = append(want, start(clinic, later.Add(time.Duration(i)*time.Minute)))
	}
	// Started before the last one but recorded after it.
	late := start(clinic, later.Add(time.Duration(ledger.DefaultRunLimit)*time.Minute+time.Second))
	last := want[len(want)-1]
	want = append(want[:len(want)-1], late, last)
	// Same start as the newest: the higher id is newer.
	tie := start(clinic, later.Add(time.Duration(ledger.DefaultRunLimit+1)*time.Minute))
	want = append(want, tie)
	elsewhere := start(other, later.Add(time.Hour))

	newestFirst := make([]int64, 0, len(want))
	for i := len(want) - 1; i >= 0; i-- {
		newestFirst = append(newestFirst, want[i])
	}
	ids := func(filter ledger.RunFilter) []int64 {
		t.Helper()
		runs, err := history.Runs(ctx, filter)
		require.NoError(t, err)
		out := make([]int64, 0, len(runs))
		for _, r := range runs {
			out = append(out, r.ID)
		}
		return out
	}
	require.Equal(t, newestFirst[:ledger.DefaultRunLimit], ids(ledger.RunFilter{OrganizationID: clinic}))
	require.Equal(t, newestFirst[:3], ids(ledger.RunFilter{OrganizationID: clinic, Limit: 3}))
	require.Equal(t, newestFirst, ids(ledger.RunFilter{OrganizationID: clinic, Limit: 1000}))
	require.Equal(t, []int64{elsewhere}, ids(ledger.RunFilter{OrganizationID: other}))
	require.Empty(t, ids(ledger.RunFilter{OrganizationID: org(t, "nobody")}))

	// No organisation: everyone's.
	require.Equal(t, append([]int64{elsewhere}, newestFirst[:2]...), ids(ledger.RunFilter{Limit: 3}))

	_, err := history.Runs(ctx, ledger.RunFilter{Limit: -1})
	require.Error(t, err)
}
