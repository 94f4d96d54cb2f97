// Package storetest is the contract every psync.Store implementation must
// meet, written once and run against each implementation with Run.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Reader is implemented by stores that can read back what the engine only
// writes: runs and attempts. Run compares those writes through it when the
// store has it, and otherwise only checks that they are accepted.
type Reader interface {
	// Run returns the run with id.
	Run(ctx context.Context, id int64) (psync.Run, error)
	// Attempts returns the run's attempts in the order they were committed.
	Attempts(ctx context.Context, runID int64) ([]psync.Attempt, error)
}

// Run runs the contract as parallel subtests, each on a store from newStore,
// which should close it in a t.Cleanup. Stores may share one ledger: every
// subtest uses organisations named after itself.
func Run(t *testing.T, newStore func(t *testing.T) psync.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s psync.Store)
	}{
		{"LockIsExclusive", testLockIsExclusive},
		{"RunsRoundTrip", testRunsRoundTrip},
		{"DeadApplyIsAbandoned", testDeadApplyIsAbandoned},
		{"FinishRunOfUnknownRunFails", testFinishRunOfUnknownRunFails},
		{"CommitPendingThenSynced", testCommitPendingThenSynced},
		{"ForgetRemovesOnlyPending", testForgetRemovesOnlyPending},
		{"AttemptsStored", testAttemptsStored},
		{"ParchmentUserTaken", testParchmentUserTaken},
		{"OrganisationsIsolated", testOrganisationsIsolated},
		{"SyncedEntryIsNeverOverwritten", testSyncedEntryIsNeverOverwritten},
		{"ConcurrentCommits", testConcurrentCommits},
		{"ConcurrentClaimsOfOneParchmentUser", testConcurrentClaims},
		{"LifecycleStateRoundTrip", testLifecycleStateRoundTrip},
		{"HeldRunRoundTrip", testHeldRunRoundTrip},
		{"ReportRoundTrip", testReportRoundTrip},
		{"RunsNewestFirst", testRunsNewestFirst},
		{"SummariesAndOneEntry", testSummariesAndOneEntry},
		{"SavedIndexFollowsEveryWrite", testSavedIndexFollowsEveryWrite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.test(t, newStore(t))
		})
	}
}

// base() is a timestamp every store can hold exactly: PostgreSQL keeps
// microseconds.
func base() time.Time { return time.Date(2026, time.March, 2, 9, 30, 0, 123456000, time.UTC) }

// org names an organisation after the running test, so stores sharing a
// ledger don't see each other's data.
func org(t *testing.T, name string) string {
	return t.Name() + "/" + name
}

func pending(externalUserID, email string, fields map[string]string) psync.Entry {
	return psync.Entry{
		ExternalUserID: externalUserID,
		State:          psync.StatePending,
		Email:          email,
		Fields:         fields,
		UpdatedAt:      base(),
	}
}

func synced(externalUserID, parchmentUserID string, fields map[string]string) psync.Entry {
	return psync.Entry{
		ExternalUserID:  externalUserID,
		ParchmentUserID: parchmentUserID,
		State:           psync.StateSynced,
		Email:           fields["email"],
		Fields:          fields,
		UpdatedAt:       base().Add(time.Minute),
	}
}

func commitEntry(t *testing.T, s psync.Store, organizationID string, e psync.Entry) {
	t.Helper()
	require.NoError(t, s.Commit(t.Context(), organizationID, psync.Commit{Entry: &e}))
}

func startRun(t *testing.T, s psync.Store, organizationID string) int64 {
	t.Helper()
	id, err := s.StartRun(t.Context(), psync.Run{
		OrganizationID: organizationID, Mode: "apply", Source: "roster.csv",
		StartedAt: base(), Outcome: "running",
	})
	require.NoError(t, err)
	return id
}

func entries(t *testing.T, s psync.Store, organizationID string) map[string]psync.Entry {
	t.Helper()
	got, err := s.Entries(t.Context(), organizationID)
	require.NoError(t, err)
	return got
}

// requireEntries compares entries, times by instant since a store may hand
// them back in another location.
func requireEntries(t *testing.T, want []psync.Entry, got map[string]psync.Entry) {
	t.Helper()
	require.Len(t, got, len(want))
	for _, w := range want {
		g, ok := got[w.ExternalUserID]
		require.Truef(t, ok, "entry %s missing", w.ExternalUserID)
		requireSameInstant(t, w.UpdatedAt, g.UpdatedAt, "UpdatedAt of "+w.ExternalUserID)
		w.UpdatedAt, g.UpdatedAt = time.Time{}, time.Time{}
		require.Equal(t, w, g)
	}
}

func requireSameInstant(t *testing.T, want, got time.Time, what string) {
	t.Helper()
	require.Truef(t, want.Equal(got), "%s: want %v, got %v", what, want, got)
}
