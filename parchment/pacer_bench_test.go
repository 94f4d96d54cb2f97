package parchment_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/parchment-sync/parchment-sync/internal/pacebench"
	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

const (
	pacerLatency = 80 * time.Millisecond
	// pacerWorkers covers 20 requests/s × 80 ms (Little's law: 1.6 in
	// flight) five times over, so the pacer, not the workers, sets the
	// pace; it also covers 30 requests/s after the limit rises.
	pacerWorkers = 8
	pacerCreates = 600
	pacerToken   = "bench-token"
)

// pacerWorld is what one sub-benchmark runs: a stand-in limiting the
// organisation to limit requests/s with a bucket of burst, and a client
// with the given Rate (a ceiling, or RateAuto).
type pacerWorld struct {
	limit   float64
	burst   int
	rate    float64
	workers int
	creates int // stop after this many; 0: at runFor
	runFor  time.Duration
	changes []limitChange
}

// limitChange sets the organisation's limit at after.
type limitChange struct {
	after time.Duration
	limit float64
	burst int
}

// BenchmarkAdaptivePacer sends creates through the real Client to the
// stand-in at 80 ms latency and reports how much of the server's limit the
// pacer used (of-limit: admitted creates/s ÷ the limit), the share of
// requests answered 429 (429-pct), and for a limit that changes mid-run the
// seconds until the client settles at each new one. No database is used.
func BenchmarkAdaptivePacer(b *testing.B) {
	fixed := func(rate float64) pacerWorld {
		return pacerWorld{limit: 20, burst: 5, rate: rate, workers: pacerWorkers, creates: pacerCreates}
	}
	b.Run("ceiling-100", func(b *testing.B) { benchPacer(b, fixed(100)) })
	b.Run("auto", func(b *testing.B) { benchPacer(b, fixed(parchment.RateAuto)) })
	b.Run("ceiling-20", func(b *testing.B) { benchPacer(b, fixed(20)) })
	b.Run("changing-limit", func(b *testing.B) {
		benchPacer(b, pacerWorld{
			limit: 20, burst: 5, rate: parchment.RateAuto, workers: pacerWorkers, runFor: 50 * time.Second,
			changes: []limitChange{{15 * time.Second, 10, 5}, {30 * time.Second, 30, 5}},
		})
	})
	// One request at a time with no pacing, as a client without
	// concurrency would send: each waits out its answer's 80 ms.
	b.Run("naive-sequential", func(b *testing.B) {
		benchPacer(b, pacerWorld{limit: 40, rate: float64(rate.Inf), workers: 1, creates: 200})
	})
}

func benchPacer(b *testing.B, w pacerWorld) {
	var total pacerTotals
	for b.Loop() {
		b.StopTimer()
		s := parchmenttest.New(parchmenttest.Config{Token: pacerToken, Latency: pacerLatency, Rate: w.limit, Burst: w.burst})
		rec := pacebench.NewTrace(nil)
		ts := httptest.NewServer(rec.Wrap(s))
		c, err := parchment.New(parchment.Config{
			BaseURL: ts.URL + parchmenttest.PathPrefix, OrganizationID: org,
			OrganizationSecret: parchmenttest.DefaultOrganizationSecret, Token: pacerToken,
			Rate: w.rate, Burst: 1,
		})
		require.NoError(b, err)
		b.StartTimer()

		start := time.Now()
		for _, ch := range w.changes {
			t := time.AfterFunc(ch.after, func() { s.SetRate(org, ch.limit, ch.burst) })
			defer t.Stop()
		}
		created := createAll(b, c, w, start)
		elapsed := time.Since(start)

		b.StopTimer()
		ts.Close()
		// A fast but wrong run must not report figures.
		require.Len(b, s.Snapshot(org), created, "users the stand-in holds")
		counters := s.Counters()
		require.Equal(b, created+counters.RateLimited, counters.Requests["create"], "every request was a create, admitted or refused")
		total.add(w, rec.Decisions(), created, counters.RateLimited, elapsed)
		b.StartTimer()
	}
	total.report(b, w)
}

// createAll runs w.workers goroutines creating distinct users until
// w.creates are made or w.runFor has passed, and returns how many were.
func createAll(b *testing.B, c *parchment.Client, w pacerWorld, start time.Time) int {
	var next, created atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, w.workers)
	for range w.workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if (w.creates > 0 && i >= int64(w.creates)) || (w.runFor > 0 && time.Since(start) >= w.runFor) {
					return
				}
				_, err := c.CreateUser(context.Background(), parchment.CreateUserRequest{
					GivenName: "Rose", FamilyName: "Tyler", Email: fmt.Sprintf("rose.%d@example.com", i),
					PartnerUserID: fmt.Sprintf("BENCH-%d", i), AccessRoles: []string{"receptionist"},
				})
				if err != nil {
					errs <- err
					return
				}
				created.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(b, err)
	}
	return int(created.Load())
}

// pacerTotals add up every iteration, so figures are averages whatever
// b.N is.
type pacerTotals struct {
	iterations int
	ofLimit    float64
	limitedPct float64
	follow     []float64 // seconds, one per change
}

func (t *pacerTotals) add(w pacerWorld, ds []pacebench.Decision, created, limited int, elapsed time.Duration) {
	t.iterations++
	t.limitedPct += 100 * float64(limited) / float64(created+limited)
	if w.runFor == 0 {
		t.ofLimit += float64(created) / elapsed.Seconds() / w.limit
		return
	}
	// Against a changing limit: what was admitted before runFor, over
	// what the limits allowed in that time.
	allowed, admitted := 0.0, 0
	phases := append([]limitChange{{0, w.limit, w.burst}}, w.changes...)
	for i, p := range phases {
		end := w.runFor
		if i+1 < len(phases) {
			end = phases[i+1].after
		}
		allowed += p.limit * (end - p.after).Seconds()
		if i > 0 {
			if len(t.follow) < i {
				t.follow = append(t.follow, 0)
			}
			t.follow[i-1] += pacebench.Settled(ds, p.after, end, p.limit).Seconds()
		}
	}
	for _, d := range ds {
		if d.At < w.runFor && !d.Limited() {
			admitted++
		}
	}
	t.ofLimit += float64(admitted) / allowed
}

func (t pacerTotals) report(b *testing.B, w pacerWorld) {
	n := float64(t.iterations)
	b.ReportMetric(t.ofLimit/n, "of-limit")
	b.ReportMetric(t.limitedPct/n, "429-pct")
	for i, f := range t.follow {
		b.ReportMetric(f/n, fmt.Sprintf("follow-%g-s", w.changes[i].limit))
	}
}
