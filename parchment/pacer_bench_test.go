package parchment_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

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
		rec := &decisions{}
		s := parchmenttest.New(parchmenttest.Config{Token: pacerToken, Latency: pacerLatency, Rate: w.limit, Burst: w.burst})
		ts := httptest.NewServer(rec.wrap(s))
		c, err := parchment.New(parchment.Config{
			BaseURL: ts.URL + parchmenttest.PathPrefix, OrganizationID: org,
			OrganizationSecret: parchmenttest.DefaultOrganizationSecret, Token: pacerToken,
			Rate: w.rate, Burst: 1,
		})
		require.NoError(b, err)
		b.StartTimer()

		start := time.Now()
		rec.start(start)
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
		total.add(w, rec.all(), created, counters.RateLimited, elapsed)
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

// decision is when the stand-in answered a create, and how.
type decision struct {
	at     time.Duration // since the run began
	status int
}

// decisions records every create the stand-in answers. The stand-in
// decides after its latency and answers at once, so the answer's time is
// the decision's.
type decisions struct {
	mu    sync.Mutex
	began time.Time
	list  []decision
}

func (d *decisions) start(at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.began, d.list = at, nil
}

func (d *decisions) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		d.mu.Lock()
		defer d.mu.Unlock()
		d.list = append(d.list, decision{at: time.Since(d.began), status: rec.status})
	})
}

func (d *decisions) all() []decision {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]decision(nil), d.list...)
}

// settled is how long after from the client settled at limit: the first
// instant after which 3 s pass with no 429 and at least 90 % of limit
// admitted in every second of them. It is to - from when that never came.
func settled(ds []decision, from, to time.Duration, limit float64) time.Duration {
	const step = 250 * time.Millisecond
	count := func(from, to time.Duration, limited bool) int {
		n := 0
		for _, d := range ds {
			if d.at >= from && d.at < to && (d.status == http.StatusTooManyRequests) == limited {
				n++
			}
		}
		return n
	}
	for t := from; t+3*time.Second <= to; t += step {
		ok := count(t, t+3*time.Second, true) == 0
		for w := t; ok && w+time.Second <= t+3*time.Second; w += step {
			ok = float64(count(w, w+time.Second, false)) >= 0.9*limit
		}
		if ok {
			return t - from
		}
	}
	return to - from
}

// pacerTotals add up every iteration, so figures are averages whatever
// b.N is.
type pacerTotals struct {
	iterations int
	ofLimit    float64
	limitedPct float64
	follow     []float64 // seconds, one per change
}

func (t *pacerTotals) add(w pacerWorld, ds []decision, created, limited int, elapsed time.Duration) {
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
			t.follow[i-1] += settled(ds, p.after, end, p.limit).Seconds()
		}
	}
	for _, d := range ds {
		if d.at < w.runFor && d.status != http.StatusTooManyRequests {
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
