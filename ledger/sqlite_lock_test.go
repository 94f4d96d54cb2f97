package ledger

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// linkedNames gives the ledger at path two more names: a symbolic link
// and a hard link, in folders of their own.
func linkedNames(t *testing.T, path string) (symlink, hardlink string) {
	t.Helper()
	dir := t.TempDir()
	symlink = filepath.Join(dir, "symlink.db")
	hardlink = filepath.Join(dir, "hardlink.db")
	require.NoError(t, os.Symlink(path, symlink))
	require.NoError(t, os.Link(path, hardlink))
	return symlink, hardlink
}

// holdLockInChild runs this test binary as a process holding the
// organisation's lock on the ledger at path until killed or the test ends.
func holdLockInChild(t *testing.T, path, organizationID string) *exec.Cmd {
	t.Helper()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), lockHolderEnv+"="+path+" "+organizationID)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "locked\n", line)
	return child
}

// The lock keys on the file, not its name: another process holding it by
// one name blocks a run reaching the file by a link, and the other way.
func TestSQLiteLockAcrossLinksAndProcesses(t *testing.T) {
	t.Parallel()
	store, path := openSQLiteTest(t)
	symlink, hardlink := linkedNames(t, path)
	ctx := t.Context()

	holdLockInChild(t, hardlink, "clinic")
	for _, name := range []string{path, symlink, hardlink} {
		other := openSQLiteAt(t, name)
		_, err := other.Lock(ctx, "clinic")
		require.ErrorIs(t, err, psync.ErrLocked, name)
	}
	unlock, err := store.Lock(ctx, "other")
	require.NoError(t, err, "the lock is still per organisation")
	require.NoError(t, unlock(ctx))
}

// Handles in one process by different names exclude each other too, and
// closing one leaves the others' locks and connections working: they
// share the file's one descriptor (closing a descriptor of the file would
// drop SQLite's own locks).
func TestSQLiteLockAcrossLinksInProcess(t *testing.T) {
	t.Parallel()
	first, path := openSQLiteTest(t)
	symlink, hardlink := linkedNames(t, path)
	bySymlink := openSQLiteAt(t, symlink)
	byHardlink := openSQLiteAt(t, hardlink)
	ctx := t.Context()

	unlock, err := bySymlink.Lock(ctx, "clinic")
	require.NoError(t, err)
	for _, other := range []*Store{first, byHardlink} {
		_, err = other.Lock(ctx, "clinic")
		require.ErrorIs(t, err, psync.ErrLocked)
	}

	first.Close()
	byHardlink.Close()
	_, err = bySymlink.StartRun(ctx, psync.Run{OrganizationID: "clinic", Mode: "apply", Source: "roster.csv"})
	require.NoError(t, err, "the last handle still writes")
	again := openSQLiteAt(t, path)
	_, err = again.Lock(ctx, "clinic")
	require.ErrorIs(t, err, psync.ErrLocked, "the lock outlives the other handles")
	require.NoError(t, unlock(ctx))
	unlock, err = again.Lock(ctx, "clinic")
	require.NoError(t, err)
	require.NoError(t, unlock(ctx))
}
