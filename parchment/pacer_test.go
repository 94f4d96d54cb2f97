package parchment

import (
	"context"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

// These tests drive the controller in simulated time (pacer_sim_test.go):
// they check its decisions and what they achieve against a token-bucket
// server, never how long anything took on this machine.

const simLatency = 80 * time.Millisecond

var epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// drain sends to server at perSecond from start until the first 429,
// recording every answer in f, and returns when the 429 came.
func drain(f *bucketFit, server *rate.Limiter, start time.Time, perSecond float64) time.Time {
	gap := time.Duration(float64(time.Second) / perSecond)
	for at := start; ; at = at.Add(gap) {
		ok := server.AllowN(at, 1)
		f.add(at, ok)
		if !ok {
			return at
		}
	}
}

func TestFitPinsRateAndBurst(t *testing.T) {
	t.Parallel()
	server := rate.NewLimiter(20, 5)
	f := newBucketFit(150)
	lo, hi, ok := f.band()
	require.True(t, ok)
	require.True(t, math.IsInf(hi, 1), "no 429 yet, no top")

	// A fast drain (100/s) pins the burst but hardly the rate...
	refused := drain(f, server, epoch, 100)
	lo, hi, ok = f.band()
	require.True(t, ok)
	require.Less(t, lo, 10.0)
	require.Greater(t, hi, 25.0)
	// ...a slow one after the bucket refilled pins the rate too.
	drain(f, server, refused.Add(time.Second), 22)
	lo, hi, ok = f.band()
	require.True(t, ok)
	require.LessOrEqual(t, lo, 20.0)
	require.GreaterOrEqual(t, hi, 20.0)
	require.Less(t, hi/lo, 1.05, "band [%v, %v]", lo, hi)
	require.LessOrEqual(t, f.minBurst(), 5.0)
	require.GreaterOrEqual(t, f.minBurst(), 4.0)
}

// A busy client reads a 429 before an answer the server admitted just
// ahead of it. Read in that order the true bucket would be ruled out (the
// 429 says the bucket is empty, the admission that follows needs one more
// token); the fit must still keep it and count the admission.
func TestFitToleratesAnAdmissionReadAfterA429(t *testing.T) {
	t.Parallel()
	server := rate.NewLimiter(20, 5)
	f := newBucketFit(150)
	// A fast drain, then slow ones after the bucket refilled, as in
	// TestFitPinsRateAndBurst ...
	type answer struct {
		at time.Time
		ok bool
	}
	var decided []answer
	at := epoch
	for _, perSecond := range []float64{100, 22, 22, 22} {
		gap := time.Duration(float64(time.Second) / perSecond)
		for ; ; at = at.Add(gap) {
			ok := server.AllowN(at, 1)
			decided = append(decided, answer{at, ok})
			if !ok {
				break
			}
		}
		at = at.Add(time.Second)
	}
	// ... each answer read as decided, except that the third 429 is read
	// before the admission decided just ahead of it, 8 ms after that.
	third, refusals := -1, 0
	for i := 0; third < 0 && i < len(decided); i++ {
		if !decided[i].ok {
			if refusals++; refusals == 3 {
				third = i
			}
		}
	}
	require.True(t, third > 0 && decided[third-1].ok)
	for i := 0; i < len(decided); i++ {
		if i == third-1 {
			f.add(decided[third].at, false)
			f.add(decided[third].at.Add(8*time.Millisecond), true)
			i++
			continue
		}
		f.add(decided[i].at, decided[i].ok)
	}
	lo, hi, ok := f.band()
	require.True(t, ok, "the true bucket must stay feasible")
	require.LessOrEqual(t, lo, 20.0)
	require.GreaterOrEqual(t, hi, 20.0)
	require.Less(t, hi/lo, 1.1, "the 429s still pin the rate: band [%v, %v]", lo, hi)
}

func TestFitNoticesALimitChange(t *testing.T) {
	t.Parallel()
	server := rate.NewLimiter(20, 5)
	f := newBucketFit(150)
	refused := drain(f, server, epoch, 100)
	refused = drain(f, server, refused.Add(time.Second), 22)
	_, _, ok := f.band()
	require.True(t, ok)

	// The limit doubles: 35 requests/s for ten seconds fit no bucket of
	// the band.
	server.SetLimitAt(refused, 40)
	for at := refused.Add(time.Second); at.Before(refused.Add(11 * time.Second)); at = at.Add(time.Second / 35) {
		f.add(at, server.AllowN(at, 1))
	}
	_, _, ok = f.band()
	require.False(t, ok)
}

func TestControlFindsTheLimit(t *testing.T) {
	t.Parallel()
	for _, ceiling := range []float64{RateAuto, 100} {
		for seed := uint64(1); seed <= 3; seed++ {
			r := sim{
				workers: 8, latency: simLatency, jitter: 2 * time.Millisecond,
				limits: []simLimit{{0, 20, 5}}, total: 600, ceiling: ceiling, seed: seed,
			}.run()
			name := []any{"ceiling %v seed %d", ceiling, seed}
			require.GreaterOrEqual(t, r.ofLimit(20), 0.94, name...)
			require.LessOrEqual(t, float64(len(r.refused)), 0.03*float64(r.sent), name...)
			require.LessOrEqual(t, r.ctl.lo, 20.0, name...)
			require.GreaterOrEqual(t, r.ctl.hi, 20.0, name...)
			require.Less(t, r.ctl.hi/r.ctl.lo, wideBand, "the band narrowed: %v", name)
		}
	}
}

// A busy client sees answers late and in batches; that must not read as a
// changed limit, whose full pause and new slow start cost several seconds.
func TestControlToleratesLateAnswers(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 3; seed++ {
		r := sim{
			workers: 8, latency: simLatency, jitter: 30 * time.Millisecond, lag: 10 * time.Millisecond,
			limits: []simLimit{{0, 20, 5}}, total: 600, ceiling: RateAuto, seed: seed,
		}.run()
		require.Zero(t, r.ctl.changes, "seed %d", seed)
		require.GreaterOrEqual(t, r.ofLimit(20), 0.94, "seed %d", seed)
		require.LessOrEqual(t, float64(len(r.refused)), 0.03*float64(r.sent), "seed %d", seed)
	}
}

func TestControlKeepsToACorrectCeiling(t *testing.T) {
	t.Parallel()
	r := sim{
		workers: 8, latency: simLatency, jitter: 2 * time.Millisecond,
		limits: []simLimit{{0, 20, 5}}, total: 600, ceiling: 20, seed: 1,
	}.run()
	require.Empty(t, r.refused)
	require.Equal(t, 20.0, r.maxRate, "never above the ceiling, from the first request on")
	require.GreaterOrEqual(t, r.ofLimit(20), 0.99)
}

// The limit falls and rises while answers come 80 ms ±20 % after their
// request and up to 10 ms late to the client: each change is followed
// within 10 s, and within 7 s on average.
func TestControlFollowsAChangingLimit(t *testing.T) {
	t.Parallel()
	var down, up time.Duration
	const runs = 8
	for seed := uint64(1); seed <= runs; seed++ {
		r := sim{
			workers: 8, latency: simLatency * 8 / 10, jitter: simLatency * 4 / 10, lag: 10 * time.Millisecond,
			limits: []simLimit{{0, 20, 5}, {15 * time.Second, 10, 5}, {30 * time.Second, 30, 5}},
			until:  50 * time.Second, ceiling: RateAuto, seed: seed,
		}.run()
		d, u := r.settled(15*time.Second, 30*time.Second, 10), r.settled(30*time.Second, 50*time.Second, 30)
		require.LessOrEqual(t, d, 10*time.Second, "down to 10, seed %d", seed)
		require.LessOrEqual(t, u, 10*time.Second, "up to 30, seed %d", seed)
		down, up = down+d, up+u
	}
	require.LessOrEqual(t, down/runs, 7*time.Second, "down to 10 on average")
	require.LessOrEqual(t, up/runs, 7*time.Second, "up to 30 on average")
}

func TestControlLeavesAMarginForABucketOfOne(t *testing.T) {
	t.Parallel()
	// A bucket of 1 absorbs no jitter: 2 ms of it refuses requests sent
	// just below the rate, and each 429 pauses sending for a second.
	r := sim{
		workers: 8, latency: simLatency, jitter: 2 * time.Millisecond,
		limits: []simLimit{{0, 20, 1}}, total: 600, ceiling: RateAuto, seed: 1,
	}.run()
	require.Positive(t, r.ctl.margin)
	require.LessOrEqual(t, float64(len(r.refused)), 0.03*float64(r.sent))
	require.GreaterOrEqual(t, r.ofLimit(20), 0.7)
}

func TestControlRaisesNoRateItDoesNotUse(t *testing.T) {
	t.Parallel()
	// One worker that thinks between requests never queues for the pacer.
	r := sim{
		workers: 1, latency: simLatency, think: 500 * time.Millisecond,
		limits: []simLimit{{0, 20, 5}}, until: time.Minute, ceiling: RateAuto, seed: 1,
	}.run()
	require.Empty(t, r.refused)
	require.Equal(t, float64(autoStartRate), r.maxRate)
}

// A stalled client sees answers in a batch: a 429 at the instant of the
// admission before it rules out no high rate, and the band's top stays in
// the thousands. The search must still not start above the rate refused.
func TestControlSearchesNoFasterThanItWasRefused(t *testing.T) {
	t.Parallel()
	c := newControl(RateAuto)
	at := epoch
	var tr turn
	for range 40 {
		tr = c.sent(at, 10*time.Millisecond)
		at = at.Add(40 * time.Millisecond)
		c.admitted(at, true)
	}
	sending := c.rate
	c.limited(at, tr, time.Second)
	require.Greater(t, c.hi, 1000.0, "a batch leaves high rates possible")
	require.LessOrEqual(t, c.rate, sending)
}

func TestControlPausesForEveryRefusal(t *testing.T) {
	t.Parallel()
	c := newControl(10)
	t0 := c.sent(epoch, 0)
	t1 := c.sent(epoch.Add(100*time.Millisecond), 100*time.Millisecond)
	c.admitted(epoch.Add(80*time.Millisecond), true)
	require.Equal(t, 10.0, c.rate, "a ceiling is where slow start ends")

	until := c.limited(epoch.Add(180*time.Millisecond), t1, time.Second)
	require.Equal(t, epoch.Add(1180*time.Millisecond), until)
	require.Equal(t, uint64(1), c.episode)
	require.False(t, math.IsInf(c.hi, 1), "the band has a top")
	require.Less(t, c.rate, 10.0)

	// An answer to a request sent before the pause is no new episode, but
	// its Retry-After still counts.
	until = c.limited(epoch.Add(190*time.Millisecond), t0, time.Second)
	require.Equal(t, epoch.Add(1190*time.Millisecond), until)
	require.Equal(t, uint64(1), c.episode)
	until = c.limited(epoch.Add(200*time.Millisecond), t0, 0)
	require.Equal(t, epoch.Add(1190*time.Millisecond), until, "no 429 shortens a pause")

	c.sent(epoch.Add(1190*time.Millisecond), time.Second)
	require.True(t, c.resumed)
}

func TestControlStartsOverWhenNothingFits(t *testing.T) {
	t.Parallel()
	c := newControl(10)
	t0 := c.sent(epoch, 0)
	// Refused at once: no token bucket that starts full does that.
	c.limited(epoch.Add(simLatency), t0, time.Second)
	require.Equal(t, 5.0, c.rate, "halved")
	require.True(t, math.IsInf(c.hi, 1), "and slow start again")
}

func TestPacerPauseHoldsBackEveryCaller(t *testing.T) {
	t.Parallel()
	p := newPacer(1000, 1, slog.New(slog.DiscardHandler))
	tr, err := p.wait(t.Context())
	require.NoError(t, err)
	p.limited(tr, time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = p.wait(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestPacerWakesItsHeadWhenTheRateRises(t *testing.T) {
	t.Parallel()
	p := newPacer(RateAuto, 1, slog.New(slog.DiscardHandler))
	p.mu.Lock()
	p.ctl.rate = 0.001 // the next slot is 1,000 s away
	p.apply(time.Now())
	p.mu.Unlock()
	_, err := p.wait(t.Context())
	require.NoError(t, err, "the first token is there")

	done := make(chan error, 1)
	go func() {
		_, err := p.wait(t.Context())
		done <- err
	}()
	require.Eventually(t, func() bool { return len(p.head) == 1 }, 10*time.Second, time.Millisecond)
	p.admitted() // slow start: the rate rises by 3.5 requests/s
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("the head kept the slot of the old rate")
	}
}

func TestPacerQueueHonoursContexts(t *testing.T) {
	t.Parallel()
	p := newPacer(0.001, 1, slog.New(slog.DiscardHandler))
	_, err := p.wait(t.Context())
	require.NoError(t, err)
	head, stopHead := context.WithCancel(t.Context())
	go func() { _, _ = p.wait(head) }()
	require.Eventually(t, func() bool { return len(p.head) == 1 }, 10*time.Second, time.Millisecond)

	queued, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = p.wait(queued)
	require.ErrorIs(t, err, context.Canceled, "a caller behind the head gives up too")
	stopHead()
	require.Eventually(t, func() bool { return len(p.head) == 0 }, 10*time.Second, time.Millisecond, "the head let go")
}
