package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	"github.com/parchment-sync/parchment-sync/queue"
)

// Enqueuing an organisation already waiting or running inserts nothing;
// once its job has finished, a new one is queued.
func TestEnqueueTwiceRunsOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{Latency: 50 * time.Millisecond})
	const people = 20
	path, vars, names := f.clinics(2, people, "    concurrency: 1\n")
	org := names[0]

	res := f.runWith(vars, "enqueue", "--config", path, "--org", org, "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	var first struct{ Jobs []queue.Enqueued }
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &first))
	require.Len(t, first.Jobs, 1)
	require.False(t, first.Jobs[0].Duplicate)
	res = f.runWith(vars, "enqueue", "--config", path, "--org", org)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, org+": already queued or running")

	db := f.queueDB()
	w := f.runWorker(vars, "--config", path)
	f.waitJobs(db, 30*time.Second, func(jobs []queue.Job) bool { return len(jobs) == 1 && jobs[0].State == "running" })
	// While it runs.
	res = f.runWith(vars, "enqueue", "--config", path, "--org", org)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, "already queued or running", res.stdout)
	f.waitJobs(db, 60*time.Second, allIn(1, "completed"))
	require.Len(t, f.applies(f.orgOf(org)), 1, "two enqueues, one run")

	// Finished: a new enqueue is a new job, and a new (idle) run.
	res = f.runWith(vars, "enqueue", "--config", path, "--org", org)
	require.Contains(t, res.stdout, org+": queued (job")
	jobs := f.waitJobs(db, 60*time.Second, allIn(2, "completed"))
	require.Equal(t, ExitOK, w.stop())
	require.Len(t, f.applies(f.orgOf(org)), 2)
	f.requireEachOnce(f.orgOf(org), rostertest.Staff(people))
	require.Empty(t, f.server.Snapshot(f.orgOf(names[1])), "an organisation never enqueued is not synced")

	// jobs lists them, newest first, with the run each made.
	res = f.runWith(vars, "jobs", "--config", path, "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	var listed struct {
		Jobs []map[string]any `json:"jobs"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &listed))
	require.Len(t, listed.Jobs, 2)
	for _, key := range []string{"id", "name", "state", "attempt", "max_attempts", "worker", "created_at", "attempted_at", "finalized_at", "last_error", "output"} {
		require.Contains(t, listed.Jobs[0], key)
	}
	require.Equal(t, float64(jobs[0].ID), listed.Jobs[0]["id"])
	require.Greater(t, listed.Jobs[0]["id"], listed.Jobs[1]["id"])
	out := listed.Jobs[1]["output"].(map[string]any)
	require.Equal(t, "done", out["outcome"])
	require.Equal(t, float64(people), out["counts"].(map[string]any)["create"])

	res = f.runWith(map[string]string{fleet.EnvLedgerURL: f.ledger}, "jobs", "--org", org)
	require.Equal(t, ExitOK, res.code, res.stderr)
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	require.Len(t, lines, 3, res.stdout)
	require.Contains(t, lines[0], "LAST ERROR")
	require.Contains(t, lines[1], "completed")
	require.NotContains(t, res.stdout, testToken)
}

// A job that meets its organisation locked by a manual run waits (is
// snoozed, spending no attempt), then runs.
func TestLockedOrgSnoozes(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	path, vars, names := f.clinics(1, 3, "")
	store, err := ledger.Open(context.Background(), f.ledger, nil)
	require.NoError(t, err)
	defer store.Close()
	unlock, err := store.Lock(context.Background(), f.orgOf(names[0]))
	require.NoError(t, err)

	res := f.runWith(vars, "enqueue", "--config", path)
	require.Equal(t, ExitOK, res.code, res.stderr)
	db := f.queueDB()
	w := f.runWorker(vars, "--config", path, "--locked-snooze", "300ms")
	f.waitJobs(db, 30*time.Second, func(jobs []queue.Job) bool { return len(jobs) == 1 && jobs[0].Snoozes >= 2 })
	require.Empty(t, f.applies(f.orgOf(names[0])), "a locked run records nothing")
	require.NoError(t, unlock(context.Background()))

	jobs := f.waitJobs(db, 30*time.Second, allIn(1, "completed"))
	require.Equal(t, ExitOK, w.stop())
	require.Equal(t, 1, jobs[0].Attempt, "snoozes spend no attempt")
	require.Zero(t, jobs[0].Errors)
	f.requireEachOnce(f.orgOf(names[0]), rostertest.Staff(3))
}

// What will not heal is not retried for ever: rejected credentials (exit 3)
// are discarded after MaxAttempts, a missing roster (exit 2) is cancelled
// at once; both keep their reason.
func TestWorkerGivesUp(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	path, vars, names := f.clinics(2, 2, "")
	cfg, err := os.ReadFile(path)
	require.NoError(t, err)
	cfg = []byte(strings.Replace(string(cfg), "    csv: clinic-00.csv\n", "    csv: clinic-00.csv\n    organization_secret_env: WRONG_SECRET\n", 1))
	require.NoError(t, os.WriteFile(path, cfg, 0o600))
	vars["WRONG_SECRET"] = "not-the-secret"
	require.NoError(t, os.Remove(filepath.Join(f.dir, "clinic-01.csv")))

	res := f.runWith(vars, "enqueue", "--config", path)
	require.Equal(t, ExitOK, res.code, res.stderr)
	db := f.queueDB()
	w := f.runWorker(vars, "--config", path)
	jobs := f.waitJobs(db, 60*time.Second, func(jobs []queue.Job) bool {
		return len(jobs) == 2 && jobs[0].State == "discarded" && jobs[1].State == "cancelled"
	})
	require.Equal(t, ExitOK, w.stop())
	rejected, missing := jobs[0], jobs[1]
	require.Equal(t, names[0], rejected.Name)
	require.Equal(t, queue.MaxAttempts, rejected.Attempt)
	require.Equal(t, queue.MaxAttempts, rejected.Errors)
	require.Contains(t, rejected.LastError, "exit 3")
	require.NotContains(t, rejected.LastError, "not-the-secret")
	require.Len(t, f.applies(f.orgOf(names[0])), queue.MaxAttempts, "each attempt is a recorded run")
	require.Equal(t, 1, missing.Attempt)
	require.Contains(t, missing.LastError, "exit 2")
	require.Contains(t, missing.LastError, "clinic-01.csv")
}
