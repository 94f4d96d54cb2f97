package cli

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestTruncatedExportIsHeldWithExit4(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	full := f.roster("full.csv", rostertest.Staff(20))
	truncated := f.roster("truncated.csv", rostertest.Staff(8))
	require.Equal(t, ExitOK, f.run("apply", "--csv", full, "--rate", "500").code)
	before := f.server.Counters().Requests

	plan := f.run("plan", "--csv", truncated)
	require.Equal(t, ExitHeld, plan.code, plan.stderr)
	require.Contains(t, plan.stdout, "held by the mass-leaver guard")

	res := f.run("apply", "--csv", truncated, "--output", "json")
	require.Equal(t, ExitHeld, res.code, res.stderr)
	report := decodeReport(t, res.stdout)
	require.Equal(t, "held", report["outcome"])
	require.Equal(t, map[string]any{
		"leaving": 12.0, "leavers": 0.0, "absent": 12.0, "provider_removals": 0.0, "active": 20.0, "max_leavers": 5.0, "max_leavers_percent": 20.0,
	}, report["hold"])
	require.Contains(t, report["error"], "--allow-mass-leavers")
	require.Equal(t, before, f.server.Counters().Requests, "nothing was sent")

	// A higher limit, or the override, lets it through.
	res = f.run("apply", "--csv", truncated, "--max-leavers-percent", "70")
	require.Equal(t, ExitOK, res.code, res.stderr)
	res = f.run("apply", "--csv", truncated, "--allow-mass-leavers", "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Equal(t, 12.0, decodeReport(t, res.stdout)["counts"].(map[string]any)["disable"])
}

func TestLifecycleFlagsAreChecked(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(2))
	for _, args := range [][]string{
		{"--leavers", "delete"}, {"--absent-runs", "0"}, {"--max-leavers", "-1"}, {"--max-leavers-percent", "101"},
	} {
		res := f.run(append([]string{"apply", "--csv", csv}, args...)...)
		require.Equal(t, ExitUsage, res.code, args)
		require.Contains(t, res.stderr, args[0], "the message names the flag")
	}
	vars := f.env()
	delete(vars, fleet.EnvAPIURL)
	res := f.runWith(vars, "plan", "--csv", csv, "--refresh")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, fleet.EnvAPIURL, "a refresh reads Parchment")
	require.Zero(t, f.server.Counters().Creates)
}

func TestPlanWarnsOfTheProviderRoleTakenAway(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(4)
	csv := f.roster("roster.csv", people)
	require.Equal(t, ExitOK, f.run("apply", "--csv", csv, "--rate", "500").code)

	people[0].Roles = "admin"
	f.roster("roster.csv", people)
	res := f.run("plan", "--csv", csv)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, `roles taken away: provider; takes the provider role away. Parchment warns: "Adding a provider role, then switching to non-provider role`)

	res = f.run("plan", "--csv", csv, "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	change := decodeReport(t, res.stdout)["changes"].([]any)[0].(map[string]any)
	require.Equal(t, "removed", change["provider_role"])
	require.Contains(t, change["warning"], "downstream third party services")
}
