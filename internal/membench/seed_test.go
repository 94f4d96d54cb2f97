//go:build unix

package membench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
)

// seedNotes is kept beside a cached ledger: how it was made, and proof
// that its seeding finished (the folder is renamed into place after it).
type seedNotes struct {
	Rows       int       `json:"rows"`
	Key        string    `json:"key"`
	SeededAt   time.Time `json:"seeded_at"`
	WallSecond float64   `json:"wall_seconds"`
	CPUSeconds float64   `json:"cpu_seconds"`
	PeakMB     float64   `json:"peak_mb"`
}

// seed syncs the n rows of roster into the ledger by a real apply of the
// binary against an empty stand-in, with no latency, no limit on either
// side and 16 workers, and checks that every row was created.
func (h *harness) seed(ledger, roster string, n int) (usage, error) {
	srv, stop := standIn()
	defer stop()
	report := filepath.Join(h.tmp, fmt.Sprintf("seed-%d-report.json", n))
	defer func() { _ = os.Remove(report) }()
	c := child{bin: h.bin, ledger: ledger, stdout: report, args: []string{
		"apply", "--csv", roster, "--api-url", srv.URL, "--organization-id", org,
		"--rate", "1000000", "--burst", "1000", "--concurrency", "16",
		"--output", "json", "--log-level", "error",
	}}
	u, err := h.run(c, h.tmp)
	if err != nil {
		return u, fmt.Errorf("seeding apply: %w", err)
	}
	r, err := readSyncReport(report)
	if err != nil {
		return u, err
	}
	if err := r.only("create", n); err != nil {
		return u, fmt.Errorf("seeding apply: %w", err)
	}
	if got := srv.Counters().Creates; got != n {
		return u, fmt.Errorf("seeding apply: the stand-in made %d users, want %d", got, n)
	}
	return u, nil
}

// sqliteSeed returns the cached folder holding a SQLite ledger in which
// the n rows of roster are synced, seeding it first if there is none. It
// is seeded on tmpfs when /dev/shm exists: the ledger syncs every commit
// (synchronous=FULL), which on a disk makes two million commits take
// far longer than the work being set up. The result is the same file.
func (h *harness) sqliteSeed(roster string, n int, logf func(string, ...any)) (string, error) {
	dir := filepath.Join(h.cache, fmt.Sprintf("seed-sqlite-%d-%s", n, h.key))
	notes := filepath.Join(dir, "seed.json")
	if _, err := os.Stat(notes); err == nil && !h.reseed {
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	base := h.tmp
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		base = "/dev/shm"
	}
	work, err := os.MkdirTemp(base, "membench-seed-")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.RemoveAll(work) }()
	u, err := h.seed("sqlite:"+filepath.Join(work, "ledger.db"), roster, n)
	if err != nil {
		return "", err
	}
	logf("seeded %d rows into a SQLite ledger in %s (the apply's CPU %s, peak RSS %.0f MB); cached in %s",
		n, u.wall.Round(time.Millisecond), u.cpu.Round(time.Millisecond), float64(u.peakKB)/1024, dir)
	err = jsonFile(filepath.Join(work, "seed.json"), seedNotes{
		Rows: n, Key: h.key, SeededAt: time.Now().UTC(), WallSecond: u.wall.Seconds(),
		CPUSeconds: u.cpu.Seconds(), PeakMB: float64(u.peakKB) / 1024,
	})
	if err != nil {
		return "", err
	}
	partial := dir + ".partial"
	_ = os.RemoveAll(partial)
	if err := copyDir(work, partial); err != nil {
		return "", err
	}
	return dir, os.Rename(partial, dir)
}

// sqliteCopy copies the cached seeded ledger into a folder of its own
// under h.tmp, so measured runs never write to the cache, and returns the
// copy's ledger URL.
func (h *harness) sqliteCopy(roster string, n int, logf func(string, ...any)) (string, error) {
	seeded, err := h.sqliteSeed(roster, n, logf)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp(h.tmp, "ledger-")
	if err != nil {
		return "", err
	}
	if err := copyDir(seeded, dir); err != nil {
		return "", err
	}
	return "sqlite:" + filepath.Join(dir, "ledger.db"), nil
}

// pgSeed makes a schema of its own on PARCHMENT_TEST_DATABASE_URL's
// server and seeds the n rows of roster into a ledger there. It cannot be
// cached: scripts/with-postgres.sh's server lives for one run. drop
// removes the schema.
func (h *harness) pgSeed(ctx context.Context, roster string, n int, logf func(string, ...any)) (ledger string, drop func(), err error) {
	base := os.Getenv(pgtest.EnvURL)
	u, err := url.Parse(base)
	if base == "" || err != nil {
		// The error would quote the URL and its password.
		return "", nil, errors.New(pgtest.EnvURL + " is not a postgres:// URL")
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	schema := pgx.Identifier{"membench_" + hex.EncodeToString(suffix)}.Sanitize()
	if err := pgExec(ctx, base, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, err
	}
	drop = func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_ = pgExec(ctx, base, "DROP SCHEMA "+schema+" CASCADE")
	}
	q := u.Query()
	q.Set("search_path", "membench_"+hex.EncodeToString(suffix))
	u.RawQuery = q.Encode()
	ledger = u.String()
	usage, err := h.seed(ledger, roster, n)
	if err != nil {
		drop()
		return "", nil, err
	}
	logf("seeded %d rows into a PostgreSQL ledger in %s (the apply's CPU %s, peak RSS %.0f MB)",
		n, usage.wall.Round(time.Millisecond), usage.cpu.Round(time.Millisecond), float64(usage.peakKB)/1024)
	return ledger, drop, nil
}

func pgExec(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// once computes a value the first time a sub-benchmark asks for it, so
// that seeding only happens for the sub-benchmarks selected, and only once
// however many times -count runs them.
type once[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (o *once[T]) get(f func() (T, error)) (T, error) {
	o.once.Do(func() { o.v, o.err = f() })
	return o.v, o.err
}
