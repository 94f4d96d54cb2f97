package cli

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// Workers, enqueue and jobs need one PostgreSQL ledger; mistakes stop them
// with exit 2 and a message naming the flag, key or variable to fix.
func TestWorkerRefusals(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	path, vars, _ := f.clinics(2, 1, "")
	withLedger := func(ledger string) map[string]string {
		v := map[string]string{}
		for k, val := range vars {
			v[k] = val
		}
		v["TEST_LEDGER"] = ledger
		return v
	}
	sqlite := withLedger("sqlite:" + f.dir + "/ledger.db")
	cases := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"no config", vars, []string{"worker"}, "--config is required"},
		{"rescue before timeout", vars, []string{"worker", "--config", path, "--job-timeout", "2m", "--rescue-after", "1m"}, "--rescue-after must be at least --job-timeout"},
		{"no workers", vars, []string{"worker", "--config", path, "--workers", "0"}, "--workers must be at least 1"},
		{"bad ui", vars, []string{"worker", "--config", path, "--ui", "8081"}, "--ui must be host:port"},
		{"sqlite worker", sqlite, []string{"worker", "--config", path}, "workers need a PostgreSQL ledger"},
		{"sqlite enqueue", sqlite, []string{"enqueue", "--config", path}, "clinics.yaml:3 (ledger of organisation \"clinic-00\")); set the config file's ledger key"},
		{"sqlite jobs", map[string]string{fleet.EnvLedgerURL: "sqlite:" + f.dir + "/x.db"}, []string{"jobs"}, "PARCHMENT_LEDGER_URL as a postgres:// URL"},
		{"jobs both", vars, []string{"jobs", "--config", path, "--ledger", f.ledger}, "--ledger cannot be combined with --config"},
		{"unknown org", vars, []string{"enqueue", "--config", path, "--org", "east"}, `--org "east" is not in the config file`},
	}
	for _, tc := range cases {
		res := f.runWith(tc.vars, tc.args...)
		require.Equal(t, ExitUsage, res.code, "%s: %s", tc.name, res.stderr)
		require.Contains(t, res.stderr, tc.want, tc.name)
	}

	// Two ledgers in one file.
	cfg, err := os.ReadFile(path)
	require.NoError(t, err)
	mixed := strings.Replace(string(cfg), "    csv: clinic-01.csv\n", "    csv: clinic-01.csv\n    ledger: ${OTHER_LEDGER}\n", 1)
	require.NoError(t, os.WriteFile(path, []byte(mixed), 0o600))
	other := withLedger(f.ledger)
	other["OTHER_LEDGER"] = pgtest.URL(t)
	res := f.runWith(other, "worker", "--config", path)
	require.Equal(t, ExitUsage, res.code, res.stderr)
	require.Contains(t, res.stderr, "clinic-00 and clinic-01 use different ledgers")
	require.NotContains(t, res.stderr, "postgres://", "URLs may hold passwords")
	require.Empty(t, f.server.Counters().Requests, "nothing ran")
}

func TestScheduleConfigMistakes(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	for extra, want := range map[string]string{
		"    schedule: nightly\n":                           `clinics.yaml:10: schedule of organisation "clinic-00" "nightly" is not a cron expression`,
		"    schedule: \"0 2 * * *\"\n    timezone: Mars\n": `clinics.yaml:11: timezone "Mars" is not a time zone name`,
		"    schedule: \"CRON_TZ=UTC 0 2 * * *\"\n":         "timezone key",
	} {
		path, vars, _ := f.clinics(1, 1, extra)
		for _, cmd := range []string{"worker", "enqueue", "apply"} {
			res := f.runWith(vars, cmd, "--config", path)
			require.Equal(t, ExitUsage, res.code, "%s %s", cmd, res.stderr)
			require.Contains(t, res.stderr, want, cmd)
		}
	}
	// A good one is accepted by apply, which ignores it.
	path, vars, _ := f.clinics(1, 1, "    schedule: \"30 2 * * 1-5\"\n    timezone: Australia/Sydney\n")
	res := f.runWith(vars, "apply", "--config", path)
	require.Equal(t, ExitOK, res.code, res.stderr)
}

func TestWorkerServesRiverUI(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	path, vars, _ := f.clinics(1, 1, "")
	res := f.runWith(vars, "enqueue", "--config", path)
	require.Equal(t, ExitOK, res.code, res.stderr)
	// With a login set, even loopback asks for it.
	vars[fleet.EnvUIUsername], vars[fleet.EnvUIPassword] = "ops", "ui-test-password"
	w := f.runWorker(vars, "--config", path, "--ui", "127.0.0.1:0")
	var url string
	require.Eventually(t, func() bool {
		if lines := logLines(w.out.String(), "River UI serving"); len(lines) > 0 {
			url, _ = lines[0]["url"].(string)
		}
		return url != ""
	}, 30*time.Second, 20*time.Millisecond, w.out.String())

	get := func(path string) (int, string) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+path, nil)
		require.NoError(t, err)
		req.SetBasicAuth("ops", "ui-test-password")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	resp, err := http.Get(url + "api/jobs")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no login, no UI")
	code, body := get("")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, strings.ToLower(body), "<html")
	require.Eventually(t, func() bool {
		code, body = get("api/jobs?state=completed")
		return code == http.StatusOK && strings.Contains(body, "parchment_sync_org")
	}, 30*time.Second, 100*time.Millisecond, body)
	require.NotContains(t, body, testToken)
	require.Equal(t, ExitOK, w.stop())
}

func TestLedgerMigrateAddsQueue(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	res := runLedgerCmd(t, nil, "ledger", "migrate", "--ledger", url)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Regexp(t, `job queue migrated: [1-9]\d* River migration\(s\) applied`, res.stdout)
	res = runLedgerCmd(t, nil, "ledger", "migrate", "--ledger", url)
	require.Contains(t, res.stdout, "job queue migrated: 0 River migration(s) applied")
}
