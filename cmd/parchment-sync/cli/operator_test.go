package cli

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestVersionNamesModuleCommitAndGo(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	for _, args := range [][]string{{"--version"}, {"version"}} {
		res := f.run(args...)
		require.Equal(t, ExitOK, res.code, res.stderr)
		require.True(t, strings.HasPrefix(res.stdout, "parchment-sync "), res.stdout)
		require.Contains(t, res.stdout, "commit ")
		require.Contains(t, res.stdout, runtime.Version())
	}
}

func TestInfoLogHasOneSummaryNotALinePerRow(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(5))
	res := f.run("apply", "--csv", csv, "--rate", "500", "--log-format", "text")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Equal(t, 1, strings.Count(res.stderr, "run finished"), res.stderr)
	require.NotContains(t, res.stderr, "EMP0001", "per-row lines are debug")

	res = f.run("apply", "--csv", f.roster("edited.csv", rostertest.Staff(6)), "--rate", "500", "--log-format", "text", "--log-level", "debug")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stderr, "EMP0005", "debug shows each row")
}

func TestHeldRunSaysItOnce(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	people := rostertest.Staff(12)
	res := f.run("apply", "--csv", f.roster("roster.csv", people), "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr)
	res = f.run("apply", "--csv", f.roster("truncated.csv", people[:4]), "--log-format", "text")
	require.Equal(t, ExitHeld, res.code, res.stderr)
	out := res.stdout + res.stderr
	require.Equal(t, 1, strings.Count(out, "held by the mass-leaver guard"), out)
	require.Equal(t, 1, strings.Count(out, "--allow-mass-leavers"), out)
}
