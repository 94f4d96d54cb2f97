package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

func testCommitPendingThenSynced(t *testing.T, s psync.Store) {
	clinic := org(t, "clinic")
	require.Empty(t, entries(t, s, clinic))

	created := pending("E1", "ada@example.org", map[string]string{
		"given_name": "Ada", "family_name": "Lovelace", "email": "ada@example.org",
	})
	commitEntry(t, s, clinic, created)
	requireEntries(t, []psync.Entry{created}, entries(t, s, clinic))

	// Fields are replaced, not merged: family_name must not survive.
	confirmed := synced("E1", "pu-1", map[string]string{"given_name": "Ada", "email": "ada@example.org"})
	commitEntry(t, s, clinic, confirmed)
	requireEntries(t, []psync.Entry{confirmed}, entries(t, s, clinic))
}

func testForgetRemovesOnlyPending(t *testing.T, s psync.Store) {
	ctx := t.Context()
	clinic := org(t, "clinic")
	lost := pending("E1", "lost@example.org", map[string]string{"email": "lost@example.org"})
	kept := synced("E2", "pu-2", map[string]string{"email": "kept@example.org"})
	commitEntry(t, s, clinic, lost)
	commitEntry(t, s, clinic, kept)

	require.NoError(t, s.Commit(ctx, clinic, psync.Commit{Forget: "E1"}))
	// A synced mapping exists in Parchment: forgetting it is refused quietly.
	require.NoError(t, s.Commit(ctx, clinic, psync.Commit{Forget: "E2"}))
	require.NoError(t, s.Commit(ctx, clinic, psync.Commit{Forget: "nobody"}))

	requireEntries(t, []psync.Entry{kept}, entries(t, s, clinic))
}

func testAttemptsStored(t *testing.T, s psync.Store) {
	ctx := t.Context()
	clinic := org(t, "clinic")
	runID := startRun(t, s, clinic)
	want := []psync.Attempt{
		{RunID: runID, Operation: "create", ExternalUserID: "E1", HTTPStatus: 201, RequestID: "req-1", Duration: 350 * time.Millisecond, At: base()},
		{RunID: runID, Operation: "list", HTTPStatus: 200, RequestID: "req-2", Duration: 1200 * time.Millisecond, At: base().Add(time.Second)},
		{RunID: runID, Operation: "update", ExternalUserID: "E1", Error: "timeout after 30s", Duration: 30 * time.Second, At: base().Add(2 * time.Second)},
	}

	e := synced("E1", "pu-1", map[string]string{"email": "e1@example.org"})
	require.NoError(t, s.Commit(ctx, clinic, psync.Commit{Entry: &e, Attempts: want[:1]}))
	require.NoError(t, s.Commit(ctx, clinic, psync.Commit{Attempts: want[1:]}))

	reader, ok := s.(Reader)
	if !ok {
		return
	}
	got, err := reader.Attempts(ctx, runID)
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for i := range want {
		requireSameInstant(t, want[i].At, got[i].At, "At")
		w, g := want[i], got[i]
		w.At, g.At = time.Time{}, time.Time{}
		require.Equal(t, w, g)
	}
}

func testParchmentUserTaken(t *testing.T, s psync.Store) {
	ctx := t.Context()
	clinic := org(t, "clinic")
	runID := startRun(t, s, clinic)
	first := synced("E1", "pu-1", map[string]string{"email": "e1@example.org"})
	commitEntry(t, s, clinic, first)

	second := synced("E2", "pu-1", map[string]string{"email": "e2@example.org"})
	err := s.Commit(ctx, clinic, psync.Commit{
		Entry:    &second,
		Attempts: []psync.Attempt{{RunID: runID, Operation: "create", ExternalUserID: "E2", HTTPStatus: 201, At: base()}},
	})
	require.ErrorIs(t, err, psync.ErrParchmentUserTaken)

	// Nothing of the failed commit is kept.
	requireEntries(t, []psync.Entry{first}, entries(t, s, clinic))
	if reader, ok := s.(Reader); ok {
		attempts, err := reader.Attempts(ctx, runID)
		require.NoError(t, err)
		require.Empty(t, attempts)
	}

}

func testOrganisationsIsolated(t *testing.T, s psync.Store) {
	ctx := t.Context()
	north, south := org(t, "north"), org(t, "south")

	// The same person and Parchment user id may appear in both.
	inNorth := synced("E1", "pu-1", map[string]string{"email": "north@example.org"})
	inSouth := synced("E1", "pu-1", map[string]string{"email": "south@example.org"})
	lostInNorth := pending("E2", "e2@example.org", map[string]string{"email": "e2@example.org"})
	commitEntry(t, s, north, inNorth)
	commitEntry(t, s, north, lostInNorth)
	commitEntry(t, s, south, inSouth)

	require.NoError(t, s.Commit(ctx, south, psync.Commit{Forget: "E2"}))

	requireEntries(t, []psync.Entry{inNorth, lostInNorth}, entries(t, s, north))
	requireEntries(t, []psync.Entry{inSouth}, entries(t, s, south))
}

func testSyncedEntryIsNeverOverwritten(t *testing.T, s psync.Store) {
	ctx := t.Context()
	clinic := org(t, "clinic")
	kept := synced("E1", "pu-1", map[string]string{"email": "kept@example.org"})
	commitEntry(t, s, clinic, kept)

	intent := pending("E1", "kept@example.org", map[string]string{"email": "kept@example.org"})
	require.ErrorIs(t, s.Commit(ctx, clinic, psync.Commit{Entry: &intent}), psync.ErrSyncedEntry)
	moved := synced("E1", "pu-2", map[string]string{"email": "kept@example.org"})
	require.ErrorIs(t, s.Commit(ctx, clinic, psync.Commit{Entry: &moved}), psync.ErrSyncedEntry)
	requireEntries(t, []psync.Entry{kept}, entries(t, s, clinic))
}
