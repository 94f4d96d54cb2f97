package ledger

import (
	"database/sql"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// openSQLiteTest opens a SQLite ledger in a folder of the test's own, not
// yet created, and returns it with its path.
func openSQLiteTest(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "ledger.db")
	return openSQLiteAt(t, path), path
}

func openSQLiteAt(t *testing.T, path string) *Store {
	t.Helper()
	store, err := OpenSQLite(t.Context(), path, nil)
	require.NoError(t, err)
	t.Cleanup(store.Close)
	return store
}

func TestSQLiteCreatesPrivateFiles(t *testing.T) {
	t.Parallel()
	store, path := openSQLiteTest(t)

	for _, dir := range []string{filepath.Dir(path)} {
		info, err := os.Stat(dir)
		require.NoError(t, err)
		require.True(t, info.IsDir())
		require.Equal(t, os.FileMode(0o700), info.Mode().Perm(), dir)
	}
	_, err := os.Stat(path + "-locks")
	require.ErrorIs(t, err, os.ErrNotExist, "locks are on the file itself")
	_, err = store.StartRun(t.Context(), psync.Run{OrganizationID: "clinic", Mode: "plan", Source: "roster.csv"})
	require.NoError(t, err)
	for _, file := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(file)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), file)
	}
}

func TestSQLitePragmas(t *testing.T) {
	t.Parallel()
	store, _ := openSQLiteTest(t)
	ctx := t.Context()
	pragma := func(db *sql.DB, name string) string {
		t.Helper()
		var v string
		require.NoError(t, db.QueryRowContext(ctx, `PRAGMA `+name).Scan(&v))
		return v
	}

	require.Equal(t, "wal", pragma(store.write, "journal_mode"))
	require.Equal(t, "2", pragma(store.write, "synchronous"), "FULL")
	busy := "30000"
	require.Equal(t, busy, pragma(store.write, "busy_timeout"))
	require.Equal(t, busy, pragma(store.read, "busy_timeout"))
	require.Equal(t, "1", pragma(store.write, "foreign_keys"))
	require.Equal(t, "1", pragma(store.read, "foreign_keys"))

	// Readers cannot write around the writer.
	_, err := store.read.ExecContext(ctx, `DELETE FROM parchment_sync_runs`)
	require.Error(t, err)
}

// An attempt must name a run of its own organisation, as in PostgreSQL:
// the foreign key is enforced.
func TestSQLiteForeignKeysHold(t *testing.T) {
	t.Parallel()
	store, _ := openSQLiteTest(t)
	ctx := t.Context()
	runID, err := store.StartRun(ctx, psync.Run{OrganizationID: "north", Mode: "apply", Source: "roster.csv"})
	require.NoError(t, err)

	attempt := []psync.Attempt{{RunID: runID, Operation: "list", HTTPStatus: 200}}
	require.Error(t, store.Commit(ctx, "south", psync.Commit{Attempts: attempt}), "another organisation's run")
	attempt[0].RunID = runID + 1000
	require.Error(t, store.Commit(ctx, "north", psync.Commit{Attempts: attempt}), "no such run")
	attempt[0].RunID = runID
	require.NoError(t, store.Commit(ctx, "north", psync.Commit{Attempts: attempt}))
}

// The schema refuses what PostgreSQL's refuses, whoever writes.
func TestSQLiteConstraintsHold(t *testing.T) {
	t.Parallel()
	store, _ := openSQLiteTest(t)
	ctx := t.Context()
	bad := []psync.Entry{
		{ExternalUserID: "E1", State: psync.StatePending, ParchmentUserID: "pu-1"},
		{ExternalUserID: "E3", State: "deleted"},
		{ExternalUserID: "E4", State: psync.StatePending, DisabledRunID: 7},
		{ExternalUserID: "E5", State: psync.StateSynced, ParchmentUserID: "pu-5", AbsentRuns: -1},
	}
	for _, e := range bad {
		require.Error(t, store.Commit(ctx, "clinic", psync.Commit{Entry: &e}), e.ExternalUserID)
	}
	runID, err := store.StartRun(ctx, psync.Run{OrganizationID: "clinic", Mode: "apply", Source: "roster.csv"})
	require.NoError(t, err)
	for _, a := range []psync.Attempt{
		{RunID: runID, Operation: "delete", HTTPStatus: 200},
		{RunID: runID, Operation: "list", HTTPStatus: 99},
		{RunID: runID, Operation: "list", HTTPStatus: 200, Duration: -time.Second},
	} {
		require.Error(t, store.Commit(ctx, "clinic", psync.Commit{Attempts: []psync.Attempt{a}}))
	}
	_, err = store.StartRun(ctx, psync.Run{OrganizationID: "clinic", Mode: "sync", Source: "roster.csv"})
	require.Error(t, err)
	require.Error(t, store.FinishRun(ctx, psync.Run{ID: runID, OrganizationID: "clinic", Outcome: "fine"}))
	require.Empty(t, must(store.Entries(ctx, "clinic")))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Another process holds the lock until the kernel ends it: SIGKILL leaves
// no chance to unlock, and the lock is free all the same.
func TestSQLiteLockAcrossProcessesAndSIGKILL(t *testing.T) {
	t.Parallel()
	store, path := openSQLiteTest(t)
	ctx := t.Context()

	child := holdLockInChild(t, path, "clinic")

	_, err := store.Lock(ctx, "clinic")
	require.ErrorIs(t, err, psync.ErrLocked)
	unlock, err := store.Lock(ctx, "other")
	require.NoError(t, err, "the lock is per organisation")
	require.NoError(t, unlock(ctx))

	require.NoError(t, child.Process.Signal(syscall.SIGKILL))
	_ = child.Wait()
	unlock, err = store.Lock(ctx, "clinic")
	require.NoError(t, err)
	require.NoError(t, unlock(ctx))
}

// Two handles on one file, as two processes would have, exclude each
// other; Close drops what its handle held.
func TestSQLiteLockBetweenHandles(t *testing.T) {
	t.Parallel()
	first, path := openSQLiteTest(t)
	second := openSQLiteAt(t, path)
	ctx := t.Context()

	unlock, err := first.Lock(ctx, "clinic")
	require.NoError(t, err)
	_, err = second.Lock(ctx, "clinic")
	require.ErrorIs(t, err, psync.ErrLocked)
	require.NoError(t, unlock(ctx))
	require.NoError(t, unlock(ctx), "a second unlock does nothing")

	_, err = second.Lock(ctx, "clinic")
	require.NoError(t, err)
	second.Close()
	unlock, err = first.Lock(ctx, "clinic")
	require.NoError(t, err)
	require.NoError(t, unlock(ctx))
}

// Ledgers in different files don't block each other.
func TestSQLiteLockIsPerFile(t *testing.T) {
	t.Parallel()
	first, _ := openSQLiteTest(t)
	second, _ := openSQLiteTest(t)
	ctx := t.Context()
	unlockFirst, err := first.Lock(ctx, "clinic")
	require.NoError(t, err)
	unlockSecond, err := second.Lock(ctx, "clinic")
	require.NoError(t, err)
	require.NoError(t, unlockFirst(ctx))
	require.NoError(t, unlockSecond(ctx))
}

// lockOrganizations takes all or none.
func TestSQLiteLockOrganizationsAllOrNone(t *testing.T) {
	t.Parallel()
	store, _ := openSQLiteTest(t)
	ctx := t.Context()
	unlock, err := store.Lock(ctx, "b")
	require.NoError(t, err)

	_, err = store.lockOrganizations(ctx, []string{"a", "b", "c"})
	require.ErrorIs(t, err, psync.ErrLocked)
	unlockA, err := store.Lock(ctx, "a")
	require.NoError(t, err, "a was given back")
	require.NoError(t, unlockA(ctx))
	require.NoError(t, unlock(ctx))
}

// Two processes' writers on one file: neither meets SQLITE_BUSY, each
// waits for the other's transaction.
func TestSQLiteWritersOfTwoHandles(t *testing.T) {
	t.Parallel()
	first, path := openSQLiteTest(t)
	second := openSQLiteAt(t, path)
	ctx := t.Context()

	var g errgroup.Group
	for i, store := range []*Store{first, second, first, second} {
		g.Go(func() error {
			organizationID := []string{"north", "south", "east", "west"}[i]
			runID, err := store.StartRun(ctx, psync.Run{OrganizationID: organizationID, Mode: "apply", Source: "roster.csv"})
			if err != nil {
				return err
			}
			for j := range 50 {
				e := psync.Entry{ExternalUserID: string(rune('A'+j%26)) + string(rune('a'+j/26)), State: psync.StatePending}
				if err := store.Commit(ctx, organizationID, psync.Commit{Entry: &e, Attempts: []psync.Attempt{
					{RunID: runID, Operation: "create", ExternalUserID: e.ExternalUserID, HTTPStatus: 201},
				}}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	require.NoError(t, g.Wait())
	require.Len(t, must(second.Entries(ctx, "north")), 50)
	require.Len(t, must(first.Entries(ctx, "west")), 50)
}

func TestSQLiteUnreachable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(blocker, nil, 0o600))

	// The folder would have to be made under a file.
	_, err := Open(t.Context(), "sqlite:"+filepath.Join(blocker, "ledger.db"), nil)
	require.ErrorIs(t, err, ErrUnreachable)
	_, err = Migrate(t.Context(), "sqlite:"+filepath.Join(blocker, "ledger.db"), nil)
	require.ErrorIs(t, err, ErrUnreachable)

	// A file that is not a database.
	junk := filepath.Join(dir, "junk.db")
	require.NoError(t, os.WriteFile(junk, []byte("this is not an SQLite database, not at all, no"), 0o600))
	_, err = Open(t.Context(), "sqlite:"+junk, nil)
	require.ErrorIs(t, err, ErrUnreachable)
}

func TestSQLiteUnreadableFolderIsUnreachable(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root reads every folder")
	}
	dir := filepath.Join(t.TempDir(), "locked")
	require.NoError(t, os.Mkdir(dir, 0o500))
	_, err := Open(t.Context(), "sqlite:"+filepath.Join(dir, "ledger.db"), nil)
	require.ErrorIs(t, err, ErrUnreachable)
}
