package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	"github.com/parchment-sync/parchment-sync/queue"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// syncBuffer collects a worker's output while it still writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// logLines are the JSON log lines in out whose msg is msg.
func logLines(out, msg string) []map[string]any {
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
			lines = append(lines, line)
		}
	}
	return lines
}

// clinics writes n organisations with people each and a config file naming
// them (extra is added to every entry); vars are the workers' environment.
func (f *fixture) clinics(n, people int, extra string) (path string, vars map[string]string, names []string) {
	f.t.Helper()
	var cfg strings.Builder
	cfg.WriteString("defaults:\n  api_url: ${TEST_API}\n  ledger: ${TEST_LEDGER}\n  rate: 500\n  concurrency: 2\norganizations:\n")
	for i := range n {
		name := fmt.Sprintf("clinic-%02d", i)
		f.roster(name+".csv", rostertest.Staff(people))
		fmt.Fprintf(&cfg, "  - name: %s\n    organization_id: %s\n    csv: %s.csv\n%s", name, f.orgOf(name), name, extra)
		names = append(names, name)
	}
	path = filepath.Join(f.dir, "clinics.yaml")
	require.NoError(f.t, os.WriteFile(path, []byte(cfg.String()), 0o600))
	vars = map[string]string{
		fleet.EnvToken: testToken, fleet.EnvOrganizationSecret: parchmenttest.DefaultOrganizationSecret,
		"TEST_API": f.server.URL, "TEST_LEDGER": f.ledger,
	}
	return path, vars, names
}

// orgOf is the Parchment organisation id of the config's name.
func (f *fixture) orgOf(name string) string { return f.org + "-" + name }

// workerProc is a worker in its own process, so it can be killed.
type workerProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

func (f *fixture) startWorker(vars map[string]string, args ...string) *workerProc {
	f.t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	w := &workerProc{t: f.t, cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = w.out, w.out
	require.NoError(f.t, cmd.Start())
	go func() {
		_ = cmd.Wait()
		close(w.done)
	}()
	f.t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-w.done
		if f.t.Failed() {
			f.t.Logf("worker %d output:\n%s", cmd.Process.Pid, w.out.String())
		}
	})
	return w
}

// id waits for the worker to start and returns its River client id.
func (w *workerProc) id() string {
	w.t.Helper()
	var id string
	require.Eventually(w.t, func() bool {
		if lines := logLines(w.out.String(), "worker started"); len(lines) > 0 {
			id, _ = lines[0]["client_id"].(string)
		}
		return id != ""
	}, 30*time.Second, 20*time.Millisecond, "worker did not start:\n%s", w.out.String())
	return id
}

func (w *workerProc) signal(sig syscall.Signal) { require.NoError(w.t, w.cmd.Process.Signal(sig)) }

// exit waits for the process to end and returns its exit code.
func (w *workerProc) exit(within time.Duration) int {
	w.t.Helper()
	select {
	case <-w.done:
		return w.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		w.t.Fatalf("worker still running after %s:\n%s", within, w.out.String())
		return -1
	}
}

// inProcess is a worker run in the test's own process, stopped by
// cancelling its context as SIGTERM would.
type inProcess struct {
	cancel context.CancelFunc
	out    *syncBuffer
	code   chan int
	once   sync.Once
	exit   int
}

func (f *fixture) runWorker(vars map[string]string, args ...string) *inProcess {
	f.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &inProcess{cancel: cancel, out: &syncBuffer{}, code: make(chan int, 1)}
	go func() {
		w.code <- run(ctx, append([]string{"worker", "--log-format", "json"}, args...), func(k string) string { return vars[k] }, strings.NewReader(""), w.out, w.out)
	}()
	f.t.Cleanup(func() {
		if w.stop() != ExitOK || f.t.Failed() {
			f.t.Logf("worker output:\n%s", w.out.String())
		}
	})
	return w
}

// stop ends the worker and returns its exit code (-1 if it hangs).
func (w *inProcess) stop() int {
	w.once.Do(func() {
		w.cancel()
		select {
		case w.exit = <-w.code:
		case <-time.After(60 * time.Second):
			w.exit = -1
		}
	})
	return w.exit
}

// queueDB opens the queue in the fixture's ledger, migrating it if need be.
func (f *fixture) queueDB() *queue.DB {
	f.t.Helper()
	ctx := context.Background()
	_, err := ledger.Migrate(ctx, f.ledger, nil)
	require.NoError(f.t, err)
	db, err := queue.Open(ctx, f.ledger)
	require.NoError(f.t, err)
	f.t.Cleanup(db.Close)
	_, err = db.Migrate(ctx, nil)
	require.NoError(f.t, err)
	return db
}

// waitJobs polls the queue's jobs until ok says so, and returns them.
func (f *fixture) waitJobs(db *queue.DB, within time.Duration, ok func([]queue.Job) bool) []queue.Job {
	f.t.Helper()
	var jobs []queue.Job
	deadline := time.Now().Add(within)
	for {
		var err error
		jobs, err = db.Jobs(context.Background(), nil, 1000)
		require.NoError(f.t, err)
		if ok(jobs) {
			return jobs
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("jobs not as expected after %s: %s", within, describeJobs(jobs))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func describeJobs(jobs []queue.Job) string {
	var b strings.Builder
	for _, j := range jobs {
		fmt.Fprintf(&b, "\n  %s #%d %s attempt %d/%d rescues %d snoozes %d worker %s error %q", j.Name, j.ID, j.State, j.Attempt, j.MaxAttempts, j.Rescues, j.Snoozes, j.Worker, j.LastError)
	}
	return b.String()
}

// allIn reports whether there are n jobs, all in state.
func allIn(n int, state string) func([]queue.Job) bool {
	return func(jobs []queue.Job) bool {
		if len(jobs) != n {
			return false
		}
		for _, j := range jobs {
			if j.State != state {
				return false
			}
		}
		return true
	}
}

// applies are the organisation's apply runs in the ledger, newest first.
func (f *fixture) applies(orgID string) []psync.Run {
	f.t.Helper()
	store, err := ledger.Open(context.Background(), f.ledger, nil)
	require.NoError(f.t, err)
	defer store.Close()
	runs, err := store.Runs(context.Background(), ledger.RunFilter{OrganizationID: orgID, Limit: 1000})
	require.NoError(f.t, err)
	return runs
}

// requireEachOnce checks that each person is in Parchment exactly once.
func (f *fixture) requireEachOnce(orgID string, people []rostertest.Person) {
	f.t.Helper()
	seen := map[string]int{}
	for _, u := range f.server.Snapshot(orgID) {
		seen[u.ExternalUserID]++
	}
	for _, p := range people {
		require.Equal(f.t, 1, seen[p.ID], "%s: Parchment users for %s", orgID, p.ID)
	}
	require.Len(f.t, seen, len(people), orgID)
}

// riverLeader is the River client id of the workers' elected leader, or "".
func (f *fixture) riverLeader() string {
	f.t.Helper()
	conn, err := pgx.Connect(context.Background(), f.ledger)
	require.NoError(f.t, err)
	defer conn.Close(context.Background())
	var id string
	_ = conn.QueryRow(context.Background(), "SELECT leader_id FROM river_leader").Scan(&id)
	return id
}
