package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestRunHistoryAndShow(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(3)
	people[2].Email = "broken"
	csv := f.roster("roster.csv", people)
	require.Equal(t, ExitFailures, f.run("apply", "--csv", csv, "--rate", "500").code)
	require.Equal(t, ExitFailures, f.run("apply", "--csv", csv).code)

	res := f.run("runs", "--org", f.org, "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	runs := decodeReport(t, res.stdout)["runs"].([]any)
	require.Len(t, runs, 2)
	newest := runs[0].(map[string]any)
	first := runs[1].(map[string]any)
	require.Greater(t, newest["id"], first["id"], "newest first")
	require.Equal(t, "partial", first["outcome"])
	require.Equal(t, 2.0, first["counts"].(map[string]any)["create"])

	id := strconv.Itoa(int(first["id"].(float64)))
	failures := filepath.Join(f.dir, "failures.csv")
	res = f.run("show", id, "--output", "json", "--failures-csv", failures)
	require.Equal(t, ExitOK, res.code, res.stderr)
	shown := decodeReport(t, res.stdout)
	changes := shown["changes"].([]any)
	require.Len(t, changes, 3, "two creates and the invalid row")
	require.NotEmpty(t, changes[0].(map[string]any)["request_id"])
	require.Len(t, shown["failures"], 1)
	raw, err := os.ReadFile(failures)
	require.NoError(t, err)
	require.Contains(t, string(raw), "EMP0002")

	res = f.run("show", id)
	require.Equal(t, ExitOK, res.code)
	require.Contains(t, res.stdout, "request req_")
	require.Equal(t, ExitUsage, f.run("show", "999999").code)
	require.Equal(t, ExitUsage, f.run("show", "abc").code)
}

func TestDefaultLedgerIsLocalSQLite(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(3))
	vars := f.env()
	delete(vars, fleet.EnvLedgerURL)
	state := filepath.Join(f.dir, "state")
	vars["XDG_STATE_HOME"] = state

	res := f.runWith(vars, "apply", "--csv", csv, "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr)
	_, err := os.Stat(filepath.Join(state, "parchment-sync", "ledger.db"))
	require.NoError(t, err, "created with its folder on first use")
	res = f.runWith(vars, "apply", "--csv", csv, "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Equal(t, 3.0, decodeReport(t, res.stdout)["counts"].(map[string]any)["unchanged"])
	res = f.runWith(vars, "runs")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, f.org)
}

func TestCheckSaysWhatWorks(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(3))
	res := f.run("check", "--csv", csv)
	require.Equal(t, ExitOK, res.code, res.stdout+res.stderr)
	for _, check := range []string{"source", "ledger", "token", "validate", "users"} {
		require.Contains(t, res.stdout, check)
	}
	require.Empty(t, f.server.Snapshot(f.org), "check changes nothing")

	vars := f.env()
	vars[fleet.EnvToken] = "wrong-token"
	res = f.runWith(vars, "check", "--csv", csv)
	require.Equal(t, ExitAborted, res.code, res.stdout)
	require.Contains(t, res.stdout, "fail")

	bad := rostertest.Staff(2)
	bad[0].Email = "x"
	res = f.run("check", "--csv", f.roster("bad.csv", bad), "--output", "json")
	require.Equal(t, ExitFailures, res.code, res.stdout)
	require.Equal(t, false, decodeReport(t, res.stdout)["ok"])

	// With partner credentials the granted scopes are listed.
	f.server.AllowScopes(f.org, "create:user", "read:user", "read:users")
	vars = f.env()
	delete(vars, fleet.EnvToken)
	vars[fleet.EnvPartnerID], vars[fleet.EnvPartnerSecret], vars[fleet.EnvUserID] = parchmenttest.DefaultPartnerID, parchmenttest.DefaultPartnerSecret, "u1"
	res = f.runWith(vars, "check", "--csv", csv)
	require.Equal(t, ExitOK, res.code, res.stdout+res.stderr)
	require.Contains(t, res.stdout, "granted create:user, read:user, read:users")
	require.Contains(t, res.stdout, "not granted: update:user")
}
