package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// testLifecycleStateRoundTrip: who is disabled since which run, and how
// long someone has been absent, are only known to the ledger.
func testLifecycleStateRoundTrip(t *testing.T, s psync.Store) {
	ctx := t.Context()
	clinic := org(t, "clinic")
	runID := startRun(t, s, clinic)

	absent := synced("E1", "pu-1", map[string]string{"email": "absent@example.org"})
	absent.AbsentRuns = 1
	commitEntry(t, s, clinic, absent)
	requireEntries(t, []psync.Entry{absent}, entries(t, s, clinic))

	disabled := absent
	disabled.AbsentRuns, disabled.DisabledRunID = 2, runID
	disabled.Fields = map[string]string{"email": "absent@example.org", "access_roles": "member"}
	disabled.UpdatedAt = base().Add(time.Hour)
	require.NoError(t, s.Commit(ctx, clinic, psync.Commit{Entry: &disabled, Attempts: []psync.Attempt{
		{RunID: runID, Operation: "disable", ExternalUserID: "E1", HTTPStatus: 200, RequestID: "req-d", At: base()},
	}}))
	got := entries(t, s, clinic)
	requireEntries(t, []psync.Entry{disabled}, got)
	require.True(t, got["E1"].Disabled())

	// A returner: enabled, back on the roster.
	back := disabled
	back.AbsentRuns, back.DisabledRunID = 0, 0
	back.UpdatedAt = base().Add(2 * time.Hour)
	require.NoError(t, s.Commit(ctx, clinic, psync.Commit{Entry: &back, Attempts: []psync.Attempt{
		{RunID: runID, Operation: "enable", ExternalUserID: "E1", HTTPStatus: 200, At: base()},
		{RunID: runID, Operation: "roles", ExternalUserID: "E1", HTTPStatus: 200, At: base()},
		{RunID: runID, Operation: "get", ExternalUserID: "E1", HTTPStatus: 200, At: base()},
	}}))
	requireEntries(t, []psync.Entry{back}, entries(t, s, clinic))

	if reader, ok := s.(Reader); ok {
		attempts, err := reader.Attempts(ctx, runID)
		require.NoError(t, err)
		var ops []string
		for _, a := range attempts {
			ops = append(ops, a.Operation)
		}
		require.Equal(t, []string{"disable", "enable", "roles", "get"}, ops)
	}
}

// testHeldRunRoundTrip: a run the mass-leaver guard held is recorded so.
func testHeldRunRoundTrip(t *testing.T, s psync.Store) {
	clinic := org(t, "clinic")
	id := startRun(t, s, clinic)
	held := psync.Run{
		ID: id, OrganizationID: clinic, Mode: "apply", Source: "roster.csv",
		StartedAt: base(), FinishedAt: base().Add(time.Second), Outcome: psync.OutcomeHeld,
		Counts: psync.Counts{Disable: 7, Adopt: 1, Enable: 2, Unchanged: 3},
	}
	require.NoError(t, s.FinishRun(t.Context(), held))
	if reader, ok := s.(Reader); ok {
		got, err := reader.Run(t.Context(), id)
		require.NoError(t, err)
		requireRun(t, held, got)
	}
}
