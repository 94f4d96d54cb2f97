package storetest

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// IndexKeeper is implemented by stores that keep the engine's index of an
// organisation between runs; the contract checks it when the store has it.
type IndexKeeper interface {
	SavedIndex(ctx context.Context, organizationID string, read func(version int64, index []byte) error) error
	IndexSaved(ctx context.Context, organizationID string) (version int64, saved bool, err error)
	SaveIndex(ctx context.Context, organizationID string, version int64, index []byte) error
}

// testSavedIndexFollowsEveryWrite: an index saved at the entries' version
// is read back until any write to the organisation's entries (insert,
// update, forget) moves the version; an index saved at an older version is
// never read; other organisations' writes leave it alone.
func testSavedIndexFollowsEveryWrite(t *testing.T, s psync.Store) {
	k, ok := s.(IndexKeeper)
	if !ok {
		t.Skip("the store keeps no index")
	}
	ctx := t.Context()
	o := org(t, "a")
	saved := func(want []byte) int64 {
		t.Helper()
		v, got := savedIndex(t, k, o)
		require.Equal(t, want, got)
		v2, ok, err := k.IndexSaved(ctx, o)
		require.NoError(t, err)
		require.Equal(t, v, v2)
		require.Equal(t, want != nil, ok)
		return v
	}
	moved := func(before int64, what string) int64 {
		t.Helper()
		v := saved(nil)
		require.Greater(t, v, before, "%s moves the version", what)
		return v
	}

	v := saved(nil)
	require.Zero(t, v, "no write yet")
	require.NoError(t, k.SaveIndex(ctx, o, v, []byte("first")))
	saved([]byte("first"))

	commitEntry(t, s, o, pending("a", "a@example.com", map[string]string{"given_name": "Al"}))
	v = moved(v, "an insert")
	require.NoError(t, k.SaveIndex(ctx, o, v, []byte("second")))
	saved([]byte("second"))

	commitEntry(t, s, org(t, "other"), synced("c", "P-c", nil))
	saved([]byte("second"))

	commitEntry(t, s, o, synced("a", "P-a", map[string]string{"given_name": "Al"}))
	v = moved(v, "an update")
	require.NoError(t, k.SaveIndex(ctx, o, v-1, []byte("stale")))
	saved(nil)
	require.NoError(t, k.SaveIndex(ctx, o, v, []byte("third")))

	commitEntry(t, s, o, pending("b", "b@example.com", nil))
	v = moved(v, "an insert")
	require.NoError(t, s.Commit(ctx, o, psync.Commit{Forget: "b"}))
	v = moved(v, "a forget")

	require.Error(t, s.Commit(ctx, o, psync.Commit{Entry: new(synced("a", "P-other", nil))}), "refused: a synced mapping stays")
	require.NoError(t, k.SaveIndex(ctx, o, v, []byte("fourth")))
	require.NoError(t, s.Commit(ctx, o, psync.Commit{Forget: "a"}), "a synced entry is kept")
	saved([]byte("fourth"))
}

// savedIndex reads the organisation's saved index and the entries' version.
func savedIndex(t *testing.T, k IndexKeeper, organizationID string) (version int64, index []byte) {
	t.Helper()
	require.NoError(t, k.SavedIndex(t.Context(), organizationID, func(v int64, saved []byte) error {
		version, index = v, bytes.Clone(saved)
		return nil
	}))
	return version, index
}
