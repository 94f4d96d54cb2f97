// Process CPU time comes from getrusage, which only unix systems have.

//go:build unix

package sync_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

const (
	benchRows = 2000
	// benchRate is the stand-in's per-organisation limit and the client's
	// pace, in requests per second.
	benchRate    = 100
	benchLatency = 50 * time.Millisecond
	// benchConcurrency: a create holds its worker for the 50 ms answer plus
	// two ledger commits, about 53 ms, so 100 requests/s needs 5.3 workers
	// (Little's law); 4 reach only 75 requests/s. 12 keep about six waiting
	// on the pacer, so a slot never comes due with nobody to take it, even
	// while ledger commits stall on a busy machine (burst 1 never makes a
	// missed slot up). More would only queue longer on the pacer.
	benchConcurrency = 12
)

// benchWorld is what a sub-benchmark runs against.
type benchWorld struct {
	latency time.Duration
	// limit is the requests/s both sides keep to; 0 means none.
	limit float64
}

// BenchmarkApplyCreates applies 2,000 creates to a fresh organisation per
// iteration. "paced" is the figure: 50 ms latency and 100 requests/s
// on both sides. "local" removes latency and limits, so its wall time per
// row is all local work: ledger reads and commits, the engine, and the HTTP
// round trip on loopback including the stand-in's own handling. CSV reading
// and mapping are excluded: rows are read once, before either runs.
func BenchmarkApplyCreates(b *testing.B) {
	rows := rowsOf(b, rostertest.Staff(benchRows))
	b.Run("paced", func(b *testing.B) { benchApply(b, rows, benchWorld{latency: benchLatency, limit: benchRate}) })
	b.Run("local", func(b *testing.B) { benchApply(b, rows, benchWorld{}) })
}

func benchApply(b *testing.B, rows []mapping.Row, w benchWorld) {
	var total benchTotals
	for b.Loop() {
		b.StopTimer()
		f := setup(b, parchmenttest.Config{Latency: w.latency, Rate: w.limit})
		cfg := f.config(f.client(w.clientConfig))
		cfg.Concurrency = benchConcurrency
		cpu := cpuTime(b)
		b.StartTimer()

		start := time.Now()
		r, err := psync.Apply(context.Background(), cfg, rows)
		elapsed := time.Since(start)

		b.StopTimer()
		total.cpu += cpuTime(b) - cpu
		require.NoError(b, err)
		// A fast but wrong run must not report figures.
		require.Equal(b, psync.Counts{Create: len(rows)}, r.Counts)
		require.Equal(b, len(rows), f.creates(), "creates that reached the stand-in")
		f.requireOnePerPerson(rows)
		total.iterations++
		total.rows += len(rows)
		total.elapsed += elapsed
		total.rateLimited += f.server.Counters().RateLimited
		b.StartTimer()
	}
	total.report(b, w)
}

// clientConfig paces the client as the CLI does by default, with burst 1.
// The stand-in's bucket holds a second's worth, so a larger burst would
// pass too, but it would start the run with requests the rate never paid
// for and lift the ratio by as many; with burst 1 the ratio measures the
// pacer alone. Backoffs are the defaults too.
func (w benchWorld) clientConfig(c *parchment.Config) {
	c.Rate, c.Burst = w.limit, 1
	if w.limit == 0 {
		c.Rate = float64(rate.Inf) // no client-side limit
	}
	c.MinBackoff, c.MaxBackoff = 0, 0
}

// benchTotals add up every iteration, so figures are per-row averages
// whatever b.N is.
type benchTotals struct {
	iterations  int
	rows        int
	elapsed     time.Duration
	cpu         time.Duration
	rateLimited int
}

func (t benchTotals) report(b *testing.B, w benchWorld) {
	perRow := func(d time.Duration) float64 { return d.Seconds() * 1e6 / float64(t.rows) }
	// Process CPU: the engine, the client, the stand-in's handlers and the
	// ledger's driver; PostgreSQL's own CPU is another process's.
	b.ReportMetric(perRow(t.cpu), "cpu-us/row")
	if w.limit == 0 {
		b.ReportMetric(perRow(t.elapsed), "wall-us/row")
		return
	}
	b.ReportMetric(float64(t.rows)/t.elapsed.Seconds()/w.limit, "rate-ratio")
	b.ReportMetric(float64(t.rateLimited)/float64(t.iterations), "429s")
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
