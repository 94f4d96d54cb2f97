package cli

import (
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
	"github.com/parchment-sync/parchment-sync/internal/hris/keypay"
	"github.com/parchment-sync/parchment-sync/internal/hris/keypay/keypaytest"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
)

// keypayFixture is a Parchment stand-in, a SQLite ledger and a KeyPay
// stand-in seeded from a canonical roster; runs read the KeyPay one.
type keypayFixture struct {
	*fixture
	keypay *keypaytest.Server
	url    string
	spools string // TMPDIR of the runs: where their spool files go
	// spoolModes records the spool files seen while the list was served.
	spoolModes atomic.Value
}

func setupKeyPay(t *testing.T, people []rostertest.Person, cfg keypaytest.Config) *keypayFixture {
	t.Helper()
	staff, err := keypaytest.SeedCSV(strings.NewReader(rostertest.CSV(people)))
	require.NoError(t, err)
	cfg.Employees = staff
	k := &keypayFixture{
		fixture: sqliteFixture(t),
		keypay:  keypaytest.New(cfg),
		spools:  t.TempDir(),
	}
	k.spoolModes.Store([]os.FileMode(nil))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entries, _ := os.ReadDir(k.spools)
		var modes []os.FileMode
		for _, e := range entries {
			if info, err := e.Info(); err == nil {
				modes = append(modes, info.Mode().Perm())
			}
		}
		k.spoolModes.Store(modes)
		k.keypay.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	k.url = srv.URL
	return k
}

func (k *keypayFixture) run(key string, args ...string) result {
	k.t.Helper()
	vars := k.env()
	vars[fleet.EnvKeyPayAPIKey] = key
	vars["TMPDIR"] = k.spools
	args = append(args, "--keypay-business", "4321", "--keypay-url", k.url, "--keypay-qualifications",
		"--mapping", filepath.Join("..", "..", "..", "samples", "keypay.yaml"))
	return k.runWith(vars, args...)
}

// requireNoSpool checks a finished run left no spool file behind.
func (k *keypayFixture) requireNoSpool() {
	k.t.Helper()
	entries, err := os.ReadDir(k.spools)
	require.NoError(k.t, err)
	require.Empty(k.t, entries, "the spool file is removed after the run")
}

func TestKeyPayValidatePlanApply(t *testing.T) {
	t.Parallel()
	people := rostertest.Staff(130) // two pages and a short one
	people[3].EndDate = "2020-01-31"
	k := setupKeyPay(t, people, keypaytest.Config{})

	res := k.run(keypaytest.DefaultAPIKey, "validate", "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, `"rows": 130`)
	require.Equal(t, []os.FileMode{0o600}, k.spoolModes.Load(), "one private spool file exists while the list is read")
	k.requireNoSpool()
	require.LessOrEqual(t, k.keypay.LargestTop(), keypaytest.MaxTop)

	res = k.run(keypaytest.DefaultAPIKey, "plan", "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Zero(t, k.server.Counters().Creates)

	res = k.run(keypaytest.DefaultAPIKey, "apply", "--output", "json", "--rate", "1000", "--concurrency", "4")
	require.Equal(t, ExitOK, res.code, res.stderr)
	counts := decodeReport(t, res.stdout)["counts"].(map[string]any)
	require.Equal(t, 129.0, counts["create"], "the terminated employee is not created")
	k.requireNoSpool()
	users := k.server.Snapshot(k.org)
	require.Len(t, users, 129)
	for _, u := range users {
		require.True(t, strings.HasPrefix(u.ExternalUserID, "KEYPAY#EMP"), u.ExternalUserID)
	}

	// Someone leaves in the payroll: the next apply disables them.
	people[8].EndDate = "2021-06-30"
	staff, err := keypaytest.SeedCSV(strings.NewReader(rostertest.CSV(people)))
	require.NoError(t, err)
	k.keypay.SetEmployees(staff)
	res = k.run(keypaytest.DefaultAPIKey, "apply", "--output", "json", "--rate", "1000")
	require.Equal(t, ExitOK, res.code, res.stderr)
	counts = decodeReport(t, res.stdout)["counts"].(map[string]any)
	require.Equal(t, 1.0, counts["disable"])
}

func TestKeyPayHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	k := setupKeyPay(t, rostertest.Staff(250), keypaytest.Config{TooManyEvery: 2, RetryAfter: 1})
	start := time.Now()
	res := k.run(keypaytest.DefaultAPIKey, "validate", "--output", "json", "--keypay-concurrency", "1")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, `"rows": 250`)
	require.Positive(t, k.keypay.TooManyServed())
	require.GreaterOrEqual(t, time.Since(start), time.Duration(k.keypay.TooManyServed())*time.Second, "each 429 waits its Retry-After")
}

func TestKeyPayRejectedKeyExitsThree(t *testing.T) {
	t.Parallel()
	k := setupKeyPay(t, rostertest.Staff(5), keypaytest.Config{})
	res := k.run("revoked-key", "apply", "--rate", "1000")
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.Contains(t, res.stderr, fleet.EnvKeyPayAPIKey)
	require.NotContains(t, res.stderr, "revoked-key", "the key never reaches the output")
	require.Empty(t, k.server.Counters().Requests, "nothing is sent to Parchment")
	require.LessOrEqual(t, k.keypay.Rejected(), keypay.DefaultConcurrency, "a rejected key is not retried: one window of calls at most")
	k.requireNoSpool()
}

func TestKeyPayShortReadIsHeld(t *testing.T) {
	t.Parallel()
	people := rostertest.Staff(12)
	k := setupKeyPay(t, people, keypaytest.Config{})
	res := k.run(keypaytest.DefaultAPIKey, "apply", "--rate", "1000")
	require.Equal(t, ExitOK, res.code, res.stderr)
	before := k.server.Counters().Requests

	staff, err := keypaytest.SeedCSV(strings.NewReader(rostertest.CSV(people[:4])))
	require.NoError(t, err)
	k.keypay.SetEmployees(staff)
	res = k.run(keypaytest.DefaultAPIKey, "apply", "--rate", "1000")
	require.Equal(t, ExitHeld, res.code, res.stderr)
	require.Equal(t, before, k.server.Counters().Requests, "a held run sends nothing")

	k.keypay.SetEmployees(nil)
	res = k.run(keypaytest.DefaultAPIKey, "apply", "--rate", "1000")
	require.Equal(t, ExitUsage, res.code, "an empty read is refused: %s", res.stderr)
	require.Equal(t, before, k.server.Counters().Requests)
}

func TestKeyPayFieldNoRecordCarries(t *testing.T) {
	t.Parallel()
	k := setupKeyPay(t, rostertest.Staff(3), keypaytest.Config{})
	mapping := writeFile(t, "typo.yaml", "external_user_id: externalId\ngiven_name: firstname\nfamily_name: surname\nemail: emailAddress\n"+
		"ahpra_number: qualification.Nobody Has This.referenceNumber\n")
	vars := k.env()
	vars[fleet.EnvKeyPayAPIKey], vars["TMPDIR"] = keypaytest.DefaultAPIKey, k.spools
	res := k.runWith(vars, "validate", "--keypay-business", "4321", "--keypay-url", k.url, "--keypay-qualifications", "--mapping", mapping)
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, `"firstname"`, "names match exactly")
	require.NotContains(t, res.stderr, "Nobody Has This", "a qualification nobody holds is no error")
	k.requireNoSpool()

	res = k.runWith(vars, "validate", "--keypay-business", "4321", "--keypay-url", k.url, "--mapping", filepath.Join("..", "..", "..", "samples", "keypay.yaml"))
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, "--keypay-qualifications")
}
