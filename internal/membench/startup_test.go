//go:build unix

package membench

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the ledgers' driver, to forget their saved indexes

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
)

// startupRows are the row counts of BenchmarkIdleStartup: a small clinic's
// nightly run, and one so small that the start-up is nearly all of it.
var startupRows = []int{30_000, 1_000}

// BenchmarkIdleStartup is the nightly idle apply, whole process with its
// start-up (process start, configuration, the ledger's open and migration
// check, the lock, the run's records, the report), at sizes where that
// fixed cost is a large share: an idle apply of 30,000 synced rows, on
// SQLite and on PostgreSQL, must cost at most 5 µs of CPU a row. Besides
// BenchmarkMemory's peak-MB and cpu-us/row it reports cpu-ms, the CPU of
// one run. Run it with -benchtime 1x, as BenchmarkMemory.
func BenchmarkIdleStartup(b *testing.B) {
	h := newHarness(b)
	s := newSeeds(h, b)
	for _, n := range startupRows {
		b.Run("idle-apply-"+label(n)+"-sqlite", func(b *testing.B) {
			reportRun(b, h.idleApply(b, n, s.roster(b, n), s.sqlite(b, n), staleCache))
		})
		b.Run("idle-apply-"+label(n)+"-postgres", func(b *testing.B) {
			if os.Getenv(pgtest.EnvURL) == "" {
				b.Skip(pgtest.EnvURL + " is not set; run `make bench`, which starts a throwaway PostgreSQL")
			}
			reportRun(b, h.idleApply(b, n, s.roster(b, n), s.postgres(b, n), ""))
		})
	}
	// The night after an upgrade, or after an apply killed before it saved
	// the ledger's index, reads every entry and saves the index again.
	n := startupRows[0]
	b.Run("idle-apply-"+label(n)+"-sqlite-unsaved", func(b *testing.B) {
		ledger := s.sqlite(b, n)
		reportRun(b, h.idleApplyAfter(b, n, s.roster(b, n), ledger, staleCache, func() error { return forgetSavedIndexes(b.Context(), ledger) }))
	})
	b.Run("idle-apply-"+label(n)+"-postgres-unsaved", func(b *testing.B) {
		if os.Getenv(pgtest.EnvURL) == "" {
			b.Skip(pgtest.EnvURL + " is not set; run `make bench`, which starts a throwaway PostgreSQL")
		}
		ledger := s.postgres(b, n)
		reportRun(b, h.idleApplyAfter(b, n, s.roster(b, n), ledger, "", func() error { return forgetSavedIndexes(b.Context(), ledger) }))
	})
}

// forgetSavedIndexes deletes the ledger's saved indexes.
func forgetSavedIndexes(ctx context.Context, ledger string) error {
	const forget = "DELETE FROM parchment_sync_saved_indexes"
	path, ok := strings.CutPrefix(ledger, "sqlite:")
	if !ok {
		return pgExec(ctx, ledger, forget)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	_, err = db.ExecContext(ctx, forget)
	return err
}

func reportRun(b *testing.B, cpu time.Duration) {
	b.ReportMetric(cpu.Seconds()*1e3, "cpu-ms")
}
