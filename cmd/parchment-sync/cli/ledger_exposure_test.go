package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// A ledger others can read is warned about once per run, with the
// command that fixes it, and check lists it as a warning.
func TestWorldReadableLedgerIsWarnedAbout(t *testing.T) {
	t.Parallel()
	f, path := setupSQLite(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(2))
	res := f.run("apply", "--csv", csv, "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.NotContains(t, res.stderr, "chmod", "a new ledger is private")
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	require.NoError(t, os.Chmod(path, 0o644))
	fix := "chmod 600 " + path
	res = f.run("plan", "--csv", csv)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Equal(t, 1, strings.Count(res.stderr, fix), res.stderr)
	require.Contains(t, res.stderr, `"level":"WARN"`)

	res = f.run("check", "--csv", csv, "--output", "json")
	require.Equal(t, ExitOK, res.code, "a warning is no failure: %s", res.stderr)
	var out struct {
		Organizations []fleet.OrgCheck `json:"organizations"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &out), res.stdout)
	var warned bool
	for _, l := range out.Organizations[0].Checks {
		if l.Check == "ledger permissions" {
			warned = true
			require.Equal(t, "warn", l.Status)
			require.Equal(t, fix, l.Fix)
			require.Contains(t, l.Detail, "0644")
		}
	}
	require.True(t, warned, res.stdout)
}
