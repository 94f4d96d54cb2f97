//go:build unix

package membench

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
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
	// launcher starts every measured command.
	launcher *launcher
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
	l, err := startLauncher(h.build(tb, "./internal/membench/launcher", "launcher"))
	if err != nil {
		tb.Fatalf("starting the launcher: %v", err)
	}
	h.launcher = l
	tb.Cleanup(l.stop)
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
	// Static, as deployed (samples/deploy): a dynamically linked binary
	// also pays for the dynamic loader and glibc's thread set-up, about
	// 4.5 MB of RSS and a few ms of CPU a run.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
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
	return h.cached(fmt.Sprintf("roster-%d-%s.csv", n, seedVersion), func(w io.Writer) error { return rostertest.WriteCSV(w, n) })
}

// cached returns the path of the roster name in the cache, written by
// write the first time.
func (h *harness) cached(name string, write func(io.Writer) error) (string, error) {
	path := filepath.Join(h.cache, name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := writeAtomic(path, write); err != nil {
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
	// floorKB is the launcher's own high-water RSS: peakKB cannot read
	// lower, so a peak at the floor says only "at most this".
	floorKB int64
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

// launcher runs commands for the harness (see launcher/main.go): their
// peak RSS then starts from the launcher's few MB, not from this
// process's high-water mark.
type launcher struct {
	mu  gosync.Mutex
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

// launchRequest and launchResult are launcher's Request and Result.
type launchRequest struct {
	Path   string   `json:"path"`
	Args   []string `json:"args"`
	Env    []string `json:"env"`
	Stdout string   `json:"stdout"`
}

type launchResult struct {
	MaxRSSKB int64  `json:"maxrss_kb"`
	CPUNanos int64  `json:"cpu_ns"`
	WallNs   int64  `json:"wall_ns"`
	Exit     int    `json:"exit"`
	Error    string `json:"error"`
	Stderr   string `json:"stderr"`
	FloorKB  int64  `json:"floor_kb"`
}

func startLauncher(path string) (*launcher, error) {
	cmd := exec.Command(path)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	return &launcher{cmd: cmd, in: in, out: sc}, nil
}

func (l *launcher) stop() {
	_ = l.in.Close()
	_ = l.cmd.Wait()
}

// run waits for the child's run through the launcher and reads its
// rusage. A non-zero exit is an error carrying the tail of its stderr.
// The context is not passed on: an interrupted benchmark ends the
// launcher, and with it the command, when its cleanup closes the pipe.
func (h *harness) run(c child, stateDir string) (usage, error) {
	l := h.launcher
	l.mu.Lock()
	defer l.mu.Unlock()
	req, err := json.Marshal(launchRequest{Path: c.bin, Args: c.args, Env: c.env(stateDir), Stdout: c.stdout})
	if err != nil {
		return usage{}, err
	}
	if _, err := l.in.Write(append(req, '\n')); err != nil {
		return usage{}, fmt.Errorf("launcher: %w", err)
	}
	if !l.out.Scan() {
		return usage{}, fmt.Errorf("launcher ended: %v", l.out.Err())
	}
	var res launchResult
	if err := json.Unmarshal(l.out.Bytes(), &res); err != nil {
		return usage{}, fmt.Errorf("launcher: %w", err)
	}
	u := usage{peakKB: res.MaxRSSKB, cpu: time.Duration(res.CPUNanos), wall: time.Duration(res.WallNs), floorKB: res.FloorKB}
	if res.Error != "" || res.Exit != 0 {
		return u, fmt.Errorf("%s %s: exit %d: %s\n%s", filepath.Base(c.bin), strings.Join(c.args, " "), res.Exit, res.Error, res.Stderr)
	}
	return u, nil
}

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
