package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

const testToken = "cli-test-token"

type fixture struct {
	t      *testing.T
	dir    string
	ledger string
	server *parchmenttest.Server
	org    string
}

func setup(t *testing.T, server parchmenttest.Config) *fixture {
	t.Helper()
	server.Token = testToken
	return &fixture{
		t: t, dir: t.TempDir(), ledger: pgtest.URL(t),
		server: parchmenttest.Start(t, server), org: "org-" + strings.ReplaceAll(t.Name(), "/", "-"),
	}
}

func (f *fixture) env() map[string]string {
	return map[string]string{
		fleet.EnvToken:              testToken,
		fleet.EnvOrganizationSecret: parchmenttest.DefaultOrganizationSecret,
		fleet.EnvAPIURL:             f.server.URL,
		fleet.EnvOrganizationID:     f.org,
		fleet.EnvLedgerURL:          f.ledger,
	}
}

func (f *fixture) roster(name string, people []rostertest.Person) string {
	f.t.Helper()
	path := filepath.Join(f.dir, name)
	require.NoError(f.t, os.WriteFile(path, []byte(rostertest.CSV(people)), 0o600))
	return path
}

type result struct {
	code           int
	stdout, stderr string
}

// run invokes the command in-process with the fixture's environment.
func (f *fixture) run(args ...string) result {
	f.t.Helper()
	return f.runWith(f.env(), args...)
}

func (f *fixture) runWith(vars map[string]string, args ...string) result {
	f.t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return vars[k] }, strings.NewReader(""), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// start runs the command as a separate process.
func (f *fixture) start(args ...string) (*exec.Cmd, *bytes.Buffer) {
	f.t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	for k, v := range f.env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(f.t, cmd.Start())
	return cmd, &out
}

func (f *fixture) waitForCreates(n int) {
	f.t.Helper()
	require.Eventually(f.t, func() bool { return f.server.Counters().Creates >= n }, 30*time.Second, 5*time.Millisecond)
}

func (f *fixture) requireOnePerPerson(people []rostertest.Person) {
	f.t.Helper()
	seen := map[string]int{}
	for _, u := range f.server.Snapshot(f.org) {
		seen[u.ExternalUserID]++
	}
	for _, p := range people {
		require.Equal(f.t, 1, seen[p.ID], "Parchment users for %s", p.ID)
	}
	require.Len(f.t, seen, len(people))
}

func decodeReport(t *testing.T, stdout string) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	return out
}

func TestApplyJSONReport(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(5)
	csv := f.roster("roster.csv", people)

	plan := f.run("plan", "--csv", csv, "--output", "json")
	require.Equal(t, ExitOK, plan.code, plan.stderr)
	require.Zero(t, f.server.Counters().Creates)

	res := f.run("apply", "--csv", csv, "--output", "json", "--rate", "500", "--concurrency", "3")
	require.Equal(t, ExitOK, res.code, res.stderr)
	report := decodeReport(t, res.stdout)
	for _, key := range []string{"mode", "organization_id", "run_id", "counts", "failures"} {
		require.Contains(t, report, key)
	}
	require.Equal(t, "apply", report["mode"])
	require.Equal(t, f.org, report["organization_id"])
	require.Equal(t, map[string]any{
		"create": 5.0, "adopt": 0.0, "update": 0.0, "enable": 0.0, "disable": 0.0,
		"unchanged": 0.0, "manual": 0.0, "orphaned": 0.0, "invalid": 0.0, "failed": 0.0,
	}, report["counts"])
	require.Equal(t, []any{}, report["failures"])
	require.NotContains(t, res.stderr, testToken, "secrets never reach the logs")
	require.NotContains(t, res.stderr, "1970-01-02", "dates of birth never reach the logs")
}

func TestInvalidRowsExitOneAndTheRestSync(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	people := rostertest.Staff(4)
	people[1].Email = "not-an-email"
	res := f.run("apply", "--csv", f.roster("roster.csv", people), "--output", "json", "--rate", "500")
	require.Equal(t, ExitFailures, res.code, res.stderr)
	report := decodeReport(t, res.stdout)
	require.Equal(t, 3.0, report["counts"].(map[string]any)["create"])
	failure := report["failures"].([]any)[0].(map[string]any)
	require.Equal(t, "EMP0001", failure["external_user_id"])
	require.Equal(t, 3.0, failure["line"])
	require.Equal(t, "email", failure["field"])
}

func TestUsageAndConfigurationExitTwo(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(1))
	for name, args := range map[string][]string{
		"unknown flag":   {"apply", "--csv", csv, "--nope"},
		"no source":      {"apply"},
		"missing file":   {"apply", "--csv", filepath.Join(f.dir, "absent.csv")},
		"bad output":     {"plan", "--csv", csv, "--output", "yaml"},
		"http elsewhere": {"apply", "--csv", csv, "--api-url", "http://parchment.example/external"},
		"empty roster":   {"apply", "--csv", f.roster("empty.csv", nil)},
	} {
		res := f.run(args...)
		require.Equal(t, ExitUsage, res.code, "%s: %s", name, res.stderr)
	}
	require.Empty(t, f.server.Counters().Requests, "nothing is sent")
}

func TestRejectedCredentialsExitThree(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	f.server.RejectTokens(true)
	res := f.run("apply", "--csv", f.roster("roster.csv", rostertest.Staff(20)), "--concurrency", "2", "--rate", "500")
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.LessOrEqual(t, f.server.Counters().Requests["create"], 2)
}

func TestUnreachableLedgerExitsThree(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	res := f.run("plan", "--csv", f.roster("roster.csv", rostertest.Staff(1)), "--output", "json",
		"--ledger", "postgres://nobody:hunter2@127.0.0.1:1/none?connect_timeout=2")
	require.Equal(t, ExitAborted, res.code, res.stderr)
	require.NotContains(t, res.stderr, "hunter2")
	require.NotContains(t, res.stdout, "hunter2")
	require.Equal(t, "not_started", decodeReport(t, res.stdout)["outcome"])
}

func TestOverlappingRunExits75(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{Latency: 100 * time.Millisecond})
	csv := f.roster("roster.csv", rostertest.Staff(30))
	first, out := f.start("apply", "--csv", csv, "--concurrency", "1", "--rate", "500")
	f.waitForCreates(1)

	second := f.run("apply", "--csv", csv, "--output", "json")
	require.Equal(t, ExitLocked, second.code, second.stderr)
	require.Contains(t, second.stderr, "another run holds the organisation")
	report := decodeReport(t, second.stdout)
	require.Equal(t, "not_started", report["outcome"], "scripts get one JSON object whatever the exit code")
	require.Contains(t, report["error"], "another run holds the organisation")

	require.NoError(t, first.Process.Signal(syscall.SIGTERM))
	err := first.Wait()
	require.Error(t, err, "an interrupted run does not exit 0")
	require.Equal(t, ExitAborted, first.ProcessState.ExitCode(), out.String())

	// The interrupted run recorded what it did; a re-run finishes the job.
	rerun := f.run("apply", "--csv", csv, "--rate", "500")
	require.Equal(t, ExitOK, rerun.code, rerun.stderr)
}

func TestKilledApplyCreatesNobodyTwice(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{Latency: 20 * time.Millisecond})
	people := rostertest.Staff(60)
	csv := f.roster("roster.csv", people)

	for _, after := range []int{5, 25} {
		child, _ := f.start("apply", "--csv", csv, "--concurrency", "4", "--rate", "500")
		f.waitForCreates(after)
		require.NoError(t, child.Process.Kill())
		_ = child.Wait()
	}
	store, err := ledger.Open(context.Background(), f.ledger, nil)
	require.NoError(t, err)
	defer store.Close()
	entries, err := store.Entries(context.Background(), f.org)
	require.NoError(t, err)
	pending := 0
	for _, e := range entries {
		if e.State == psync.StatePending {
			pending++
		}
	}
	t.Logf("after two kills: %d users in Parchment, %d ledger entries, %d pending", len(f.server.Snapshot(f.org)), len(entries), pending)

	res := f.run("apply", "--csv", csv, "--output", "json", "--rate", "500")
	require.Equal(t, ExitOK, res.code, res.stderr+res.stdout)
	f.requireOnePerPerson(people)

	idle := f.run("apply", "--csv", csv, "--output", "json")
	require.Equal(t, ExitOK, idle.code)
	require.Equal(t, 60.0, decodeReport(t, idle.stdout)["counts"].(map[string]any)["unchanged"])
}
