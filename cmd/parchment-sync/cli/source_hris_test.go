package cli

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/hris/deputy/deputytest"
	"github.com/parchment-sync/parchment-sync/internal/hris/employmenthero/employmentherotest"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func sampleMapping(name string) string { return filepath.Join("..", "..", "..", "samples", name) }

// sqliteFixture is a Parchment stand-in and a SQLite ledger.
func sqliteFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	return &fixture{
		t: t, dir: dir, ledger: "sqlite:" + filepath.Join(dir, "ledger.db"),
		server: parchmenttest.Start(t, parchmenttest.Config{Token: testToken}), org: "org-" + strings.ReplaceAll(t.Name(), "/", "-"),
	}
}

// config writes a config file of one organisation, north, reading the
// sample mapping and the HR system of block (indented under north).
func (x *hrisFixture) config(sample, block string) string {
	x.t.Helper()
	mappingPath, err := filepath.Abs(sampleMapping(sample))
	require.NoError(x.t, err)
	return writeConfig(x.t, fmt.Sprintf("organizations:\n  - name: north\n    organization_id: %s\n    mapping: %s\n%s", x.org, mappingPath, block))
}

// hrisFixture is a Parchment stand-in and a SQLite ledger; an HR stand-in
// is served at url, and can be replaced between runs (swap).
type hrisFixture struct {
	*fixture
	url    string
	spools string
	served atomic.Value // http.Handler
}

func setupHRIS(t *testing.T, h http.Handler) *hrisFixture {
	t.Helper()
	x := &hrisFixture{fixture: sqliteFixture(t), spools: t.TempDir()}
	x.swap(h)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x.served.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	x.url = srv.URL
	return x
}

// swap serves h from now on: a changed HR system, at the same address.
func (x *hrisFixture) swap(h http.Handler) { x.served.Store(h) }

func (x *hrisFixture) runEnv(extra map[string]string, args ...string) result {
	x.t.Helper()
	vars := x.env()
	vars["TMPDIR"] = x.spools
	maps.Copy(vars, extra)
	return x.runWith(vars, args...)
}

func (x *hrisFixture) requireNoSpool() {
	x.t.Helper()
	entries, err := os.ReadDir(x.spools)
	require.NoError(x.t, err)
	require.Empty(x.t, entries, "the spool file is removed after the run")
}

// applyCounts runs apply and returns the report's counts.
func (x *hrisFixture) applyCounts(extra map[string]string, args ...string) map[string]any {
	x.t.Helper()
	res := x.runEnv(extra, append([]string{"apply", "--output", "json", "--rate", "1000"}, args...)...)
	require.Equal(x.t, ExitOK, res.code, res.stderr)
	x.requireNoSpool()
	out := decodeReport(x.t, res.stdout)
	if orgs, ok := out["organizations"].([]any); ok { // a config file's run
		require.Len(x.t, orgs, 1)
		out = orgs[0].(map[string]any)
	}
	return out["counts"].(map[string]any)
}

func deputyStaff(t *testing.T, people []rostertest.Person) []deputytest.Employee {
	t.Helper()
	staff, err := deputytest.Seed(strings.NewReader(rostertest.CSV(people)), "roster.csv", false)
	require.NoError(t, err)
	return staff
}

func TestDeputyFlagsApply(t *testing.T) {
	t.Parallel()
	people := rostertest.Staff(12)
	people[3].EndDate = "2020-01-31"
	x := setupHRIS(t, deputytest.New(deputytest.Config{Token: "dep-permanent", Employees: deputyStaff(t, people)}))
	token := map[string]string{fleet.EnvDeputyToken: "dep-permanent"}
	flags := []string{"--deputy-url", x.url, "--mapping", sampleMapping("deputy-api.yaml")}

	res := x.runEnv(token, append([]string{"validate", "--output", "json"}, flags...)...)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, `"rows": 12`)

	counts := x.applyCounts(token, flags...)
	require.Equal(t, 11.0, counts["create"], "the archived employee is not created")
	users := x.server.Snapshot(x.org)
	require.Len(t, users, 11)
	for _, u := range users {
		require.True(t, strings.HasPrefix(u.ExternalUserID, "DEPUTY#"), u.ExternalUserID)
	}

	// Someone is archived in Deputy: the next apply disables them.
	people[8].EndDate = "2021-06-30"
	x.swap(deputytest.New(deputytest.Config{Token: "dep-permanent", Employees: deputyStaff(t, people)}))
	counts = x.applyCounts(token, flags...)
	require.Equal(t, 1.0, counts["disable"])
}

func TestDeputyRejectedTokenExitsThree(t *testing.T) {
	t.Parallel()
	x := setupHRIS(t, deputytest.New(deputytest.Config{Token: "dep-permanent", Employees: deputyStaff(t, rostertest.Staff(4))}))
	res := x.runEnv(map[string]string{fleet.EnvDeputyToken: "dep-revoked"}, "apply", "--rate", "1000",
		"--deputy-url", x.url, "--mapping", sampleMapping("deputy-api.yaml"))
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.Contains(t, res.stderr, fleet.EnvDeputyToken)
	require.Contains(t, res.stderr, "nothing was sent to Parchment")
	require.NotContains(t, res.stderr, "dep-revoked", "the token never reaches the output")
	require.Empty(t, x.server.Counters().Requests, "nothing is sent to Parchment")
	x.requireNoSpool()

	res = x.runEnv(nil, "validate", "--deputy-url", x.url, "--mapping", sampleMapping("deputy-api.yaml"))
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, fleet.EnvDeputyToken, "a missing token names its variable")
}

func TestDeputyConfigApply(t *testing.T) {
	t.Parallel()
	people := rostertest.Staff(6)
	people[0].EndDate = "2020-01-31"
	x := setupHRIS(t, deputytest.New(deputytest.Config{Token: "north-token", Employees: deputyStaff(t, people)}))
	config := x.config("deputy-api.yaml", fmt.Sprintf("    deputy: {url: %q, token_env: NORTH_DEPUTY_TOKEN}\n", x.url))

	counts := x.applyCounts(map[string]string{"NORTH_DEPUTY_TOKEN": "north-token"}, "--config", config)
	require.Equal(t, 5.0, counts["create"], "the archived employee is not created")
	require.Len(t, x.server.Snapshot(x.org), 5)

	// --deputy-url replaces the install's url: the refusal comes from the stand-in.
	elsewhere := x.config("deputy-api.yaml", "    deputy: {url: \"https://acme.au.deputy.com\", token_env: NORTH_DEPUTY_TOKEN}\n")
	res := x.runEnv(map[string]string{"NORTH_DEPUTY_TOKEN": "stale"}, "apply", "--config", elsewhere, "--deputy-url", x.url, "--rate", "1000")
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.Contains(t, res.stderr, "NORTH_DEPUTY_TOKEN")
	require.NotContains(t, res.stderr, "stale")
	x.requireNoSpool()
}

func TestEmploymentHeroConfigApply(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	people := rostertest.Staff(7)
	people[2].EndDate = "2020-01-31"
	staff, err := employmentherotest.Seed(strings.NewReader(rostertest.CSV(people)), "roster.csv")
	require.NoError(t, err)
	eh := employmentherotest.New(employmentherotest.Config{ClientID: "cid", ClientSecret: "client-secret-5eed",
		RedirectURIs: []string{fmt.Sprintf("http://127.0.0.1:%d/", port)}, OrganisationID: "eh-org", Employees: staff})
	x := setupHRIS(t, eh)
	config := x.config("employment-hero-api.yaml", fmt.Sprintf(`    employment_hero:
      organization_id: eh-org
      url: %[1]s
      custom_fields: true
      oauth: {client_id_env: HR_CLIENT_ID, client_secret_env: HR_CLIENT_SECRET, token_file: tokens/eh.json, url: %[1]s}
`, x.url))
	r := connect(t, config, "employment-hero", port)
	require.Equal(t, ExitOK, r.code, r.stderr)

	counts := x.applyCounts(connectEnv, "--config", config)
	require.Equal(t, 6.0, counts["create"], "the terminated employee is not created")
	users := x.server.Snapshot(x.org)
	require.Len(t, users, 6)
	for _, u := range users {
		require.True(t, strings.HasPrefix(u.ExternalUserID, "EHHR#"), u.ExternalUserID)
	}

	// Access revoked: the refresh token no longer works.
	tokenPath := filepath.Join(filepath.Dir(config), "tokens", "eh.json")
	f := requirePrivateToken(t, tokenPath)
	tok, err := f.Read()
	require.NoError(t, err)
	tok.RefreshToken, tok.Expiry = "revoked-refresh", time.Now().Add(-time.Hour)
	require.NoError(t, f.Write(tok))
	before := x.server.Counters().Requests
	res := x.runEnv(connectEnv, "apply", "--config", config, "--rate", "1000")
	require.Equal(t, ExitAborted, res.code, res.stderr)
	// The temporary folder's name is redacted with the ledger's path.
	require.Contains(t, res.stderr, filepath.Join("tokens", "eh.json"))
	require.Contains(t, res.stderr, "connect again")
	require.NotContains(t, res.stderr, "client-secret-5eed")
	require.Equal(t, before, x.server.Counters().Requests, "nothing is sent to Parchment")
	x.requireNoSpool()

	// Custom fields are read only when asked for.
	asIs := x.config("employment-hero-api.yaml", fmt.Sprintf(`    employment_hero:
      organization_id: eh-org
      oauth: {client_id_env: HR_CLIENT_ID, client_secret_env: HR_CLIENT_SECRET, token_file: %s}
`, tokenPath))
	res = x.runEnv(connectEnv, "plan", "--config", asIs)
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, "custom_fields: true")
}

func TestDeputyLegacyContactFields(t *testing.T) {
	t.Parallel()
	// Some accounts' contacts carry only Email1 and Phone1: the sample
	// mapping's alternatives read them, though no record has Email.
	staff, err := deputytest.Seed(strings.NewReader(rostertest.CSV(rostertest.Staff(5))), "roster.csv", true)
	require.NoError(t, err)
	x := setupHRIS(t, deputytest.New(deputytest.Config{Token: "dep-permanent", Employees: staff}))
	res := x.runEnv(map[string]string{fleet.EnvDeputyToken: "dep-permanent"}, "validate", "--output", "json",
		"--deputy-url", x.url, "--mapping", sampleMapping("deputy-api.yaml"))
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, `"rows": 5`)
	require.Contains(t, res.stdout, `"invalid": 0`)
}

func TestSharedOAuthClientChoosesNoSource(t *testing.T) {
	t.Parallel()
	// defaults share the Deputy OAuth client; west reads a CSV file.
	x := setupHRIS(t, http.NotFoundHandler())
	roster := x.roster("roster.csv", rostertest.Staff(3))
	config := writeConfig(t, fmt.Sprintf(`
defaults:
  deputy:
    oauth: {client_id_env: HR_CLIENT_ID, client_secret_env: HR_CLIENT_SECRET}
organizations:
  - name: west
    organization_id: %s
    csv: %s
`, x.org, roster))
	counts := x.applyCounts(nil, "--config", config)
	require.Equal(t, 3.0, counts["create"])
}
