package pacebench_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/pacebench"
	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

const (
	// token is the static bearer token the stand-in accepts: no token
	// exchange, so every request the stand-in counts is the roster's.
	token = "pacebench-token"
	org   = "pacebench-org"
	// envTrace names a folder that receives each run's decisions and the
	// binary's debug log, for reading where the time went.
	envTrace = "BENCH_PACING_TRACE"
)

// world is one sub-benchmark: the stand-in's limit and latency, the
// binary's --rate and ledger, and the roster.
type world struct {
	limit   float64
	burst   int
	latency time.Duration
	jitter  float64 // --latency-jitter: uniform ± this fraction
	rate    string  // --rate
	ledger  string  // "sqlite" or "postgres"
	rows    int
	changes []limitChange // from the first request on
}

// limitChange sets the organisation's limit at after.
type limitChange struct {
	after time.Duration
	limit float64
}

// run is what one apply did, seen from the stand-in.
type run struct {
	decisions []pacebench.Decision
	wall      time.Duration // the command, start to exit
	cpu       time.Duration // its user and system time
}

// build compiles the binary once per benchmark.
func build(b *testing.B) string {
	b.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		b.Fatalf("go env GOMOD: %v", err)
	}
	bin := filepath.Join(b.TempDir(), "parchment-sync")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/parchment-sync")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, msg)
	}
	return bin
}

// ledgerURL is a new, empty ledger for one run.
func ledgerURL(b *testing.B, kind string) string {
	b.Helper()
	if kind == "postgres" {
		return pgtest.URL(b) // skips without PARCHMENT_TEST_DATABASE_URL
	}
	return "sqlite:" + filepath.Join(b.TempDir(), "ledger.db")
}

// roster writes rostertest.Staff(n) as a CSV file.
func roster(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "roster.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if err := rostertest.WriteCSV(f, n); err != nil {
		b.Fatal(err)
	}
	return path
}

// apply runs the binary's apply of the roster against a new stand-in and
// checks its result: every row created once, nothing failed.
func apply(b *testing.B, bin, csv string, w world, traceDir string) run {
	b.Helper()
	ledger := ledgerURL(b, w.ledger)
	s := parchmenttest.New(parchmenttest.Config{
		Token: token, Rate: w.limit, Burst: w.burst, Latency: w.latency, LatencyJitter: w.jitter,
		Seed: uint64(time.Now().UnixNano()),
	})
	var trace *pacebench.Trace
	trace = pacebench.NewTrace(func() {
		for _, ch := range w.changes {
			time.AfterFunc(ch.after, func() { s.SetRate(org, ch.limit, w.burst) })
		}
	})
	ts := httptest.NewServer(trace.Wrap(s))
	defer ts.Close()

	dir := b.TempDir()
	report := filepath.Join(dir, "report.json")
	stdout, err := os.Create(report)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = stdout.Close() }()
	logLevel, stderr := "warn", &strings.Builder{}
	cmd := exec.Command(bin, "apply", "--csv", csv, "--organization-id", org,
		"--api-url", ts.URL+parchmenttest.PathPrefix, "--rate", w.rate, "--concurrency", "8",
		"--output", "json", "--log-format", "text")
	if traceDir != "" {
		logLevel = "debug"
	}
	cmd.Args = append(cmd.Args, "--log-level", logLevel)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"XDG_STATE_HOME=" + dir,
		"PARCHMENT_TOKEN=" + token,
		"PARCHMENT_ORGANIZATION_SECRET=" + parchmenttest.DefaultOrganizationSecret,
		"PARCHMENT_LEDGER_URL=" + ledger,
	}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	began := time.Now()
	err = cmd.Run()
	r := run{decisions: trace.Decisions(), wall: time.Since(began)}
	if cmd.ProcessState != nil {
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if traceDir != "" {
		writeTrace(b, traceDir, w, r, stderr.String())
	}
	if err != nil {
		b.Fatalf("apply: %v\n%s", err, tail(stderr.String()))
	}
	checkReport(b, report, w.rows)
	// A fast but wrong run must not report figures.
	if got := len(s.Snapshot(org)); got != w.rows {
		b.Fatalf("the stand-in holds %d users, want %d", got, w.rows)
	}
	return r
}

// checkReport wants a done apply that created every row.
func checkReport(b *testing.B, path string, rows int) {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var rep struct {
		Outcome string         `json:"outcome"`
		Counts  map[string]int `json:"counts"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		b.Fatalf("reading the JSON report: %v", err)
	}
	if rep.Outcome != "done" || rep.Counts["create"] != rows {
		b.Fatalf("report: outcome %q, counts %v; want done and %d creates", rep.Outcome, rep.Counts, rows)
	}
}

// writeTrace keeps one run's decisions (seconds and status, one a line)
// and the binary's log.
func writeTrace(b *testing.B, dir string, w world, r run, log string) {
	b.Helper()
	name := strings.NewReplacer("/", "_", " ", "_").Replace(b.Name()) + "-" + time.Now().Format("150405.000")
	var sb strings.Builder
	for _, d := range r.decisions {
		fmt.Fprintf(&sb, "%.3f %d\n", d.At.Seconds(), d.Status)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	for file, text := range map[string]string{name + ".decisions": sb.String(), name + ".log": log} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// tail is the end of a command's stderr.
func tail(s string) string {
	const keep = 4 << 10
	if len(s) > keep {
		return "…" + s[len(s)-keep:]
	}
	return s
}
