package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

func testLockIsExclusive(t *testing.T, s psync.Store) {
	ctx := t.Context()
	clinic := org(t, "clinic")

	unlock, err := s.Lock(ctx, clinic)
	require.NoError(t, err)

	_, err = s.Lock(ctx, clinic)
	require.ErrorIs(t, err, psync.ErrLocked)

	// The lock is per organisation.
	unlockOther, err := s.Lock(ctx, org(t, "other"))
	require.NoError(t, err)
	require.NoError(t, unlockOther(ctx))

	require.NoError(t, unlock(ctx))
	again, err := s.Lock(ctx, clinic)
	require.NoError(t, err)
	require.NoError(t, again(ctx))
}
