package cli

import (
	"encoding/json"
	"net"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
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

func TestCheckBlamesTheURLNotTheCredentials(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(2))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refused := "http://" + ln.Addr().String() + "/external"
	require.NoError(t, ln.Close())
	partner := f.env()
	delete(partner, fleet.EnvToken)
	partner[fleet.EnvPartnerID], partner[fleet.EnvPartnerSecret], partner[fleet.EnvUserID] = parchmenttest.DefaultPartnerID, parchmenttest.DefaultPartnerSecret, "u1"

	for name, c := range map[string]struct{ url, says string }{
		"refused":        {refused, "nothing answered"},
		"without prefix": {strings.TrimSuffix(f.server.URL, parchmenttest.PathPrefix), "path prefix"},
		"https to http":  {strings.Replace(f.server.URL, "http://", "https://", 1), "scheme"},
	} {
		started := time.Now()
		res := f.runWith(partner, "check", "--csv", csv, "--api-url", c.url, "--output", "json")
		require.Equal(t, ExitAborted, res.code, name+": "+res.stdout+res.stderr)
		require.Less(t, time.Since(started), 5*time.Second, "%s: no retries before the verdict", name)
		require.Contains(t, res.stdout, c.says, name)
		require.Contains(t, res.stdout, "--api-url or PARCHMENT_API_URL", name)
		require.NotContains(t, res.stdout, fleet.EnvPartnerID, name)
		require.NotContains(t, res.stdout, `"token"`, "%s: credentials are not judged", name)
	}

	res := f.runWith(partner, "check", "--csv", csv)
	require.Equal(t, ExitOK, res.code, res.stdout+res.stderr)
	partner[fleet.EnvPartnerSecret] = "wrong-partner-secret"
	res = f.runWith(partner, "check", "--csv", csv)
	require.Equal(t, ExitAborted, res.code, res.stdout)
	require.Contains(t, res.stdout, "refused the credentials: check PARCHMENT_TOKEN, or PARCHMENT_PARTNER_ID")
	require.NotContains(t, res.stdout, "token (token)")
}

func TestCheckWarnsOfInvalidRowsAndExitsAsApply(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	people := rostertest.Staff(3)
	people[1].Email = "not-an-email"
	csv := f.roster("roster.csv", people)
	res := f.run("check", "--csv", csv)
	require.Equal(t, ExitFailures, res.code, res.stdout+res.stderr)
	require.Regexp(t, `warn\s+\S+\s+source\s+.*1 invalid.*1 invalid rows will be skipped`, res.stdout)
	apply := f.run("apply", "--csv", csv, "--rate", "500")
	require.Equal(t, res.code, apply.code, apply.stderr)
}

func TestRunsSelectsByConfigNameOrOrganisationID(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	path, vars := f.fleet("")
	res := f.runWith(vars, "apply", "--config", path, "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr)

	runsOf := func(res result) []string {
		t.Helper()
		require.Equal(t, ExitOK, res.code, res.stderr)
		var out struct {
			Runs []struct {
				OrganizationID string `json:"organization_id"`
			}
		}
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &out))
		var ids []string
		for _, r := range out.Runs {
			ids = append(ids, r.OrganizationID)
		}
		return ids
	}
	require.Len(t, runsOf(f.runWith(vars, "runs", "--config", path, "--output", "json")), 3)
	require.Equal(t, []string{f.org + "-south"}, runsOf(f.runWith(vars, "runs", "--config", path, "--org", "south", "--output", "json")))

	withLedger := f.env()
	require.Equal(t, []string{f.org + "-west"}, runsOf(f.runWith(withLedger, "runs", "--organization-id", f.org+"-west", "--output", "json")))
	old := f.runWith(withLedger, "runs", "--org", f.org+"-west", "--output", "json")
	require.Equal(t, []string{f.org + "-west"}, runsOf(old), "--org as an id still works for this release")
	require.Contains(t, old.stderr, "use --organization-id "+f.org+"-west")

	bad := f.runWith(vars, "runs", "--config", path, "--org", "east")
	require.Equal(t, ExitUsage, bad.code)
	require.Contains(t, bad.stderr, `--org "east" is not in the config file; its organisations are: north, south, west`)
}

func TestShowReadsTheLedgerOfAConfigOrganisation(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	path, vars := f.fleet("")
	res := f.runWith(vars, "apply", "--config", path, "--org", "north", "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr)
	res = f.runWith(vars, "show", "1", "--config", path, "--org", "north")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "run 1: apply of "+f.org+"-north")
}

func TestApplyPlanRefusesContradictingFlags(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(3))
	planFile := filepath.Join(f.dir, "plan.json")
	res := f.run("plan", "--csv", csv, "--out", planFile, "--max-leavers", "5")
	require.Equal(t, ExitOK, res.code, res.stderr)

	res = f.run("apply", "--csv", csv, "--plan", planFile, "--max-leavers", "10", "--refresh")
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, "--max-leavers 10 (the plan's: 5), --refresh true (the plan's: false)")
	require.Zero(t, f.server.Counters().Creates, "nothing sent")

	res = f.run("apply", "--csv", csv, "--plan", planFile, "--max-leavers", "5", "--rate", "500")
	require.Equal(t, ExitOK, res.code, "a flag agreeing with the plan is fine: %s", res.stderr)
}

func TestPlanWithRefreshShowsAdoptWhereApplyAdopts(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	people := rostertest.Staff(3)
	_, err := f.server.SeedUser(f.org, parchmenttest.User{Email: people[1].Email, GivenName: "Made", FamilyName: "By Hand", AccessRoles: []string{"member"}})
	require.NoError(t, err)
	csv := f.roster("roster.csv", people)
	counts := func(res result) map[string]any {
		t.Helper()
		return decodeReport(t, res.stdout)["counts"].(map[string]any)
	}

	res := f.run("plan", "--csv", csv, "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.EqualValues(t, 3, counts(res)["create"], "without --refresh plan reads nothing from Parchment")

	res = f.run("plan", "--csv", csv, "--refresh", "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.EqualValues(t, 2, counts(res)["create"], res.stdout)
	require.EqualValues(t, 1, counts(res)["adopt"], res.stdout)

	res = f.run("apply", "--csv", csv, "--rate", "500", "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.EqualValues(t, 1, counts(res)["adopt"], "apply does what the plan said")
}

func TestLedgerCopyKeepsRunIDs(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(2))
	for _, org := range []string{"b-clinic", "a-clinic", "b-clinic"} {
		vars := f.env()
		vars[fleet.EnvOrganizationID] = org
		res := f.runWith(vars, "apply", "--csv", csv, "--rate", "500")
		require.Equal(t, ExitOK, res.code, res.stderr)
	}
	to := "sqlite:" + filepath.Join(f.dir, "copy.db")
	res := f.run("ledger", "copy", "--from", f.ledger, "--to", to)
	require.Equal(t, ExitOK, res.code, res.stderr)

	ids := func(ledgerURL string) map[int64]string {
		t.Helper()
		res := f.run("runs", "--ledger", ledgerURL, "--output", "json")
		require.Equal(t, ExitOK, res.code, res.stderr)
		var out struct {
			Runs []struct {
				ID  int64  `json:"id"`
				Org string `json:"organization_id"`
			}
		}
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &out))
		m := map[int64]string{}
		for _, r := range out.Runs {
			m[r.ID] = r.Org
		}
		return m
	}
	require.Equal(t, map[int64]string{1: "b-clinic", 2: "a-clinic", 3: "b-clinic"}, ids(to))
	require.Equal(t, ids(f.ledger), ids(to))
}

func TestSmallInconsistencies(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})

	// A run that never started still answers with warnings as a list.
	res := f.run("apply", "--csv", filepath.Join(f.dir, "missing.csv"), "--output", "json")
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Equal(t, []any{}, decodeReport(t, res.stdout)["warnings"])

	// Times carry their zone.
	people := rostertest.Staff(2)
	res = f.run("apply", "--csv", f.roster("roster.csv", people), "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr)
	zoned := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)`
	res = f.run("runs")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Regexp(t, zoned, res.stdout)
	res = f.run("show", "1")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Regexp(t, "started "+zoned, res.stdout)

	// A refused change names its request once.
	for _, u := range f.server.Snapshot(f.org) {
		if u.ExternalUserID == people[0].ID {
			f.server.AnswerRolesWithConflict(f.org, u.UserID)
		}
	}
	people[0].Roles = "admin"
	res = f.run("apply", "--csv", f.roster("roles.csv", people), "--rate", "500")
	require.Equal(t, ExitFailures, res.code, res.stdout+res.stderr)
	line := regexp.MustCompile(`(?m)^  EMP0000 .*$`).FindString(res.stdout)
	require.Contains(t, line, "request ", res.stdout)
	require.Equal(t, 1, strings.Count(line, "request "), line)
}

func TestApplyAbortNamesTheSettingToCheck(t *testing.T) {
	t.Parallel()
	f, _ := setupSQLite(t, parchmenttest.Config{})
	vars := f.env()
	vars[fleet.EnvToken] = "wrong-token"
	res := f.runWith(vars, "apply", "--csv", f.roster("roster.csv", rostertest.Staff(2)))
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.Contains(t, res.stderr, "refused the credentials: check PARCHMENT_TOKEN")
}
