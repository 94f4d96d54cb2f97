package cli

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	"github.com/parchment-sync/parchment-sync/queue"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Three worker processes share one ledger and thirty organisations: every
// job runs once, by one of them, and every person is created once.
func TestWorkersConverge(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{Latency: 10 * time.Millisecond})
	const orgs, people = 30, 4
	path, vars, names := f.clinics(orgs, people, "")

	// Two enqueues before any worker runs: the second finds every job
	// already waiting and inserts none.
	res := f.runWith(vars, "enqueue", "--config", path)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Equal(t, orgs, strings.Count(res.stdout, ": queued (job"), res.stdout)
	res = f.runWith(vars, "enqueue", "--config", path)
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Equal(t, orgs, strings.Count(res.stdout, "already queued or running"), res.stdout)

	workers := make([]*workerProc, 3)
	for i := range workers {
		workers[i] = f.startWorker(vars, "worker", "--config", path, "--workers", "2")
	}
	db := f.queueDB()
	jobs := f.waitJobs(db, 90*time.Second, allIn(orgs, "completed"))
	perWorker := map[string]int{}
	for _, j := range jobs {
		perWorker[j.Worker]++
		require.Equal(t, 1, j.Attempt, j.Name)
		require.Empty(t, j.LastError, j.Name)
		require.JSONEq(t, `"done"`, string(mustField(t, j.Output, "outcome")), j.Name)
	}
	t.Logf("jobs per worker: %v", perWorker)
	require.GreaterOrEqual(t, len(perWorker), 2, "the workers share the organisations")
	for _, n := range names {
		f.requireEachOnce(f.orgOf(n), rostertest.Staff(people))
		require.Len(t, f.applies(f.orgOf(n)), 1, "%s ran once", n)
	}

	for _, w := range workers {
		w.signal(syscall.SIGTERM)
	}
	for _, w := range workers {
		require.Equal(t, ExitOK, w.exit(30*time.Second), w.out.String())
	}
}

// A worker SIGKILLed mid-run loses its jobs to the others once River
// rescues them; the new runs resolve the dead runs' pending creates.
func TestWorkerTakeover(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{Latency: 100 * time.Millisecond})
	const orgs, people, rescue = 6, 16, 4 * time.Second
	path, vars, names := f.clinics(orgs, people, "    concurrency: 1\n")
	args := []string{"worker", "--config", path, "--workers", "2", "--job-timeout", rescue.String(), "--rescue-after", rescue.String()}
	byID := map[string]*workerProc{}
	for range 3 {
		w := f.startWorker(vars, args...)
		byID[w.id()] = w
	}
	res := f.runWith(vars, "enqueue", "--config", path)
	require.Equal(t, ExitOK, res.code, res.stderr)

	// A victim: a worker with a job running that has sent a create.
	db := f.queueDB()
	var victim string
	var lost []string
	f.waitJobs(db, 60*time.Second, func(jobs []queue.Job) bool {
		for _, j := range jobs {
			if j.State == "running" && len(f.server.Snapshot(f.orgOf(j.Name))) > 0 {
				victim = j.Worker
				break
			}
		}
		if victim == "" {
			return false
		}
		for _, j := range jobs {
			// Only a job that has sent something surely has its run on
			// record: another may be killed before its run began.
			if j.State == "running" && j.Worker == victim && len(f.server.Snapshot(f.orgOf(j.Name))) > 0 {
				lost = append(lost, j.Name)
			}
		}
		return true
	})
	leader := f.riverLeader()
	require.NoError(t, byID[victim].cmd.Process.Kill())
	died := time.Now()

	jobs := f.waitJobs(db, 120*time.Second, allIn(orgs, "completed"))
	var takeover time.Duration
	for _, j := range jobs {
		if !slices.Contains(lost, j.Name) {
			continue
		}
		require.NotEqual(t, victim, j.Worker, "%s finished elsewhere", j.Name)
		require.Positive(t, j.Rescues, "%s was rescued", j.Name)
		takeover = max(takeover, j.FinalizedAt.Sub(died))
		outcomes := []string{}
		for _, r := range f.applies(f.orgOf(j.Name)) {
			outcomes = append(outcomes, r.Outcome)
		}
		// The dead run is marked abandoned, unless it had just finished
		// when the kill came (its job not yet completed): either way no run
		// is left marked running.
		require.NotContains(t, outcomes, "running", "%s: no run is left running", j.Name)
		require.GreaterOrEqual(t, len(outcomes), 2, "%s: the dead worker's run and the rescuer's", j.Name)
	}
	t.Logf("takeover: %d organisation(s) running on the SIGKILLed worker (the leader: %t) finished on others %s after its death (--rescue-after %s)",
		len(lost), leader == victim, takeover.Round(100*time.Millisecond), rescue)
	for _, n := range names {
		f.requireEachOnce(f.orgOf(n), rostertest.Staff(people))
	}
}

// Three workers started alike: only the leader enqueues a schedule's
// jobs, one per tick.
func TestWorkerSchedule(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	path, vars, names := f.clinics(1, 3, "    schedule: \"@every 2s\"\n    timezone: Australia/Sydney\n")
	workers := make([]*workerProc, 3)
	for i := range workers {
		workers[i] = f.startWorker(vars, "worker", "--config", path, "--workers", "2")
	}
	db := f.queueDB()
	f.waitJobs(db, 60*time.Second, func(jobs []queue.Job) bool {
		done := 0
		for _, j := range jobs {
			if j.State == "completed" {
				done++
			}
		}
		return done >= 3
	})
	for _, w := range workers {
		w.signal(syscall.SIGTERM)
	}
	enqueuers := 0
	for _, w := range workers {
		require.Equal(t, ExitOK, w.exit(30*time.Second))
		if len(logLines(w.out.String(), "scheduled sync due: enqueuing")) > 0 {
			enqueuers++
		}
	}
	require.Equal(t, 1, enqueuers, "only the leader enqueues")

	jobs := f.waitJobs(db, time.Second, func([]queue.Job) bool { return true })
	sort.Slice(jobs, func(a, b int) bool { return jobs[a].ID < jobs[b].ID })
	completed := 0
	for i, j := range jobs {
		require.True(t, j.Scheduled, "job %d came from the schedule", j.ID)
		if j.State == "completed" {
			completed++
		}
		if i > 0 {
			gap := j.CreatedAt.Sub(jobs[i-1].CreatedAt)
			require.Greater(t, gap, 1500*time.Millisecond, "one job per tick: %s", describeJobs(jobs))
		}
	}
	require.Len(t, f.applies(f.orgOf(names[0])), completed, "each job ran once")
	f.requireEachOnce(f.orgOf(names[0]), rostertest.Staff(3))
}

// SIGTERM cuts a long sync off after the grace; its job is handed back
// without spending an attempt, and another worker finishes it.
func TestWorkerStopHandsBack(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{Latency: 100 * time.Millisecond})
	const people = 40
	path, vars, names := f.clinics(1, people, "    concurrency: 1\n")
	w := f.startWorker(vars, "worker", "--config", path, "--shutdown-grace", "300ms")
	w.id()
	res := f.runWith(vars, "enqueue", "--config", path)
	require.Equal(t, ExitOK, res.code, res.stderr)
	f.waitForCreates(2)

	w.signal(syscall.SIGTERM)
	require.Equal(t, ExitOK, w.exit(45*time.Second), w.out.String())
	db := f.queueDB()
	jobs := f.waitJobs(db, time.Second, func([]queue.Job) bool { return true })
	require.Len(t, jobs, 1)
	require.Equal(t, "available", jobs[0].State, describeJobs(jobs))
	require.Zero(t, jobs[0].Errors, "handing back is no failure")
	require.Zero(t, jobs[0].Attempt, "and spends no attempt")
	require.Equal(t, psync.OutcomeInterrupted, f.applies(f.orgOf(names[0]))[0].Outcome)
	require.Less(t, len(f.server.Snapshot(f.orgOf(names[0]))), people, "the run was cut off")

	next := f.runWorker(vars, "--config", path)
	f.waitJobs(db, 60*time.Second, allIn(1, "completed"))
	require.Equal(t, ExitOK, next.stop())
	f.requireEachOnce(f.orgOf(names[0]), rostertest.Staff(people))
}

func mustField(t *testing.T, raw []byte, key string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &m), string(raw))
	return m[key]
}
