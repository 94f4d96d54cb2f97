// Peak RSS and CPU come from the child's rusage, which only unix systems
// have.

//go:build unix

package membench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
)

// BenchmarkMemory runs the real binary as a subprocess and reports, from
// its rusage, its peak RSS (peak-MB, MiB) and its CPU per row (user +
// system, cpu-us/row). Only the child's run is timed. Run it with
// -benchtime 1x: each iteration is one run of the command, of seconds.
//
//   - csv-read-1M: the floor, csvfloor reading and checking every row and
//     keeping none.
//   - validate-1M: validate --output json.
//   - validate-warned-1M: the same of a roster in which every row carries
//     a warning (a phone without its leading 0), so the report lists a
//     million warnings.
//   - plan-1M: plan of the roster against a ledger in which every row is
//     synced (the nightly case: everything unchanged).
//   - plan-1M-empty: plan against an empty ledger (onboarding: every row
//     a create, so the report lists a million changes).
//   - idle-apply-1M-sqlite, idle-apply-100k-sqlite: apply with every row
//     synced and unchanged. Each iteration points it at a new, empty
//     stand-in, and the stand-in must receive no request, so a run that
//     sends anything fails rather than reports.
//   - idle-apply-100k-postgres: the same against PostgreSQL; skipped
//     without PARCHMENT_TEST_DATABASE_URL.
//
// 1M and 100k are BENCH_MEMORY_ROWS and BENCH_IDLE_ROWS. Ledgers are
// seeded by a real apply (see seed_test.go); SQLite ones are cached in
// .tmp/membench.
func BenchmarkMemory(b *testing.B) {
	memRows := rowsFrom(b, envMemoryRows, defaultMemoryRows)
	idleRows := rowsFrom(b, envIdleRows, defaultIdleRows)
	h := newHarness(b)
	s := newSeeds(h, b)
	big, small := label(memRows), label(idleRows)

	b.Run("csv-read-"+big, func(b *testing.B) {
		roster := s.roster(b, memRows)
		measure(b, h, memRows, func(dir string) (child, func() error) {
			c := child{bin: h.floor, args: []string{roster}, stdout: filepath.Join(dir, "out")}
			return c, func() error { return expectFile(c.stdout, fmt.Sprintf("%d 0\n", memRows)) }
		})
	})
	b.Run("validate-"+big, func(b *testing.B) {
		roster := s.roster(b, memRows)
		measure(b, h, memRows, func(dir string) (child, func() error) {
			c := child{bin: h.bin, args: []string{"validate", "--csv", roster, "--output", "json"}, stdout: filepath.Join(dir, "out")}
			return c, func() error { return expectValid(c.stdout, memRows) }
		})
	})
	b.Run("validate-warned-"+big, func(b *testing.B) {
		roster, err := h.warnedRoster(memRows)
		if err != nil {
			b.Fatal(err)
		}
		measure(b, h, memRows, func(dir string) (child, func() error) {
			c := child{bin: h.bin, args: []string{"validate", "--csv", roster, "--output", "json"}, stdout: filepath.Join(dir, "out")}
			return c, func() error { return expectWarned(c.stdout, memRows) }
		})
	})
	b.Run("plan-"+big, func(b *testing.B) {
		roster, ledger := s.roster(b, memRows), s.sqlite(b, memRows)
		measure(b, h, memRows, func(dir string) (child, func() error) {
			c := h.sync(dir, ledger, "plan", roster)
			return c, func() error {
				return expectReport(c.stdout, func(r syncReport) error { return r.only("unchanged", memRows) })
			}
		})
	})
	b.Run("plan-"+big+"-empty", func(b *testing.B) {
		roster := s.roster(b, memRows)
		measure(b, h, memRows, func(dir string) (child, func() error) {
			// Text, not JSON: the report lists every create, and its last
			// line, the counts, is read without holding the rest.
			c := h.sync(dir, "sqlite:"+filepath.Join(dir, "ledger.db"), "plan", roster, "--output", "text")
			return c, func() error {
				return expectLastLine(c.stdout, fmt.Sprintf("would: create %d, adopt 0, update 0, enable 0, disable 0, "+
					"unchanged 0, manual 0, orphaned 0, invalid 0, failed 0", memRows))
			}
		})
	})
	b.Run("idle-apply-"+big+"-sqlite", func(b *testing.B) {
		h.idleApply(b, memRows, s.roster(b, memRows), s.sqlite(b, memRows), staleCache)
	})
	if idleRows != memRows { // else idle-apply-*-sqlite above is this one
		b.Run("idle-apply-"+small+"-sqlite", func(b *testing.B) {
			h.idleApply(b, idleRows, s.roster(b, idleRows), s.sqlite(b, idleRows), staleCache)
		})
	}
	b.Run("idle-apply-"+small+"-postgres", func(b *testing.B) {
		if os.Getenv(pgtest.EnvURL) == "" {
			b.Skip(pgtest.EnvURL + " is not set; run `make bench` or `make bench-memory`, which start a throwaway PostgreSQL")
		}
		h.idleApply(b, idleRows, s.roster(b, idleRows), s.postgres(b, idleRows), "")
	})
}

// seeds hands sub-benchmarks their rosters and seeded ledgers, each made
// once for the whole benchmark, the first time one asks.
type seeds struct {
	h *harness
	// cleanup is the parent benchmark's: the PostgreSQL schema outlives
	// each sub-benchmark's runs.
	cleanup  func(func())
	sqliteBy map[int]*once[string]
	pgBy     map[int]*once[string]
}

func newSeeds(h *harness, b *testing.B) *seeds {
	return &seeds{h: h, cleanup: b.Cleanup, sqliteBy: map[int]*once[string]{}, pgBy: map[int]*once[string]{}}
}

// slot is the once of row count n in by, made the first time.
func slot(by map[int]*once[string], n int) *once[string] {
	o := by[n]
	if o == nil {
		o = &once[string]{}
		by[n] = o
	}
	return o
}

func (s *seeds) roster(b *testing.B, n int) string {
	b.Helper()
	path, err := s.h.roster(n)
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// sqlite is the URL of a copy of the cached ledger seeded with n rows.
func (s *seeds) sqlite(b *testing.B, n int) string {
	b.Helper()
	roster := s.roster(b, n)
	url, err := slot(s.sqliteBy, n).get(func() (string, error) { return s.h.sqliteCopy(roster, n, b.Logf) })
	if err != nil {
		b.Fatal(err)
	}
	return url
}

// postgres is the URL of a ledger in a schema of its own, seeded with n
// rows; the schema is dropped when the benchmark ends.
func (s *seeds) postgres(b *testing.B, n int) string {
	b.Helper()
	roster := s.roster(b, n)
	url, err := slot(s.pgBy, n).get(func() (string, error) {
		began := time.Now()
		url, drop, err := s.h.pgSeed(b.Context(), roster, n, b.Logf)
		if err == nil {
			s.cleanup(drop)
			b.Logf("PostgreSQL ledger ready in %s", time.Since(began).Round(time.Millisecond))
		}
		return url, err
	})
	if err != nil {
		b.Fatal(err)
	}
	return url
}

// sync is a plan or apply of roster in JSON, logging only errors.
func (h *harness) sync(dir, ledger, mode, roster string, extra ...string) child {
	return child{bin: h.bin, ledger: ledger, stdout: filepath.Join(dir, "report.json"), args: append([]string{
		mode, "--csv", roster, "--organization-id", org, "--output", "json", "--log-level", "error",
	}, extra...)}
}

// staleCache explains an idle apply that is not idle on a cached ledger.
const staleCache = " (the cached SQLite ledger, seeded by an earlier build, no longer reads as synced: either this build " +
	"no longer recognises a ledger an earlier one wrote, which an upgrading clinic would meet too, or the cache is stale; " +
	"BENCH_MEMORY_RESEED=1 or `make bench-memory-clean` reseeds it)"

// idleApply measures an apply with the CLI's default rate and concurrency,
// as cron would run it, against a new empty stand-in: every row must be
// unchanged and nothing may reach the stand-in. It returns the mean CPU of
// a run.
func (h *harness) idleApply(b *testing.B, n int, roster, ledger, hint string) time.Duration {
	return h.idleApplyAfter(b, n, roster, ledger, hint, nil)
}

// idleApplyAfter is idleApply with before called ahead of each run.
func (h *harness) idleApplyAfter(b *testing.B, n int, roster, ledger, hint string, before func() error) time.Duration {
	return measure(b, h, n, func(dir string) (child, func() error) {
		if before != nil {
			if err := before(); err != nil {
				b.Fatal(err)
			}
		}
		srv, stop := standIn()
		c := h.sync(dir, ledger, "apply", roster, "--api-url", srv.URL)
		return c, func() error {
			defer stop()
			if err := expectReport(c.stdout, func(r syncReport) error { return r.idle(n) }); err != nil {
				return fmt.Errorf("%w%s", err, hint)
			}
			if got := srv.Counters().Requests; len(got) > 0 {
				return fmt.Errorf("not idle: the stand-in received %v", got)
			}
			return nil
		}
	})
}

// measure runs b.N iterations of one command, each in a folder of its own
// (next returns the command and the check of its result), and reports the
// highest peak RSS and the mean CPU per row, and returns the mean CPU of
// a run. A failed check fails the benchmark: a wrong run reports nothing.
func measure(b *testing.B, h *harness, rows int, next func(dir string) (child, func() error)) time.Duration {
	b.Helper()
	var (
		peakKB int64
		cpu    time.Duration
		runs   int
	)
	for b.Loop() {
		b.StopTimer()
		u := measureOne(b, h, next)
		peakKB, cpu, runs = max(peakKB, u.peakKB), cpu+u.cpu, runs+1
		b.StartTimer()
	}
	b.ReportMetric(float64(peakKB)/1024, "peak-MB")
	b.ReportMetric(cpu.Seconds()*1e6/float64(runs*rows), "cpu-us/row")
	return cpu / time.Duration(runs)
}

func measureOne(b *testing.B, h *harness, next func(dir string) (child, func() error)) usage {
	b.Helper()
	dir, err := os.MkdirTemp(h.tmp, "run-")
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	c, check := next(dir)
	b.StartTimer()
	u, err := h.run(c, dir)
	b.StopTimer()
	checkErr := check()
	if err != nil {
		b.Fatal(err)
	}
	if checkErr != nil {
		b.Fatal(checkErr)
	}
	b.Logf("wall %s, CPU %s, peak RSS %.1f MB (the launcher's floor: %.1f MB)", u.wall.Round(time.Millisecond),
		u.cpu.Round(time.Millisecond), float64(u.peakKB)/1024, float64(u.floorKB)/1024)
	if u.peakKB <= u.floorKB {
		b.Logf("the peak is at the launcher's floor: the command used at most that")
	}
	return u
}

func expectFile(path, want string) error {
	got, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if string(got) != want {
		return fmt.Errorf("output %q, want %q", got, want)
	}
	return nil
}

// expectLastLine streams the file and compares its last line.
func expectLastLine(path, want string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	var last string
	for sc.Scan() {
		last = sc.Text()
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if last != want {
		return fmt.Errorf("last line %q, want %q", last, want)
	}
	return nil
}

func expectValid(path string, n int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var v struct{ Rows, Valid, Invalid int }
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("validate's report: %w", err)
	}
	if v.Rows != n || v.Valid != n || v.Invalid != 0 {
		return fmt.Errorf("validate: %d rows, %d valid, %d invalid; want %d valid", v.Rows, v.Valid, v.Invalid, n)
	}
	return nil
}

func expectReport(path string, check func(syncReport) error) error {
	r, err := readSyncReport(path)
	if err != nil {
		return err
	}
	return check(r)
}
