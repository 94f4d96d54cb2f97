//go:build unix

package membench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

const (
	// token is the static bearer token the stand-in accepts; with a static
	// token the client exchanges nothing, so an idle apply sends nothing.
	token = "membench-token"
	// org is the one organisation every run syncs.
	org = "membench-org"
	// seedVersion is part of every cache key: bump it when the roster
	// generator or the way ledgers are seeded changes.
	seedVersion = "v1"

	envMemoryRows = "BENCH_MEMORY_ROWS" // validate, plan, idle apply 1M
	envIdleRows   = "BENCH_IDLE_ROWS"   // the CPU-per-row idle applies
	envReseed     = "BENCH_MEMORY_RESEED"
	envProfileDir = "BENCH_PROFILE_DIR"

	defaultMemoryRows = 1_000_000
	defaultIdleRows   = 100_000
)

// harness is what every measurement needs: the binaries, built once, and
// the cache folder.
type harness struct {
	root   string // the module's root
	bin    string // parchment-sync, built from root
	floor  string // csvfloor
	cache  string // root/.tmp/membench
	key    string // seedVersion and the migrations' hash
	tmp    string // removed when the benchmark ends
	reseed bool
}

func newHarness(tb testing.TB) *harness {
	tb.Helper()
	root := moduleRoot(tb)
	h := &harness{
		root: root, cache: filepath.Join(root, ".tmp", "membench"), tmp: tb.TempDir(),
		reseed: os.Getenv(envReseed) != "",
	}
	if err := os.MkdirAll(h.cache, 0o755); err != nil {
		tb.Fatal(err)
	}
	h.key = seedVersion + "-" + migrationsHash(tb, filepath.Join(root, "migrations"))
	h.bin = h.build(tb, "./cmd/parchment-sync", "parchment-sync")
	h.floor = h.build(tb, "./internal/membench/csvfloor", "csvfloor")
	return h
}

// moduleRoot is the folder holding go.mod.
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		tb.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		tb.Fatal("not inside a Go module")
	}
	return filepath.Dir(gomod)
}

func (h *harness) build(tb testing.TB, pkg, name string) string {
	tb.Helper()
	out := filepath.Join(h.tmp, name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = h.root
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// migrationsHash names the ledger schema a cached ledger was seeded
// under: a new migration makes new seeds rather than letting the measured
// run migrate an old one.
func migrationsHash(tb testing.TB, dir string) string {
	tb.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s %d\n", rel, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		tb.Fatalf("hashing %s: %v", dir, err)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// roster returns the path of the canonical roster rostertest.Staff(n)
// would give, written once into the cache.
func (h *harness) roster(n int) (string, error) {
	path := filepath.Join(h.cache, fmt.Sprintf("roster-%d-%s.csv", n, seedVersion))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	err := writeAtomic(path, func(w io.Writer) error { return rostertest.WriteCSV(w, n) })
	if err != nil {
		return "", fmt.Errorf("writing the roster: %w", err)
	}
	return path, nil
}

// writeAtomic writes path through a temporary file, so an interrupted
// write never leaves a truncated roster in the cache.
func writeAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".partial-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	if err := write(f); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// usage is what one child process cost.
type usage struct {
	peakKB int64 // maximum resident set size (Linux reports KiB)
	cpu    time.Duration
	wall   time.Duration
}

// child is one command line for the binary, with its ledger.
type child struct {
	bin    string
	args   []string
	ledger string // PARCHMENT_LEDGER_URL; kept out of argv (it may hold a password)
	// stdout receives the command's standard output; the report is read
	// from it afterwards.
	stdout string
}

// env is the child's whole environment: nothing of the caller's leaks in
// (no PARCHMENT_* or DATABASE_URL) except the Go runtime's own knobs.
func (c child) env(stateDir string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"XDG_STATE_HOME=" + stateDir,
		"PARCHMENT_TOKEN=" + token,
		"PARCHMENT_ORGANIZATION_SECRET=" + parchmenttest.DefaultOrganizationSecret,
	}
	if c.ledger != "" {
		env = append(env, "PARCHMENT_LEDGER_URL="+c.ledger)
	}
	for _, k := range []string{"GOGC", "GOMEMLIMIT", "GODEBUG", "GOMAXPROCS"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// run starts the child, waits for it and reads its rusage. A non-zero exit
// is an error carrying the tail of its stderr.
func (c child) run(ctx context.Context, stateDir string) (usage, error) {
	out, err := os.Create(c.stdout)
	if err != nil {
		return usage{}, err
	}
	defer func() { _ = out.Close() }()
	var stderr tailBuffer
	cmd := exec.CommandContext(ctx, c.bin, c.args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = c.env(stateDir), out, &stderr
	began := time.Now()
	err = cmd.Run()
	wall := time.Since(began)
	if cmd.ProcessState == nil {
		return usage{}, err
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return usage{}, errors.New("no rusage for the child on this system")
	}
	u := usage{peakKB: ru.Maxrss, cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), wall: wall}
	if err != nil {
		return u, fmt.Errorf("%s %s: %w\n%s", filepath.Base(c.bin), strings.Join(c.args, " "), err, stderr.String())
	}
	return u, nil
}

// tailBuffer keeps the last 8 KiB written: enough of a failing child's
// stderr to say why, however much it logged.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	const keep = 8 << 10
	t.b = append(t.b, p...)
	if len(t.b) > keep {
		t.b = append(t.b[:0], t.b[len(t.b)-keep:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// standIn serves an empty in-process Parchment stand-in, with no latency
// and no limit, until stop.
func standIn() (srv *parchmenttest.Server, stop func()) {
	srv = parchmenttest.New(parchmenttest.Config{Token: token})
	ts := httptest.NewServer(srv)
	srv.URL = ts.URL + parchmenttest.PathPrefix
	return srv, ts.Close
}

// syncReport is the part of plan's and apply's JSON report checked.
type syncReport struct {
	Outcome  string         `json:"outcome"`
	Counts   map[string]int `json:"counts"`
	Requests map[string]int `json:"requests"`
	Error    string         `json:"error"`
}

func readSyncReport(path string) (syncReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return syncReport{}, err
	}
	defer func() { _ = f.Close() }()
	var r syncReport
	if err := json.NewDecoder(f).Decode(&r); err != nil {
		return syncReport{}, fmt.Errorf("reading the JSON report: %w", err)
	}
	return r, nil
}

// only says whether every count is zero but action's, which is n.
func (r syncReport) only(action string, n int) error {
	if r.Counts[action] != n {
		return fmt.Errorf("counts %v: want only %s %d", r.Counts, action, n)
	}
	for k, v := range r.Counts {
		if k != action && v != 0 {
			return fmt.Errorf("counts %v: want only %s %d", r.Counts, action, n)
		}
	}
	return nil
}

// idle checks an apply that should have sent nothing.
func (r syncReport) idle(n int) error {
	if err := r.only("unchanged", n); err != nil {
		return fmt.Errorf("not idle: %w", err)
	}
	if len(r.Requests) > 0 {
		return fmt.Errorf("not idle: the report counts requests %v", r.Requests)
	}
	if r.Outcome != "done" {
		return fmt.Errorf("outcome %q, not done: %s", r.Outcome, r.Error)
	}
	return nil
}

// label names a row count in a sub-benchmark's name: 1M, 100k, 2500.
func label(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// rowsFrom reads a row count from the environment.
func rowsFrom(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a positive row count", name, v)
	}
	return n
}

// copyDir copies the regular files of src (a seeded ledger and whatever
// SQLite keeps beside it) into dst.
func copyDir(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// jsonFile writes v as indented JSON, for the seed's notes in the cache.
func jsonFile(path string, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
