package parchment

import (
	"math"
	"time"
)

// control decides the organisation's send rate from the server's answers,
// in the spirit of TCP congestion control. It is a state machine with
// no clock of its own: every call says what time it is, so tests drive it
// with simulated time.
//
// It has three modes, chosen by the band of rates that bucketFit leaves:
//
//   - slow start, before any 429 (the band has no top): each admitted
//     request adds to the rate, doubling it every slowStartDoubling while
//     callers queue for the pacer;
//   - search, while the band is wide: start a little way into the band and
//     climb by searchGrowth a second until the next 429 narrows it;
//   - plateau, once the band is narrow: stay just above its bottom, which
//     rises as the server keeps admitting, less a margin if 429s come that
//     the band cannot explain; after a hold without a 429, probe above the
//     band in case the limit rose.
//
// After every pause the server's bucket is full again; the first second
// spends what the fit is sure it holds.
//
// The rate never exceeds the ceiling, and a 429 pauses the whole
// organisation (the pacer's job): for its Retry-After until the band has a
// top, but after that a whole-second Retry-After is only a bound, and the
// pause lasts while the fitted bucket refills a few tokens.
// A full pause costs a second of sending, so the design spends its 429s on
// the answers that narrow the band most: one at the end of slow start, one
// from a slow drain while searching, then few and cheap.
type control struct {
	ceiling float64 // +Inf when no ceiling is known (RateAuto)
	rate    float64 // what the pacer sends at
	maxRate float64 // the highest rate the fits consider

	fit    *bucketFit // every answer since the limit last changed
	recent *bucketFit // the answers since the latest full pause ended
	lo, hi float64    // fit's band

	pausedUntil time.Time
	pauseBegan  time.Time
	shortPause  bool // pausedUntil is the fit's, sooner than Retry-After
	resumed     bool // a request has been sent since pausedUntil

	// clock is the time the pacer has spent holding callers back. Ramps and
	// holds run on it, so a client with little to send does not raise its
	// rate on the strength of requests it never made.
	clock     time.Duration
	resumedAt time.Duration // clock when sending resumed after the latest pause
	eventAt   time.Duration // clock at the latest new 429 or limit change
	hold      time.Duration // plateau time before probing
	probing   bool
	// freeProbes is how many more probes may find nothing without
	// doubling the hold: a few, after a change.
	freeProbes int
	// margin lowers the plateau by a fraction after 429s that did not
	// lower the band's top: a bucket too small for the jitter of arrivals
	// (a burst of 1) refuses requests even below its rate.
	margin  float64
	episode uint64 // counts pauses: answers to requests sent before one are not news
	changes int    // counts the limit changes found, for the trace
	// refusedAt is the rate sent at when the latest news 429 came.
	refusedAt float64

	// boost spends the bucket the server refilled during a pause: the fit's
	// smallest burst, less one, over a second.
	boost      float64
	boostUntil time.Time
}

// turn is what the pacer hands a request with its slot, to be given back
// with the answer.
type turn struct{ episode uint64 }

// The controller's constants. The figures behind them are in BENCHMARKS.md.
const (
	// autoStartRate is where RateAuto begins: low enough for any partner
	// API, and slow start passes 20 requests/s within a second.
	autoStartRate = 2
	// slowStartDoubling is how often slow start doubles the rate. Faster
	// overshoots further before the first 429, whose pause costs the same.
	slowStartDoubling = 200 * time.Millisecond
	// wideBand: a band whose top is more than this times its bottom is
	// searched; a narrower one is held.
	wideBand = 1.15
	// searchFrom and plateauAt are how far into the band, from its bottom,
	// the rate goes when searching and when holding. Below the limit the
	// pacer learns slowly (a rate is ruled out only once B more requests
	// than it allows have been admitted), above it one 429 teaches a lot,
	// and a slow drain teaches most, so searching starts higher.
	searchFrom = 0.4
	plateauAt  = 0.3
	// searchGrowth is the rate's growth while searching: ln 1.3, 30 % a
	// second. Slow enough that the next 429 comes from a drain of about a
	// second, which pins the rate; fast enough to leave a low start soon.
	searchGrowth = 0.26236426446749106
	// probeGrowth makes a probe exceed the plateau by 6 % after one second,
	// 24 % after two, 54 % after three: a limit that rose threefold shows
	// within about three seconds, and a probe that finds nothing has
	// drained a burst of 5 at 20 requests/s after about two.
	probeGrowth = 0.06
	// firstHold is the plateau before the first probe. A probe that finds
	// nothing costs a 429 and a short pause, so each one doubles the hold up to
	// maxHold; a limit change found by a 429 shortens it to changeHold,
	// since a limit that just changed may well change again.
	firstHold  = 20 * time.Second
	changeHold = 3 * time.Second
	maxHold    = 2 * time.Minute
	// changeProbes is how many probes after a change keep changeHold
	// though they find nothing: a limit that fell is often a throttle
	// that lifts soon, and each later probe waits twice as long. Two,
	// since the first often comes before the throttle lifts.
	changeProbes = 2
	// marginStep and maxMargin set how the plateau's margin grows with
	// each 429 that did not lower the band's top: 1 %, 3 %, 7 % … up to 25 %.
	marginStep = 0.01
	maxMargin  = 0.25
	// shortPauseTokens is how many of the fitted bucket's tokens a pause
	// shortened below Retry-After waits for: the one refused, about the
	// 1.6 that 20 requests/s × 80 ms keeps in flight, and one to spare for
	// jittered arrivals. It costs 4 requests' worth of sending where the
	// whole second costs 20.
	shortPauseTokens = 4
	// minRate is the slowest the pacer goes. Every 429 also pauses sending
	// for its Retry-After, so the server is never pressed harder.
	minRate = minFitRate
)

// newControl starts at the ceiling, or at autoStartRate without one: a
// configured rate is the caller's statement that the server accepts it.
func newControl(ceiling float64) *control {
	c := &control{ceiling: ceiling, rate: ceiling, maxRate: 1.5 * ceiling, hi: math.Inf(1), hold: firstHold}
	if ceiling == RateAuto {
		c.ceiling, c.rate, c.maxRate = math.Inf(1), autoStartRate, maxFitRate
	}
	c.fit, c.recent = newBucketFit(c.maxRate), newBucketFit(c.maxRate)
	return c
}

// sent records that a request goes now, after the pacer held it back for
// waited.
func (c *control) sent(now time.Time, waited time.Duration) turn {
	c.clock += waited
	if !c.resumed && !c.pausedUntil.IsZero() && !now.Before(c.pausedUntil) {
		c.resume(now)
	}
	c.steer(now)
	return turn{episode: c.episode}
}

// resume starts a new recent fit, whose bucket is full again, and spends
// what the pause refilled.
func (c *control) resume(now time.Time) {
	c.resumed, c.resumedAt = true, c.clock
	if c.shortPause {
		// The bucket did not refill: a recent fit, which starts full,
		// would not hold, and the requests in flight spend what did.
		return
	}
	c.recent = newBucketFit(c.maxRate)
	if math.IsInf(c.hi, 1) {
		return
	}
	refilled := c.lo * c.pausedUntil.Sub(c.pauseBegan).Seconds()
	if b := math.Floor(min(c.fit.minBurst(), refilled)); b >= 2 {
		c.boost, c.boostUntil = b-1, now.Add(time.Second)
	}
}

// admitted records an answer the server's limiter let through, whatever
// its status; queued says whether callers are waiting for the pacer, that
// is, whether a higher rate would be used.
func (c *control) admitted(now time.Time, queued bool) {
	c.record(now, true)
	if math.IsInf(c.hi, 1) && queued {
		c.rate += math.Ln2 / slowStartDoubling.Seconds()
	}
	c.steer(now)
}

// limited records a 429 and returns when the organisation may send again.
//
// That is after retryAfter, unless retryAfter is Parchment's whole
// second, the least it can say, and the band has a top: then the fitted
// bucket knows better, and the organisation pauses only while its slowest
// rate refills a few tokens (shortPauseTokens), when that is sooner. The
// call that was refused still waits its whole Retry-After (the pacer's
// caller does that).
func (c *control) limited(now time.Time, t turn, retryAfter time.Duration) time.Time {
	news := t.episode == c.episode
	plateau, top := !c.probing && c.hi <= wideBand*c.lo, c.hi
	if news {
		// The first 429 of an episode; the others answer requests sent
		// before anyone knew.
		c.episode++
		c.refusedAt = c.rate
		switch {
		case c.probing && c.freeProbes > 0:
			c.freeProbes--
		case c.probing:
			c.hold = min(2*c.hold, maxHold)
		}
		c.eventAt = c.clock
	}
	changed := c.record(now, false)
	if news && plateau && !changed && c.hi >= top {
		c.margin = min(2*c.margin+marginStep, maxMargin)
	}
	pause := retryAfter
	if !changed && !math.IsInf(c.hi, 1) && retryAfter <= time.Second {
		pause = min(pause, time.Duration(shortPauseTokens/c.lo*float64(time.Second)))
	}
	if c.resumed || c.pausedUntil.IsZero() {
		c.pauseBegan = now // the server has had nothing from us since
	}
	// Every 429 asks for its own wait, so one arriving later extends the
	// pause; none shortens it.
	if until := now.Add(pause); until.After(c.pausedUntil) || c.resumed {
		if until.After(c.pausedUntil) {
			c.pausedUntil = until
			c.shortPause = pause < retryAfter
		}
		c.resumed = false
	}
	c.steer(now)
	return c.pausedUntil
}

// record adds an answer to both fits, and says whether the limit
// changed: when the answers stop fitting one bucket, the fit falls back on
// what followed the latest pause, or starts again.
func (c *control) record(now time.Time, admitted bool) (changed bool) {
	c.fit.add(now, admitted)
	c.recent.add(now, admitted)
	lo, hi, ok := c.fit.band()
	if changed = !ok; changed {
		c.changes++
		c.fit, c.recent = c.recent, newBucketFit(c.maxRate)
		c.hold, c.eventAt, c.margin, c.freeProbes = changeHold, c.clock, 0, changeProbes
		if lo, hi, ok = c.fit.band(); !ok {
			// Nothing recent fits either: a 429 straight after a pause.
			// Halve, and slow-start from there.
			c.fit = newBucketFit(c.maxRate)
			lo, hi, _ = c.fit.band()
			c.rate /= 2
		}
	}
	c.lo, c.hi = lo, hi
	return changed
}

// steer sets the rate for the mode the band puts it in.
func (c *control) steer(now time.Time) {
	if math.IsInf(c.hi, 1) {
		c.probing = false
		c.rate = min(max(c.rate, minRate), c.ceiling) // slow start grows in admitted
		return
	}
	var target float64
	if c.hi > wideBand*c.lo {
		c.probing = false
		// Never start above the rate that met the 429: answers seen in a
		// batch (a stalled client) can leave a top of thousands.
		target = min(c.lo+searchFrom*(c.hi-c.lo), c.refusedAt)
		if c.resumed {
			target *= math.Exp(searchGrowth * (c.clock - c.resumedAt).Seconds())
		}
		target = min(target, c.hi)
	} else {
		target = c.lo + plateauAt*(c.hi-c.lo)
		x := (c.clock - c.eventAt - c.hold).Seconds()
		probing := x > 0 && c.hi < c.ceiling
		if probing && !c.probing {
			// Jitter that needed a margin may have passed: each probe
			// halves it.
			c.margin /= 2
		}
		c.probing = probing
		target *= 1 - c.margin
		if probing {
			target *= 1 + probeGrowth*x*x
		}
	}
	if now.Before(c.boostUntil) {
		target += c.boost
	}
	c.rate = min(max(target, minRate), c.ceiling)
}
