package storetest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// testSummariesAndOneEntry: ScanEntries gives every entry in byte order of
// external_user_id with its fields' digest; Entry reads one.
func testSummariesAndOneEntry(t *testing.T, s psync.Store) {
	o := org(t, "a")
	b := synced("b", "P-b", map[string]string{"email": "b@example.com", "given_name": "Bea"})
	b.DisabledRunID, b.AbsentRuns = startRun(t, s, o), 2
	for _, e := range []psync.Entry{
		b,
		pending("a", "a@example.com", map[string]string{"given_name": "Al"}),
		synced("B", "P-B", map[string]string{"email": "B@example.com"}),
		synced("ä", "P-ä", nil),
	} {
		commitEntry(t, s, o, e)
	}
	commitEntry(t, s, org(t, "other"), synced("c", "P-c", nil))

	var got []psync.EntrySummary
	require.NoError(t, s.ScanEntries(t.Context(), o, func(e psync.EntrySummary) error {
		got = append(got, e)
		return nil
	}))
	require.Equal(t, []psync.EntrySummary{
		{ExternalUserID: "B", State: psync.StateSynced, Digest: psync.FieldsDigest(map[string]string{"email": "B@example.com"})},
		{ExternalUserID: "a", State: psync.StatePending, Digest: psync.FieldsDigest(map[string]string{"given_name": "Al"})},
		{ExternalUserID: "b", State: psync.StateSynced, Digest: psync.FieldsDigest(b.Fields), DisabledRunID: b.DisabledRunID, AbsentRuns: 2},
		{ExternalUserID: "ä", State: psync.StateSynced, Digest: psync.FieldsDigest(nil)},
	}, got)

	stop := errors.New("enough")
	n := 0
	require.ErrorIs(t, s.ScanEntries(t.Context(), o, func(psync.EntrySummary) error { n++; return stop }), stop)
	require.Equal(t, 1, n)

	e, ok, err := s.Entry(t.Context(), o, "b")
	require.NoError(t, err)
	require.True(t, ok)
	requireEntries(t, []psync.Entry{b}, map[string]psync.Entry{"b": e})
	_, ok, err = s.Entry(t.Context(), o, "c")
	require.NoError(t, err)
	require.False(t, ok, "another organisation's entry")
}
