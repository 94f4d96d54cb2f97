package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestReviewedPlanIsAppliedExactly(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(6)
	csv := f.roster("roster.csv", people)
	require.Equal(t, ExitOK, f.run("apply", "--csv", csv, "--rate", "500").code)

	people[1].Family = "Renamed"
	people[2].EndDate = "2020-01-01"
	f.roster("roster.csv", people)
	planPath := filepath.Join(f.dir, "plan.json")
	res := f.run("plan", "--csv", csv, "--out", planPath, "--absent-runs", "3")
	require.Equal(t, ExitOK, res.code, res.stderr)

	raw, err := os.ReadFile(planPath)
	require.NoError(t, err)
	info, err := os.Stat(planPath)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	for _, secret := range []string{testToken, parchmenttest.DefaultOrganizationSecret, people[1].Email, "Renamed", "1970-01-02", "0412345678", people[0].HPII} {
		require.NotContains(t, string(raw), secret, "the plan file holds no value beyond what the changes need")
	}
	require.Contains(t, string(raw), `"absent_runs": 3`, "the settings the plan was made with")

	res = f.run("apply", "--csv", csv, "--plan", planPath, "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	counts := decodeReport(t, res.stdout)["counts"].(map[string]any)
	require.Equal(t, 1.0, counts["update"])
	require.Equal(t, 1.0, counts["disable"])

	// Applying it again: the ledger has moved on, so the plan is stale.
	before := f.server.Counters().Requests
	res = f.run("apply", "--csv", csv, "--plan", planPath)
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "the ledger changed since it was planned")
	require.Equal(t, before, f.server.Counters().Requests, "nothing sent")
}

func TestPlanOfAnotherSourceIsStale(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(4)
	csv := f.roster("roster.csv", people)
	planPath := filepath.Join(f.dir, "plan.json")
	require.Equal(t, ExitOK, f.run("plan", "--csv", csv, "--out", planPath).code)

	people[3].Given = "Edited"
	f.roster("roster.csv", people)
	res := f.run("apply", "--csv", csv, "--plan", planPath)
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "the source changed since it was planned")
	require.Zero(t, f.server.Counters().Creates)

	vars := f.env()
	vars[fleet.EnvOrganizationID] = f.org + "-other"
	res = f.runWith(vars, "apply", "--csv", csv, "--plan", planPath)
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "no plan for organisation")

	require.NoError(t, os.WriteFile(planPath, []byte("{}"), 0o600))
	res = f.run("apply", "--csv", csv, "--plan", planPath)
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "version 0")
}
