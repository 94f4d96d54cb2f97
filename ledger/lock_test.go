package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

func TestLockHeldAcrossProcesses(t *testing.T) {
	t.Parallel()
	first, second := setupTwo(t)
	ctx := t.Context()

	unlock, err := first.Lock(ctx, "clinic")
	require.NoError(t, err)
	_, err = second.Lock(ctx, "clinic")
	require.ErrorIs(t, err, psync.ErrLocked)

	require.NoError(t, unlock(ctx))
	require.NoError(t, unlock(ctx), "a second unlock does nothing")
	unlock, err = second.Lock(ctx, "clinic")
	require.NoError(t, err)
	require.NoError(t, unlock(ctx))
}

// The lock is keyed on the schema too: ledgers sharing a database don't
// block each other.
func TestLockIsPerSchema(t *testing.T) {
	t.Parallel()
	first, _ := setup(t)
	second := open(t, pgtest.URL(t))
	ctx := t.Context()

	unlockFirst, err := first.Lock(ctx, "clinic")
	require.NoError(t, err)
	unlockSecond, err := second.Lock(ctx, "clinic")
	require.NoError(t, err)
	require.NoError(t, unlockFirst(ctx))
	require.NoError(t, unlockSecond(ctx))
}

func TestLockReleasedWhenConnectionDies(t *testing.T) {
	t.Parallel()
	first, second := setupTwo(t)
	ctx := t.Context()

	unlock, err := first.Lock(ctx, "clinic")
	require.NoError(t, err)

	var terminated bool
	require.NoError(t, second.read.QueryRowContext(ctx, `
		SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1
			AND ((classid::bigint << 32) | objid::bigint) = `+runLockKey,
		"clinic").Scan(&terminated))
	require.True(t, terminated)

	requireLockFreed(t, second, "clinic")

	// The dead session's unlock reports the failure but returns the
	// connection, so Close doesn't hang.
	require.Error(t, unlock(ctx))
}

// A run that never unlocks (a crash between Lock and unlock, a failed test)
// must not make Close wait forever for the lock's connection.
func TestCloseDropsHeldLocks(t *testing.T) {
	t.Parallel()
	first, second := setupTwo(t)
	ctx := t.Context()

	_, err := first.Lock(ctx, "clinic")
	require.NoError(t, err)
	first.Close()

	requireLockFreed(t, second, "clinic")
}

// requireLockFreed waits for the server to drop a dead session's lock: it
// does so once the backend has exited, shortly after being told to.
func requireLockFreed(t *testing.T, store *Store, organizationID string) {
	t.Helper()
	require.Eventually(t, func() bool {
		unlock, err := store.Lock(t.Context(), organizationID)
		return err == nil && unlock(t.Context()) == nil
	}, 10*time.Second, 20*time.Millisecond)
}

// setupTwo opens two handles on one ledger, as two processes would.
func setupTwo(t *testing.T) (first, second *Store) {
	t.Helper()
	first, url := setup(t)
	return first, open(t, url)
}
