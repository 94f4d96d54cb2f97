package pacebench_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/pacebench"
)

// The setup: 600 creates, --concurrency 8, against 20 requests/s
// with a burst of 5 and answers after about 80 ms.
const (
	limit   = 20
	burst   = 5
	latency = 80 * time.Millisecond
	rows    = 600
)

// BenchmarkApplyPacing runs the built binary's apply of 600 new rows
// against the stand-in and reports, counted on the stand-in's side:
//
//   - of-limit: requests admitted ÷ what the limiter could have admitted
//     from its first decision to its last admission (limit × that time +
//     the burst), so 1 is the most there is;
//   - cmd-of-limit: the same over the whole command, start-up and exit
//     included: rows ÷ (limit × the command's wall time + the burst), for
//     a limit that does not change;
//   - 429-pct: the share of requests answered 429;
//   - cpu-ms: the command's user and system time;
//   - for the changing limit, follow-10-s and follow-30-s: the seconds
//     from each change until 3 s pass with no 429 and at least 90 % of the
//     new limit admitted in every second.
//
// Cases are ledger/jitter/rate: PostgreSQL and SQLite at ±20 % jitter,
// PostgreSQL also with none and ±40 %. PostgreSQL cases are skipped
// without PARCHMENT_TEST_DATABASE_URL; make bench starts one.
func BenchmarkApplyPacing(b *testing.B) {
	bin := build(b)
	csv := roster(b, rows)
	traceDir := os.Getenv(envTrace)
	for _, c := range []struct {
		ledger string
		jitter float64
	}{{"postgres", 0.2}, {"sqlite", 0.2}, {"postgres", 0}, {"postgres", 0.4}} {
		for _, rate := range []string{"100", "auto", "20"} {
			w := world{limit: limit, burst: burst, latency: latency, jitter: c.jitter, rate: rate, ledger: c.ledger, rows: rows}
			b.Run(fmt.Sprintf("%s/jitter-%g/rate-%s", c.ledger, c.jitter, rate), func(b *testing.B) { bench(b, bin, csv, w, traceDir) })
		}
	}
	// 20 → 10 → 30 requests/s, 15 s each before the rise: what the limits
	// allow in 50 s is 1,050 requests.
	changing := world{
		limit: limit, burst: burst, latency: latency, jitter: 0.2, rate: "auto", ledger: "postgres", rows: 1050,
		changes: []limitChange{{15 * time.Second, 10}, {30 * time.Second, 30}},
	}
	b.Run("postgres/jitter-0.2/changing-limit", func(b *testing.B) {
		bench(b, bin, roster(b, changing.rows), changing, traceDir)
	})
}

func bench(b *testing.B, bin, csv string, w world, traceDir string) {
	var total totals
	for b.Loop() {
		total.add(w, apply(b, bin, csv, w, traceDir))
	}
	total.report(b, w)
}

// totals add up every iteration, so figures are averages whatever b.N is.
type totals struct {
	n                                 int
	ofLimit, cmdOfLimit, limited, cpu float64
	follow                            []float64
}

func (t *totals) add(w world, r run) {
	t.n++
	admitted, refused := 0, 0
	first, last := time.Duration(-1), time.Duration(0)
	for _, d := range r.decisions {
		if first < 0 || d.At < first {
			first = d.At
		}
		if d.Limited() {
			refused++
			continue
		}
		admitted++
		last = max(last, d.At)
	}
	t.limited += 100 * float64(refused) / float64(admitted+refused)
	t.cmdOfLimit += float64(w.rows) / (w.limit*r.wall.Seconds() + float64(w.burst))
	t.cpu += float64(r.cpu.Milliseconds())
	// What the limiter could have admitted from first to last: the burst,
	// then each phase's limit for its time.
	allowed := float64(w.burst)
	phases := append([]limitChange{{0, w.limit}}, w.changes...)
	for i, p := range phases {
		from, to := max(p.after, first), last
		if i+1 < len(phases) {
			to = min(to, phases[i+1].after)
		}
		allowed += p.limit * max(to-from, 0).Seconds()
		if i > 0 {
			if len(t.follow) < i {
				t.follow = append(t.follow, 0)
			}
			t.follow[i-1] += pacebench.Settled(r.decisions, p.after, max(to, p.after), p.limit).Seconds()
		}
	}
	t.ofLimit += float64(admitted) / allowed
}

func (t totals) report(b *testing.B, w world) {
	n := float64(t.n)
	b.ReportMetric(t.ofLimit/n, "of-limit")
	if len(w.changes) == 0 {
		b.ReportMetric(t.cmdOfLimit/n, "cmd-of-limit")
	}
	b.ReportMetric(t.limited/n, "429-pct")
	b.ReportMetric(t.cpu/n, "cpu-ms")
	for i, f := range t.follow {
		b.ReportMetric(f/n, fmt.Sprintf("follow-%g-s", w.changes[i].limit))
	}
}
