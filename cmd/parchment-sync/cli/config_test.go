package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// fleet writes three organisations' rosters and a config file naming
// them, with the API and ledger from ${VAR}s and one organisation's
// secret under its own variable.
func (f *fixture) fleet(extra string) (path string, vars map[string]string) {
	f.t.Helper()
	for i, n := range []int{3, 4, 5} {
		f.roster(fmt.Sprintf("org%d.csv", i), rostertest.Staff(n))
	}
	cfg := fmt.Sprintf(`# three clinics
defaults:
  api_url: ${TEST_API}
  ledger: ${TEST_LEDGER}
  rate: 500
  concurrency: 2
organizations:
  - name: north
    organization_id: %[1]s-north
    csv: org0.csv
  - name: south
    organization_id: %[1]s-south
    csv: org1.csv
    organization_secret_env: SOUTH_SECRET
  - name: west
    organization_id: %[1]s-west
    csv: org2.csv
%[2]s`, f.org, extra)
	path = filepath.Join(f.dir, "config.yaml")
	require.NoError(f.t, os.WriteFile(path, []byte(cfg), 0o600))
	vars = f.env()
	delete(vars, fleet.EnvAPIURL)
	delete(vars, fleet.EnvLedgerURL)
	delete(vars, fleet.EnvOrganizationID)
	vars["TEST_API"], vars["TEST_LEDGER"] = f.server.URL, f.ledger
	vars["SOUTH_SECRET"] = parchmenttest.DefaultOrganizationSecret
	return path, vars
}

func TestConfigRunsEveryOrganisation(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{Latency: 20 * 1e6})
	path, vars := f.fleet("")

	res := f.runWith(vars, "apply", "--config", path, "--output", "json", "--parallel", "3")
	require.Equal(t, ExitOK, res.code, res.stderr)
	out := decodeReport(t, res.stdout)
	require.Equal(t, "done", out["outcome"])
	orgs := out["organizations"].([]any)
	require.Len(t, orgs, 3)
	for i, name := range []string{"north", "south", "west"} {
		o := orgs[i].(map[string]any)
		require.Equal(t, name, o["name"])
		require.Equal(t, f.org+"-"+name, o["organization_id"])
		require.Equal(t, float64(3+i), o["counts"].(map[string]any)["create"])
		require.Len(t, f.server.Snapshot(f.org+"-"+name), 3+i)
	}

	// --org picks organisations; the text report heads each with its name.
	res = f.runWith(vars, "plan", "--config", path, "--org", "south", "--org", "west")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "== south")
	require.Contains(t, res.stdout, "== west")
	require.NotContains(t, res.stdout, "== north")
}

func TestConfigExitIsTheMostSevere(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	bad := rostertest.Staff(2)
	bad[1].Email = "not-an-email"
	f.roster("bad.csv", bad)
	path, vars := f.fleet(`  - name: invalid-rows
    organization_id: ` + f.org + `-bad
    csv: bad.csv
`)
	res := f.runWith(vars, "apply", "--config", path, "--output", "json")
	require.Equal(t, ExitFailures, res.code, res.stderr)
	out := decodeReport(t, res.stdout)
	require.Equal(t, "partial", out["outcome"])

	// A missing roster (2) outranks invalid rows (1).
	require.NoError(t, os.Remove(filepath.Join(f.dir, "org2.csv")))
	res = f.runWith(vars, "apply", "--config", path, "--output", "json")
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, "west")
	require.Len(t, decodeReport(t, res.stdout)["organizations"], 4, "every organisation still reports")
}

func TestConfigMistakesNameTheFileAndLine(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	cases := []struct {
		name, extra, want string
		drop              string
	}{
		{"unknown key", "    colour: blue\n", "config.yaml:18: unknown key \"colour\"", ""},
		{"missing variable", "    source_db: ${NOPE}\n", "config.yaml:18: environment variable NOPE is not set", ""},
		{"missing secret", "", "SOUTH_SECRET is required", "SOUTH_SECRET"},
		{"bad rate", "    rate: fast\n", `config.yaml:18: rate must be requests per second above 0, or auto, not "fast"`, ""},
		{"bad number", "    burst: many\n", "config.yaml:18: burst must be a number", ""},
		{"bad timeout", "    call_timeout: -1s\n", `config.yaml:18: call_timeout must be a duration above 0, such as 30s or 5m, not "-1s"`, ""},
		{"bad wait", "    max_retry_after: forever\n", `config.yaml:18: max_retry_after must be a duration above 0, such as 30s or 5m, not "forever"`, ""},
		{"repeated name", "  - name: north\n    organization_id: x\n    csv: org0.csv\n", "organisation \"north\" is listed twice", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, vars := f.fleet(tc.extra)
			delete(vars, tc.drop)
			res := f.runWith(vars, "apply", "--config", path)
			require.Equal(t, ExitUsage, res.code, res.stderr)
			require.Contains(t, res.stderr, tc.want)
			require.NotContains(t, res.stderr, "Organization", "no Go field names")
		})
	}
	require.Empty(t, f.server.Counters().Requests, "nothing ran")

	path, vars := f.fleet("")
	res := f.runWith(vars, "apply", "--config", path, "--csv", "x.csv")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "--csv cannot be combined with --config")
	res = f.runWith(vars, "apply", "--config", path, "--org", "east")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, `--org "east" is not in the config file`)
}

func TestMissingSecretNamesTheVariable(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(1))
	vars := f.env()
	delete(vars, fleet.EnvOrganizationSecret)
	delete(vars, fleet.EnvToken)
	vars[fleet.EnvPartnerID] = "p"
	res := f.runWith(vars, "apply", "--csv", csv)
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "PARCHMENT_ORGANIZATION_SECRET is required")
	require.Contains(t, res.stderr, "PARCHMENT_PARTNER_SECRET")
	require.False(t, strings.Contains(res.stderr, "OrganizationSecret"), res.stderr)
}

func TestRateAutoFromFlagAndConfig(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	path, vars := f.fleet("    rate: auto\n")

	res := f.runWith(vars, "apply", "--config", path, "--org", "west")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Len(t, f.server.Snapshot(f.org+"-west"), 5)

	res = f.runWith(vars, "apply", "--config", path, "--org", "north", "--rate", "AUTO")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Len(t, f.server.Snapshot(f.org+"-north"), 3)

	for _, bad := range []string{"0", "-2", "fast"} {
		res = f.runWith(vars, "apply", "--config", path, "--rate", bad)
		require.Equal(t, ExitUsage, res.code, bad)
		require.Contains(t, res.stderr, "--rate", bad)
		require.Contains(t, res.stderr, "or auto", bad)
	}
}
