package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// An apply reaching a SQLite ledger by a symbolic link or a hard link
// meets the run lock of an apply using the file's own name: the lock is on
// the file, so the second exits 75 and sends nothing.
func TestSQLiteLockHoldsAcrossLinks(t *testing.T) {
	t.Parallel()
	f, path := setupSQLite(t, parchmenttest.Config{Latency: 100 * time.Millisecond})
	people := rostertest.Staff(30)
	csv := f.roster("roster.csv", people)
	first, out := f.start("apply", "--csv", csv, "--concurrency", "1", "--rate", "500")
	t.Cleanup(func() { _ = first.Process.Kill(); _ = first.Wait() })
	f.waitForCreates(1)

	links := t.TempDir()
	symlink, hardlink := filepath.Join(links, "symlink.db"), filepath.Join(links, "hardlink.db")
	require.NoError(t, os.Symlink(path, symlink))
	require.NoError(t, os.Link(path, hardlink))
	for _, name := range []string{symlink, hardlink} {
		vars := f.env()
		vars[fleet.EnvLedgerURL] = "sqlite:" + name
		res := f.runWith(vars, "apply", "--csv", csv, "--rate", "500")
		require.Equal(t, ExitLocked, res.code, "%s: %s", name, res.stderr)
		require.Contains(t, res.stderr, "another run holds the organisation")
	}

	require.NoError(t, first.Process.Signal(syscall.SIGTERM))
	_ = first.Wait()
	require.Equal(t, ExitAborted, first.ProcessState.ExitCode(), out.String())

	// Nobody was created twice: a re-run finishes the job with one user each.
	rerun := f.run("apply", "--csv", csv, "--rate", "500")
	require.Equal(t, ExitOK, rerun.code, rerun.stderr)
	f.requireOnePerPerson(people)
}
